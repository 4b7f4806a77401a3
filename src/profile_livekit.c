/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile_livekit.c: the ports a LiveKit server listens on, and what it
 * tells clients, read as LiveKit itself reads its settings. Every rule
 * below cites the LiveKit function it follows (livekit/livekit at the
 * tags named; docs/profiles.md has the full list):
 *  - Settings come from the YAML of --config-body (LIVEKIT_CONFIG), else
 *    of the file named by --config (cmd/server/main.go getConfigString),
 *    decoded strictly (config.NewConfig: KnownFields unless
 *    --disable-strict-config), then the generated flags and environment
 *    (--rtc.tcp_port, LIVEKIT_RTC_TCP_PORT...; config.updateFromCLI), then
 *    --udp-port/UDP_PORT and --dev. A command-line flag beats its variable.
 *  - rtc.tcp_port, default 7881; 0 turns ICE/TCP off.
 *  - rtc.port_range_start/end win over rtc.udp_port when both are non-zero;
 *    with neither set, 50000-60000 (7882 in development mode).
 *  - TURN listens only when turn.enabled, on turn.udp_port and
 *    turn.tls_port (pkg/service/turn.go NewTurnServer). Up to 1.10.0 on
 *    udp4/tcp4 0.0.0.0; from 1.10.1 on each turn.bind_addresses entry
 *    (default 0.0.0.0) with Go's "udp"/"tcp", and Go opens a wildcard
 *    address as one dual-stack socket.
 *  - Clients are told turn:<node_ip>:<udp_port> and
 *    turns:<turn.domain>:443, a literal 443 (pkg/service/roommanager.go
 *    iceServersForParticipant).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "fileio.h"
#include "lk_keys.h"
#include "profile.h"
#include "untrusted.h"

#define LK_MAX_SET	64
#define LK_V1_3_0	10300L
#define LK_V1_9_1	10901L
#define LK_V1_10_1	11001L

/* A setting given on LiveKit's command line or in its environment. */
struct lk_set {
	char	key[160];	/* the configuration key, "rtc.tcp_port" */
	char	val[256];
	char	from[64];	/* "--rtc.tcp_port" or "LIVEKIT_RTC_TCP_PORT" */
};

struct ydoc {
	const char	*file;		/* where the YAML came from */
	yaml_document_t	 doc;
	struct errbuf	*eb;
	const char	*cmd_where;	/* "supervise.command in FILE" */
	long		 ver;		/* the LiveKit release modelled */
	const char	*verstr;
	int		 strict;
	int		 dev_flag;	/* --dev given: its value, else -1 */
	struct lk_set	 flag[LK_MAX_SET];	/* the command line */
	size_t		 nflag;
	struct lk_set	 env[LK_MAX_SET];	/* the environment */
	size_t		 nenv;
	char		 udp_port[256];	/* --udp-port or UDP_PORT */
	char		 udp_from[64];
	char		 node_ip[128];	/* --node-ip or NODE_IP */
	struct profile	*prof;
	unsigned long	 visits;	/* nodes walked, aliases counted again */
};

/*
 * Aliases make a small file a huge tree ("billion laughs"); yaml.v3
 * refuses "excessive aliasing". A walk that visits more nodes than this
 * stops with that error.
 */
#define LK_MAX_VISITS	200000UL
/*
 * Nesting portward reads: LiveKit's configurations are under 10 deep.
 * yaml.v3 allows 10000 ("exceeded max depth of 10000"), but libyaml's
 * time grows with the depth, and a reload runs on the daemon's loop: a
 * deeper file is refused before a document is built (too_deep()).
 */
#define LK_MAX_DEPTH	64

/* A value: from a flag or variable (s), or from the YAML (n), or none. */
struct lkv {
	yaml_node_t		*n;
	const struct lk_set	*s;
};

/* A message, "" if it cannot be formatted. */
static void
vmsg(char *msg, size_t len, const char *fmt, va_list ap)
{
	if (vsnprintf(msg, len, fmt, ap) < 0)
		msg[0] = '\0';
}

static int
yerr(struct ydoc *y, const yaml_node_t *n, const char *key, const char *fmt,
    ...) PW_PRINTF(4, 5);

static int
yerr(struct ydoc *y, const yaml_node_t *n, const char *key, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vmsg(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n == NULL)
		return eb_set(y->eb, y->file, 0, 0, key, "%s", msg);
	return eb_set(y->eb, y->file, (int)n->start_mark.line + 1,
	    (int)n->start_mark.column + 1, key, "%s", msg);
}

/* An error in a value from the command line or the environment. */
static int
verr(struct ydoc *y, const struct lkv *v, const char *key, const char *fmt,
    ...) PW_PRINTF(4, 5);

static int
verr(struct ydoc *y, const struct lkv *v, const char *key, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vmsg(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v->s != NULL)
		return eb_set(y->eb, y->cmd_where, 0, 0, v->s->from, "%s (%s)",
		    msg, key);
	return yerr(y, v->n, key, "%s", msg);
}

/* yaml.v3's resolve(): a plain null. */
static int
is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = (const char *)n->data.scalar.value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static const char *
sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
is_merge(const yaml_node_t *k)
{
	return k->type == YAML_SCALAR_NODE &&
	    k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    strcmp(sval(k), "<<") == 0;
}

/*
 * The value of key in mapping map, with merge keys as yaml.v3 has them:
 * an explicit key wins over a merged one, and of a list of merged
 * mappings the first that has the key wins. *found tells a null value
 * (which leaves LiveKit's default for a number, and empties a list) from
 * a missing key.
 */
static yaml_node_t *
yfind(struct ydoc *y, yaml_node_t *map, const char *key, int depth,
    int *found)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v, *m, *r;
	yaml_node_item_t *it;

	*found = 0;
	if (map == NULL || map->type != YAML_MAPPING_NODE || depth > 32 ||
	    ++y->visits > LK_MAX_VISITS)
		return NULL;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&y->doc, pair->key);
		v = yaml_document_get_node(&y->doc, pair->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE ||
		    is_merge(k))
			continue;
		if (strcmp(sval(k), key) == 0) {
			*found = 1;
			return v;
		}
	}
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&y->doc, pair->key);
		v = yaml_document_get_node(&y->doc, pair->value);
		if (k == NULL || v == NULL || !is_merge(k))
			continue;
		if (v->type == YAML_MAPPING_NODE)
			return yfind(y, v, key, depth + 1, found);
		if (v->type != YAML_SEQUENCE_NODE)
			continue;
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			m = yaml_document_get_node(&y->doc, *it);
			r = yfind(y, m, key, depth + 1, found);
			if (*found)
				return r;
		}
	}
	return NULL;
}

/* A generated flag or variable only (PortRange's fields have no key). */
static int
lk_flag(struct ydoc *y, const char *path, struct lkv *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < y->nenv; i++)
		if (strcmp(y->env[i].key, path) == 0)
			v->s = &y->env[i];
	for (i = 0; i < y->nflag; i++)
		if (strcmp(y->flag[i].key, path) == 0)
			v->s = &y->flag[i];
	return 0;
}

/* The value at a dotted path ("rtc.tcp_port"), flags first. */
static int
lk_get(struct ydoc *y, yaml_node_t *root, const char *path, struct lkv *v)
{
	char part[64], sofar[128] = "";
	const char *p, *dot;
	yaml_node_t *n = root;
	size_t i;
	int found = 0;

	memset(v, 0, sizeof(*v));
	/* urfave/cli: a flag on the command line beats its variable. */
	for (i = 0; i < y->nflag; i++)
		if (strcmp(y->flag[i].key, path) == 0)
			v->s = &y->flag[i];
	if (v->s != NULL)
		return 0;
	for (i = 0; i < y->nenv; i++)
		if (strcmp(y->env[i].key, path) == 0)
			v->s = &y->env[i];
	if (v->s != NULL)
		return 0;
	for (p = path; n != NULL; p = dot + 1) {
		dot = strchr(p, '.');
		(void)snprintf(part, sizeof(part), "%.*s", dot ? (int)(dot - p) :
		    (int)strlen(p), p);
		if (n->type != YAML_MAPPING_NODE)
			return yerr(y, n, p == path ? NULL : sofar,
			    "expected a mapping of keys");
		(void)snprintf(sofar, sizeof(sofar), "%.*s", dot ?
		    (int)(dot - path) : (int)strlen(path), path);
		n = yfind(y, n, part, 0, &found);
		if (dot == NULL)
			break;
		if (n != NULL && is_null(n))
			n = NULL;
	}
	v->n = (n != NULL && is_null(n)) ? NULL : n;
	return 0;
}

/*
 * A YAML integer as yaml.v3 resolves a plain scalar (resolve.go): Go's
 * strconv.ParseInt with base 0 after dropping '_' (so 0x, 0o, 0b, a
 * leading 0 for octal), else a float that is a whole number.
 */
static int
yaml_int(const char *s, long *out)
{
	char buf[64], *end;
	size_t i, k = 0;
	double d;
	int neg = 0;

	/* resolve(): a plain scalar is a number only if it starts like one. */
	if (s[0] == '_')
		return -1;
	for (i = 0; s[i] != '\0' && k < sizeof(buf) - 1; i++)
		if (s[i] != '_')
			buf[k++] = s[i];
	if (s[i] != '\0' || k == 0)
		return -1;
	buf[k] = '\0';
	s = buf;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!isdigit((unsigned char)*s) && !(*s == '.' &&
	    isdigit((unsigned char)s[1])))
		return -1;
	errno = 0;
	if (*s == '.')
		*out = 0, end = (char *)s;	/* a float: below */
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		*out = strtol(s + 2, &end, 8);
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		*out = strtol(s + 2, &end, 2);
	else
		*out = strtol(s, &end, 0);	/* 0x.., 0.. octal, decimal */
	if (errno == 0 && *end == '\0' && end != s) {
		if (neg)
			*out = -*out;
		return 0;
	}
	/* A float: yaml.v3 truncates it into an int field (7881.9: 7881). */
	errno = 0;
	d = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || !isfinite(d) || fabs(d) > 1e9 ||
	    strchr(buf, 'x') || strchr(buf, 'X'))
		return -1;
	*out = (long)trunc(d);
	return 0;
}

/* Go's strconv.ParseUint(s, 0, 64) for a port: prefixes, '_' between. */
static int
go_uint(const char *s, long *out)
{
	char buf[64], *end;
	size_t i, k = 0;
	int base = 10;

	if (s[0] == '\0' || s[0] == '_' || s[strlen(s) - 1] == '_')
		return -1;
	for (i = 0; s[i] != '\0' && k < sizeof(buf) - 1; i++) {
		if (s[i] == '_' && s[i + 1] == '_')
			return -1;
		if (s[i] != '_')
			buf[k++] = s[i];
	}
	buf[k] = '\0';
	s = buf;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8, s += 2;
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2, s += 2;
	else if (s[0] == '0' && s[1] != '\0')
		base = 8, s += 1;
	if (!isalnum((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtol(s, &end, base);
	return (errno != 0 || *end != '\0' || *out < 0) ? -1 : 0;
}

static int
vint(struct ydoc *y, const struct lkv *v, const char *key, long min, long max,
    long *out)
{
	const char *s;

	if (v->s != NULL) {
		/*
		 * urfave/cli's UintFlag: strconv.ParseUint(s, 0, 64), Go's
		 * literals ("0x1ec9", "0o17", "7_881"), no sign. An empty
		 * variable sets the flag to nothing: updateFromCLI writes 0.
		 */
		if (v->s->val[0] == '\0' && strncmp(v->s->from, "--", 2) != 0)
			*out = 0;
		else if (go_uint(v->s->val, out) == -1)
			return verr(y, v, key, "\"%s\" is not a number",
			    v->s->val);
	} else if (v->n == NULL)
		return 0;
	else {
		if (v->n->type != YAML_SCALAR_NODE)
			return verr(y, v, key, "expected a number");
		s = sval(v->n);
		/*
		 * yaml.v3: cannot unmarshal !!str into int. (libyaml's
		 * document gives every untagged scalar the !!str tag, so an
		 * explicit !!str or !!int cannot be told apart here.)
		 */
		if (v->n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			return verr(y, v, key, "expected a number, got the quoted "
			    "string \"%s\" (LiveKit refuses it too)", s);
		if (yaml_int(s, out) == -1)
			return verr(y, v, key, "\"%s\" is not a number", s);
	}
	if (*out < min || *out > max)
		return verr(y, v, key, "%ld is out of range %ld-%ld", *out, min,
		    max);
	return 0;
}

static int
vbool(struct ydoc *y, const struct lkv *v, const char *key, int *out)
{
	/* yaml.v3 decoding into a Go bool: 1.2's and 1.1's spellings. */
	static const char *const yes[] = { "true", "True", "TRUE", "y", "Y",
	    "yes", "Yes", "YES", "on", "On", "ON", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "n", "N",
	    "no", "No", "NO", "off", "Off", "OFF", NULL };
	/* strconv.ParseBool, for flags and variables. */
	static const char *const gyes[] = { "1", "t", "T", "true", "True",
	    "TRUE", NULL };
	static const char *const gno[] = { "0", "f", "F", "false", "False",
	    "FALSE", NULL };
	const char *const *y1 = yes, *const *n1 = no;
	const char *s;
	size_t i;

	if (v->s != NULL) {
		s = v->s->val;
		y1 = gyes;
		n1 = gno;
		/* An empty variable: the flag is set to nothing, false. */
		if (s[0] == '\0' && strncmp(v->s->from, "--", 2) != 0)
			return *out = 0, 0;
	} else if (v->n == NULL)
		return 0;
	else {
		if (v->n->type != YAML_SCALAR_NODE)
			return verr(y, v, key, "expected true or false");
		s = sval(v->n);
		/* A quoted "true" is a string; yaml.v3 takes "yes" though. */
		if (v->n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
		    (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0))
			return verr(y, v, key, "the quoted string \"%s\" is not "
			    "a boolean for LiveKit's YAML parser: write %s "
			    "unquoted", s, s);
	}
	for (i = 0; y1[i] != NULL; i++)
		if (strcmp(s, y1[i]) == 0)
			return *out = 1, 0;
	for (i = 0; n1[i] != NULL; i++)
		if (strcmp(s, n1[i]) == 0)
			return *out = 0, 0;
	return verr(y, v, key, "\"%s\" is not true or false", s);
}

static int
vstr(struct ydoc *y, const struct lkv *v, const char *key, char *buf,
    size_t len)
{
	const char *s;

	if (v->s != NULL)
		s = v->s->val;
	else if (v->n == NULL)
		return 0;
	else if (v->n->type != YAML_SCALAR_NODE)
		return verr(y, v, key, "expected a string");
	else
		s = sval(v->n);
	if (snprintf(buf, len, "%s", s) >= (int)len)
		return verr(y, v, key, "longer than %zu bytes", len - 1);
	return 0;
}

/* Go's strconv.Atoi: an optional sign, then decimal digits only. */
static int
go_atoi(const char *s, long *out)
{
	const char *d = s + (*s == '+' || *s == '-');
	char *end;

	if (!isdigit((unsigned char)*d))
		return -1;
	errno = 0;
	*out = strtol(s, &end, 10);
	return (errno != 0 || *end != '\0') ? -1 : 0;
}

/*
 * rtc.udp_port, mediatransportutil's PortRange.UnmarshalString: "" is
 * unset; "a-b" is two numbers (spaces around each trimmed), b above a;
 * anything else one number. A start of 0 is unset too (Valid()).
 */
static int
portrange_str(const char *v, long *start, long *end, const char **why)
{
	char buf[64], *dash, *a, *b, *t;

	*start = *end = 0;
	*why = NULL;
	if (v[0] == '\0')
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
		return *why = "is not a port", -1;
	if ((dash = strchr(buf, '-')) != NULL) {
		*dash = '\0';
		if (strchr(dash + 1, '-') != NULL)
			return *why = "is not a range: LiveKit wants "
			    "<start>-<end>", -1;
		for (a = buf; *a == ' '; a++)
			;
		for (t = a + strlen(a); t > a && t[-1] == ' '; t--)
			t[-1] = '\0';
		for (b = dash + 1; *b == ' '; b++)
			;
		for (t = b + strlen(b); t > b && t[-1] == ' '; t--)
			t[-1] = '\0';
		if (go_atoi(a, start) == -1 || go_atoi(b, end) == -1)
			return *why = "is not a range of two numbers", -1;
		if (*end <= *start)
			return *why = "has its start above its end, or equal: "
			    "LiveKit wants the end above the start", -1;
	} else {
		if (go_atoi(buf, start) == -1)
			return *why = "is not a port (LiveKit reads a plain "
			    "decimal number, or \"a-b\")", -1;
		*end = *start;
	}
	if (*start == 0)
		return *end = 0, 0;
	if (*start < 1 || *end > 65535)
		return *why = "is out of range 1-65535: LiveKit cannot bind it",
		    -1;
	return 0;
}

static int
vportrange(struct ydoc *y, const struct lkv *v, const struct lkv *fs,
    const struct lkv *fe, const char *key, long *start, long *end)
{
	const char *why;
	long n;

	long s2, e2;

	*start = *end = 0;
	if (v->n != NULL && v->n->type == YAML_SCALAR_NODE &&
	    portrange_str(sval(v->n), start, end, &why) == -1)
		return verr(y, v, key, "\"%s\" %s", sval(v->n), why);
	/* --rtc.udp_port.start/.end (PortRange's fields, generated flags). */
	if (fs->s != NULL) {
		if (vint(y, fs, "rtc.udp_port.start", 0, 65535, &n) == -1)
			return -1;
		*start = n;
		if (*end < *start)
			*end = *start;
	}
	if (fe->s != NULL) {
		if (vint(y, fe, "rtc.udp_port.end", 0, 65535, &n) == -1)
			return -1;
		*end = n;
	}
	/*
	 * --udp-port / UDP_PORT, after the generated flags, through
	 * UnmarshalString on what is there: one port sets the start only
	 * (a range from the file keeps its end), and LiveKit ignores the
	 * error of a value it cannot read (updateFromCLI).
	 */
	if (y->udp_port[0] != '\0') {
		if (portrange_str(y->udp_port, &s2, &e2, &why) == -1)
			prof_note(y->prof, "%s \"%s\" %s: LiveKit ignores it "
			    "and keeps rtc.udp_port", y->udp_from, y->udp_port,
			    why);
		else if (strchr(y->udp_port, '-') != NULL) {
			*start = s2;
			*end = e2;
		} else
			*start = s2;
	}
	if (*start == 0)
		*end = 0;
	else if (*end <= *start)
		*end = *start;	/* PortRange.ToSlice: the start alone */
	return 0;
}

static int
add_ep(struct ydoc *y, struct profile *p, const char *name, uint8_t proto,
    long start, long end, unsigned fam, const char *origin,
    const struct lkv *v)
{
	struct prof_endpoint *e;

	if (p->n >= PROF_MAX_ENDPOINTS)
		return eb_set(y->eb, y->file, 0, 0, origin, "too many endpoints");
	e = &p->ep[p->n++];
	(void)snprintf(e->name, sizeof(e->name), "%s", name);
	e->proto = proto;
	e->port = (uint16_t)start;
	e->port_end = (uint16_t)end;
	e->families = fam;
	/* A flag's or variable's name as the command line spelt it. */
	if (v != NULL && v->s != NULL)
		(void)ut_clean(e->origin, sizeof(e->origin), v->s->from,
		    sizeof(v->s->from));
	else
		(void)snprintf(e->origin, sizeof(e->origin), "%s", origin);
	if (v != NULL && v->n != NULL) {
		e->line = (int)v->n->start_mark.line + 1;
		e->col = (int)v->n->start_mark.column + 1;
	}
	return 0;
}

/* The IP family of a CIDR, as net.ParseCIDR takes it; 0 if not one. */
static unsigned
cidr_family(const char *s, int *all)
{
	char buf[64], *slash, *end;
	struct in6_addr a6;
	struct in_addr a4;
	long bits;

	*all = 0;
	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf) ||
	    (slash = strchr(buf, '/')) == NULL)
		return 0;
	*slash = '\0';
	errno = 0;
	bits = strtol(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || slash[1] == '\0' || bits < 0)
		return 0;
	if (inet_pton(AF_INET, buf, &a4) == 1 && bits <= 32) {
		*all = bits == 0;
		return FAM_IPV4;
	}
	if (inet_pton(AF_INET6, buf, &a6) == 1 && bits <= 128) {
		*all = bits == 0;
		return FAM_IPV6;
	}
	return 0;
}

/*
 * rtc.ips.includes/excludes (mediatransportutil IPFilterFromConf, CIDRs
 * only): the one setting that leaves a family out of ICE. With includes,
 * only the families listed; an exclude of a whole family (::/0) drops it.
 * The UDP mux binds no socket there and no candidate is offered.
 */
static int
ice_families(struct ydoc *y, yaml_node_t *root, struct profile *p,
    unsigned *fam)
{
	static const char *const keys[2] = { "rtc.ips.includes",
	    "rtc.ips.excludes" };
	yaml_node_item_t *it;
	yaml_node_t *a;
	struct lkv v;
	unsigned inc = 0, exc = 0, f;
	int k, all;

	*fam = FAM_ALL;
	for (k = 0; k < 2; k++) {
		if (lk_get(y, root, keys[k], &v) == -1)
			return -1;
		if (v.n == NULL)
			continue;
		if (v.n->type != YAML_SEQUENCE_NODE)
			return verr(y, &v, keys[k], "expected a list of CIDRs");
		for (it = v.n->data.sequence.items.start;
		    it < v.n->data.sequence.items.top; it++) {
			a = yaml_document_get_node(&y->doc, *it);
			if (a == NULL || a->type != YAML_SCALAR_NODE ||
			    (f = cidr_family(sval(a), &all)) == 0)
				return yerr(y, a, keys[k], "\"%s\" is not a "
				    "CIDR (LiveKit: \"invalid CIDR address\")",
				    a && a->type == YAML_SCALAR_NODE ? sval(a) :
				    "");
			if (k == 0)
				inc |= f;
			else if (all)
				exc |= f;
		}
	}
	/* IPFilterFromConf: with includes, excludes are not looked at. */
	if (inc != 0)
		*fam = inc;
	else
		*fam &= ~exc;
	if (*fam == 0)
		return verr(y, &v, "rtc.ips.excludes", "no IP family is left "
		    "for ICE: LiveKit would offer no candidate");
	if (*fam != FAM_ALL)
		prof_note(p, "rtc.ips leaves out %s: LiveKit offers ICE there "
		    "neither on UDP nor on TCP", *fam == FAM_IPV4 ? "IPv6" :
		    "IPv4");
	return 0;
}

/* The rtc settings that decide the ICE ports, as LiveKit reads them. */
struct rtc_cfg {
	struct lkv	 v_tcp, v_udp, v_rs, v_re, v_ft, v_us, v_ue, v_stun;
	long		 tcp, us, ue, rs, re;
	int		 force_tcp, stun;
	unsigned	 fam;		/* left for ICE by rtc.ips */
};

static int
rtc_read(struct ydoc *y, yaml_node_t *root, struct profile *p,
    struct rtc_cfg *r)
{
	memset(r, 0, sizeof(*r));
	r->tcp = 7881;
	if (lk_get(y, root, "rtc.tcp_port", &r->v_tcp) == -1 ||
	    lk_get(y, root, "rtc.udp_port", &r->v_udp) == -1 ||
	    lk_get(y, root, "rtc.port_range_start", &r->v_rs) == -1 ||
	    lk_get(y, root, "rtc.port_range_end", &r->v_re) == -1 ||
	    lk_get(y, root, "rtc.force_tcp", &r->v_ft) == -1 ||
	    lk_flag(y, "rtc.udp_port.start", &r->v_us) == -1 ||
	    lk_flag(y, "rtc.udp_port.end", &r->v_ue) == -1 ||
	    lk_get(y, root, "rtc.use_stun_port_as_ice", &r->v_stun) == -1 ||
	    ice_families(y, root, p, &r->fam) == -1)
		return -1;
	if (r->v_udp.n != NULL && r->v_udp.n->type != YAML_SCALAR_NODE)
		prof_note(p, "rtc.udp_port at line %d is not a port or a range: "
		    "LiveKit's PortRange reads scalars only and ignores it",
		    (int)r->v_udp.n->start_mark.line + 1);
	if (vint(y, &r->v_tcp, "rtc.tcp_port", 0, 65535, &r->tcp) == -1 ||
	    vportrange(y, &r->v_udp, &r->v_us, &r->v_ue, "rtc.udp_port",
	    &r->us, &r->ue) == -1 ||
	    vbool(y, &r->v_stun, "rtc.use_stun_port_as_ice", &r->stun) == -1 ||
	    vint(y, &r->v_rs, "rtc.port_range_start", 0, 65535, &r->rs) == -1 ||
	    vint(y, &r->v_re, "rtc.port_range_end", 0, 65535, &r->re) == -1 ||
	    vbool(y, &r->v_ft, "rtc.force_tcp", &r->force_tcp) == -1)
		return -1;
	return 0;
}

/* ICE/UDP on rtc.port_range_start/end, both set: they win. */
static int
rtc_port_range(struct ydoc *y, struct profile *p, const struct rtc_cfg *r)
{
	if (r->rs > r->re)
		return verr(y, &r->v_rs, "rtc.port_range_start", "range "
		    "start %ld is above its end %ld "
		    "(rtc.port_range_end)", r->rs, r->re);
	if (r->us != 0)
		prof_note(p, "rtc.udp_port is ignored: LiveKit uses "
		    "rtc.port_range_start/end when both are set");
	if (r->stun)
		prof_note(p, "rtc.use_stun_port_as_ice is ignored: "
		    "LiveKit uses it with rtc.udp_port only");
	return add_ep(y, p, "ice-udp", IPPROTO_UDP, r->rs, r->re, r->fam,
	    "rtc.port_range_start/end", &r->v_rs);
}

/* ICE/UDP on rtc.udp_port (or --udp-port, UDP_PORT), and 3478. */
static int
rtc_udp_port(struct ydoc *y, struct profile *p, const struct rtc_cfg *r)
{
	struct lkv u = r->v_udp;
	struct lk_set s;

	if (y->udp_port[0] != '\0') {
		memset(&s, 0, sizeof(s));
		(void)snprintf(s.from, sizeof(s.from), "%s", y->udp_from);
		u.s = &s;
		u.n = NULL;
	}
	if (r->ue > r->us)
		prof_note(p, "rtc.udp_port %ld-%ld: LiveKit opens a mux "
		    "socket on the first ports only, one per CPU (the "
		    "whole range is opened here)", r->us, r->ue);
	if (add_ep(y, p, "ice-udp", IPPROTO_UDP, r->us, r->ue, r->fam,
	    "rtc.udp_port", &u) == -1)
		return -1;
	/* mediatransportutil NewWebRTCConfig: 3478 as well (1.9.1+). */
	if (r->stun && y->ver >= LK_V1_9_1)
		return add_ep(y, p, "ice-udp-3478", IPPROTO_UDP, 3478,
		    3478, r->fam, "rtc.use_stun_port_as_ice", &r->v_stun);
	if (r->stun)
		prof_note(p, "rtc.use_stun_port_as_ice is ignored: "
		    "LiveKit %s predates it (1.9.1)", p->lk_version);
	return 0;
}

static int
rtc_endpoints(struct ydoc *y, yaml_node_t *root, struct profile *p, int dev)
{
	struct rtc_cfg r;

	if (rtc_read(y, root, p, &r) == -1)
		return -1;
	if (r.tcp != 0) {
		if (add_ep(y, p, "ice-tcp", IPPROTO_TCP, r.tcp, r.tcp, r.fam,
		    r.v_tcp.n || r.v_tcp.s ? "rtc.tcp_port" :
		    "rtc.tcp_port (default)", &r.v_tcp) == -1)
			return -1;
	} else
		prof_note(p, "rtc.tcp_port is 0: ICE/TCP is off, clients "
		    "behind UDP-blocking firewalls need TURN/TLS");

	if (r.force_tcp) {
		prof_note(p, "rtc.force_tcp is true: LiveKit takes no ICE/UDP "
		    "traffic, so no UDP port is opened for it");
		return 0;
	}
	if (r.rs != 0 && r.re != 0)
		return rtc_port_range(y, p, &r);
	if (r.us != 0)
		return rtc_udp_port(y, p, &r);
	if (r.rs != 0)
		return verr(y, &r.v_rs, "rtc.port_range_start", "set without "
		    "rtc.port_range_end: LiveKit then takes any ephemeral UDP "
		    "port, which no firewall rule can follow; set both, or "
		    "rtc.udp_port");
	if (r.re != 0)
		prof_note(p, "rtc.port_range_end is ignored without "
		    "rtc.port_range_start: LiveKit falls back to its default");
	if (dev)
		return add_ep(y, p, "ice-udp", IPPROTO_UDP, 7882, 7882, r.fam,
		    "rtc.udp_port (development default)", NULL);
	return add_ep(y, p, "ice-udp", IPPROTO_UDP, 50000, 60000, r.fam,
	    "rtc.port_range_start/end (default)", NULL);
}

/* What the entries of turn.bind_addresses serve, so far. */
struct binds {
	unsigned	fam;		/* client families served */
	int		wild;		/* a wildcard, one dual-stack socket */
	int		v6node;		/* one relays at node_ip's IPv6 */
	/* Client families served by a bind relaying at IPv4, at IPv6. */
	unsigned	at4, at6;
};

/* A bind serving families fam, relaying at node_ip's IPv6 if v6node. */
static void
bind_mark(struct binds *b, unsigned fam, int wild, int v6node)
{
	b->fam |= fam;
	b->wild |= wild;
	b->v6node |= v6node;
	if (v6node)
		b->at6 |= fam;
	else
		b->at4 |= fam;
}

/*
 * NewTurnServer: net.ParseIP(addr).To4() picks node_ip's IPv4 (an
 * IPv4-mapped ::ffff:a.b.c.d too), else its IPv6.
 */
static void
bind_addr(struct ydoc *y, const char *s, struct binds *b)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1)
		bind_mark(b, a4.s_addr == INADDR_ANY ? FAM_ALL : FAM_IPV4,
		    a4.s_addr == INADDR_ANY, 0);
	else if (s[0] == '\0')
		bind_mark(b, FAM_ALL, 1, 1);
	else if (inet_pton(AF_INET6, s, &a6) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&a6))
			/* ::, ::0: dual-stack */
			bind_mark(b, FAM_ALL, 1, 1);
		else if (IN6_IS_ADDR_V4MAPPED(&a6) &&
		    a6.s6_addr32[3] == INADDR_ANY)
			/* ::ffff:0.0.0.0 is Go's IPv4zero: a wildcard. */
			bind_mark(b, FAM_ALL, 1, 0);
		else if (IN6_IS_ADDR_V4MAPPED(&a6))
			/* Go binds it as IPv4. */
			bind_mark(b, FAM_IPV4, 0, 0);
		else
			bind_mark(b, FAM_IPV6, 0, 1);
	} else {
		/* A name: Go's listen resolves it, we cannot. */
		bind_mark(b, FAM_ALL, 0, 1);
		prof_note(y->prof, "turn.bind_addresses \"%s\" is a name: "
		    "LiveKit listens where it resolves (localhost: "
		    "loopback only, out of reach from outside); portward "
		    "cannot tell the family and assumes both", s);
	}
}

/*
 * turn.bind_addresses (1.10.1 and later): the families TURN serves. Go's
 * net.Listen("tcp"/"udp") on a wildcard (0.0.0.0, ::, or "") opens one
 * dual-stack socket; a specific address serves its own family only.
 */
static int
bind_families(struct ydoc *y, const struct lkv *v, unsigned *fam, int *wild,
    int *v6node, unsigned *relay)
{
	struct binds b;
	yaml_node_item_t *it;
	yaml_node_t *a;

	memset(&b, 0, sizeof(b));
	*fam = 0;
	*wild = 0;
	*v6node = 0;
	if (v->s != NULL)
		return verr(y, v, "turn.bind_addresses", "LiveKit has no flag "
		    "for it");
	if (v->n == NULL)
		return 0;
	if (v->n->type != YAML_SEQUENCE_NODE)
		return verr(y, v, "turn.bind_addresses", "expected a list of "
		    "addresses");
	for (it = v->n->data.sequence.items.start;
	    it < v->n->data.sequence.items.top; it++) {
		a = yaml_document_get_node(&y->doc, *it);
		if (a == NULL || a->type != YAML_SCALAR_NODE)
			return yerr(y, a, "turn.bind_addresses",
			    "expected an address");
		bind_addr(y, sval(a), &b);
	}
	*fam = b.fam;
	*wild = b.wild;
	*v6node = b.v6node;
	/*
	 * A wildcard is one dual-stack socket on every address of the port:
	 * any other entry is "address already in use", and LiveKit does not
	 * start (NewTurnServer returns the listen error).
	 */
	if (b.wild && v->n->data.sequence.items.top -
	    v->n->data.sequence.items.start > 1)
		return yerr(y, v->n, "turn.bind_addresses", "a wildcard "
		    "(0.0.0.0, ::) listens on every address of both families: "
		    "next to any other entry, LiveKit cannot start (address "
		    "already in use); keep the wildcard alone, or list this "
		    "host's addresses, one per family");
	/* Relayed at the other family's node IP, only when nothing else. */
	*relay = 0;
	if ((b.at4 & FAM_IPV6) && !(b.at6 & FAM_IPV6))
		*relay |= PROF_EP_RELAY4_FOR_V6;
	if ((b.at6 & FAM_IPV4) && !(b.at4 & FAM_IPV4))
		*relay |= PROF_EP_RELAY6_FOR_V4;
	return 0;
}

/*
 * pkg/service/utils.go IsValidDomain: ^(?i)[a-z0-9-]+(\.[a-z0-9-]+)+\.?$
 * (two labels at least; a trailing dot allowed).
 */
static int
valid_domain(const char *d)
{
	size_t n = strlen(d), i, label = 0;
	int dots = 0;

	if (n > 0 && d[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++) {
		if (d[i] == '.') {
			if (label == 0)
				return 0;
			dots++;
			label = 0;
		} else if (isalnum((unsigned char)d[i]) || d[i] == '-')
			label++;
		else
			return 0;
	}
	return dots > 0 && label > 0;
}

/* The turn settings, as LiveKit reads them, and what they make. */
struct turn_cfg {
	struct lkv	 v_en, v_udp, v_tls, v_ext, v_dom, v_bind, v_rs, v_re;
	long		 udp, tls, rs, re;
	int		 enabled, ext;
	char		 domain[256];
	/* What TURN binds: its families, and where it relays. */
	unsigned	 fam;
	int		 wild, nbind, v6node;
	unsigned	 relay;
	enum prof_famwhy why;
	char		 node_ip[128];
};

static int
turn_read(struct ydoc *y, yaml_node_t *root, struct turn_cfg *t)
{
	if (lk_get(y, root, "turn.enabled", &t->v_en) == -1 ||
	    lk_get(y, root, "turn.udp_port", &t->v_udp) == -1 ||
	    lk_get(y, root, "turn.tls_port", &t->v_tls) == -1 ||
	    lk_get(y, root, "turn.external_tls", &t->v_ext) == -1 ||
	    lk_get(y, root, "turn.domain", &t->v_dom) == -1 ||
	    lk_get(y, root, "turn.bind_addresses", &t->v_bind) == -1 ||
	    lk_get(y, root, "turn.relay_range_start", &t->v_rs) == -1 ||
	    lk_get(y, root, "turn.relay_range_end", &t->v_re) == -1)
		return -1;
	if (vbool(y, &t->v_en, "turn.enabled", &t->enabled) == -1 ||
	    vint(y, &t->v_udp, "turn.udp_port", INT32_MIN, 65535,
	    &t->udp) == -1 ||
	    vint(y, &t->v_tls, "turn.tls_port", INT32_MIN, 65535,
	    &t->tls) == -1 ||
	    vbool(y, &t->v_ext, "turn.external_tls", &t->ext) == -1 ||
	    vstr(y, &t->v_dom, "turn.domain", t->domain,
	    sizeof(t->domain)) == -1 ||
	    vint(y, &t->v_rs, "turn.relay_range_start", 0, 65535,
	    &t->rs) == -1 ||
	    vint(y, &t->v_re, "turn.relay_range_end", 0, 65535, &t->re) == -1)
		return -1;
	/* NewTurnServer: a port <= 0 is off. */
	if (t->udp < 0)
		t->udp = 0;
	if (t->tls < 0)
		t->tls = 0;
	return 0;
}

/* What makes LiveKit refuse to start with TURN enabled. */
static int
turn_check(struct ydoc *y, const struct turn_cfg *t)
{
	if (t->udp == 0 && t->tls == 0)
		return verr(y, &t->v_en, "turn.enabled", "TURN is enabled but "
		    "neither turn.udp_port nor turn.tls_port is set: LiveKit "
		    "itself refuses to start (\"invalid TURN ports\")");
	if (t->tls != 0 && t->domain[0] == '\0')
		return verr(y, &t->v_tls, "turn.tls_port", "TURN/TLS needs "
		    "turn.domain: LiveKit refuses to start without it "
		    "(\"TURN domain required\"), and it is the name clients "
		    "are told");
	if (t->tls != 0 && !valid_domain(t->domain))
		return verr(y, &t->v_dom, "turn.domain", "\"%s\" is not a "
		    "domain name: LiveKit refuses to start (\"TURN domain is "
		    "not correct\")", t->domain);
	return 0;
}

/* turn.bind_addresses, from 1.10.1: the families TURN serves. */
static int
turn_binds(struct ydoc *y, yaml_node_t *root, struct profile *p,
    struct turn_cfg *t)
{
	struct lkv tn;
	int found = 0;

	if (y->ver < LK_V1_10_1) {
		if (t->v_bind.n != NULL)
			prof_note(p, "turn.bind_addresses is ignored: "
			    "LiveKit %s binds TURN to 0.0.0.0 whatever it says "
			    "(the key came in 1.10.1)", p->lk_version);
		return 0;
	}
	/*
	 * Config default ["0.0.0.0"]; a null or [] empties it. A
	 * 0.0.0.0 bind serves both families and relays every
	 * allocation at node_ip's IPv4 (NewTurnServer).
	 */
	t->fam = FAM_ALL;
	t->wild = 1;
	t->relay = PROF_EP_RELAY4_FOR_V6;
	t->why = PROF_WHY_TURN_BIND;
	if (t->v_bind.n != NULL || t->v_bind.s != NULL) {
		if (bind_families(y, &t->v_bind, &t->fam, &t->wild,
		    &t->v6node, &t->relay) == -1)
			return -1;
		t->nbind = (int)(t->v_bind.n->data.sequence.items.top -
		    t->v_bind.n->data.sequence.items.start);
	} else {
		if (lk_get(y, root, "turn", &tn) == -1)
			return -1;
		if (tn.n != NULL && tn.n->type == YAML_MAPPING_NODE) {
			(void)yfind(y, tn.n, "bind_addresses", 0, &found);
			if (found)
				t->nbind = 0;	/* null: yaml.v3 empties it */
		}
	}
	if (t->nbind == 0)
		return yerr(y, t->v_bind.n != NULL ? t->v_bind.n : t->v_en.n,
		    "turn.bind_addresses",
		    "an empty list: TURN would have no socket and "
		    "LiveKit refuses to start (pion/turn: no "
		    "PacketConnConfigs and no ListenerConfigs); remove "
		    "the key for its default, 0.0.0.0 (dual-stack)");
	return 0;
}

/* rtc.node_ip, where TURN relays and what TURN/UDP clients are told. */
static int
turn_node_ip(struct ydoc *y, yaml_node_t *root, struct profile *p,
    struct turn_cfg *t)
{
	struct lkv v_node;

	if (lk_get(y, root, "rtc.node_ip", &v_node) == -1)
		return -1;
	if (v_node.n != NULL && v_node.n->type != YAML_SCALAR_NODE)
		v_node.n = NULL;	/* NodeIP reads a scalar, ignores the rest */
	if (vstr(y, &v_node, "rtc.node_ip", t->node_ip,
	    sizeof(t->node_ip)) == -1)
		return -1;
	/* updateFromCLI: --node-ip (NODE_IP) after the generated flags. */
	if (y->node_ip[0] != '\0')
		(void)snprintf(t->node_ip, sizeof(t->node_ip), "%s",
		    y->node_ip);
	if (t->v6node && strchr(t->node_ip, ':') == NULL)
		prof_note(p, "turn.bind_addresses has an address that is not "
		    "IPv4: LiveKit relays its allocations at rtc.node_ip's IPv6 "
		    "address and refuses to start without one (\"no matching "
		    "node IP for relay\"); its automatic node IP is a single "
		    "address, IPv4 when there is one: set rtc.node_ip: "
		    "\"<ipv4>,<ipv6>\"");
	/* iceServersForParticipant: turn:<ip>:<udp_port>, one per node IP. */
	if (t->udp != 0 && (t->fam & FAM_IPV6) &&
	    strchr(t->node_ip, ':') == NULL)
		prof_note(p, "TURN/UDP is told to clients as turn:<node "
		    "IP>:%ld, one URL per rtc.node_ip address: without an IPv6 "
		    "one (the automatic node IP is a single address, IPv4 when "
		    "there is one) IPv6 clients are not told TURN/UDP, though it "
		    "serves them; set rtc.node_ip: \"<ipv4>,<ipv6>\"", t->udp);
	return 0;
}

/* Endpoint name, a TURN/TLS port clients reach as domain:443. */
static int
turn_add_tls(struct ydoc *y, struct profile *p, const char *name, long port,
    unsigned fam, unsigned flags, const char *origin, const struct lkv *v,
    const char *domain)
{
	struct prof_endpoint *e;

	if (add_ep(y, p, name, IPPROTO_TCP, port, port, fam, origin, v) == -1)
		return -1;
	e = &p->ep[p->n - 1];
	e->flags |= flags;
	(void)snprintf(e->client_host, sizeof(e->client_host), "%s", domain);
	e->client_port = 443;
	return 0;
}

static int
turn_add(struct ydoc *y, struct profile *p, const struct turn_cfg *t)
{
	if (t->udp != 0) {
		if (add_ep(y, p, "turn-udp", IPPROTO_UDP, t->udp, t->udp,
		    t->fam, "turn.udp_port", &t->v_udp) == -1)
			return -1;
		p->ep[p->n - 1].famwhy = t->why;
		p->ep[p->n - 1].flags |= t->relay;
	}
	if (t->tls == 0)
		return 0;
	if (turn_add_tls(y, p, "turn-tls", t->tls, t->fam, t->relay |
	    (t->ext ? PROF_EP_TURN_TCP : PROF_EP_TURN_TLS), "turn.tls_port",
	    &t->v_tls, t->domain) == -1)
		return -1;
	p->ep[p->n - 1].famwhy = t->why;
	/* What clients use: probed, never opened by portward. */
	if (t->tls != 443)
		return turn_add_tls(y, p, "turn-tls-443", 443, FAM_ALL,
		    PROF_EP_CLIENT | PROF_EP_TURN_TLS,
		    "turn.domain:443 (told to clients)", &t->v_dom, t->domain);
	return 0;
}

/* TURN/TLS where clients are told turns:<turn.domain>:443. */
static void
turn_tls_notes(struct ydoc *y, yaml_node_t *root, struct profile *p,
    const struct turn_cfg *t)
{
	const char *domain = t->domain;
	long tls = t->tls, icetcp = 0;
	struct lkv v;

	if (tls != 0 && tls != 443 && lk_get(y, root, "rtc.tcp_port",
	    &v) == 0 && vint(y, &v, "rtc.tcp_port", 0, 65535,
	    &icetcp) == 0 && icetcp == 443 && (v.n || v.s))
		prof_note(p, "rtc.tcp_port is 443: clients told turns:%s:443 for "
		    "TURN/TLS reach LiveKit's ICE/TCP there, not TURN", domain);
	if (tls != 0 && t->ext && tls != 443)
		prof_note(p, "LiveKit tells clients turns:%s:443, and "
		    "turn.external_tls says a TLS proxy there hands TURN to "
		    "LiveKit's plain TCP on %ld: the proxy must route SNI %s on "
		    "443 to it; %ld is opened as configured, but only the proxy "
		    "needs it (443 is the proxy's, portward does not open it)",
		    domain, tls, domain, tls);
	else if (tls != 0 && t->ext)
		prof_note(p, "turn.external_tls with turn.tls_port 443: LiveKit "
		    "listens for plain TCP on 443, where clients expect TLS; "
		    "the proxy that terminates TLS for %s:443 cannot share "
		    "this host's 443", domain);
	else if (tls != 0 && tls != 443)
		prof_note(p, "LiveKit tells clients turns:%s:443, but its "
		    "TURN/TLS listens on %ld: no client uses %ld; set "
		    "turn.tls_port: 443, or route SNI %s on 443 to %ld (TLS "
		    "passthrough)", domain, tls, tls, domain, tls);
}

/* The families TURN serves, and its relay ports (never opened). */
static void
turn_family_notes(struct ydoc *y, struct profile *p, const struct turn_cfg *t,
    int dev)
{
	long rs = t->rs, re = t->re;

	if (y->ver < LK_V1_10_1)
		prof_note(p, "TURN is IPv4 only: LiveKit %s binds it to "
		    "udp4/tcp4 0.0.0.0 (1.10.1 and later serve IPv6 too)%s",
		    p->lk_version, t->tls != 0 ? "; IPv6 clients reach "
		    "TURN/TLS only through a dual-stack TLS proxy on 443 "
		    "(turn.external_tls: true)" : "");
	else if (t->fam == FAM_IPV4)
		prof_note(p, "turn.bind_addresses lists IPv4 addresses only: "
		    "TURN serves no IPv6 client; add this host's global IPv6 "
		    "address (\"::\" next to another address does not start), "
		    "or remove the key (its default, 0.0.0.0, is dual-stack)");
	else if (t->fam == FAM_IPV6)
		prof_note(p, "turn.bind_addresses lists IPv6 addresses only: "
		    "TURN serves no IPv4 client");
	else if (!t->wild)
		prof_note(p, "turn.bind_addresses: TURN serves only the "
		    "addresses listed, one socket each");
	if (rs == 0 || re == 0) {
		/* config.NewConfig's default; development mode: 30000-30002. */
		rs = 30000;
		re = dev ? 30002 : 40000;
	}
	prof_note(p, "TURN relay ports %ld-%ld/udp are not opened: LiveKit's "
	    "TURN relays to the SFU on this host (its peer in a call)", rs, re);
}

static int
turn_endpoints(struct ydoc *y, yaml_node_t *root, struct profile *p, int dev)
{
	struct turn_cfg t;

	/* Before 1.10.1: udp4/tcp4 0.0.0.0, IPv4 clients only. */
	memset(&t, 0, sizeof(t));
	t.fam = FAM_IPV4;
	t.why = PROF_WHY_TURN_V4ONLY;
	t.nbind = 1;
	if (turn_read(y, root, &t) == -1)
		return -1;
	if (!t.enabled) {
		prof_note(p, "TURN is off (turn.enabled is not true): clients "
		    "that cannot reach ICE directly have no relay");
		return 0;
	}
	if (turn_check(y, &t) == -1 || turn_binds(y, root, p, &t) == -1 ||
	    turn_node_ip(y, root, p, &t) == -1 || turn_add(y, p, &t) == -1)
		return -1;
	turn_tls_notes(y, root, p, &t);
	turn_family_notes(y, p, &t, dev);
	return 0;
}

/*
 * The TCP ports LiveKit binds besides ICE and TURN (pkg/service/server.go
 * NewLivekitServer, Start): the signal port, Prometheus (the deprecated
 * prometheus_port wins over prometheus.port) and the debug handler.
 * Never opened; two listeners on one port are LiveKit's start-up error.
 */
static int
port_notes(struct ydoc *y, yaml_node_t *root, struct profile *p)
{
	static const char *const what[3] = { "the signal port", "Prometheus",
	    "the debug handler" };
	struct lkv v[4], *vp[3];
	long port[3] = { 7880, 0, 0 }, oldprom = 0;
	size_t i, k;

	if (lk_get(y, root, "port", &v[0]) == -1 ||
	    lk_get(y, root, "prometheus.port", &v[1]) == -1 ||
	    lk_get(y, root, "debug_handler.port", &v[2]) == -1 ||
	    lk_get(y, root, "prometheus_port", &v[3]) == -1 ||
	    vint(y, &v[0], "port", 0, 65535, &port[0]) == -1 ||
	    vint(y, &v[1], "prometheus.port", 0, 65535, &port[1]) == -1 ||
	    vint(y, &v[2], "debug_handler.port", 0, 65535, &port[2]) == -1 ||
	    vint(y, &v[3], "prometheus_port", 0, 65535, &oldprom) == -1)
		return -1;
	vp[0] = &v[0];
	vp[1] = &v[1];
	vp[2] = &v[2];
	if (oldprom != 0) {
		port[1] = oldprom;
		vp[1] = &v[3];
	}
	for (k = 0; k < 3; k++) {
		if (port[k] == 0)
			continue;
		for (i = 0; i < p->n; i++) {
			const struct prof_endpoint *e = &p->ep[i];

			if (e->proto != IPPROTO_TCP ||
			    (e->flags & PROF_EP_CLIENT) ||
			    port[k] < e->port || port[k] > e->port_end)
				continue;
			return verr(y, vp[k], k == 0 ? "port" : k == 1 &&
			    oldprom ? "prometheus_port" : k == 1 ?
			    "prometheus.port" : "debug_handler.port", "%s, "
			    "%ld, is also %s (%s): LiveKit cannot bind both",
			    what[k], port[k], e->name, e->origin);
		}
		for (i = 0; i < k; i++)
			if (port[i] == port[k])
				return verr(y, vp[k], k == 1 && oldprom ?
				    "prometheus_port" : k == 1 ?
				    "prometheus.port" : "debug_handler.port",
				    "%s, %ld, is also %s: LiveKit cannot bind "
				    "both", what[k], port[k], what[i]);
	}
	prof_note(p, "signal port %ld/tcp (API and WebSocket) is not opened: "
	    "publish it through your TLS reverse proxy", port[0]);
	if (port[1] != 0)
		prof_note(p, "Prometheus port %ld/tcp (%s) is not opened: scrape "
		    "it from inside", port[1], oldprom ? "prometheus_port" :
		    "prometheus.port");
	if (port[2] != 0)
		prof_note(p, "debug handler port %ld/tcp is not opened: it is "
		    "for this host only", port[2]);
	return 0;
}

/* ---- strict keys ---- */

/*
 * src/lk_keys.c is LiveKit 1.13.5's table. Against 1.10.0's (the same
 * generator at that tag, tools/lk_keys.md) these keys came later: in the
 * release named where it is known (git tag --contains), else in one after
 * 1.10.0 (1: refused up to 1.10.0 only). One key went away since.
 */
static const struct {
	const char	*path;
	long		 since;
} later_keys[] = {
	{ "api", 1 }, { "debug_handler", 11302 },
	{ "debug_handler.port", 11302 }, { "enable_participant_data_blob", 1 },
	{ "rtc.use_stun_port_as_ice", 10901 },
	{ "rtc.advertise_internal_ip", 1 },
	{ "rtc.skip_external_ip_validation", 1 },
	{ "rtc.host_acceptance_min_wait", 1 },
	{ "rtc.srflx_acceptance_min_wait", 1 },
	{ "rtc.prflx_acceptance_min_wait", 1 },
	{ "rtc.relay_acceptance_min_wait", 1 },
	{ "rtc.allow_udp_unstable_fallback", 1 },
	{ "rtc.tcp_fallback_rtt_threshold", 1 },
	{ "rtc.datachannel_data_track_target_latency", 1 },
	{ "rtc.turn_servers[].secret_file", 1 },
	{ "turn.bind_addresses", 11001 }, { "turn.ttl_seconds", 1 },
	{ "turn.allow_restricted_peer_cidrs", 1 },
	{ "turn.deny_peer_cidrs", 1 }, { "agents.enable_user_data_redaction", 1 },
	{ "agents.target_load", 1 }, { "limit.max_data_blob_key_length", 1 },
	{ "limit.max_data_blobs_size", 1 },
	{ "limit.max_data_track_custom_encoding_length", 1 },
};

/* Known to the release modelled? *later: the release it came in. */
static int
key_known(struct ydoc *y, const char *path, const struct lk_key **key,
    long *later)
{
	static const struct lk_key gone = { "room.create_room_enabled",
	    LK_BOOL };
	size_t i;
	long since;

	*later = 0;
	if (y->ver < LK_V1_10_1 && strcmp(path, gone.path) == 0)
		return *key = &gone, 1;
	for (i = 0; i < sizeof(later_keys) / sizeof(later_keys[0]); i++) {
		if (strcmp(path, later_keys[i].path) != 0)
			continue;
		since = later_keys[i].since == 1 ? LK_V1_10_1 :
		    later_keys[i].since;
		if (y->ver < since) {
			*later = later_keys[i].since;
			return *key = NULL, 0;
		}
	}
	return (*key = lk_key_find(path)) != NULL;
}

/* A mapping's scalar key, for the duplicate check (dup_in()). */
struct dkey {
	const char	*s;
	size_t		 i;	/* its pair's index */
};

static int
dkey_cmp(const void *a, const void *b)
{
	const struct dkey *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c != 0 ? c : x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The first pair of mapping n (in order) whose key an earlier pair has
 * already, and that earlier pair: *dup = *first = (size_t)-1 if none.
 * Sorted, not pair against pair: a 1 MB mapping is 80,000 keys, and
 * comparing each with those before it took 20 s of the daemon's loop.
 * -1: out of memory.
 */
static int
dup_in(struct ydoc *y, const yaml_node_t *n, size_t *dup, size_t *first)
{
	size_t np = (size_t)(n->data.mapping.pairs.top -
	    n->data.mapping.pairs.start), nk = 0, i, j;
	yaml_node_pair_t *pair;
	yaml_node_t *k;
	struct dkey *d;

	*dup = *first = (size_t)-1;
	if (np < 2)
		return 0;
	if ((d = calloc(np, sizeof(*d))) == NULL)
		return -1;
	for (pair = n->data.mapping.pairs.start, i = 0;
	    pair < n->data.mapping.pairs.top; pair++, i++) {
		k = yaml_document_get_node(&y->doc, pair->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE) {
			d[nk].s = sval(k);
			d[nk++].i = i;
		}
	}
	qsort(d, nk, sizeof(*d), dkey_cmp);
	/* In each run of one key, the second is its first duplicate. */
	for (i = 0; i < nk; i = j) {
		for (j = i + 1; j < nk && strcmp(d[j].s, d[i].s) == 0; j++)
			;
		if (j > i + 1 && d[i + 1].i < *dup) {
			*dup = d[i + 1].i;
			*first = d[i].i;
		}
	}
	free(d);
	return 0;
}

/* The dotted path of key under path ("rtc" "tcp_port": "rtc.tcp_port"). */
static void
key_path(char *sub, size_t len, const char *path, const char *key)
{
	if (path[0] == '\0')
		(void)snprintf(sub, len, "%s", key);
	else
		(void)snprintf(sub, len, "%s.%s", path, key);
}

/* A merge key's value: a mapping, or a list of mappings. */
static int
sanity_merge(struct ydoc *y, yaml_node_t *v)
{
	yaml_node_item_t *it;
	yaml_node_t *m;

	if (v->type == YAML_SEQUENCE_NODE) {
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			m = yaml_document_get_node(&y->doc, *it);
			if (m == NULL || m->type != YAML_MAPPING_NODE)
				return yerr(y, m ? m : v, "<<", "a merge list "
				    "takes mappings only");
		}
	} else if (v->type != YAML_MAPPING_NODE)
		return yerr(y, v, "<<", "a merge key takes a mapping or a list "
		    "of mappings");
	return 0;
}

static int
yaml_sanity(struct ydoc *y, yaml_node_t *n, const char *path, int depth,
    yaml_node_t **stack);

/* Mapping n's pairs: string keys, each once, merges of mappings. */
static int
sanity_map(struct ydoc *y, yaml_node_t *n, const char *path, int depth,
    yaml_node_t **stack)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v, *k2;
	size_t dup, first;
	char sub[256];

	if (dup_in(y, n, &dup, &first) == -1)
		return yerr(y, n, path, "out of memory");
	for (pair = n->data.mapping.pairs.start;
	    pair < n->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&y->doc, pair->key);
		v = yaml_document_get_node(&y->doc, pair->value);
		if (k == NULL || v == NULL)
			continue;
		if (k->type != YAML_SCALAR_NODE)
			return yerr(y, k, path, "a key must be a string");
		key_path(sub, sizeof(sub), path, sval(k));
		if ((size_t)(pair - n->data.mapping.pairs.start) == dup) {
			k2 = yaml_document_get_node(&y->doc,
			    n->data.mapping.pairs.start[first].key);
			return yerr(y, k, sub, "defined twice (first at line "
			    "%d): LiveKit's YAML parser refuses it",
			    (int)k2->start_mark.line + 1);
		}
		if (is_merge(k) && sanity_merge(y, v) == -1)
			return -1;
		if (yaml_sanity(y, v, is_merge(k) ? path : sub, depth + 1,
		    stack) == -1)
			return -1;
	}
	return 0;
}

/*
 * What yaml.v3 refuses whatever the mode, over the whole document: a
 * key twice in one mapping (two merge keys too), a merge of something
 * that is not a mapping, an anchor whose value contains itself, and
 * aliases that expand too far; nesting (through aliases) deeper than
 * portward reads.
 */
static int
yaml_sanity(struct ydoc *y, yaml_node_t *n, const char *path, int depth,
    yaml_node_t **stack)
{
	yaml_node_item_t *it;
	int i;

	if (n == NULL)
		return 0;
	if (++y->visits > LK_MAX_VISITS)
		return yerr(y, n, path, "the document expands to too many nodes "
		    "through its aliases: LiveKit's YAML parser refuses it too "
		    "(\"excessive aliasing\")");
	/* Levels are collections, as too_deep() counts them. */
	if (n->type == YAML_SCALAR_NODE)
		return 0;
	if (depth >= LK_MAX_DEPTH)
		return yerr(y, n, path, "nested deeper than %d levels (through "
		    "aliases): not a LiveKit configuration, which is under 10 "
		    "deep", LK_MAX_DEPTH);
	for (i = 0; i < depth; i++)
		if (stack[i] == n)
			return yerr(y, n, path, "an anchor's value contains "
			    "itself: LiveKit's YAML parser refuses it");
	stack[depth] = n;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++)
			if (yaml_sanity(y, yaml_document_get_node(&y->doc, *it),
			    path, depth + 1, stack) == -1)
				return -1;
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return 0;
	return sanity_map(y, n, path, depth, stack);
}

/* yaml.v3's shapes: a struct or a map wants a mapping, a slice a list. */
static int
check_shape(struct ydoc *y, const struct lk_key *key, yaml_node_t *v,
    const char *path)
{
	struct lkv lv;
	int b;

	if (is_null(v))
		return 0;
	switch (key->kind) {
	case LK_MAP:
	case LK_ANYMAP:
	case LK_MAPOF:
		if (v->type != YAML_MAPPING_NODE)
			return yerr(y, v, path, "expected a mapping of keys: "
			    "LiveKit's YAML parser refuses anything else");
		break;
	case LK_LIST:
	case LK_LISTOF:
		if (v->type != YAML_SEQUENCE_NODE)
			return yerr(y, v, path, "expected a list: LiveKit's "
			    "YAML parser refuses anything else");
		break;
	case LK_BOOL:
		/* yaml.v3 decoding into a Go bool: vbool's reading. */
		lv.n = v;
		lv.s = NULL;
		if (vbool(y, &lv, path, &b) == -1)
			return -1;
		break;
	case LK_SCALAR:
		/* PortRange, NodeIP: their own parser ignores the rest. */
		if (v->type != YAML_SCALAR_NODE &&
		    strcmp(path, "rtc.udp_port") != 0 &&
		    strcmp(path, "rtc.node_ip") != 0)
			return yerr(y, v, path, "expected a single value, not a "
			    "%s", v->type == YAML_MAPPING_NODE ? "mapping" :
			    "list");
		break;
	}
	return 0;
}

static int
check_keys(struct ydoc *y, yaml_node_t *n, const char *path, int depth);

/* check_keys() on each item of list n, at path. */
static int
check_items(struct ydoc *y, yaml_node_t *n, const char *path, int depth)
{
	yaml_node_item_t *it;

	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		if (check_keys(y, yaml_document_get_node(&y->doc, *it), path,
		    depth) == -1)
			return -1;
	return 0;
}

/* Key k, unknown to the release modelled: what the strict parser says. */
static int
unknown_key(struct ydoc *y, const yaml_node_t *k, const char *sub,
    long later)
{
	char since[48];

	if (later > 0)
		(void)snprintf(since, sizeof(since), "%ld.%ld.%ld",
		    later / 10000, later / 100 % 100, later % 100);
	return yerr(y, k, sub, "LiveKit %s has no such key%s%s%s: "
	    "its strict parser refuses the file (\"field %s not "
	    "found\"); fix the key (livekit-server "
	    "--disable-strict-config would ignore it)",
	    y->verstr, later ? " (it came in " : "",
	    later == 1 ? "a release after 1.10.0" : later ?
	    since : "", later ? ")" : "", sval(k));
}

/* The pair k: v of the mapping at path (not a merge key). */
static int
check_pair(struct ydoc *y, yaml_node_t *k, yaml_node_t *v, const char *path,
    int depth)
{
	const struct lk_key *key;
	char sub[256];
	long later;

	if (path[0] != '\0') {
		key = lk_key_find(path);
		if (key != NULL && (key->kind == LK_ANYMAP ||
		    key->kind == LK_ANY))
			return 0;
		if (key != NULL && key->kind == LK_MAPOF) {
			(void)snprintf(sub, sizeof(sub), "%s.*", path);
			return check_keys(y, v, sub, depth + 1);
		}
	}
	key_path(sub, sizeof(sub), path, sval(k));
	if (!key_known(y, sub, &key, &later))
		return y->strict ? unknown_key(y, k, sub, later) : 0;
	if (check_shape(y, key, v, sub) == -1)
		return -1;
	if (key->kind == LK_MAP || key->kind == LK_LISTOF ||
	    key->kind == LK_MAPOF)
		return check_keys(y, v, sub, depth + 1);
	return 0;
}

/*
 * LiveKit decodes its YAML with KnownFields(true) unless
 * --disable-strict-config: an unknown key anywhere is a start-up error,
 * also one that came in through a merge key. The shape of a known key
 * is checked in both modes.
 */
static int
check_keys(struct ydoc *y, yaml_node_t *n, const char *path, int depth)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;
	const struct lk_key *key;
	char sub[256];

	if (n == NULL || depth > 64)
		return 0;
	if (n->type == YAML_SEQUENCE_NODE) {
		key = lk_key_find(path);
		if (key == NULL || key->kind != LK_LISTOF)
			return 0;
		(void)snprintf(sub, sizeof(sub), "%s[]", path);
		return check_items(y, n, sub, depth + 1);
	}
	if (n->type != YAML_MAPPING_NODE)
		return 0;
	for (pair = n->data.mapping.pairs.start;
	    pair < n->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&y->doc, pair->key);
		v = yaml_document_get_node(&y->doc, pair->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			continue;
		/* A merge: its mappings' keys are this mapping's. */
		if (is_merge(k) && v->type == YAML_MAPPING_NODE) {
			if (check_keys(y, v, path, depth + 1) == -1)
				return -1;
		} else if (is_merge(k) && v->type == YAML_SEQUENCE_NODE) {
			if (check_items(y, v, path, depth + 1) == -1)
				return -1;
		} else if (!is_merge(k) &&
		    check_pair(y, k, v, path, depth) == -1)
			return -1;
	}
	return 0;
}

/* ---- versions ---- */

long
lk_version_num(const char *s)
{
	long a, b, c;
	int n = 0;

	if (s == NULL)
		return -1;
	if (*s == 'v')
		s++;
	if (sscanf(s, "%ld.%ld.%ld%n", &a, &b, &c, &n) != 3 || n == 0 ||
	    (s[n] != '\0' && s[n] != '-' && s[n] != '+') || a < 0 || b < 0 ||
	    c < 0 || a > 99 || b > 99 || c > 99 || !isdigit((unsigned char)*s))
		return -1;
	return a * 10000 + b * 100 + c;
}

int
lk_version_parse_output(const char *out, char *buf, size_t len)
{
	const char *p;
	char v[16];
	size_t n;

	/* urfave/cli: "livekit-server version 1.13.5". */
	if ((p = strstr(out, "version ")) == NULL)
		return -1;
	p += 8;
	for (n = 0; n < sizeof(v) - 1 && (isdigit((unsigned char)p[n]) ||
	    p[n] == '.' || p[n] == 'v'); n++)
		v[n] = p[n];
	v[n] = '\0';
	if (lk_version_num(v) == -1)
		return -1;
	(void)snprintf(buf, len, "%s", v[0] == 'v' ? v + 1 : v);
	return 0;
}

/* ---- the command line and the environment ---- */

/* LiveKit's own flags (cmd/server/main.go baseFlags): value-taking? */
static const struct {
	const char	*name;
	int		 value;
} base_flags[] = {
	{ "bind", 1 }, { "config", 1 }, { "config-body", 1 },
	{ "key-file", 1 }, { "keys", 1 }, { "region", 1 }, { "node-ip", 1 },
	{ "udp-port", 1 }, { "redis-host", 1 }, { "redis-password", 1 },
	{ "turn-cert", 1 }, { "turn-key", 1 }, { "cpuprofile", 1 },
	{ "memprofile", 1 }, { "dev", 0 }, { "disable-strict-config", 0 },
};

struct lk_cmd {
	const char	*config;	/* --config */
	const char	*body;		/* --config-body */
	const char	*body_from;
	int		 disable_strict;
};

/*
 * A generated flag (config.GenerateCLIFlags): 0 if there is none, 1 if
 * it takes a value, 2 for a bool. Scalars of the table, less the two
 * structs whose fields get flags instead (PortRange, NodeIP).
 */
static const char *const struct_fields[] = { "rtc.udp_port.start",
    "rtc.udp_port.end", "rtc.node_ip.ipv4", "rtc.node_ip.ipv6", NULL };

static int
gen_flag(struct ydoc *y, const char *name)
{
	const struct lk_key *k;
	size_t i;
	long later;

	for (i = 0; struct_fields[i] != NULL; i++)
		if (strcmp(name, struct_fields[i]) == 0)
			return 1;
	if (strcmp(name, "rtc.udp_port") == 0 ||
	    strcmp(name, "rtc.node_ip") == 0 ||
	    !key_known(y, name, &k, &later))
		return 0;
	return k->kind == LK_BOOL ? 2 : k->kind == LK_SCALAR ? 1 : 0;
}

static int
add_set(struct ydoc *y, struct lk_set *arr, size_t *n, const char *key,
    const char *val, const char *from)
{
	if (*n >= LK_MAX_SET)
		return eb_set(y->eb, y->cmd_where, 0, 0, from, "more than %d "
		    "LiveKit settings", LK_MAX_SET);
	if (snprintf(arr[*n].key, sizeof(arr[*n].key), "%s", key) >=
	    (int)sizeof(arr[*n].key) ||
	    snprintf(arr[*n].val, sizeof(arr[*n].val), "%s", val) >=
	    (int)sizeof(arr[*n].val))
		return eb_set(y->eb, y->cmd_where, 0, 0, from, "too long");
	(void)snprintf(arr[*n].from, sizeof(arr[*n].from), "%.63s", from);
	(*n)++;
	return 0;
}

/*
 * The generated variables (LIVEKIT_ + the key in upper case, '.' -> '_')
 * that var is: every key it names is set (LIVEKIT_PROMETHEUS_PORT sets
 * prometheus.port and prometheus_port alike).
 */
static int
env_keys(struct ydoc *y, const char *var, const char *val)
{
	const struct lk_key *k;
	const char *path;
	char want[160];
	size_t i, j;

	if (strncmp(var, "LIVEKIT_", 8) != 0)
		return 0;
	for (i = 0; (k = lk_key_at(i)) != NULL || struct_fields[i -
	    lk_nkeys] != NULL; i++) {
		path = k != NULL ? k->path : struct_fields[i - lk_nkeys];
		if (strchr(path, '*') || strchr(path, '[') ||
		    gen_flag(y, path) == 0)
			continue;
		for (j = 0; path[j] != '\0' && j < sizeof(want) - 1; j++)
			want[j] = path[j] == '.' ? '_' :
			    (char)toupper((unsigned char)path[j]);
		want[j] = '\0';
		if (strcmp(var + 8, want) == 0 &&
		    add_set(y, y->env, &y->nenv, path, val, var) == -1)
			return -1;
	}
	return 0;
}

/* --udp-port or UDP_PORT: vportrange() applies it last. */
static void
set_udp_port(struct ydoc *y, const char *val, const char *from)
{
	(void)snprintf(y->udp_port, sizeof(y->udp_port), "%s", val);
	(void)snprintf(y->udp_from, sizeof(y->udp_from), "%s", from);
}

static int
read_env(struct ydoc *y, const struct lk_opts *o, struct lk_cmd *cmd)
{
	char name[160];
	const char *eq;
	size_t i;

	for (i = 0; i < o->nenv; i++) {
		if ((eq = strchr(o->env[i], '=')) == NULL ||
		    (size_t)(eq - o->env[i]) >= sizeof(name))
			continue;
		(void)snprintf(name, sizeof(name), "%.*s",
		    (int)(eq - o->env[i]), o->env[i]);
		if (strcmp(name, "LIVEKIT_CONFIG") == 0) {
			if (eq[1] != '\0') {
				cmd->body = eq + 1;
				cmd->body_from = "LIVEKIT_CONFIG";
			}
		} else if (strcmp(name, "NODE_IP") == 0) {
			(void)snprintf(y->node_ip, sizeof(y->node_ip), "%s",
			    eq + 1);
		} else if (strcmp(name, "UDP_PORT") == 0) {
			set_udp_port(y, eq + 1, "UDP_PORT");
		} else if (env_keys(y, name, eq + 1) == -1)
			return -1;
	}
	return 0;
}

/*
 * Is name one of LiveKit's own flags (*base: its index in base_flags,
 * else -1) or a generated one, and does it take a value (*takes)?
 */
static int
argv_flag(struct ydoc *y, const char *name, const char *from, int *base,
    int *takes)
{
	size_t k;

	*base = -1;
	*takes = 0;
	for (k = 0; k < sizeof(base_flags) / sizeof(base_flags[0]); k++)
		if (strcmp(name, base_flags[k].name) == 0)
			*base = (int)k;
	if (*base >= 0)
		*takes = base_flags[*base].value;
	else if (gen_flag(y, name) != 0) {
		if (y->ver < LK_V1_3_0)
			return eb_set(y->eb, y->cmd_where, 0, 0, from,
			    "LiveKit %s has no generated flags (they "
			    "came in 1.3.0)", y->verstr);
		*takes = gen_flag(y, name) == 1;
	} else
		return eb_set(y->eb, y->cmd_where, 0, 0, from,
		    "livekit-server has no such flag (it refuses to "
		    "start); portward reads its ports from the "
		    "flags LiveKit knows");
	return 0;
}

/* A boolean flag's value, as urfave/cli reads it (vbool()). */
static int
argv_bool(struct ydoc *y, const char *name, const char *from,
    const char *val, int *b)
{
	struct lk_set s;
	struct lkv v = { NULL, &s };

	memset(&s, 0, sizeof(s));
	(void)snprintf(s.val, sizeof(s.val), "%s", val);
	(void)snprintf(s.from, sizeof(s.from), "%s", from);
	return vbool(y, &v, name, b);
}

/* One of LiveKit's own flags (base_flags), given val. */
static int
argv_base(struct ydoc *y, struct lk_cmd *cmd, const char *name,
    const char *from, const char *val)
{
	int b = 0;

	if (strcmp(name, "config") == 0)
		cmd->config = val;
	else if (strcmp(name, "config-body") == 0) {
		cmd->body = val;
		cmd->body_from = "--config-body";
	} else if (strcmp(name, "node-ip") == 0) {
		(void)snprintf(y->node_ip, sizeof(y->node_ip), "%s", val);
	} else if (strcmp(name, "udp-port") == 0) {
		set_udp_port(y, val, "--udp-port");
	} else if (strcmp(name, "dev") == 0 ||
	    strcmp(name, "disable-strict-config") == 0) {
		if (argv_bool(y, name, from, val, &b) == -1)
			return -1;
		if (name[0] == 'd' && name[1] == 'e')
			y->dev_flag = b;
		else
			cmd->disable_strict = b;
	}
	return 0;
}

static int
read_argv(struct ydoc *y, const struct lk_opts *o, struct lk_cmd *cmd)
{
	char name[160], from[64];
	const char *a, *val, *eq;
	size_t i;
	int base, takes;

	for (i = 1; i < o->argc; i++) {
		a = o->argv[i];
		if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0')
			return eb_set(y->eb, y->cmd_where, 0, 0, a, "not a "
			    "livekit-server flag: a subcommand or argument "
			    "does not start the server portward expects");
		a += a[1] == '-' ? 2 : 1;
		eq = strchr(a, '=');
		(void)snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - a) :
		    (int)strlen(a), a);
		(void)snprintf(from, sizeof(from), "--%.61s", name);
		if (argv_flag(y, name, from, &base, &takes) == -1)
			return -1;
		if (eq != NULL)
			val = eq + 1;
		else if (!takes)
			val = "true";
		else if (i + 1 < o->argc)
			val = o->argv[++i];
		else
			return eb_set(y->eb, y->cmd_where, 0, 0, from,
			    "needs a value");
		if (base < 0 ? add_set(y, y->flag, &y->nflag, name, val,
		    from) == -1 : argv_base(y, cmd, name, from, val) == -1)
			return -1;
	}
	return 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* --config, relative to where LiveKit runs, names the file we read? */
static int
same_file(const char *arg, const char *workdir, const char *file)
{
	char joined[PATH_MAX], a[PATH_MAX], b[PATH_MAX];

	if (arg[0] != '/' && workdir != NULL && workdir[0] != '\0') {
		if (snprintf(joined, sizeof(joined), "%s/%s", workdir, arg) >=
		    (int)sizeof(joined))
			return 0;
		arg = joined;
	}
	if (realpath(arg, a) != NULL && realpath(file, b) != NULL)
		return strcmp(a, b) == 0;
	return strcmp(arg, file) == 0;
}

/*
 * Nesting deeper than LK_MAX_DEPTH, found from libyaml's events before
 * a document is built: the scan stops at the first level too deep, so a
 * file of 100000 levels costs what 64 do. 1 with where that level starts;
 * 0 otherwise, a syntax error too (load_yaml() reports it).
 */
static int
too_deep(const char *text, size_t len, int *line, int *col)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, deep = 0, end = 0;

	if (!yaml_parser_initialize(&parser))
		return 0;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!deep && !end && yaml_parser_parse(&parser, &ev)) {
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > LK_MAX_DEPTH) {
				*line = (int)ev.start_mark.line + 1;
				*col = (int)ev.start_mark.column + 1;
				deep = 1;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			end = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return deep;
}

static int
load_yaml(struct ydoc *y, const char *text, size_t len)
{
	yaml_parser_t parser;
	int line, col;

	if (len > FIO_MAX_FILE)
		return eb_set(y->eb, y->file, 0, 0, NULL, "larger than %d "
		    "bytes: not a configuration", FIO_MAX_FILE);
	if (too_deep(text, len, &line, &col))
		return eb_set(y->eb, y->file, line, col, NULL, "nested deeper than "
		    "%d levels: not a LiveKit configuration, which is under 10 "
		    "deep", LK_MAX_DEPTH);

	if (!yaml_parser_initialize(&parser))
		return eb_set(y->eb, y->file, 0, 0, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &y->doc)) {
		eb_set(y->eb, y->file, (int)parser.problem_mark.line + 1,
		    (int)parser.problem_mark.column + 1, NULL,
		    "malformed YAML: %s%s%s", parser.problem ? parser.problem :
		    "error", parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	return 0;
}

/* The LiveKit release modelled: the one given, else the current one. */
static int
model_version(struct ydoc *y, const struct lk_opts *o, struct profile *p)
{
	if (o->version != NULL) {
		if ((y->ver = lk_version_num(o->version)) == -1)
			return eb_set(y->eb, o->version_from ? o->version_from :
			    o->file, 0, 0, "livekit_version", "\"%s\" is not a "
			    "LiveKit version (1.10.0, 1.13.5...)", o->version);
		(void)snprintf(p->lk_version, sizeof(p->lk_version), "%s",
		    o->version[0] == 'v' ? o->version + 1 : o->version);
		(void)ut_copy(p->lk_version_from, sizeof(p->lk_version_from),
		    o->version_from ? o->version_from : "given", UT_MAX_IN);
	} else {
		y->ver = lk_version_num(LK_CURRENT_VERSION);
		(void)snprintf(p->lk_version, sizeof(p->lk_version), "%s",
		    LK_CURRENT_VERSION);
		(void)snprintf(p->lk_version_from, sizeof(p->lk_version_from),
		    "assumed: the current release");
		prof_note(p, "no LiveKit version given (livekit_version) or "
		    "read from livekit-server --version: portward models the "
		    "current release, %s", LK_CURRENT_VERSION);
	}
	y->verstr = p->lk_version;
	return 0;
}

/* LiveKit's environment and, when it runs livekit-server, its flags. */
static int
read_cmd(struct ydoc *y, const struct lk_opts *o, struct profile *p,
    struct lk_cmd *cmd)
{
	if (read_env(y, o, cmd) == -1)
		return -1;
	if (o->argc > 0 && strcmp(base_name(o->argv[0]), "livekit-server") == 0) {
		if (read_argv(y, o, cmd) == -1)
			return -1;
	} else if (o->argc > 0)
		prof_note(p, "supervise.command runs %s, not livekit-server: "
		    "portward cannot read the flags it passes to LiveKit; the "
		    "ports come from %s", base_name(o->argv[0]), o->file);
	y->strict = !cmd->disable_strict;
	return 0;
}

/*
 * The YAML LiveKit reads, into y->doc: getConfigString, a non-empty body
 * wins over the file. The file's text stays in *text (to free).
 */
static int
read_config(struct ydoc *y, const struct lk_opts *o, struct profile *p,
    const struct lk_cmd *cmd, char **text, size_t *len)
{
	static char where[128];

	if (cmd->body != NULL && cmd->body[0] != '\0') {
		(void)snprintf(where, sizeof(where), "%s (in %s)",
		    cmd->body_from, y->cmd_where);
		y->file = where;
		if (load_yaml(y, cmd->body, strlen(cmd->body)) == -1)
			return -1;
		prof_note(p, "LiveKit reads its settings from %s, not from %s: "
		    "so does portward", cmd->body_from, o->file);
		return 0;
	}
	if (cmd->config != NULL && !same_file(cmd->config, o->workdir, o->file))
		return eb_set(y->eb, y->cmd_where, 0, 0, "--config", "LiveKit "
		    "reads %s, but livekit_config is %s: portward would "
		    "open the ports of another file; name one file in "
		    "both", cmd->config, o->file);
	if (o->argc > 0 && cmd->config == NULL && !o->config_implied &&
	    strcmp(base_name(o->argv[0]), "livekit-server") == 0)
		return eb_set(y->eb, y->cmd_where, 0, 0, "--config",
		    "livekit-server is started without --config: "
		    "LiveKit would run on its defaults, not on %s; "
		    "add --config %s", o->file, o->file);
	if (fio_read(o->file, text, len, y->eb) == -1)
		return -1;
	if (load_yaml(y, *text, *len) == -1) {
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

/* The document's root mapping into *root, NULL for none (a null). */
static int
config_root(struct ydoc *y, const struct lk_cmd *cmd, size_t len,
    yaml_node_t **root)
{
	yaml_node_t *r = yaml_document_get_root_node(&y->doc);

	*root = NULL;
	/*
	 * getConfigString/NewConfig: an empty string is no configuration,
	 * but text without a document (comments only) is Decode's io.EOF.
	 */
	if (r == NULL && (cmd->body != NULL ? cmd->body[0] != '\0' : len > 0))
		return eb_set(y->eb, y->file, 0, 0, NULL, "no settings, only "
		    "comments or blank lines: LiveKit refuses to start "
		    "(\"could not parse config: EOF\"); an empty file would "
		    "give its defaults");
	if (r != NULL && !is_null(r) && r->type != YAML_MAPPING_NODE)
		return yerr(y, r, NULL, "expected a mapping of LiveKit "
		    "settings");
	if (r != NULL && !is_null(r))
		*root = r;
	return 0;
}

/* What LiveKit's YAML parser refuses, in the mode LiveKit runs in. */
static int
check_doc(struct ydoc *y, yaml_node_t *root)
{
	yaml_node_t **stack;
	int rc = 0;

	if ((stack = calloc(LK_MAX_DEPTH, sizeof(*stack))) == NULL)
		return eb_set(y->eb, y->file, 0, 0, NULL, "out of memory");
	if (yaml_sanity(y, root, "", 0, stack) == -1 ||
	    check_keys(y, root, "", 0) == -1)
		rc = -1;
	free(stack);
	return rc;
}

/* The endpoints and notes of a checked document. */
static int
model_endpoints(struct ydoc *y, yaml_node_t *root, struct profile *p)
{
	struct lkv v_dev;
	size_t i;
	int dev = 0;

	if (!y->strict)
		prof_note(p, "--disable-strict-config: LiveKit ignores unknown "
		    "keys, and so does portward");
	if (lk_get(y, root, "development", &v_dev) == -1 ||
	    vbool(y, &v_dev, "development", &dev) == -1)
		return -1;
	if (y->dev_flag != -1)
		dev = y->dev_flag;
	if (rtc_endpoints(y, root, p, dev) == -1)
		return -1;
	for (i = 0; i < p->n; i++)
		if (p->ep[i].families != FAM_ALL)
			p->ep[i].famwhy = PROF_WHY_RTC_IPS;
	if (turn_endpoints(y, root, p, dev) == -1 ||
	    port_notes(y, root, p) == -1)
		return -1;
	return prof_validate(p, y->eb);
}

int
prof_load_livekit_ex(const struct lk_opts *o, struct profile *p,
    struct errbuf *eb)
{
	static struct ydoc y;
	struct lk_cmd cmd;
	yaml_node_t *root;
	char *text = NULL;
	size_t len = 0;
	int rc = -1;

	memset(&y, 0, sizeof(y));
	memset(&cmd, 0, sizeof(cmd));
	y.file = o->file;
	y.eb = eb;
	y.dev_flag = -1;
	y.cmd_where = o->cmd_where ? o->cmd_where : "supervise.command";
	memset(p, 0, sizeof(*p));
	p->kind = PROF_SRC_LIVEKIT;
	if (snprintf(p->source, sizeof(p->source), "%s", o->file) >=
	    (int)sizeof(p->source))
		return eb_set(eb, o->file, 0, 0, NULL, "path too long");
	if (model_version(&y, o, p) == -1)
		return -1;
	y.prof = p;
	if (read_cmd(&y, o, p, &cmd) == -1 ||
	    read_config(&y, o, p, &cmd, &text, &len) == -1)
		return -1;
	if (config_root(&y, &cmd, len, &root) == 0 &&
	    check_doc(&y, root) == 0)
		rc = model_endpoints(&y, root, p);
	yaml_document_delete(&y.doc);
	free(text);
	return rc;
}

int
prof_load_livekit(const char *path, struct profile *p, struct errbuf *eb)
{
	struct lk_opts o;

	memset(&o, 0, sizeof(o));
	o.file = path;
	return prof_load_livekit_ex(&o, p, eb);
}
