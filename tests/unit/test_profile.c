/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for JSON profiles (profile.c), their validation and jsonpos.c. */
#include <netinet/in.h>

#include "testutil.h"
#include "jsonpos.h"
#include "profile.h"

static struct profile prof;
static struct errbuf eb;

static int
load(const char *text)
{
	eb_clear(&eb);
	return prof_load_json(tu_file("p.json", text), &prof, &eb);
}

static void
profile_json__reference__four_endpoints_current_livekit_dual_stack(void **state)
{
	(void)state;
	eb_clear(&eb);
	assert_int_equal(prof_load_json(SRCDIR "/rules/livekit.json", &prof,
	    &eb), 0);
	assert_int_equal(prof.n, 4);
	assert_string_equal(prof.ep[2].name, "turn-udp");
	assert_int_equal(prof.ep[2].port, 3479);
	assert_int_equal(prof.ep[2].families, FAM_ALL);
	assert_string_equal(prof.ep[3].name, "turn-tls");
	assert_int_equal(prof.ep[3].port, 5350);
	assert_int_equal(prof.ep[3].families, FAM_ALL);
	/* roommanager.go iceServersForParticipant: turns:<domain>:443. */
	assert_int_equal(prof.ep[3].client_port, 443);
}

static void
profile_json__client_only__one_port_no_overlap_check(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"a\", \"proto\": "
	    "\"tcp\", \"port\": 443}, {\"name\": \"b\", \"proto\": \"tcp\", "
	    "\"port\": 443, \"client_only\": true, \"client_host\": "
	    "\"t.example.org\", \"client_port\": 443}]}"), 0);
	assert_true(prof.ep[1].flags & PROF_EP_CLIENT);
	assert_string_equal(prof.ep[1].client_host, "t.example.org");
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"b\", \"proto\": "
	    "\"tcp\", \"port\": 443, \"port_end\": 444, \"client_only\": "
	    "true}]}"), -1);
	assert_contains(eb.msg, "a client_only endpoint is one port");
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"b\", \"proto\": "
	    "\"tcp\", \"port\": 443, \"client_only\": 1}]}"), -1);
	assert_contains(eb.msg, "client_only: expected true or false");
}

static void
profile_json__reference_1_10_0__four_endpoints_turn_ipv4_only(void **state)
{
	(void)state;
	eb_clear(&eb);
	assert_int_equal(prof_load_json(SRCDIR "/rules/livekit-1.10.0.json",
	    &prof, &eb), 0);
	assert_int_equal(prof.n, 4);
	assert_string_equal(prof.ep[0].name, "ice-tcp");
	assert_int_equal(prof.ep[0].proto, IPPROTO_TCP);
	assert_int_equal(prof.ep[0].port, 7881);
	assert_int_equal(prof.ep[0].families, FAM_ALL);
	assert_string_equal(prof.ep[1].name, "ice-udp");
	assert_int_equal(prof.ep[1].proto, IPPROTO_UDP);
	assert_int_equal(prof.ep[1].port, 7882);
	assert_string_equal(prof.ep[2].name, "turn-udp");
	assert_int_equal(prof.ep[2].port, 3479);
	assert_int_equal(prof.ep[2].families, FAM_IPV4);
	assert_string_equal(prof.ep[3].name, "turn-tls");
	assert_int_equal(prof.ep[3].port_end, 5350);
	assert_int_equal(prof.ep[3].families, FAM_IPV4);
}

static void
profile_json__to_json__loads_back_identical(void **state)
{
	struct profile again;
	char *json;

	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"media\", "
	    "\"proto\": \"udp\", \"port\": 50000, \"port_end\": 60000, "
	    "\"families\": [\"ipv6\"]}]}"), 0);
	json = prof_to_json(&prof);
	assert_non_null(json);
	assert_contains(json, "\"port_end\": 60000");
	eb_clear(&eb);
	assert_int_equal(prof_load_json(tu_file("again.json", json), &again,
	    &eb), 0);
	free(json);
	assert_int_equal(again.n, 1);
	assert_int_equal(again.ep[0].port, 50000);
	assert_int_equal(again.ep[0].port_end, 60000);
	assert_int_equal(again.ep[0].families, FAM_IPV6);
}

static void
profile_json__no_port_end__single_port_both_families(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"a\", "
	    "\"proto\": \"tcp\", \"port\": 80}]}"), 0);
	assert_int_equal(prof.ep[0].port_end, 80);
	assert_int_equal(prof.ep[0].families, FAM_ALL);
}

static void
profile_json__missing_file__names_file(void **state)
{
	(void)state;
	eb_clear(&eb);
	assert_int_equal(prof_load_json("/nonexistent/p.json", &prof, &eb), -1);
	assert_string_equal(eb.msg, "/nonexistent/p.json: cannot open: "
	    "No such file or directory");
}

static void
profile_json__directory__refused_by_type(void **state)
{
	(void)state;
	eb_clear(&eb);
	assert_int_equal(prof_load_json("/", &prof, &eb), -1);
	assert_string_equal(eb.msg, "/: not a regular file (a directory): "
	    "portward reads only regular files");
}

static void
profile_json__malformed__line_and_column(void **state)
{
	(void)state;
	assert_int_equal(load("{\n  \"endpoints\": [\n    {\"name\": }\n"), -1);
	assert_contains(eb.msg, "p.json:3:14: malformed JSON: ");
}

static void
profile_json__port_as_string__wrong_type(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [\n {\"name\": \"a\", "
	    "\"proto\": \"tcp\",\n  \"port\": \"7881\"}]}"), -1);
	assert_contains(eb.msg, "p.json:3:3: endpoints[0].port: expected an "
	    "integer, got a string");
}

static void
profile_json__unknown_key__named_with_position(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"a\", "
	    "\"proto\": \"tcp\", \"port\": 1,\n \"prot\": 2}]}"), -1);
	assert_contains(eb.msg, "p.json:2:2: endpoints[0].prot: unknown key");
}

static void
profile_json__port_zero__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"a\", "
	    "\"proto\": \"tcp\", \"port\": 0}]}"), -1);
	assert_contains(eb.msg, ":1:46: endpoints[0].port: 0 is out of range "
	    "1-65535");
}

static void
profile_json__port_above_65535__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"a\", "
	    "\"proto\": \"udp\", \"port\": 1, \"port_end\": 65536}]}"), -1);
	assert_contains(eb.msg, "endpoints[0].port_end: 65536 is out of range "
	    "1-65535");
}

static void
profile_json__range_start_above_end__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"a\", "
	    "\"proto\": \"udp\", \"port\": 8000, \"port_end\": 7000}]}"), -1);
	assert_contains(eb.msg, "endpoints[0].port_end: range start 8000 is "
	    "above its end 7000");
}

static void
profile_json__overlap_same_proto__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [\n"
	    "{\"name\": \"media\", \"proto\": \"udp\", \"port\": 3000, "
	    "\"port_end\": 4000},\n"
	    "{\"name\": \"turn\", \"proto\": \"udp\", \"port\": 3479}]}"), -1);
	assert_contains(eb.msg, "p.json:3:1: endpoints[1]: turn 3479/udp "
	    "overlaps media 3000-4000/udp (from endpoints[0])");
}

static void
profile_json__same_port_other_proto__accepted(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": ["
	    "{\"name\": \"t\", \"proto\": \"tcp\", \"port\": 3478},"
	    "{\"name\": \"u\", \"proto\": \"udp\", \"port\": 3478}]}"), 0);
	assert_int_equal(prof.n, 2);
}

static void
profile_json__no_endpoints__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": []}"), -1);
	assert_contains(eb.msg, "p.json:1:2: endpoints: the profile has no "
	    "endpoints");
}

static void
profile_json__duplicate_name__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": ["
	    "{\"name\": \"x\", \"proto\": \"tcp\", \"port\": 1},"
	    "{\"name\": \"x\", \"proto\": \"tcp\", \"port\": 2}]}"), -1);
	assert_contains(eb.msg, "endpoint name x is used twice");
}

static void
profile_json__bad_family__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"a\", "
	    "\"proto\": \"tcp\", \"port\": 1, \"families\": [\"ipv4\", "
	    "\"ipx\"]}]}"), -1);
	assert_contains(eb.msg, "endpoints[0].families[1]: unknown family "
	    "\"ipx\"");
}

static void
profile_json__bad_proto__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"endpoints\": [{\"name\": \"a\", "
	    "\"proto\": \"sctp\", \"port\": 1}]}"), -1);
	assert_contains(eb.msg, "endpoints[0].proto: \"sctp\" is not \"tcp\" "
	    "or \"udp\"");
}

static void
jsonpos__nested_path__key_position(void **state)
{
	const char *t = "{\n \"a\": {\"b\": [1,\n  {\"c\": 2}]}}";
	int line, col;

	(void)state;
	assert_int_equal(jpos_find(t, strlen(t), "a.b[1].c", &line, &col), 0);
	assert_int_equal(line, 3);
	assert_int_equal(col, 4);
	assert_int_equal(jpos_find(t, strlen(t), "a.b[0]", &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 14);
	assert_int_equal(jpos_find(t, strlen(t), "a.x", &line, &col), -1);
	assert_int_equal(jpos_find(t, strlen(t), "a.b[5]", &line, &col), -1);
}

static void
jsonpos__truncated_text__not_found_no_overrun(void **state)
{
	const char *t = "{\"a\": [1, {\"b\": \"x\\";
	int line, col;
	size_t n;

	(void)state;
	for (n = 0; n <= strlen(t); n++)
		assert_int_equal(jpos_find(t, n, "a[1].c", &line, &col), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(profile_json__reference__four_endpoints_current_livekit_dual_stack),
		cmocka_unit_test(profile_json__client_only__one_port_no_overlap_check),
		cmocka_unit_test(profile_json__reference_1_10_0__four_endpoints_turn_ipv4_only),
		cmocka_unit_test(profile_json__to_json__loads_back_identical),
		cmocka_unit_test(profile_json__no_port_end__single_port_both_families),
		cmocka_unit_test(profile_json__missing_file__names_file),
		cmocka_unit_test(profile_json__directory__refused_by_type),
		cmocka_unit_test(profile_json__malformed__line_and_column),
		cmocka_unit_test(profile_json__port_as_string__wrong_type),
		cmocka_unit_test(profile_json__unknown_key__named_with_position),
		cmocka_unit_test(profile_json__port_zero__rejected),
		cmocka_unit_test(profile_json__port_above_65535__rejected),
		cmocka_unit_test(profile_json__range_start_above_end__rejected),
		cmocka_unit_test(profile_json__overlap_same_proto__rejected),
		cmocka_unit_test(profile_json__same_port_other_proto__accepted),
		cmocka_unit_test(profile_json__no_endpoints__rejected),
		cmocka_unit_test(profile_json__duplicate_name__rejected),
		cmocka_unit_test(profile_json__bad_family__rejected),
		cmocka_unit_test(profile_json__bad_proto__rejected),
		cmocka_unit_test(jsonpos__nested_path__key_position),
		cmocka_unit_test(jsonpos__truncated_text__not_found_no_overrun),
	};

	return cmocka_run_group_tests_name("profile_json", tests, NULL, NULL);
}
