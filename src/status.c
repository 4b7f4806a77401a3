/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * status.c: the status document (JSON) and its rendering for the
 * operator. The verdicts come from the pipeline (verdict.c); everything
 * here only says what was measured.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "status.h"
#include "untrusted.h"
#include "verdict.h"

static json_t *
cell_json(const struct cell *c)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "verdict",
	    verdict_name(c->verdict), "reason", c->verdict == V_REACHABLE ? "" :
	    reasons[c->reason].name, "stage", c->verdict == V_REACHABLE ? "" :
	    stage_name(reasons[c->reason].stage), "hint", c->hint);
}

/* The mapper's own process, as supervised by the daemon. */
static json_t *
mapproc_json(const struct map_proc_status *ps)
{
	return json_pack("{s:s, s:o, s:i, s:I, s:o}", "state",
	    mapper_proc_state_name(ps->state),
	    "pid", ps->pid > 0 ? json_integer(ps->pid) : json_null(),
	    "restarts", (int)ps->restarts,
	    "backoff_ms", (json_int_t)ps->backoff_ms,
	    "last_exit", ps->last_exit[0] ?
	    json_string(ps->last_exit) : json_null());
}

/* NAT loopback, as this host measured it (probe.c hairpin()). */
static void
hairpin_json(json_t *o, const struct status_in *in)
{
	uint32_t i;

	for (i = 0; i < in->nprobes; i++)
		if (strcmp(in->probes[i].name, PROBE_HAIRPIN) == 0)
			json_object_set_new(o, "hairpin", json_pack(
			    "{s:b, s:s}", "ok", (int)in->probes[i].ok,
			    "detail", in->probes[i].detail));
}

/* One forward or pinhole: an endpoint in one family. */
static json_t *
forward_json(const struct map_fwd_state *fwd, const struct map_fam_state *st,
    const char *family, time_t now)
{
	return json_pack(
	    "{s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:i, s:I, s:o, s:s, s:s}",
	    "name", fwd->name,
	    "proto", prof_proto_name(fwd->proto),
	    "port", (int)fwd->port,
	    "family", family,
	    "state", mapper_state_name(st->state),
	    "method", st->state == MAP_OK ? conf_method_name(st->method) : "",
	    "external_port", (int)st->ext_port,
	    "lease_seconds", (int)st->lease,
	    "lease_left", (json_int_t)(st->state == MAP_OK && st->expires ?
	    (st->expires > now ? st->expires - now : 0) : 0),
	    /*
	     * Unix time: stays right however rarely it is read. Also while
	     * the router does not answer: a forward it made may hold until
	     * then.
	     */
	    "lease_expires", st->expires && (st->state == MAP_OK ||
	    st->expires > now) ? json_integer((json_int_t)st->expires) :
	    json_null(),
	    "error", st->err, "holder", st->other);
}

static json_t *
forwards_json(const struct map_report *m)
{
	static const char *famname[2] = { "ipv4", "ipv6" };
	json_t *fw = json_array();
	time_t now = time(NULL);
	uint32_t i, f;

	for (i = 0; i < m->nfwd; i++)
		for (f = 0; f < 2; f++) {
			if (m->fwd[i].fam[f].state == MAP_NOT_SERVED)
				continue;
			json_array_append_new(fw, forward_json(&m->fwd[i],
			    &m->fwd[i].fam[f], famname[f], now));
		}
	return fw;
}

static json_t *
mapping_json(const struct status_in *in)
{
	const struct map_report *m = in->map;
	json_t *o, *ext;

	o = json_object();
	json_object_set_new(o, "enabled", json_boolean(in->mapping_on));
	if (in->mapping_on && in->mapproc != NULL)
		json_object_set_new(o, "process", mapproc_json(in->mapproc));
	if (!in->mapping_on || m == NULL)
		return o;
	json_object_set_new(o, "method", m->have_method ?
	    json_string(conf_method_name(m->method)) : json_null());
	json_object_set_new(o, "gateway", json_string(m->gateway));
	ext = json_array();
	if (m->ext4[0] != '\0')
		json_array_append_new(ext, json_string(m->ext4));
	json_object_set_new(o, "external_addresses", ext);
	json_object_set_new(o, "external_reserved",
	    json_boolean(m->ext4_reserved));
	json_object_set_new(o, "ipv6_pinholes", json_boolean(m->pinholes));
	hairpin_json(o, in);
	if (m->err[0] != '\0')
		json_object_set_new(o, "error", json_string(m->err));
	json_object_set_new(o, "forwards", forwards_json(m));
	return o;
}

/* Another program that keeps changing the table, or null. */
static json_t *
fight_json(const struct fight *f)
{
	if (f == NULL || !f->on)
		return json_null();
	return json_pack("{s:s, s:s, s:I, s:I, s:I}", "with", f->who,
	    "change", f->what, "since", (json_int_t)f->since, "changes",
	    (json_int_t)f->changes, "backoff_ms", (json_int_t)f->backoff_ms);
}

/* An endpoint: what it is, and its verdict in each family. */
static json_t *
endpoint_json(const struct status_in *in, const struct prof_endpoint *e)
{
	static const unsigned fams[2] = { FAM_IPV4, FAM_IPV6 };
	struct cell c;
	json_t *ep;
	size_t k;

	ep = json_pack("{s:s, s:s, s:i, s:i}", "name", e->name, "proto",
	    prof_proto_name(e->proto), "port", (int)e->port, "port_end",
	    (int)e->port_end);
	/* What LiveKit tells clients, when it is not this port. */
	if (e->client_port != 0) {
		json_object_set_new(ep, "client_host",
		    json_string(e->client_host));
		json_object_set_new(ep, "client_port",
		    json_integer(e->client_port));
	}
	if (e->flags & PROF_EP_CLIENT)
		json_object_set_new(ep, "client_only", json_true());
	for (k = 0; k < 2; k++) {
		verdict_cell(in, e, fams[k], &c);
		json_object_set_new(ep, k == 0 ? "ipv4" : "ipv6",
		    cell_json(&c));
	}
	return ep;
}

/* Other tables whose chains drop what portward accepts. */
static json_t *
conflicts_json(const struct status_in *in)
{
	json_t *conf = json_array();
	int j;

	for (j = 0; j < in->nconflicts; j++)
		json_array_append_new(conf, json_pack("{s:s, s:s, s:s, s:s, s:b, "
		    "s:s}", "family", in->conflicts[j].family, "table",
		    in->conflicts[j].table, "chain", in->conflicts[j].chain,
		    "why", in->conflicts[j].why, "stateful",
		    in->conflicts[j].stateful, "drops", in->conflicts[j].endpoint));
	return conf;
}

/* What portward's rules counted, per endpoint and family. */
static json_t *
counters_json(const struct status_in *in)
{
	json_t *ctr = json_array();
	char epname[NFT_NAME_MAX], fam[8];
	int j;

	for (j = 0; j < in->ncounters; j++) {
		const struct nft_counter *nc = &in->counters[j];

		/* The comment is "<endpoint> <family>". */
		if (sscanf(nc->comment, "%63s %7s", epname, fam) != 2)
			continue;
		json_array_append_new(ctr, json_pack("{s:s, s:s, s:s, "
		    "s:I, s:I}", "chain", nc->chain, "endpoint", epname,
		    "family", fam, "packets", (json_int_t)nc->packets,
		    "bytes", (json_int_t)nc->bytes));
	}
	return ctr;
}

static json_t *
rules_json(const struct status_in *in)
{
	return json_pack("{s:s, s:b, s:o, s:o, s:o, s:I, s:o}", "table",
	    in->conf->nft.table, "in_place", in->rules_ok, "dropped_by",
	    conflicts_json(in), "counters", counters_json(in), "last_repair",
	    in->last_repair ? json_integer(in->last_repair) : json_null(),
	    "repairs", (json_int_t)(in->fight ? in->fight->repairs_total : 0),
	    "fight", fight_json(in->fight));
}

/* The supervised SFU, or what stands for it when there is none. */
static json_t *
child_json(const struct status_in *in)
{
	const struct sup_status *cs = in->child;

	if (cs == NULL || !in->conf->supervise.enabled)
		return json_pack("{s:s, s:n, s:i, s:n, s:b}", "state",
		    "stopped", "pid", "restarts", 0, "last_exit",
		    "configured", 0);
	return json_pack("{s:s, s:o, s:i, s:i, s:o, s:I, s:b, s:b, s:b, s:s}",
	    "state", sup_state_name(cs->state),
	    "pid", cs->pid > 0 ? json_integer(cs->pid) : json_null(),
	    "restarts", (int)cs->restarts,
	    "start_failures", (int)cs->start_failures,
	    "last_exit", cs->last_exit[0] ? json_string(cs->last_exit) :
	    json_null(), "backoff_ms", (json_int_t)cs->backoff_ms,
	    "ready", cs->ready, "ready_timed_out", cs->ready_timed_out,
	    "configured", 1, "command", cs->command);
}

char *
status_json(const struct status_in *in)
{
	json_t *root, *eps;
	char *s;
	size_t i;

	root = json_object();
	eps = json_array();
	for (i = 0; i < in->prof->n; i++)
		json_array_append_new(eps, endpoint_json(in, &in->prof->ep[i]));
	json_object_set_new(root, "endpoints", eps);
	json_object_set_new(root, "mapping", mapping_json(in));
	json_object_set_new(root, "rules", rules_json(in));
	/* doctor runs without the daemon, whose SFU it is. */
	if (in->doctor)
		json_object_set_new(root, "doctor", json_true());
	else {
		json_object_set_new(root, "child", child_json(in));
		json_object_set_new(root, "ready", json_boolean(in->ready));
	}
	s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(root);
	return s;
}

/*
 * A string of the document, as printed for the operator: escaped, so the
 * terminal gets no control byte even from a daemon that let one through
 * (an older one, or one whose sanitizing missed a field); text that is
 * clean already is kept, not escaped twice. A ring of
 * buffers: one printf takes several.
 */
static const char *
txt(const char *s)
{
	static char ring[16][1024];
	static unsigned next;
	char *b = ring[next++ % 16];

	if (s == NULL)
		return "";
	(void)ut_copy(b, sizeof(ring[0]), s, UT_MAX_IN * 2);
	return b;
}

static const char *
str(json_t *o, const char *k)
{
	return txt(json_string_value(json_object_get(o, k)));
}

int
status_exit_code(const char *text)
{
	static const char *fk[2] = { "ipv4", "ipv6" };
	json_t *root, *eps, *ep, *c;
	size_t i;
	int rc = 0, k;

	if ((root = json_loads(text, 0, NULL)) == NULL ||
	    !json_is_array(eps = json_object_get(root, "endpoints"))) {
		json_decref(root);
		return 2;
	}
	json_array_foreach(eps, i, ep)
		for (k = 0; k < 2; k++) {
			c = json_object_get(ep, fk[k]);
			if (strcmp(str(c, "verdict"), "blocked") == 0 ||
			    strcmp(str(c, "verdict"), "degraded") == 0)
				rc = 1;
		}
	json_decref(root);
	return rc;
}

static void
print_fight(FILE *f, json_t *x)
{
	if (!json_is_object(x))
		return;
	fprintf(f, "\nrules: another program keeps changing them (%s%s%s); "
	    "each repair waits longer, now %llds\n", str(x, "with"),
	    str(x, "with")[0] && str(x, "change")[0] ? ": " : "",
	    str(x, "change"), (long long)json_integer_value(json_object_get(x,
	    "backoff_ms")) / 1000);
}

/* "7882/udp", or "50000-60000/udp" for a range. */
static void
port_text(json_t *ep, char *port, size_t len)
{
	json_int_t p = json_integer_value(json_object_get(ep, "port"));
	json_int_t pe = json_integer_value(json_object_get(ep, "port_end"));

	if (pe > p)
		snprintf(port, len, "%lld-%lld/%s", (long long)p, (long long)pe,
		    str(ep, "proto"));
	else
		snprintf(port, len, "%lld/%s", (long long)p, str(ep, "proto"));
}

/* A verdict, with its reason when it has one. */
static void
cell_text(json_t *c, char *cell, size_t len)
{
	if (str(c, "reason")[0] != '\0')
		snprintf(cell, len, "%s (%s)", str(c, "verdict"),
		    str(c, "reason"));
	else
		snprintf(cell, len, "%s", str(c, "verdict"));
}

/* The table of verdicts, then a hint for each that is not reachable. */
static void
print_endpoints(FILE *f, json_t *eps)
{
	static const char *fk[2] = { "ipv4", "ipv6" };
	char cell[2][64], port[64];
	json_t *ep, *c;
	size_t i;
	int k;

	fprintf(f, "%-12s %-16s %-32s %s\n", "ENDPOINT", "PORT", "IPV4", "IPV6");
	json_array_foreach(eps, i, ep) {
		port_text(ep, port, sizeof(port));
		for (k = 0; k < 2; k++)
			cell_text(json_object_get(ep, fk[k]), cell[k],
			    sizeof(cell[k]));
		fprintf(f, "%-12s %-16s %-32s %s\n", str(ep, "name"), port,
		    cell[0], cell[1]);
	}
	fprintf(f, "\n");
	json_array_foreach(eps, i, ep)
		for (k = 0; k < 2; k++) {
			c = json_object_get(ep, fk[k]);
			if (strcmp(str(c, "verdict"), "reachable") != 0)
				fprintf(f, "%s %s: %s\n", str(ep, "name"), fk[k],
				    str(c, "hint"));
		}
}

/* A process the daemon supervises (the mapper, the SFU): one line. */
static void
print_process(FILE *f, const char *what, json_t *x, const char *tail)
{
	json_int_t restarts = json_integer_value(json_object_get(x,
	    "restarts"));

	fprintf(f, "%s: %s, pid %lld, %lld restart%s%s%s%s\n", what,
	    str(x, "state"), (long long)json_integer_value(json_object_get(x,
	    "pid")), (long long)restarts, restarts == 1 ? "" : "s",
	    str(x, "last_exit")[0] ? ", last " : "", str(x, "last_exit"),
	    tail);
}

static void
print_forward(FILE *f, json_t *fw)
{
	json_int_t left = json_integer_value(json_object_get(fw,
	    "lease_left"));
	int forwarded = strcmp(str(fw, "state"), "forwarded") == 0;

	fprintf(f, "  %-10s %5lld/%s %s  %s", str(fw, "name"),
	    (long long)json_integer_value(json_object_get(fw, "port")),
	    str(fw, "proto"), str(fw, "family"), str(fw, "state"));
	if (forwarded)
		fprintf(f, " by %s, %s", str(fw, "method"), left ?
		    "lease left " : "permanent");
	if (forwarded && left)
		fprintf(f, "%llds", (long long)left);
	if (str(fw, "error")[0])
		fprintf(f, ": %s", str(fw, "error"));
	fprintf(f, "\n");
}

/* The router's forwards and the mapper process, or that they are off. */
static void
print_mapping(FILE *f, json_t *m)
{
	json_t *x, *fw;
	size_t i;

	if (!json_is_true(json_object_get(m, "enabled"))) {
		fprintf(f, "\nforwards: off\n");
		return;
	}
	x = json_object_get(m, "external_addresses");
	fprintf(f, "\nforwards: %s via %s, external address %s%s\n",
	    str(m, "gateway")[0] ? str(m, "gateway") : "no router",
	    json_is_string(json_object_get(m, "method")) ?
	    str(m, "method") : "nothing",
	    json_array_size(x) ? txt(json_string_value(json_array_get(x,
	    0))) : "unknown", json_is_true(json_object_get(m,
	    "external_reserved")) ? " (not globally routable: double "
	    "NAT?)" : "");
	json_array_foreach(json_object_get(m, "forwards"), i, fw)
		print_forward(f, fw);
	x = json_object_get(m, "process");
	if (x != NULL)
		print_process(f, "mapper", x, "");
}

static void
print_child(FILE *f, json_t *child)
{
	if (json_is_true(json_object_get(child, "configured")))
		print_process(f, "child", child, json_is_true(json_object_get(
		    child, "ready_timed_out")) ?
		    ", NOT READY (listeners missing)" : "");
	else
		fprintf(f, "child: nothing to supervise\n");
}

int
status_print(FILE *f, const char *text)
{
	json_t *root, *eps;
	int rc;

	if ((root = json_loads(text, 0, NULL)) == NULL ||
	    !json_is_array(eps = json_object_get(root, "endpoints"))) {
		json_decref(root);
		return 2;
	}
	rc = status_exit_code(text);
	print_endpoints(f, eps);
	print_fight(f, json_object_get(json_object_get(root, "rules"),
	    "fight"));
	if (json_is_true(json_object_get(root, "doctor")))
		fprintf(f, "\n(doctor: measured without the daemon; forwards "
		    "and the supervised process are the daemon's, see "
		    "portwardctl status)\n");
	else {
		print_mapping(f, json_object_get(root, "mapping"));
		print_child(f, json_object_get(root, "child"));
		fprintf(f, "ready: %s\n", json_is_true(json_object_get(root,
		    "ready")) ? "yes" : "no");
	}
	json_decref(root);
	return rc;
}
