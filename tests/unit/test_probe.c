/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Units for the probe helper's reading of a reflector's answer
 * (probe_parse_answer, probe.c): what it keeps, what it ignores, what a
 * refusal or garbage becomes, and that the reflector's strings come out
 * escaped.
 */
#include "probe.h"
#include "testutil.h"

static struct conf conf;
static struct profile prof;
static struct probe_result r[PROF_MAX_ENDPOINTS];

static const char *host = "{\"mode\": \"host\", \"profile\": \""
    SRCDIR "/rules/livekit-1.10.0.json\", \"mapping\": {\"methods\": []}}";

static int
setup(void **state)
{
	struct errbuf eb;

	(void)state;
	eb_clear(&eb);
	if (conf_load(tu_file("c.json", host), &conf, &eb) == -1 ||
	    conf_profile(&conf, &prof, &eb) == -1) {
		print_error("%s\n", eb.msg);
		return -1;
	}
	memset(r, 0, sizeof(r));
	return 0;
}

static size_t
parse(const char *ans, unsigned fam)
{
	return probe_parse_answer(ans, strlen(ans), conf.families, &prof, fam,
	    "203.0.113.2:7900", r, PROF_MAX_ENDPOINTS);
}

static void
answer__results__kept_with_the_profiles_name_and_kind(void **state)
{
	(void)state;
	assert_int_equal(parse("{\"from\": \"203.0.113.1\", \"results\": ["
	    "{\"name\": \"ice-tcp\", \"kind\": \"udp\", \"ok\": true, "
	    "\"detail\": \"TCP connection accepted\"},"
	    "{\"name\": \"turn-udp\", \"ok\": false, \"detail\": \"no answer\"}]}",
	    FAM_IPV4), 2);
	assert_string_equal(r[0].name, "ice-tcp");
	/* The kind asked, not the kind the reflector claims. */
	assert_string_equal(r[0].kind, "tcp");
	assert_int_equal(r[0].ok, 1);
	assert_int_equal(r[0].fam, FAM_IPV4);
	assert_string_equal(r[0].detail, "TCP connection accepted");
	assert_string_equal(r[0].reflector, "203.0.113.2:7900");
	assert_string_equal(r[1].name, "turn-udp");
	assert_string_equal(r[1].kind, "turn-udp");
	assert_int_equal(r[1].ok, 0);
}

static void
answer__unknown_or_unasked_names__ignored(void **state)
{
	(void)state;
	/* turn-udp is IPv4 only in LiveKit 1.10.0: never asked over IPv6. */
	assert_int_equal(parse("{\"results\": ["
	    "{\"name\": \"ssh\", \"ok\": true},"
	    "{\"name\": \"turn-udp\", \"ok\": true},"
	    "{\"name\": 7, \"ok\": true}, 42, null,"
	    "{\"name\": \"ice-udp\", \"ok\": \"yes\"}]}", FAM_IPV6), 1);
	assert_string_equal(r[0].name, "ice-udp");
	/* Only JSON true is a yes. */
	assert_int_equal(r[0].ok, 0);
	assert_string_equal(r[0].detail, "");
}

static void
answer__error__none_for_every_endpoint_asked(void **state)
{
	(void)state;
	assert_int_equal(parse("{\"error\": \"rate limited: one request per "
	    "address every 2 s\"}", FAM_IPV4), 4);
	assert_string_equal(r[0].kind, "none");
	assert_int_equal(r[0].ok, 0);
	assert_string_equal(r[3].name, "turn-tls");
	assert_string_equal(r[3].detail, "reflector 203.0.113.2:7900: rate "
	    "limited: one request per address every 2 s");
	/* IPv6: the two endpoints served over IPv6. */
	assert_int_equal(parse("{\"error\": \"x\"}", FAM_IPV6), 2);
}

static void
answer__garbage_or_nothing__no_answer(void **state)
{
	static const char *bad[] = { "", "{", "[1, 2]", "\"results\"",
	    "{\"results\": {}}", "{\"error\": 5}", "\xff\xfe{}" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], FAM_IPV4), 4);
		assert_string_equal(r[0].detail,
		    "reflector 203.0.113.2:7900: no answer");
	}
}

static void
answer__escape_sequences_in_detail_and_error__escaped(void **state)
{
	(void)state;
	assert_int_equal(parse("{\"results\": [{\"name\": \"ice-tcp\", "
	    "\"ok\": true, \"detail\": \"\\u001b[2J\\nportwardd: all "
	    "fine\\u202e\"}]}", FAM_IPV4), 1);
	assert_string_equal(r[0].detail,
	    "\\x1b[2J\\nportwardd: all fine\\u{202e}");
	assert_int_equal(parse("{\"error\": \"\\u001b[2J\\r\\nforged\\u0085\"}",
	    FAM_IPV4), 4);
	assert_string_equal(r[0].detail,
	    "reflector 203.0.113.2:7900: \\x1b[2J\\r\\nforged\\xc2\\x85");
}

static void
answer__long_detail__bounded_and_terminated(void **state)
{
	char ans[4096];
	int n;

	(void)state;
	n = snprintf(ans, sizeof(ans), "{\"results\": [{\"name\": \"ice-tcp\", "
	    "\"ok\": true, \"detail\": \"%03000d\"}]}", 0);
	assert_true(n > 0 && (size_t)n < sizeof(ans));
	assert_int_equal(parse(ans, FAM_IPV4), 1);
	assert_true(strlen(r[0].detail) < sizeof(r[0].detail));
	assert_non_null(strstr(r[0].detail, "..."));
}

static void
answer__out_full_or_not_terminated__bounded(void **state)
{
	const char *ans = "{\"results\": [{\"name\": \"ice-tcp\", \"ok\": true},"
	    "{\"name\": \"ice-udp\", \"ok\": true}]} trailing";

	(void)state;
	assert_int_equal(probe_parse_answer(ans, strlen(ans), conf.families, &prof,
	    FAM_IPV4, "r", r, 1), 1);
	assert_string_equal(r[0].name, "ice-tcp");
	/* Cut in the middle: the bytes given are all that is read. */
	assert_int_equal(probe_parse_answer(ans, 20, conf.families, &prof, FAM_IPV4,
	    "r", r, PROF_MAX_ENDPOINTS), 4);
	assert_string_equal(r[0].detail, "reflector r: no answer");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(answer__results__kept_with_the_profiles_name_and_kind, setup),
		cmocka_unit_test_setup(answer__unknown_or_unasked_names__ignored, setup),
		cmocka_unit_test_setup(answer__error__none_for_every_endpoint_asked, setup),
		cmocka_unit_test_setup(answer__garbage_or_nothing__no_answer, setup),
		cmocka_unit_test_setup(answer__escape_sequences_in_detail_and_error__escaped, setup),
		cmocka_unit_test_setup(answer__long_detail__bounded_and_terminated, setup),
		cmocka_unit_test_setup(answer__out_full_or_not_terminated__bounded, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
