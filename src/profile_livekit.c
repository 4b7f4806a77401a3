/*
 * profile_livekit.c: the ports a LiveKit server listens on, read from the
 * operator's own livekit.yaml with LiveKit's own defaults and precedence
 * (pkg/config and mediatransportutil's rtcconfig in LiveKit's source):
 *  - rtc.tcp_port, default 7881; 0 turns ICE/TCP off.
 *  - rtc.port_range_start/end win over rtc.udp_port when both are non-zero;
 *    with neither set, 50000-60000 (7882 in development mode).
 *  - rtc.udp_port is "7882" or "7882-7892" (a mux socket on each).
 *  - TURN listens only when turn.enabled, on turn.udp_port and
 *    turn.tls_port; both unset is LiveKit's "invalid TURN ports" start-up
 *    error. Releases up to 1.10.0 bind TURN to 0.0.0.0 (IPv4 only).
 * Only the keys that decide ports are read; the rest of the file is
 * LiveKit's business and left alone.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "fileio.h"
#include "profile.h"

struct ydoc {
	const char	*file;
	yaml_document_t	 doc;
	struct errbuf	*eb;
};

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
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	if (n == NULL)
		return eb_set(y->eb, y->file, 0, 0, key, "%s", msg);
	return eb_set(y->eb, y->file, (int)n->start_mark.line + 1,
	    (int)n->start_mark.column + 1, key, "%s", msg);
}

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

/* The value of key in mapping map, or NULL (also for a null value). */
static yaml_node_t *
yget(struct ydoc *y, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&y->doc, pair->key);
		v = yaml_document_get_node(&y->doc, pair->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			continue;
		if (strcmp((const char *)k->data.scalar.value, key) == 0)
			return is_null(v) ? NULL : v;
	}
	return NULL;
}

static int
ymap(struct ydoc *y, yaml_node_t *parent, const char *key, yaml_node_t **out)
{
	*out = yget(y, parent, key);
	if (*out != NULL && (*out)->type != YAML_MAPPING_NODE)
		return yerr(y, *out, key, "expected a mapping of keys");
	return 0;
}

/* Decimal digits, after an optional '-' when neg is set. */
static int
parse_num(const char *s, int neg, long *out)
{
	char *end;

	if (!isdigit((unsigned char)s[neg && s[0] == '-' ? 1 : 0]))
		return -1;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

static int
yint(struct ydoc *y, yaml_node_t *n, const char *key, long min, long max,
    long *out)
{
	const char *v;

	if (n == NULL)
		return 0;
	if (n->type != YAML_SCALAR_NODE)
		return yerr(y, n, key, "expected a number");
	v = (const char *)n->data.scalar.value;
	/* LiveKit's YAML decoder rejects a quoted number as well. */
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return yerr(y, n, key, "expected a number, got the quoted "
		    "string \"%s\" (LiveKit rejects it too)", v);
	if (parse_num(v, 1, out) == -1)
		return yerr(y, n, key, "\"%s\" is not a number", v);
	if (*out < min || *out > max)
		return yerr(y, n, key, "%ld is out of range %ld-%ld", *out, min,
		    max);
	return 0;
}

static int
ybool(struct ydoc *y, yaml_node_t *n, const char *key, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no",
	    "No", "NO", "off", "Off", "OFF", NULL };
	const char *v;
	size_t i;

	if (n == NULL)
		return 0;
	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return yerr(y, n, key, "expected true or false");
	v = (const char *)n->data.scalar.value;
	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(v, yes[i]) == 0)
			return *out = 1, 0;
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(v, no[i]) == 0)
			return *out = 0, 0;
	return yerr(y, n, key, "\"%s\" is not true or false", v);
}

/* rtc.udp_port: "7882" or "7882-7892", quoted or not (LiveKit's PortRange). */
static int
yportrange(struct ydoc *y, yaml_node_t *n, const char *key, long *start,
    long *end)
{
	char buf[32], *dash;
	const char *v;

	*start = *end = 0;
	if (n == NULL)
		return 0;
	if (n->type != YAML_SCALAR_NODE)
		return yerr(y, n, key, "expected a port or a range \"a-b\"");
	v = (const char *)n->data.scalar.value;
	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
		return yerr(y, n, key, "\"%.20s...\" is not a port or a range", v);
	if ((dash = strchr(buf, '-')) == NULL) {
		if (parse_num(buf, 0, start) == -1)
			return yerr(y, n, key, "\"%s\" is not a port or a range "
			    "\"a-b\"", v);
		*end = *start;
	} else {
		*dash = '\0';
		if (parse_num(buf, 0, start) == -1 ||
		    parse_num(dash + 1, 0, end) == -1)
			return yerr(y, n, key, "\"%s\" is not a range \"a-b\"",
			    v);
		if (*start > *end)
			return yerr(y, n, key, "range start %ld is above its end "
			    "%ld", *start, *end);
		if (*start == *end)
			return yerr(y, n, key, "LiveKit rejects the range \"%s\": "
			    "its end must be greater than its start; write "
			    "the single port", v);
	}
	if (*start < 1 || *end > 65535)
		return yerr(y, n, key, "port %ld is out of range 1-65535",
		    *start < 1 ? *start : *end);
	return 0;
}

/* turn.bind_addresses (LiveKit 1.10.1 and later): the families served. */
static int
ybind_families(struct ydoc *y, yaml_node_t *n, unsigned *fam)
{
	struct in6_addr a6;
	struct in_addr a4;
	yaml_node_item_t *it;
	yaml_node_t *a;
	const char *v;

	if (n->type != YAML_SEQUENCE_NODE)
		return yerr(y, n, "turn.bind_addresses",
		    "expected a list of addresses");
	*fam = 0;
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		a = yaml_document_get_node(&y->doc, *it);
		if (a == NULL || a->type != YAML_SCALAR_NODE)
			return yerr(y, a, "turn.bind_addresses",
			    "expected an address");
		v = (const char *)a->data.scalar.value;
		if (strcmp(v, "::") == 0)
			*fam |= FAM_ALL;	/* Go's "::" is dual-stack */
		else if (inet_pton(AF_INET, v, &a4) == 1)
			*fam |= FAM_IPV4;
		else if (inet_pton(AF_INET6, v, &a6) == 1)
			*fam |= FAM_IPV6;
		else
			return yerr(y, a, "turn.bind_addresses",
			    "\"%s\" is not an IP address", v);
	}
	if (*fam == 0)
		*fam = FAM_IPV4;
	return 0;
}

static int
add_ep(struct ydoc *y, struct profile *p, const char *name, uint8_t proto,
    long start, long end, unsigned fam, const char *origin,
    const yaml_node_t *n)
{
	struct prof_endpoint *e;

	if (p->n >= PROF_MAX_ENDPOINTS)
		return yerr(y, n, origin, "too many endpoints");
	e = &p->ep[p->n++];
	(void)snprintf(e->name, sizeof(e->name), "%s", name);
	e->proto = proto;
	e->port = (uint16_t)start;
	e->port_end = (uint16_t)end;
	e->families = fam;
	(void)snprintf(e->origin, sizeof(e->origin), "%s", origin);
	if (n != NULL) {
		e->line = (int)n->start_mark.line + 1;
		e->col = (int)n->start_mark.column + 1;
	}
	return 0;
}

static int
rtc_endpoints(struct ydoc *y, yaml_node_t *root, struct profile *p)
{
	yaml_node_t *rtc, *n_tcp, *n_udp, *n_rs, *n_re;
	long tcp = 7881, us = 0, ue = 0, rs = 0, re = 0;
	int force_tcp = 0, dev = 0;

	if (ybool(y, yget(y, root, "development"), "development", &dev) == -1 ||
	    ymap(y, root, "rtc", &rtc) == -1)
		return -1;
	n_tcp = yget(y, rtc, "tcp_port");
	n_udp = yget(y, rtc, "udp_port");
	n_rs = yget(y, rtc, "port_range_start");
	n_re = yget(y, rtc, "port_range_end");
	if (yint(y, n_tcp, "rtc.tcp_port", 0, 65535, &tcp) == -1 ||
	    yportrange(y, n_udp, "rtc.udp_port", &us, &ue) == -1 ||
	    yint(y, n_rs, "rtc.port_range_start", 0, 65535, &rs) == -1 ||
	    yint(y, n_re, "rtc.port_range_end", 0, 65535, &re) == -1 ||
	    ybool(y, yget(y, rtc, "force_tcp"), "rtc.force_tcp",
	    &force_tcp) == -1)
		return -1;

	if (tcp != 0) {
		if (add_ep(y, p, "ice-tcp", IPPROTO_TCP, tcp, tcp, FAM_ALL,
		    n_tcp ? "rtc.tcp_port" : "rtc.tcp_port (default)",
		    n_tcp) == -1)
			return -1;
	} else
		prof_note(p, "rtc.tcp_port is 0: ICE/TCP is off, clients "
		    "behind UDP-blocking firewalls need TURN/TLS");

	if (force_tcp) {
		prof_note(p, "rtc.force_tcp is true: LiveKit takes no ICE/UDP "
		    "traffic, so no UDP port is opened for it");
		return 0;
	}
	if (rs != 0 && re != 0) {
		if (rs > re)
			return yerr(y, n_rs, "rtc.port_range_start", "range "
			    "start %ld is above its end %ld "
			    "(rtc.port_range_end)", rs, re);
		if (n_udp != NULL)
			prof_note(p, "rtc.udp_port is ignored: LiveKit uses "
			    "rtc.port_range_start/end when both are set");
		return add_ep(y, p, "ice-udp", IPPROTO_UDP, rs, re, FAM_ALL,
		    "rtc.port_range_start/end", n_rs);
	}
	if (us != 0)
		return add_ep(y, p, "ice-udp", IPPROTO_UDP, us, ue, FAM_ALL,
		    "rtc.udp_port", n_udp);
	if (rs != 0)
		return yerr(y, n_rs, "rtc.port_range_start", "set without "
		    "rtc.port_range_end: LiveKit then takes any ephemeral UDP "
		    "port, which no firewall rule can follow; set both, or "
		    "rtc.udp_port");
	if (re != 0)
		prof_note(p, "rtc.port_range_end is ignored without "
		    "rtc.port_range_start: LiveKit falls back to its default");
	if (dev)
		return add_ep(y, p, "ice-udp", IPPROTO_UDP, 7882, 7882, FAM_ALL,
		    "rtc.udp_port (development default)", NULL);
	return add_ep(y, p, "ice-udp", IPPROTO_UDP, 50000, 60000, FAM_ALL,
	    "rtc.port_range_start/end (default)", NULL);
}

static int
turn_endpoints(struct ydoc *y, yaml_node_t *root, struct profile *p)
{
	yaml_node_t *turn, *n_en, *n_udp, *n_tls, *n_bind;
	long udp = 0, tls = 0, rs = 0, re = 0;
	int enabled = 0, ext = 0;
	unsigned fam = FAM_IPV4, tls_fam;

	if (ymap(y, root, "turn", &turn) == -1)
		return -1;
	n_en = yget(y, turn, "enabled");
	n_udp = yget(y, turn, "udp_port");
	n_tls = yget(y, turn, "tls_port");
	n_bind = yget(y, turn, "bind_addresses");
	if (ybool(y, n_en, "turn.enabled", &enabled) == -1 ||
	    yint(y, n_udp, "turn.udp_port", 0, 65535, &udp) == -1 ||
	    yint(y, n_tls, "turn.tls_port", 0, 65535, &tls) == -1 ||
	    ybool(y, yget(y, turn, "external_tls"), "turn.external_tls",
	    &ext) == -1 ||
	    yint(y, yget(y, turn, "relay_range_start"), "turn.relay_range_start",
	    0, 65535, &rs) == -1 ||
	    yint(y, yget(y, turn, "relay_range_end"), "turn.relay_range_end",
	    0, 65535, &re) == -1)
		return -1;
	if (!enabled) {
		prof_note(p, "TURN is off (turn.enabled is not true): clients "
		    "that cannot reach ICE directly have no relay");
		return 0;
	}
	if (udp == 0 && tls == 0)
		return yerr(y, n_en, "turn.enabled", "TURN is enabled but "
		    "neither turn.udp_port nor turn.tls_port is set: LiveKit "
		    "itself refuses to start (\"invalid TURN ports\")");
	if (n_bind != NULL) {
		if (ybind_families(y, n_bind, &fam) == -1)
			return -1;
		prof_note(p, "turn.bind_addresses is set (LiveKit 1.10.1 and "
		    "later): TURN serves the families of those addresses");
	}
	if (udp != 0 && add_ep(y, p, "turn-udp", IPPROTO_UDP, udp, udp, fam,
	    "turn.udp_port", n_udp) == -1)
		return -1;
	tls_fam = ext ? FAM_ALL : fam;
	if (tls != 0 && add_ep(y, p, "turn-tls", IPPROTO_TCP, tls, tls, tls_fam,
	    "turn.tls_port", n_tls) == -1)
		return -1;
	if (tls != 0 && ext)
		prof_note(p, "turn.external_tls is true: a TLS proxy in front "
		    "terminates TURN/TLS on port %ld and serves it over IPv4 "
		    "and IPv6 (it must listen on both)", tls);
	if (tls != 0 && !ext && yget(y, turn, "domain") == NULL)
		prof_note(p, "turn.domain is not set: LiveKit refuses to start "
		    "TURN/TLS without it (\"TURN domain required\")");
	if (n_bind == NULL && tls != 0 && !ext)
		prof_note(p, "TURN is IPv4 only: LiveKit up to 1.10.0 binds it "
		    "to udp4/tcp4; IPv6 clients can reach TURN/TLS only "
		    "through a dual-stack TLS proxy (turn.external_tls: true)");
	else if (n_bind == NULL && udp != 0)
		prof_note(p, "TURN/UDP is IPv4 only: LiveKit up to 1.10.0 binds "
		    "it to udp4%s", tls != 0 ? "; IPv6 clients use TURN/TLS "
		    "through the proxy" : "; IPv6 clients have no TURN");
	if (rs == 0 || re == 0) {
		rs = 30000;
		re = 40000;
	}
	prof_note(p, "TURN relay ports %ld-%ld/udp are not opened: LiveKit's "
	    "TURN relays to the SFU on this host", rs, re);
	return 0;
}

static int
unexposed_notes(struct ydoc *y, yaml_node_t *root, struct profile *p)
{
	long sig = 7880, prom = 0;

	if (yint(y, yget(y, root, "port"), "port", 1, 65535, &sig) == -1 ||
	    yint(y, yget(y, root, "prometheus_port"), "prometheus_port", 0,
	    65535, &prom) == -1)
		return -1;
	prof_note(p, "signal port %ld/tcp (API and WebSocket) is not opened: "
	    "publish it through your TLS reverse proxy", sig);
	if (prom != 0)
		prof_note(p, "prometheus_port %ld/tcp is not opened: scrape it "
		    "from inside", prom);
	return 0;
}

int
prof_load_livekit(const char *path, struct profile *p, struct errbuf *eb)
{
	struct ydoc y;
	yaml_parser_t parser;
	yaml_node_t *root;
	char *text;
	size_t len;
	int rc = -1;

	memset(&y, 0, sizeof(y));
	y.file = path;
	y.eb = eb;
	memset(p, 0, sizeof(*p));
	p->kind = PROF_SRC_LIVEKIT;
	if (snprintf(p->source, sizeof(p->source), "%s", path) >=
	    (int)sizeof(p->source))
		return eb_set(eb, path, 0, 0, NULL, "path too long");
	if (fio_read(path, &text, &len, eb) == -1)
		return -1;
	if (!yaml_parser_initialize(&parser)) {
		free(text);
		return eb_set(eb, path, 0, 0, NULL, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &y.doc)) {
		eb_set(eb, path, (int)parser.problem_mark.line + 1,
		    (int)parser.problem_mark.column + 1, NULL,
		    "malformed YAML: %s%s%s", parser.problem ? parser.problem :
		    "error", parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		free(text);
		return -1;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&y.doc);
	if (root != NULL && !is_null(root) && root->type != YAML_MAPPING_NODE) {
		yerr(&y, root, NULL, "expected a mapping of LiveKit settings");
		goto out;
	}
	if (root != NULL && is_null(root))
		root = NULL;
	if (rtc_endpoints(&y, root, p) == -1 ||
	    turn_endpoints(&y, root, p) == -1 ||
	    unexposed_notes(&y, root, p) == -1)
		goto out;
	rc = prof_validate(p, eb);
out:
	yaml_document_delete(&y.doc);
	free(text);
	return rc;
}
