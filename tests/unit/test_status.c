/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for the status model (status.c): verdicts from what is known. */
#include <arpa/inet.h>

#include "testutil.h"
#include "metrics.h"
#include "status.h"

#include <jansson.h>

static struct conf conf;
static struct profile prof;
static struct map_report rep;
static struct status_in in;
static json_t *doc;

static void
setup(const char *conf_text)
{
	struct errbuf eb;

	eb_clear(&eb);
	if (conf_load(tu_file("c.json", conf_text), &conf, &eb) == -1 ||
	    conf_profile(&conf, &prof, &eb) == -1) {
		print_error("%s\n", eb.msg);
		fail();
	}
	memset(&in, 0, sizeof(in));
	memset(&rep, 0, sizeof(rep));
	in.conf = &conf;
	in.prof = &prof;
	in.rules_ok = 1;
	in.fw_read = 1;
	in.mapping_on = conf.mode == CONF_MODE_HOST && conf.mapping.nmethods > 0;
}

static json_t *
cell(const char *name, const char *fam)
{
	char *s = status_json(&in);
	json_t *eps, *ep;
	size_t i;

	json_decref(doc);
	doc = json_loads(s, 0, NULL);
	free(s);
	eps = json_object_get(doc, "endpoints");
	json_array_foreach(eps, i, ep)
		if (strcmp(json_string_value(json_object_get(ep, "name")), name) == 0)
			return json_object_get(ep, fam);
	fail();
	return NULL;
}

#define assert_cell(name, fam, verdict, reason) do {			\
	json_t *c_ = cell(name, fam);					\
	assert_string_equal(json_string_value(json_object_get(c_,	\
	    "verdict")), verdict);					\
	assert_string_equal(json_string_value(json_object_get(c_,	\
	    "reason")), reason);					\
} while (0)

/* A conflict: table family/name/chain drops endpoint ("ice-udp ipv4"). */
static struct nft_conflict
drops(const char *family, const char *table, const char *chain,
    const char *endpoint, int stateful)
{
	struct nft_conflict c;

	memset(&c, 0, sizeof(c));
	snprintf(c.family, sizeof(c.family), "%s", family);
	snprintf(c.table, sizeof(c.table), "%s", table);
	snprintf(c.chain, sizeof(c.chain), "%s", chain);
	snprintf(c.why, sizeof(c.why), "policy drop");
	snprintf(c.endpoint, sizeof(c.endpoint), "%s", endpoint);
	c.fam = strstr(endpoint, "ipv6") ? FAM_IPV6 : FAM_IPV4;
	c.stateful = stateful;
	return c;
}

static const char *host = "{\"mode\": \"host\", \"profile\": \""
    SRCDIR "/rules/livekit-1.10.0.json\", \"mapping\": {\"methods\": []}}";
static const char *host_map = "{\"mode\": \"host\", \"profile\": \""
    SRCDIR "/rules/livekit-1.10.0.json\"}";

static void
status__turn_ipv6__impossible_livekit_turn_ipv4_only(void **state)
{
	(void)state;
	setup(host);
	assert_cell("turn-udp", "ipv6", "impossible", "livekit-turn-ipv4-only");
	assert_cell("turn-tls", "ipv6", "impossible", "livekit-turn-ipv4-only");
	assert_contains(json_string_value(json_object_get(cell("turn-tls",
	    "ipv6"), "hint")), "turn.external_tls");
}

static void
status__nothing_measured__unknown_never_reachable(void **state)
{
	(void)state;
	setup(host);
	assert_cell("ice-tcp", "ipv4", "unknown", "not-measured");
	assert_cell("ice-udp", "ipv6", "unknown", "not-measured");
}

static void
status__other_table_drops__blocked_naming_table(void **state)
{
	struct nft_conflict c[4];

	(void)state;
	setup(host);
	/* Per endpoint and family, as nft_conflicts follows each packet. */
	c[0] = drops("ip", "filter", "INPUT", "ice-tcp ipv4", 0);
	c[1] = drops("ip", "filter", "INPUT", "ice-udp ipv4", 0);
	c[2] = drops("ip", "filter", "INPUT", "turn-udp ipv4", 0);
	in.conflicts = c;
	in.nconflicts = 3;
	assert_cell("ice-tcp", "ipv4", "blocked", "dropped-by-other-table");
	assert_contains(json_string_value(json_object_get(cell("ice-tcp",
	    "ipv4"), "hint")), "table ip filter, chain INPUT");
	/* An ip table does not see IPv6. */
	assert_cell("ice-tcp", "ipv6", "unknown", "not-measured");
	/* Stateless: ICE/UDP is blocked as well. */
	assert_cell("ice-udp", "ipv4", "blocked", "dropped-by-other-table");
	/* A targeted drop: only the endpoint it drops. */
	in.nconflicts = 1;
	assert_cell("ice-udp", "ipv4", "unknown", "not-measured");
	in.nconflicts = 3;
	/*
	 * Stateful (established accepted first): the SFU's own checks open
	 * the way for ICE/UDP, only for clients they reach; TCP and TURN
	 * wait for the client to come first, and stay blocked.
	 */
	c[0].stateful = c[1].stateful = c[2].stateful = 1;
	assert_cell("ice-udp", "ipv4", "degraded", "hole-punching-only");
	assert_cell("ice-tcp", "ipv4", "blocked", "dropped-by-other-table");
	assert_cell("turn-udp", "ipv4", "blocked", "dropped-by-other-table");
	/* A second table dropping statelessly: blocked, whatever the first. */
	c[3] = drops("ip", "zguard", "input", "ice-udp ipv4", 0);
	in.nconflicts = 4;
	assert_cell("ice-udp", "ipv4", "blocked", "dropped-by-other-table");
	assert_contains(json_string_value(json_object_get(cell("ice-udp",
	    "ipv4"), "hint")), "table ip zguard");
}

static void
status__forward_conflict__blocked(void **state)
{
	(void)state;
	setup(host_map);
	rep.have_method = 1;
	rep.nfwd = 1;
	snprintf(rep.fwd[0].name, sizeof(rep.fwd[0].name), "ice-tcp");
	rep.fwd[0].proto = IPPROTO_TCP;
	rep.fwd[0].port = 7881;
	rep.fwd[0].fam[0].state = MAP_CONFLICT;
	snprintf(rep.fwd[0].fam[0].err, sizeof(rep.fwd[0].fam[0].err),
	    "held by 192.168.1.20:7881");
	rep.fwd[0].fam[1].state = MAP_UNSUPPORTED;
	in.map = &rep;
	assert_cell("ice-tcp", "ipv4", "blocked", "forward-conflict");
	assert_cell("ice-tcp", "ipv6", "blocked", "no-ipv6-firewall-control");
	/* No report for this endpoint yet. */
	assert_cell("ice-udp", "ipv4", "unknown", "no-forward-yet");
}

static void
status__families_ipv4__ipv6_impossible_family_disabled(void **state)
{
	(void)state;
	setup("{\"mode\": \"host\", \"profile\": \"" SRCDIR
	    "/rules/livekit.json\", \"families\": [\"ipv4\"], \"mapping\": "
	    "{\"methods\": []}}");
	assert_cell("ice-tcp", "ipv6", "impossible", "family-disabled");
}

static void
status_print__blocked_cell__exit_1(void **state)
{
	struct nft_conflict c = drops("inet", "filter", "input",
	    "ice-tcp ipv4", 0);
	FILE *null = fopen("/dev/null", "w");
	char *s;

	(void)state;
	setup(host);
	s = status_json(&in);
	assert_int_equal(status_print(null, s), 0);
	free(s);
	in.conflicts = &c;
	in.nconflicts = 1;
	s = status_json(&in);
	assert_int_equal(status_print(null, s), 1);
	assert_int_equal(status_exit_code(s), 1);
	free(s);
	assert_int_equal(status_exit_code("{\"not\": \"status\"}"), 2);
	assert_int_equal(status_print(null, "{\"not\": \"status\"}"), 2);
	fclose(null);
}

static struct lsn lsn[4];

static void
listen_on(size_t i, uint8_t proto, uint8_t family, const char *addr,
    uint16_t port, int v6only)
{
	memset(&lsn[i], 0, sizeof(lsn[i]));
	lsn[i].proto = proto;
	lsn[i].family = family;
	lsn[i].port = port;
	lsn[i].v6only = (uint8_t)v6only;
	inet_pton(family, addr, family == AF_INET ? (void *)&lsn[i].addr.v4 :
	    (void *)&lsn[i].addr.v6);
}

static void
status__host_no_listener__blocked_no_listener(void **state)
{
	(void)state;
	setup(host);
	in.have_lsn = 1;
	in.lsn = lsn;
	in.nlsn = 0;
	assert_cell("ice-tcp", "ipv4", "blocked", "no-listener");
	assert_cell("turn-udp", "ipv6", "impossible", "livekit-turn-ipv4-only");
}

static void
status__ipv4_only_listener__ipv6_blocked_listener_ipv4_only(void **state)
{
	(void)state;
	setup(host);
	listen_on(0, IPPROTO_TCP, AF_INET, "0.0.0.0", 7881, 0);
	listen_on(1, IPPROTO_UDP, AF_INET6, "::", 7882, 0);
	in.have_lsn = 1;
	in.lsn = lsn;
	in.nlsn = 2;
	assert_cell("ice-tcp", "ipv4", "unknown", "not-measured");
	assert_cell("ice-tcp", "ipv6", "blocked", "listener-ipv4-only");
	/* [::] without IPV6_V6ONLY serves both families. */
	assert_cell("ice-udp", "ipv4", "unknown", "not-measured");
	assert_cell("ice-udp", "ipv6", "unknown", "not-measured");
}

static void
status__v6only_socket__ipv4_blocked_listener_ipv6_only(void **state)
{
	(void)state;
	setup(host);
	listen_on(0, IPPROTO_TCP, AF_INET6, "::", 7881, 1);
	in.have_lsn = 1;
	in.lsn = lsn;
	in.nlsn = 1;
	assert_cell("ice-tcp", "ipv4", "blocked", "listener-ipv6-only");
	assert_cell("ice-tcp", "ipv6", "unknown", "not-measured");
}

static void
status__turn_served_on_ipv6__measured_beats_version(void **state)
{
	(void)state;
	setup(host);
	listen_on(0, IPPROTO_UDP, AF_INET6, "2001:db8::10", 3479, 1);
	in.have_lsn = 1;
	in.lsn = lsn;
	in.nlsn = 1;
	assert_cell("turn-udp", "ipv6", "blocked", "profile-excludes-family");
}

static void
metrics__status__verdicts_counters_and_escaped_labels(void **state)
{
	struct nft_counter ctr = { "input", "ice-udp ipv4", 12, 3400 };
	char *st, *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	setup(host);
	in.counters = &ctr;
	in.ncounters = 1;
	in.last_repair = 1700000000;
	st = status_json(&in);
	f = open_memstream(&out, &len);
	assert_int_equal(metrics_render(f, st), 0);
	fclose(f);
	free(st);
	assert_contains(out, "portward_endpoint_verdict{endpoint=\"turn-udp\","
	    "family=\"ipv6\",verdict=\"impossible\",reason=\""
	    "livekit-turn-ipv4-only\"} 1\n");
	assert_contains(out, "portward_rule_packets_total{endpoint=\"ice-udp\","
	    "family=\"ipv4\",chain=\"input\"} 12\n");
	assert_contains(out, "portward_rule_bytes_total{endpoint=\"ice-udp\","
	    "family=\"ipv4\",chain=\"input\"} 3400\n");
	assert_contains(out, "portward_last_repair_timestamp_seconds "
	    "1700000000\n");
	assert_contains(out, "# TYPE portward_rule_packets_total counter\n");
	free(out);
	assert_int_equal(metrics_render(stderr, "not json"), -1);
}

/*
 * Each forward state is a number, as HELP's table says, on one series per
 * endpoint and family (no state label); the lease ends at a Unix time.
 */
static void
metrics__forward_states__numbers_as_help_says_lease_expiry(void **state)
{
	static const char *const states[] = { "pending", "forwarded",
	    "router-unreachable", "no-forward", "forward-conflict",
	    "range-not-forwarded", "no-ipv6-firewall-control", "bogus" };
	char text[4096], want[256], hl[512], *out = NULL, *help, *p;
	size_t i, len = 0, n = sizeof(states) / sizeof(states[0]);
	int w, k;
	FILE *f;

	(void)state;
	w = snprintf(text, sizeof(text), "{\"endpoints\": [], \"mapping\": "
	    "{\"forwards\": [");
	for (i = 0; i < n; i++)
		w += snprintf(text + w, sizeof(text) - (size_t)w, "%s{\"name\": "
		    "\"e%zu\", \"family\": \"ipv4\", \"state\": \"%s\", "
		    "\"method\": \"pcp\", \"lease_expires\": %s}", i ? ", " : "",
		    i, states[i], i == 1 ? "1760000000" : "null");
	w += snprintf(text + w, sizeof(text) - (size_t)w, "]}}");
	assert_true(w > 0 && (size_t)w < sizeof(text));
	f = open_memstream(&out, &len);
	assert_int_equal(metrics_render(f, text), 0);
	fclose(f);
	help = strstr(out, "# HELP portward_forward_state ");
	assert_non_null(help);
	assert_true(strcspn(help, "\n") < sizeof(hl));
	memcpy(hl, help, strcspn(help, "\n"));
	hl[strcspn(help, "\n")] = '\0';
	for (i = 0; i < n; i++) {
		/* HELP says "N name,": the number before the name. */
		(void)snprintf(want, sizeof(want), " %s,", states[i]);
		if ((p = strstr(hl, want)) == NULL) {
			(void)snprintf(want, sizeof(want), " %s.", states[i]);
			p = strstr(hl, want);
		}
		k = -1;
		if (strcmp(states[i], "bogus") == 0)
			assert_null(p);
		else {
			assert_non_null(p);
			while (p > hl && p[-1] != ' ')
				p--;
			k = atoi(p);
		}
		(void)snprintf(want, sizeof(want), "\nportward_forward_state{"
		    "endpoint=\"e%zu\",family=\"ipv4\"} %d\n", i, k);
		assert_contains(out, want);
	}
	assert_non_null(strstr(hl, " -1 unknown."));
	assert_contains(out, "\nportward_forward_up{endpoint=\"e1\","
	    "family=\"ipv4\"} 1\n");
	assert_contains(out, "\nportward_forward_up{endpoint=\"e6\","
	    "family=\"ipv4\"} 0\n");
	assert_contains(out, "\nportward_forward_lease_expiry_timestamp_seconds"
	    "{endpoint=\"e1\",family=\"ipv4\"} 1760000000\n");
	assert_contains(out, "\nportward_forward_lease_expiry_timestamp_seconds"
	    "{endpoint=\"e0\",family=\"ipv4\"} 0\n");
	assert_null(strstr(out, "state=\""));
	assert_null(strstr(out, "method=\""));
	assert_contains(out, "\nportward_build_info{version=\"" PW_VERSION
	    "\"} 1\n");
	free(out);
}

/* A dead mapper's last report is not shown as forwards; metrics count it. */
static void
status__mapper_in_backoff__no_forward_yet_and_metrics(void **state)
{
	struct map_proc_status mp = { MAPPROC_BACKOFF, 0, 2, 1000, "signal 9" };
	struct sup_status child;
	char *st, *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	setup(host_map);
	in.mapproc = &mp;
	memset(&child, 0, sizeof(child));
	child.state = SUP_FAILED;
	child.start_failures = 3;
	in.child = &child;
	assert_cell("ice-tcp", "ipv4", "unknown", "no-forward-yet");
	assert_contains(json_string_value(json_object_get(cell("ice-tcp",
	    "ipv4"), "hint")), "the mapper exited (signal 9)");
	st = status_json(&in);
	f = open_memstream(&out, &len);
	assert_int_equal(metrics_render(f, st), 0);
	fclose(f);
	free(st);
	assert_contains(out, "portward_mapper_restarts_total 2\n");
	assert_contains(out, "portward_mapper_up 0\n");
	assert_contains(out, "portward_child_start_failures_total 0\n");
	free(out);
	/* Running again: up, and the process is in the status JSON. */
	mp.state = MAPPROC_RUNNING;
	mp.pid = 4242;
	st = status_json(&in);
	assert_contains(st, "\"process\":{\"state\":\"running\",\"pid\":4242,"
	    "\"restarts\":2");
	f = open_memstream(&out, &len);
	assert_int_equal(metrics_render(f, st), 0);
	fclose(f);
	free(st);
	assert_contains(out, "portward_mapper_up 1\n");
	free(out);
}

static void
status__no_global_ipv6__blocked_no_ipv6_address(void **state)
{
	(void)state;
	setup(host);
	in.have_v6 = 1;
	in.v6.ula = 1;
	assert_cell("ice-tcp", "ipv6", "blocked", "no-ipv6-address");
	assert_contains(json_string_value(json_object_get(cell("ice-tcp",
	    "ipv6"), "hint")), "unique-local");
	in.v6.global = 1;
	assert_cell("ice-tcp", "ipv6", "blocked", "no-ipv6-route");
	in.v6.default_route = 1;
	assert_cell("ice-tcp", "ipv6", "unknown", "not-measured");
	assert_cell("ice-tcp", "ipv4", "unknown", "not-measured");
}

static int
teardown(void **state)
{
	(void)state;
	json_decref(doc);
	doc = NULL;
	return 0;
}

/* A livekit.yaml and a configuration naming it, with a version. */
static void
setup_lk(const char *yaml, const char *ver)
{
	char text[1024];

	snprintf(text, sizeof(text), "{\"mode\": \"host\", \"livekit_config\": "
	    "\"%s\", %s%s%s\"mapping\": {\"methods\": []}}",
	    tu_file("livekit.yaml", yaml), ver ? "\"livekit_version\": \"" : "",
	    ver ? ver : "", ver ? "\", " : "");
	setup(text);
}

static void
status__turn_current_livekit__ipv6_not_impossible(void **state)
{
	(void)state;
	setup_lk("turn:\n  enabled: true\n  udp_port: 3479\n", NULL);
	assert_cell("turn-udp", "ipv6", "unknown", "not-measured");
	setup_lk("turn:\n  enabled: true\n  udp_port: 3479\n", "1.10.0");
	assert_cell("turn-udp", "ipv6", "impossible", "livekit-turn-ipv4-only");
	assert_contains(json_string_value(json_object_get(cell("turn-udp",
	    "ipv6"), "hint")), "LiveKit 1.10.0 binds TURN to IPv4 only");
}

static void
status__turn_bind_ipv4_only__names_bind_addresses(void **state)
{
	(void)state;
	setup_lk("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"192.0.2.1\"]\n", "1.13.5");
	assert_cell("turn-udp", "ipv6", "impossible", "turn-bind-addresses");
	assert_contains(json_string_value(json_object_get(cell("turn-udp",
	    "ipv6"), "hint")), "add this host's IPv6 address");
}

static void
status__rtc_ips__ice_family_impossible(void **state)
{
	(void)state;
	setup_lk("rtc:\n  udp_port: 7882\n  ips:\n    includes: [0.0.0.0/0]\n",
	    NULL);
	assert_cell("ice-udp", "ipv6", "impossible", "rtc-ips-excludes-family");
	assert_cell("ice-tcp", "ipv6", "impossible", "rtc-ips-excludes-family");
}

static void
status__udp_counted_but_nothing_listens__no_listener(void **state)
{
	struct probe_result pr;

	(void)state;
	setup(host);
	/* The reflector's datagrams were counted by our rule... */
	memset(&pr, 0, sizeof(pr));
	snprintf(pr.name, sizeof(pr.name), "ice-udp");
	snprintf(pr.kind, sizeof(pr.kind), "datagram");
	pr.fam = FAM_IPV4;
	pr.ok = 1;
	in.probes = &pr;
	in.nprobes = 1;
	assert_cell("ice-udp", "ipv4", "reachable", "");
	/* ...but nothing listens: counted is not received. */
	in.have_lsn = 1;
	in.lsn = lsn;
	in.nlsn = 0;
	assert_cell("ice-udp", "ipv4", "blocked", "no-listener");
	/* A listener: the count stands. */
	listen_on(0, IPPROTO_UDP, AF_INET6, "::", 7882, 0);
	in.nlsn = 1;
	assert_cell("ice-udp", "ipv4", "reachable", "");
}

/* A probe older than a change of the forward it went through: stale. */
static void
status__forward_lost_after_probe__fresher_evidence_wins(void **state)
{
	struct probe_result pr;

	(void)state;
	setup(host_map);
	rep.have_method = 1;
	rep.nfwd = 1;
	snprintf(rep.fwd[0].name, sizeof(rep.fwd[0].name), "ice-tcp");
	rep.fwd[0].proto = IPPROTO_TCP;
	rep.fwd[0].port = rep.fwd[0].port_end = 7881;
	rep.fwd[0].fam[0].state = MAP_OK;
	rep.fwd[0].fam[0].since = 50;
	in.map = &rep;
	memset(&pr, 0, sizeof(pr));
	snprintf(pr.name, sizeof(pr.name), "ice-tcp");
	snprintf(pr.kind, sizeof(pr.kind), "tcp");
	pr.fam = FAM_IPV4;
	pr.ok = 1;
	pr.at = 100;
	in.probes = &pr;
	in.nprobes = 1;
	assert_cell("ice-tcp", "ipv4", "reachable", "");
	/* The router stopped answering after the probe: degraded. */
	rep.fwd[0].fam[0].state = MAP_STALE;
	rep.fwd[0].fam[0].since = 200;
	assert_cell("ice-tcp", "ipv4", "degraded", "router-unreachable");
	/* The forward was refused after the probe: blocked. */
	rep.fwd[0].fam[0].state = MAP_ERROR;
	assert_cell("ice-tcp", "ipv4", "blocked", "no-forward");
	/* A probe after the change is the fresher evidence: it stands. */
	pr.at = 300;
	assert_cell("ice-tcp", "ipv4", "reachable", "");
}

/* Without portward's rules, only what drops on the hook blocks. */
static void
status__no_rules__blocked_only_where_something_drops(void **state)
{
	struct nft_conflict c = drops("inet", "fw", "input", "ice-tcp ipv4", 0);

	(void)state;
	setup(host);
	in.rules_ok = 0;
	/* An empty ruleset accepts everything: no firewall stops it. */
	assert_cell("ice-tcp", "ipv4", "unknown", "not-measured");
	/* Another table drops: the rules are missing, and it names it. */
	in.conflicts = &c;
	in.nconflicts = 1;
	assert_cell("ice-tcp", "ipv4", "blocked", "no-rule");
	assert_contains(json_string_value(json_object_get(cell("ice-tcp",
	    "ipv4"), "hint")), "table inet fw, chain input (policy drop)");
	/* The ruleset could not be read (not root): unknown, not a guess. */
	in.fw_read = 0;
	assert_cell("ice-tcp", "ipv4", "unknown", "needs-root");
	assert_cell("ice-udp", "ipv6", "unknown", "needs-root");
}

/* Behind a router with IPv4 forwards, TURN's relays need hairpin NAT. */
static void
status__turn_behind_router__judged_by_hairpin(void **state)
{
	struct probe_result pr[4];
	json_t *h;

	(void)state;
	setup(host_map);
	rep.have_method = 1;
	snprintf(rep.ext4, sizeof(rep.ext4), "203.0.113.1");
	rep.nfwd = 2;
	snprintf(rep.fwd[0].name, sizeof(rep.fwd[0].name), "turn-udp");
	rep.fwd[0].proto = IPPROTO_UDP;
	rep.fwd[0].port = rep.fwd[0].port_end = 3479;
	rep.fwd[0].fam[0].state = MAP_OK;
	rep.fwd[0].fam[1].state = MAP_NOT_SERVED;
	rep.fwd[1] = rep.fwd[0];
	snprintf(rep.fwd[1].name, sizeof(rep.fwd[1].name), "ice-udp");
	rep.fwd[1].port = rep.fwd[1].port_end = 7882;
	in.map = &rep;
	memset(pr, 0, sizeof(pr));
	snprintf(pr[0].name, sizeof(pr[0].name), "turn-udp");
	snprintf(pr[1].name, sizeof(pr[1].name), "ice-udp");
	snprintf(pr[0].kind, sizeof(pr[0].kind), "stun-udp");
	snprintf(pr[1].kind, sizeof(pr[1].kind), "datagram");
	pr[0].fam = pr[1].fam = FAM_IPV4;
	pr[0].ok = pr[1].ok = 1;
	in.probes = pr;
	in.nprobes = 2;
	/* Reached from outside, the relay's way back not measured yet. */
	assert_cell("turn-udp", "ipv4", "unknown", "hairpin-not-measured");
	assert_cell("ice-udp", "ipv4", "reachable", "");
	/* No hairpin: TURN is reached, its relays do not reach the SFU. */
	snprintf(pr[2].name, sizeof(pr[2].name), PROBE_HAIRPIN);
	snprintf(pr[2].kind, sizeof(pr[2].kind), "hairpin");
	snprintf(pr[2].detail, sizeof(pr[2].detail), "no answer");
	pr[2].fam = FAM_IPV4;
	in.nprobes = 3;
	assert_cell("turn-udp", "ipv4", "blocked", "router-no-hairpin");
	assert_cell("ice-udp", "ipv4", "reachable", "");
	h = json_object_get(json_object_get(doc, "mapping"), "hairpin");
	assert_true(json_is_false(json_object_get(h, "ok")));
	/* An earlier stage still comes first: TURN not reached at all. */
	pr[0].ok = 0;
	assert_cell("turn-udp", "ipv4", "blocked", "probe-failed");
	/* TURN/TLS relays the same way: the same test decides. */
	pr[3] = pr[1];
	snprintf(pr[3].name, sizeof(pr[3].name), "turn-tls");
	snprintf(pr[3].kind, sizeof(pr[3].kind), "tcp");
	in.nprobes = 4;
	assert_cell("turn-tls", "ipv4", "blocked", "router-no-hairpin");
	/* A test that could not count is no measurement. */
	snprintf(pr[2].kind, sizeof(pr[2].kind), "none");
	assert_cell("turn-tls", "ipv4", "unknown", "hairpin-not-measured");
	snprintf(pr[2].kind, sizeof(pr[2].kind), "hairpin");
	pr[0].ok = 1;
	in.nprobes = 3;
	/*
	 * IPv6 clients of a 0.0.0.0 bind are relayed at IPv4, through the
	 * router as well; relayed at IPv6 (this host's own address), not.
	 */
	pr[0].fam = FAM_IPV6;
	prof.ep[2].flags |= PROF_EP_RELAY4_FOR_V6;
	assert_string_equal(prof.ep[2].name, "turn-udp");
	prof.ep[2].families = FAM_ALL;
	assert_cell("turn-udp", "ipv6", "blocked", "router-no-hairpin");
	assert_contains(json_string_value(json_object_get(cell("turn-udp",
	    "ipv6"), "hint")), "relays IPv6 clients at its IPv4 address");
	prof.ep[2].flags &= ~PROF_EP_RELAY4_FOR_V6;
	assert_cell("turn-udp", "ipv6", "reachable", "");
	pr[0].fam = FAM_IPV4;
	/* Hairpin NAT on the router: reachable. */
	pr[2].ok = 1;
	assert_cell("turn-udp", "ipv4", "reachable", "");
	/* No IPv4 forward granted (a public host): the hairpin is not asked. */
	pr[2].ok = 0;
	rep.fwd[0].fam[0].state = rep.fwd[1].fam[0].state = MAP_ERROR;
	in.mapping_on = 0;
	assert_cell("turn-udp", "ipv4", "reachable", "");
}

static void
status__client_port_443__judged_by_listener_and_probe(void **state)
{
	static const char *yaml = "turn:\n  enabled: true\n  tls_port: 5349\n"
	    "  domain: turn.example.org\n";
	struct probe_result pr[2];

	(void)state;
	setup_lk(yaml, NULL);
	/* No listener on 443: what clients are told goes nowhere. */
	listen_on(0, IPPROTO_TCP, AF_INET6, "::", 5349, 0);
	in.have_lsn = 1;
	in.lsn = lsn;
	in.nlsn = 1;
	assert_cell("turn-tls-443", "ipv4", "blocked", "client-port-not-served");
	{
		json_t *eps = json_object_get(doc, "endpoints"), *x;
		size_t i;
		int seen = 0;

		json_array_foreach(eps, i, x)
			if (strcmp(json_string_value(json_object_get(x,
			    "name")), "turn-tls-443") == 0) {
				assert_true(json_is_true(json_object_get(x,
				    "client_only")));
				assert_string_equal(json_string_value(
				    json_object_get(x, "client_host")),
				    "turn.example.org");
				seen = 1;
			}
		assert_true(seen);
	}
	assert_contains(json_string_value(json_object_get(cell("turn-tls-443",
	    "ipv4"), "hint")), "set turn.tls_port: 443, or route SNI "
	    "turn.example.org on 443 to TURN on 5349");
	/* A proxy on 443, IPv4 only: IPv6 clients refused. */
	listen_on(1, IPPROTO_TCP, AF_INET, "0.0.0.0", 443, 0);
	in.nlsn = 2;
	assert_cell("turn-tls-443", "ipv4", "unknown", "not-measured");
	assert_cell("turn-tls-443", "ipv6", "blocked", "listener-ipv4-only");
	/* A probe settles it either way; portward's rules do not matter. */
	in.rules_ok = 0;
	memset(pr, 0, sizeof(pr));
	snprintf(pr[0].name, sizeof(pr[0].name), "turn-tls-443");
	pr[0].fam = FAM_IPV4;
	pr[0].ok = 1;
	snprintf(pr[0].detail, sizeof(pr[0].detail), "tcp connect ok");
	in.probes = pr;
	in.nprobes = 1;
	assert_cell("turn-tls-443", "ipv4", "reachable", "");
	pr[0].ok = 0;
	assert_cell("turn-tls-443", "ipv4", "blocked", "probe-failed");
	/* The reflector could not be asked: nothing measured. */
	in.rules_ok = 1;
	in.fw_read = 1;
	snprintf(pr[0].name, sizeof(pr[0].name), "turn-tls");
	snprintf(pr[0].kind, sizeof(pr[0].kind), "none");
	snprintf(pr[0].detail, sizeof(pr[0].detail), "reflector 203.0.113.2:7900: "
	    "rate limited");
	listen_on(2, IPPROTO_TCP, AF_INET, "0.0.0.0", 5349, 0);
	in.nlsn = 3;
	assert_cell("turn-tls", "ipv4", "unknown", "reflector-failed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(status__turn_ipv6__impossible_livekit_turn_ipv4_only, teardown),
		cmocka_unit_test_teardown(status__nothing_measured__unknown_never_reachable, teardown),
		cmocka_unit_test_teardown(status__other_table_drops__blocked_naming_table, teardown),
		cmocka_unit_test_teardown(status__forward_conflict__blocked, teardown),
		cmocka_unit_test_teardown(status__families_ipv4__ipv6_impossible_family_disabled, teardown),
		cmocka_unit_test_teardown(status_print__blocked_cell__exit_1, teardown),
		cmocka_unit_test_teardown(status__host_no_listener__blocked_no_listener, teardown),
		cmocka_unit_test_teardown(status__ipv4_only_listener__ipv6_blocked_listener_ipv4_only, teardown),
		cmocka_unit_test_teardown(status__v6only_socket__ipv4_blocked_listener_ipv6_only, teardown),
		cmocka_unit_test_teardown(status__turn_served_on_ipv6__measured_beats_version, teardown),
		cmocka_unit_test_teardown(metrics__status__verdicts_counters_and_escaped_labels, teardown),
		cmocka_unit_test_teardown(status__mapper_in_backoff__no_forward_yet_and_metrics, teardown),
		cmocka_unit_test_teardown(metrics__forward_states__numbers_as_help_says_lease_expiry, teardown),
		cmocka_unit_test_teardown(status__no_global_ipv6__blocked_no_ipv6_address, teardown),
		cmocka_unit_test(status__turn_current_livekit__ipv6_not_impossible),
		cmocka_unit_test(status__turn_bind_ipv4_only__names_bind_addresses),
		cmocka_unit_test(status__rtc_ips__ice_family_impossible),
		cmocka_unit_test(status__client_port_443__judged_by_listener_and_probe),
		cmocka_unit_test(status__udp_counted_but_nothing_listens__no_listener),
		cmocka_unit_test(status__turn_behind_router__judged_by_hairpin),
		cmocka_unit_test(status__no_rules__blocked_only_where_something_drops),
		cmocka_unit_test(status__forward_lost_after_probe__fresher_evidence_wins),
	};

	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
