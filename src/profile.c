/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile.c: portward's own JSON port profiles, the checks every profile
 * passes whatever its source, and the two renderings (table and JSON).
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonval.h"
#include "profile.h"
#include "untrusted.h"

const char *
prof_proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" :
	    "?";
}

const char *
prof_ports_str(const struct prof_endpoint *e, char *buf, size_t len)
{
	int n;

	if (e->port == e->port_end)
		n = snprintf(buf, len, "%u", e->port);
	else
		n = snprintf(buf, len, "%u-%u", e->port, e->port_end);
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';
	return buf;
}

void
prof_note(struct profile *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->nnotes >= PROF_MAX_NOTES)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->notes[p->nnotes], PROF_NOTE_MAX, fmt, ap);
	va_end(ap);
	/* Notes quote the file's and the command line's values (errbuf.c). */
	(void)ut_copy(p->notes[p->nnotes], PROF_NOTE_MAX, p->notes[p->nnotes],
	    PROF_NOTE_MAX);
	if (n > 0)
		p->nnotes++;
}

static int
valid_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '_'))
			return 0;
	return 1;
}

int
prof_validate(const struct profile *p, struct errbuf *eb)
{
	const struct prof_endpoint *a, *b;
	char pa[16], pb[16];
	size_t i, j;

	if (p->n == 0)
		return eb_set(eb, p->source, 0, 0, "endpoints",
		    "the profile has no endpoints: nothing to open");
	for (i = 0; i < p->n; i++) {
		a = &p->ep[i];
		if (!valid_name(a->name))
			return eb_set(eb, p->source, a->line, a->col, a->origin,
			    "endpoint name \"%s\" must be lower-case letters, "
			    "digits, '-' or '_'", a->name);
		if (a->proto != IPPROTO_TCP && a->proto != IPPROTO_UDP)
			return eb_set(eb, p->source, a->line, a->col, a->origin,
			    "protocol must be tcp or udp");
		if (a->port == 0 || a->port_end == 0)
			return eb_set(eb, p->source, a->line, a->col, a->origin,
			    "port 0 is not a port (1-65535)");
		if (a->port > a->port_end)
			return eb_set(eb, p->source, a->line, a->col, a->origin,
			    "range start %u is above its end %u", a->port,
			    a->port_end);
		if ((a->families & FAM_ALL) == 0)
			return eb_set(eb, p->source, a->line, a->col, a->origin,
			    "endpoint %s serves no IP family", a->name);
		for (j = 0; j < i; j++) {
			b = &p->ep[j];
			if (strcmp(a->name, b->name) == 0)
				return eb_set(eb, p->source, a->line, a->col,
				    a->origin, "endpoint name %s is used twice",
				    a->name);
			/* What clients are told is not a socket of its own. */
			if (a->proto == b->proto && a->port <= b->port_end &&
			    b->port <= a->port_end &&
			    !((a->flags | b->flags) & PROF_EP_CLIENT))
				return eb_set(eb, p->source, a->line, a->col,
				    a->origin, "%s %s/%s overlaps %s %s/%s "
				    "(from %s)", a->name,
				    prof_ports_str(a, pa, sizeof(pa)),
				    prof_proto_name(a->proto), b->name,
				    prof_ports_str(b, pb, sizeof(pb)),
				    prof_proto_name(b->proto), b->origin);
		}
	}
	return 0;
}

/*
 * Key key of endpoint object v: NULL if absent, else its path into sub.
 * -1: the path does not fit sub.
 */
static int
ep_key(const char *path, json_t *v, const char *key, char *sub, size_t len,
    json_t **x)
{
	if ((*x = json_object_get(v, key)) == NULL)
		return 0;
	return jv_path_key(sub, len, path, key);
}

static int
ep_name(const struct jv_doc *d, const char *path, json_t *v,
    struct prof_endpoint *e)
{
	char sub[128];
	json_t *x;

	if ((x = json_object_get(v, "name")) == NULL)
		return jv_err(d, path, "missing key \"name\"");
	if (jv_path_key(sub, sizeof(sub), path, "name") == -1 ||
	    jv_string(d, sub, x, e->name, sizeof(e->name)) == -1)
		return -1;
	if (!valid_name(e->name))
		return jv_err(d, sub, "\"%s\": use lower-case letters, digits, "
		    "'-' or '_'", e->name);
	return 0;
}

static int
ep_proto(const struct jv_doc *d, const char *path, json_t *v,
    struct prof_endpoint *e)
{
	char sub[128], proto[8];
	json_t *x;

	if ((x = json_object_get(v, "proto")) == NULL)
		return jv_err(d, path, "missing key \"proto\"");
	if (jv_path_key(sub, sizeof(sub), path, "proto") == -1 ||
	    jv_string(d, sub, x, proto, sizeof(proto)) == -1)
		return jv_err(d, sub, "expected \"tcp\" or \"udp\"");
	if (strcmp(proto, "tcp") == 0)
		e->proto = IPPROTO_TCP;
	else if (strcmp(proto, "udp") == 0)
		e->proto = IPPROTO_UDP;
	else
		return jv_err(d, sub, "\"%s\" is not \"tcp\" or \"udp\"", proto);
	return 0;
}

/* "port", "port_end" and "families": what is opened. */
static int
ep_ports(const struct jv_doc *d, const char *path, json_t *v,
    struct prof_endpoint *e)
{
	char sub[128];
	long port, port_end;
	json_t *x;

	if ((x = json_object_get(v, "port")) == NULL)
		return jv_err(d, path, "missing key \"port\"");
	if (jv_path_key(sub, sizeof(sub), path, "port") == -1 ||
	    jv_int(d, sub, x, 1, 65535, &port) == -1)
		return -1;
	port_end = port;
	if (ep_key(path, v, "port_end", sub, sizeof(sub), &x) == -1 ||
	    (x != NULL && jv_int(d, sub, x, 1, 65535, &port_end) == -1))
		return -1;
	if (x != NULL && port_end < port)
		return jv_err(d, sub, "range start %ld is above its end %ld",
		    port, port_end);
	e->port = (uint16_t)port;
	e->port_end = (uint16_t)port_end;

	e->families = FAM_ALL;
	if (ep_key(path, v, "families", sub, sizeof(sub), &x) == -1 ||
	    (x != NULL && jv_families(d, sub, x, &e->families) == -1))
		return -1;
	return 0;
}

/* "client_host" and "client_port": what clients are told. */
static int
ep_client(const struct jv_doc *d, const char *path, json_t *v,
    struct prof_endpoint *e)
{
	char sub[128];
	long cport;
	json_t *x;

	if (ep_key(path, v, "client_host", sub, sizeof(sub), &x) == -1 ||
	    (x != NULL && jv_string(d, sub, x, e->client_host,
	    sizeof(e->client_host)) == -1))
		return -1;
	/*
	 * A profile file may come from anywhere and the status shows this;
	 * kept as it is when clean (a profile portward wrote, read again).
	 */
	(void)ut_copy(e->client_host, sizeof(e->client_host), e->client_host,
	    sizeof(e->client_host));
	if (ep_key(path, v, "client_port", sub, sizeof(sub), &x) == -1 ||
	    (x != NULL && jv_int(d, sub, x, 1, 65535, &cport) == -1))
		return -1;
	if (x != NULL)
		e->client_port = (uint16_t)cport;
	return 0;
}

/* "relay": {"ipv6": "ipv4"}: which family each client family's
 * TURN allocations are relayed at, when not its own. */
static int
ep_relay(const struct jv_doc *d, const char *path, json_t *x,
    struct prof_endpoint *e)
{
	const char *k, *f;
	json_t *y;

	if (!json_is_object(x))
		return jv_err(d, path, "relay: expected an object like "
		    "{\"ipv6\": \"ipv4\"}");
	json_object_foreach(x, k, y) {
		f = json_string_value(y);
		if (strcmp(k, "ipv6") == 0 && f != NULL &&
		    strcmp(f, "ipv4") == 0)
			e->flags |= PROF_EP_RELAY4_FOR_V6;
		else if (strcmp(k, "ipv4") == 0 && f != NULL &&
		    strcmp(f, "ipv6") == 0)
			e->flags |= PROF_EP_RELAY6_FOR_V4;
		else if (!((strcmp(k, "ipv4") == 0 ||
		    strcmp(k, "ipv6") == 0) && f != NULL &&
		    strcmp(f, k) == 0))
			return jv_err(d, path, "relay: \"%s\": expected "
			    "\"ipv4\" or \"ipv6\" for the key ipv4 or "
			    "ipv6", k);
	}
	return 0;
}

static int
ep_client_only(const struct jv_doc *d, const char *path, json_t *x,
    struct prof_endpoint *e)
{
	if (!json_is_boolean(x))
		return jv_err(d, path, "client_only: expected true or false");
	if (json_is_true(x)) {
		e->flags |= PROF_EP_CLIENT;
		if (e->port != e->port_end)
			return jv_err(d, path, "a client_only endpoint is one "
			    "port");
	}
	return 0;
}

static int
parse_endpoint(const struct jv_doc *d, const char *path, json_t *v,
    struct prof_endpoint *e)
{
	static const char *const keys[] = { "name", "proto", "port",
	    "port_end", "families", "client_host", "client_port",
	    "client_only", "relay", NULL };
	json_t *x;

	if (jv_object(d, path, v) == -1 ||
	    jv_known_keys(d, path, v, keys) == -1)
		return -1;
	(void)snprintf(e->origin, sizeof(e->origin), "%s", path);
	jv_pos(d, path, &e->line, &e->col);

	if (ep_name(d, path, v, e) == -1 || ep_proto(d, path, v, e) == -1 ||
	    ep_ports(d, path, v, e) == -1 || ep_client(d, path, v, e) == -1)
		return -1;
	if ((x = json_object_get(v, "relay")) != NULL &&
	    ep_relay(d, path, x, e) == -1)
		return -1;
	if ((x = json_object_get(v, "client_only")) != NULL &&
	    ep_client_only(d, path, x, e) == -1)
		return -1;
	return 0;
}

/* "livekit_version": the LiveKit release whose families it describes. */
static int
json_version(struct jv_doc *d, const char *path, struct profile *p)
{
	json_t *v;

	if ((v = json_object_get(d->root, "livekit_version")) != NULL &&
	    (jv_string(d, "livekit_version", v, p->lk_version,
	    sizeof(p->lk_version)) == -1 ||
	    (lk_version_num(p->lk_version) == -1 &&
	    jv_err(d, "livekit_version", "\"%s\" is not a LiveKit version "
	    "(1.10.0, 1.13.5...)", p->lk_version) == -1)))
		return -1;
	if ((v = json_object_get(d->root, "livekit_version_from")) != NULL &&
	    jv_string(d, "livekit_version_from", v, p->lk_version_from,
	    sizeof(p->lk_version_from)) == -1)
		return -1;
	(void)ut_copy(p->lk_version_from, sizeof(p->lk_version_from),
	    p->lk_version_from, sizeof(p->lk_version_from));
	if (p->lk_version[0] != '\0' && p->lk_version_from[0] == '\0')
		(void)snprintf(p->lk_version_from, sizeof(p->lk_version_from),
		    "%s", path);
	return 0;
}

static int
json_endpoints(struct jv_doc *d, struct profile *p)
{
	char sub[64];
	json_t *eps, *v;
	size_t i;

	if ((eps = json_object_get(d->root, "endpoints")) == NULL)
		return jv_err(d, "", "missing key \"endpoints\"");
	if (jv_array(d, "endpoints", eps) == -1)
		return -1;
	if (json_array_size(eps) == 0)
		return jv_err(d, "endpoints", "the profile has no endpoints: "
		    "nothing to open");
	if (json_array_size(eps) > PROF_MAX_ENDPOINTS)
		return jv_err(d, "endpoints", "more than %d endpoints",
		    PROF_MAX_ENDPOINTS);
	json_array_foreach(eps, i, v) {
		if (jv_path_index(sub, sizeof(sub), "endpoints", i) == -1 ||
		    parse_endpoint(d, sub, v, &p->ep[i]) == -1)
			return -1;
		p->n++;
	}
	return 0;
}

int
prof_load_json(const char *path, struct profile *p, struct errbuf *eb)
{
	static const char *const keys[] = { "endpoints", "livekit_version",
	    "livekit_version_from", NULL };
	struct jv_doc d;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	p->kind = PROF_SRC_JSON;
	if (snprintf(p->source, sizeof(p->source), "%s", path) >=
	    (int)sizeof(p->source))
		return eb_set(eb, path, 0, 0, NULL, "path too long");
	if (jv_open(&d, path, eb) == -1)
		return -1;
	if (jv_object(&d, "", d.root) == -1 ||
	    jv_known_keys(&d, "", d.root, keys) == -1 ||
	    json_version(&d, path, p) == -1 || json_endpoints(&d, p) == -1)
		goto out;
	rc = prof_validate(p, eb);
out:
	jv_close(&d);
	return rc;
}

/* One endpoint as docs/profiles.md's object, or NULL. */
static json_t *
ep_to_json(const struct prof_endpoint *e)
{
	json_t *ep, *fam;

	fam = json_array();
	if (e->families & FAM_IPV4)
		json_array_append_new(fam, json_string("ipv4"));
	if (e->families & FAM_IPV6)
		json_array_append_new(fam, json_string("ipv6"));
	ep = json_pack("{s:s, s:s, s:i, s:i, s:o}", "name", e->name,
	    "proto", prof_proto_name(e->proto), "port", (int)e->port,
	    "port_end", (int)e->port_end, "families", fam);
	if (ep == NULL)
		return NULL;
	if (e->client_port != 0) {
		if (e->client_host[0] != '\0')
			json_object_set_new(ep, "client_host",
			    json_string(e->client_host));
		json_object_set_new(ep, "client_port",
		    json_integer(e->client_port));
	}
	if (e->flags & PROF_EP_CLIENT)
		json_object_set_new(ep, "client_only", json_true());
	if (e->flags & (PROF_EP_RELAY4_FOR_V6 | PROF_EP_RELAY6_FOR_V4))
		json_object_set_new(ep, "relay", (e->flags &
		    PROF_EP_RELAY4_FOR_V6) ? json_pack("{s:s}", "ipv6",
		    "ipv4") : json_pack("{s:s}", "ipv4", "ipv6"));
	return ep;
}

/* The LiveKit release, after the endpoints, when there is one. */
static void
version_to_json(FILE *f, const struct profile *p)
{
	json_t *ja, *jb;
	char *a, *b;

	if (p->lk_version[0] == '\0')
		return;
	ja = json_string(p->lk_version);
	jb = json_string(p->lk_version_from);
	a = json_dumps(ja, JSON_ENCODE_ANY);
	b = json_dumps(jb, JSON_ENCODE_ANY);
	json_decref(ja);
	json_decref(jb);

	fprintf(f, ",\n  \"livekit_version\": %s,\n"
	    "  \"livekit_version_from\": %s", a ? a : "\"\"",
	    b ? b : "\"\"");
	free(a);
	free(b);
}

/*
 * One endpoint a line, as docs/profiles.md writes it: jansson indents all or
 * nothing, so the outer lines are ours.
 */
char *
prof_to_json(const struct profile *p)
{
	json_t *ep;
	char *line, *out = NULL;
	size_t i, len = 0;
	FILE *f;

	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	fprintf(f, "{ \"endpoints\": [\n");
	for (i = 0; i < p->n; i++) {
		ep = ep_to_json(&p->ep[i]);
		line = ep ? json_dumps(ep, JSON_PRESERVE_ORDER) : NULL;
		json_decref(ep);
		if (line == NULL) {
			fclose(f);
			free(out);
			return NULL;
		}
		fprintf(f, "  %s%s\n", line, i + 1 < p->n ? "," : "");
		free(line);
	}
	fprintf(f, "]");
	version_to_json(f, p);
	fprintf(f, " }\n");
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

void
prof_print_table(FILE *f, const struct profile *p)
{
	char ports[16];
	size_t i;

	fprintf(f, "profile %s (%s)\n", p->source,
	    p->kind == PROF_SRC_LIVEKIT ? "LiveKit configuration" :
	    "portward profile");
	if (p->lk_version[0] != '\0')
		fprintf(f, "LiveKit %s (%s)\n", p->lk_version,
		    p->lk_version_from);
	fprintf(f, "%-12s %-5s %-12s %-4s %-4s %s\n", "ENDPOINT", "PROTO",
	    "PORTS", "IPV4", "IPV6", "FROM");
	for (i = 0; i < p->n; i++) {
		const struct prof_endpoint *e = &p->ep[i];

		fprintf(f, "%-12s %-5s %-12s %-4s %-4s %s\n", e->name,
		    prof_proto_name(e->proto),
		    prof_ports_str(e, ports, sizeof(ports)),
		    (e->families & FAM_IPV4) ? "yes" : "no",
		    (e->families & FAM_IPV6) ? "yes" : "no", e->origin);
		if (e->flags & PROF_EP_CLIENT)
			fprintf(f, "%12s what clients are told: %s:%u, probed, "
			    "never opened by portward\n", "", e->client_host,
			    e->client_port);
		else if (e->client_port != 0 && e->client_port != e->port)
			fprintf(f, "%12s clients are told %s:%u, not %u\n", "",
			    e->client_host[0] ? e->client_host : "turn.domain",
			    e->client_port, e->port);
		if (e->flags & PROF_EP_RELAY4_FOR_V6)
			fprintf(f, "%12s relays IPv6 clients at IPv4 (rtc.node_ip's "
			    "IPv4: a 0.0.0.0 bind serves both families)\n", "");
		if (e->flags & PROF_EP_RELAY6_FOR_V4)
			fprintf(f, "%12s relays IPv4 clients at IPv6 (rtc.node_ip's "
			    "IPv6: an IPv6 bind serves both families)\n", "");
	}
	for (i = 0; i < p->nnotes; i++)
		fprintf(f, "note: %s\n", p->notes[i]);
}
