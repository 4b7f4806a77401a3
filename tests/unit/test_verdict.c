/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Units for the verdict pipeline (verdict.c): each stage on its own, over
 * observed state written by hand, then the order the stages run in, and
 * the one table of reasons against docs/status.md.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "testutil.h"
#include "verdict.h"

static struct conf conf;
static struct profile prof;
static struct status_in in;
static struct map_report rep;
static struct cell c;

static const char *host = "{\"mode\": \"host\", \"profile\": \""
    SRCDIR "/rules/livekit-1.10.0.json\", \"mapping\": {\"methods\": []}}";
static const char *host_map = "{\"mode\": \"host\", \"profile\": \""
    SRCDIR "/rules/livekit-1.10.0.json\"}";

static void
setup(const char *text)
{
	struct errbuf eb;

	eb_clear(&eb);
	if (conf_load(tu_file("c.json", text), &conf, &eb) == -1 ||
	    conf_profile(&conf, &prof, &eb) == -1) {
		print_error("%s\n", eb.msg);
		fail();
	}
	memset(&in, 0, sizeof(in));
	memset(&rep, 0, sizeof(rep));
	memset(&c, 0, sizeof(c));
	in.conf = &conf;
	in.prof = &prof;
	in.rules_ok = 1;
	in.fw_read = 1;
	in.mapping_on = conf.mapping.nmethods > 0;
}

static const struct prof_endpoint *
ep(const char *name)
{
	size_t i;

	for (i = 0; i < prof.n; i++)
		if (strcmp(prof.ep[i].name, name) == 0)
			return &prof.ep[i];
	fail();
	return NULL;
}

static struct nft_conflict
drops(const char *endpoint, int stateful, int uncertain)
{
	struct nft_conflict x;

	memset(&x, 0, sizeof(x));
	snprintf(x.family, sizeof(x.family), "inet");
	snprintf(x.table, sizeof(x.table), "fw");
	snprintf(x.chain, sizeof(x.chain), "input");
	snprintf(x.why, sizeof(x.why), "policy drop");
	snprintf(x.endpoint, sizeof(x.endpoint), "%s", endpoint);
	x.fam = strstr(endpoint, "ipv6") ? FAM_IPV6 : FAM_IPV4;
	x.stateful = stateful;
	x.uncertain = uncertain;
	return x;
}

static struct probe_result
probe(const char *name, unsigned fam, int ok, const char *kind, long long at)
{
	struct probe_result r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.fam = fam;
	r.ok = (uint32_t)ok;
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.reflector, sizeof(r.reflector), "192.0.2.1:7900");
	r.at = at;
	return r;
}

static void
reasons__one_table__named_staged_and_documented(void **state)
{
	char doc[65536], want[96];
	size_t n;
	FILE *f;
	int r, k;

	(void)state;
	f = fopen(SRCDIR "/docs/status.md", "r");
	assert_non_null(f);
	n = fread(doc, 1, sizeof(doc) - 1, f);
	doc[n] = '\0';
	fclose(f);
	for (r = 1; r < R_COUNT; r++) {
		assert_non_null(reasons[r].name);
		assert_true(reasons[r].name[0] != '\0');
		assert_true(reasons[r].stage != ST_NONE);
		assert_true(reasons[r].todo != NULL && reasons[r].todo[0]);
		assert_true(reasons[r].verdict != V_REACHABLE);
		for (k = 1; k < r; k++)
			assert_string_not_equal(reasons[k].name, reasons[r].name);
		snprintf(want, sizeof(want), "`%s`", reasons[r].name);
		assert_contains(doc, want);
	}
	assert_string_equal(verdict_name(V_DEGRADED), "degraded");
	assert_string_equal(stage_name(ST_FIREWALL), "firewall");
}

static void
stage_sfu__family_left_out__impossible(void **state)
{
	(void)state;
	setup(host);
	assert_int_equal(stage_sfu(&in, ep("ice-tcp"), FAM_IPV6, &c), 0);
	assert_int_equal(stage_sfu(&in, ep("turn-udp"), FAM_IPV6, &c), 1);
	assert_int_equal(c.reason, R_LIVEKIT_TURN_IPV4_ONLY);
	assert_int_equal(c.verdict, V_IMPOSSIBLE);
	conf.families = FAM_IPV4;
	assert_int_equal(stage_sfu(&in, ep("ice-tcp"), FAM_IPV6, &c), 1);
	assert_int_equal(c.reason, R_FAMILY_DISABLED);
}

static void
stage_address__no_global_ipv6_or_route__blocked(void **state)
{
	(void)state;
	setup(host);
	in.have_v6 = 1;
	assert_int_equal(stage_address(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	assert_int_equal(stage_address(&in, ep("ice-tcp"), FAM_IPV6, &c), 1);
	assert_int_equal(c.reason, R_NO_IPV6_ADDRESS);
	in.v6.global = 1;
	assert_int_equal(stage_address(&in, ep("ice-tcp"), FAM_IPV6, &c), 1);
	assert_int_equal(c.reason, R_NO_IPV6_ROUTE);
	in.v6.default_route = 1;
	assert_int_equal(stage_address(&in, ep("ice-tcp"), FAM_IPV6, &c), 0);
}

static void
stage_forward__refused__udp_hole_punching_tcp_blocked(void **state)
{
	(void)state;
	setup(host_map);
	assert_int_equal(stage_forward(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_NO_FORWARD_YET);
	in.map = &rep;
	rep.nfwd = 2;
	snprintf(rep.fwd[0].name, sizeof(rep.fwd[0].name), "ice-tcp");
	rep.fwd[0].proto = IPPROTO_TCP;
	rep.fwd[0].port = rep.fwd[0].port_end = ep("ice-tcp")->port;
	rep.fwd[0].fam[0].state = MAP_ERROR;
	snprintf(rep.fwd[1].name, sizeof(rep.fwd[1].name), "ice-udp");
	rep.fwd[1].proto = IPPROTO_UDP;
	rep.fwd[1].port = rep.fwd[1].port_end = ep("ice-udp")->port;
	rep.fwd[1].fam[0].state = MAP_ERROR;
	assert_int_equal(stage_forward(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_NO_FORWARD);
	assert_int_equal(stage_forward(&in, ep("ice-udp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_HOLE_PUNCHING_ONLY);
	assert_int_equal(c.verdict, V_DEGRADED);
	rep.fwd[1].fam[0].state = MAP_OK;
	assert_int_equal(stage_forward(&in, ep("ice-udp"), FAM_IPV4, &c), 0);
}

static void
stage_firewall__certain_stateful_uncertain(void **state)
{
	struct nft_conflict x[2];

	(void)state;
	setup(host);
	in.fw_read = 0;
	assert_int_equal(stage_firewall(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_NEEDS_ROOT);
	assert_int_equal(c.verdict, V_UNKNOWN);
	in.fw_read = 1;
	assert_int_equal(stage_firewall(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	x[0] = drops("ice-udp ipv4", 1, 0);
	x[1] = drops("ice-tcp ipv4", 0, 1);
	in.conflicts = x;
	in.nconflicts = 2;
	assert_int_equal(stage_firewall(&in, ep("ice-udp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_HOLE_PUNCHING_ONLY);
	/* Uncertain: not this stage's to say; the probe decides. */
	assert_int_equal(stage_firewall(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	in.rules_ok = 0;
	assert_int_equal(stage_firewall(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	assert_int_equal(stage_firewall(&in, ep("ice-udp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_NO_RULE);
}

static void
stage_socket__nothing_or_one_family__blocked(void **state)
{
	struct lsn l;

	(void)state;
	setup(host);
	assert_int_equal(stage_socket(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	in.have_lsn = 1;
	assert_int_equal(stage_socket(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_NO_LISTENER);
	memset(&l, 0, sizeof(l));
	l.proto = IPPROTO_TCP;
	l.family = AF_INET;
	l.port = (uint16_t)ep("ice-tcp")->port;
	in.lsn = &l;
	in.nlsn = 1;
	assert_int_equal(stage_socket(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	assert_int_equal(stage_socket(&in, ep("ice-tcp"), FAM_IPV6, &c), 1);
	assert_int_equal(c.reason, R_LISTENER_IPV4_ONLY);
}

static void
stage_probe__failure_confirms_an_uncertain_drop(void **state)
{
	struct nft_conflict x = drops("ice-tcp ipv4", 0, 1);
	struct probe_result r = probe("ice-tcp", FAM_IPV4, 0, "tcp", 100);

	(void)state;
	setup(host);
	assert_int_equal(stage_probe(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_NOT_MEASURED);
	in.conflicts = &x;
	in.nconflicts = 1;
	assert_int_equal(stage_probe(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_MAYBE_DROPPED_BY_OTHER_TABLE);
	assert_int_equal(c.verdict, V_UNKNOWN);
	in.probes = &r;
	in.nprobes = 1;
	assert_int_equal(stage_probe(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_DROPPED_BY_OTHER_TABLE);
	in.nconflicts = 0;
	assert_int_equal(stage_probe(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_PROBE_FAILED);
	/* The reflector failed: nothing measured. */
	snprintf(r.kind, sizeof(r.kind), "none");
	assert_int_equal(stage_probe(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_REFLECTOR_FAILED);
}

static void
stage_proven__older_than_a_drop_no_longer_counts(void **state)
{
	struct nft_conflict x = drops("ice-tcp ipv4", 0, 0);
	struct probe_result r = probe("ice-tcp", FAM_IPV4, 1, "tcp", 100);

	(void)state;
	setup(host);
	in.probes = &r;
	in.nprobes = 1;
	assert_int_equal(stage_proven(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.verdict, V_REACHABLE);
	in.conflicts = &x;
	in.nconflicts = 1;
	in.fw_changed = 99;	/* the drop was there before the probe */
	assert_int_equal(stage_proven(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	in.rules_ok = 0;	/* portward's rules gone, not repaired */
	assert_int_equal(stage_proven(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	in.doctor = 1;		/* doctor: its own probe is of this state */
	assert_int_equal(stage_proven(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	in.doctor = 0;
	in.rules_ok = 1;
	in.fw_changed = 101;	/* it came after */
	assert_int_equal(stage_proven(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	verdict_cell(&in, ep("ice-tcp"), FAM_IPV4, &c);
	assert_int_equal(c.reason, R_DROPPED_BY_OTHER_TABLE);
}

static void
stage_proven__counted_datagrams_yield_to_a_certain_drop(void **state)
{
	struct nft_conflict x = drops("ice-udp ipv4", 1, 0);
	struct probe_result r = probe("ice-udp", FAM_IPV4, 1, "datagram", 100);

	(void)state;
	setup(host);
	in.probes = &r;
	in.nprobes = 1;
	in.conflicts = &x;
	in.nconflicts = 1;
	assert_int_equal(stage_proven(&in, ep("ice-udp"), FAM_IPV4, &c), 0);
	/* An uncertain drop does not outweigh the count. */
	x.uncertain = 1;
	assert_int_equal(stage_proven(&in, ep("ice-udp"), FAM_IPV4, &c), 1);
	/* Nor a certain one a handshake. */
	x = drops("ice-tcp ipv4", 0, 0);
	r = probe("ice-tcp", FAM_IPV4, 1, "tcp", 100);
	assert_int_equal(stage_proven(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
}

static void
stage_firewall__no_rule_needs_a_certain_drop(void **state)
{
	struct nft_conflict x = drops("ice-tcp ipv4", 0, 1);

	(void)state;
	setup(host);
	in.rules_ok = 0;
	in.conflicts = &x;
	in.nconflicts = 1;
	assert_int_equal(stage_firewall(&in, ep("ice-tcp"), FAM_IPV4, &c), 0);
	verdict_cell(&in, ep("ice-tcp"), FAM_IPV4, &c);
	assert_int_equal(c.reason, R_MAYBE_DROPPED_BY_OTHER_TABLE);
	x.uncertain = 0;
	assert_int_equal(stage_firewall(&in, ep("ice-tcp"), FAM_IPV4, &c), 1);
	assert_int_equal(c.reason, R_NO_RULE);
}

static void
pipeline__first_stage_that_stops_is_named(void **state)
{
	struct nft_conflict x = drops("ice-tcp ipv4", 0, 0);

	(void)state;
	setup(host_map);
	in.conflicts = &x;
	in.nconflicts = 1;
	/* No forward yet and a drop: the router comes first. */
	verdict_cell(&in, ep("ice-tcp"), FAM_IPV4, &c);
	assert_int_equal(c.reason, R_NO_FORWARD_YET);
	assert_int_equal(reasons[c.reason].stage, ST_FORWARD);
	setup(host);
	in.conflicts = &x;
	in.nconflicts = 1;
	in.have_lsn = 1;	/* nothing listens either */
	verdict_cell(&in, ep("ice-tcp"), FAM_IPV4, &c);
	assert_int_equal(c.reason, R_DROPPED_BY_OTHER_TABLE);
	in.nconflicts = 0;
	verdict_cell(&in, ep("ice-tcp"), FAM_IPV4, &c);
	assert_int_equal(c.reason, R_NO_LISTENER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reasons__one_table__named_staged_and_documented),
		cmocka_unit_test(stage_sfu__family_left_out__impossible),
		cmocka_unit_test(stage_address__no_global_ipv6_or_route__blocked),
		cmocka_unit_test(stage_forward__refused__udp_hole_punching_tcp_blocked),
		cmocka_unit_test(stage_firewall__certain_stateful_uncertain),
		cmocka_unit_test(stage_socket__nothing_or_one_family__blocked),
		cmocka_unit_test(stage_probe__failure_confirms_an_uncertain_drop),
		cmocka_unit_test(stage_proven__older_than_a_drop_no_longer_counts),
		cmocka_unit_test(stage_proven__counted_datagrams_yield_to_a_certain_drop),
		cmocka_unit_test(stage_firewall__no_rule_needs_a_certain_drop),
		cmocka_unit_test(pipeline__first_stage_that_stops_is_named),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
