/* Units for livekit.yaml profiles (profile_livekit.c): LiveKit's semantics. */
#include <netinet/in.h>

#include "testutil.h"
#include "profile.h"

static struct profile prof;
static struct errbuf eb;

static int
load(const char *text)
{
	eb_clear(&eb);
	return prof_load_livekit(tu_file("livekit.yaml", text), &prof, &eb);
}

static const struct prof_endpoint *
ep(const char *name)
{
	size_t i;

	for (i = 0; i < prof.n; i++)
		if (strcmp(prof.ep[i].name, name) == 0)
			return &prof.ep[i];
	return NULL;
}

static int
has_note(const char *needle)
{
	size_t i;

	for (i = 0; i < prof.nnotes; i++)
		if (strstr(prof.notes[i], needle) != NULL)
			return 1;
	return 0;
}

static void
profile_yaml__empty__livekit_defaults(void **state)
{
	(void)state;
	assert_int_equal(load("keys:\n  k: s\n"), 0);
	assert_int_equal(prof.n, 2);
	assert_int_equal(ep("ice-tcp")->port, 7881);
	assert_int_equal(ep("ice-udp")->port, 50000);
	assert_int_equal(ep("ice-udp")->port_end, 60000);
	assert_null(ep("turn-udp"));
	assert_true(has_note("signal port 7880/tcp"));
}

static void
profile_yaml__udp_mux__single_port(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  tcp_port: 7881\n  udp_port: 7882\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 7882);
	assert_int_equal(ep("ice-udp")->port_end, 7882);
	assert_int_equal(ep("ice-udp")->families, FAM_ALL);
	assert_int_equal(ep("ice-udp")->line, 3);
	assert_int_equal(ep("ice-udp")->col, 13);
}

static void
profile_yaml__udp_port_range_string__stored_as_range(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  udp_port: \"7882-7892\"\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 7882);
	assert_int_equal(ep("ice-udp")->port_end, 7892);
	assert_int_equal(prof.n, 2);
}

static void
profile_yaml__range_and_udp_port__range_wins(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  udp_port: 7882\n  port_range_start: "
	    "40000\n  port_range_end: 40100\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 40000);
	assert_int_equal(ep("ice-udp")->port_end, 40100);
	assert_true(has_note("rtc.udp_port is ignored"));
}

static void
profile_yaml__tcp_port_zero__no_ice_tcp(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  tcp_port: 0\n  udp_port: 7882\n"), 0);
	assert_null(ep("ice-tcp"));
	assert_int_equal(prof.n, 1);
}

static void
profile_yaml__development__udp_7882(void **state)
{
	(void)state;
	assert_int_equal(load("development: true\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 7882);
	assert_int_equal(ep("ice-udp")->port_end, 7882);
}

static void
profile_yaml__force_tcp__no_udp(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  force_tcp: true\n"), 0);
	assert_null(ep("ice-udp"));
	assert_non_null(ep("ice-tcp"));
}

static void
profile_yaml__turn__ipv4_only(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  tls_port: 5350\n  domain: t.example.com\n"), 0);
	assert_int_equal(ep("turn-udp")->port, 3479);
	assert_int_equal(ep("turn-udp")->families, FAM_IPV4);
	assert_int_equal(ep("turn-tls")->port, 5350);
	assert_int_equal(ep("turn-tls")->proto, IPPROTO_TCP);
	assert_int_equal(ep("turn-tls")->families, FAM_IPV4);
	assert_true(has_note("LiveKit up to 1.10.0"));
}

static void
profile_yaml__external_tls__turn_tls_dual_stack(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  tls_port: 5350\n  external_tls: true\n"), 0);
	assert_int_equal(ep("turn-tls")->families, FAM_ALL);
	assert_int_equal(ep("turn-udp")->families, FAM_IPV4);
}

static void
profile_yaml__turn_disabled__no_turn_endpoints(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: false\n  udp_port: 3479\n"),
	    0);
	assert_null(ep("turn-udp"));
	assert_true(has_note("TURN is off"));
}

static void
profile_yaml__turn_bind_addresses__families_from_addresses(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses:\n    - 0.0.0.0\n    - \"2001:db8::1\"\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_ALL);
}

static void
profile_yaml__turn_without_ports__livekit_startup_error(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  domain: x\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:2:12: turn.enabled: TURN is "
	    "enabled but neither turn.udp_port nor turn.tls_port is set");
	assert_contains(eb.msg, "invalid TURN ports");
}

static void
profile_yaml__missing_file__names_file(void **state)
{
	(void)state;
	eb_clear(&eb);
	assert_int_equal(prof_load_livekit("/nonexistent/livekit.yaml", &prof,
	    &eb), -1);
	assert_string_equal(eb.msg, "/nonexistent/livekit.yaml: cannot open: "
	    "No such file or directory");
}

static void
profile_yaml__unreadable__names_file(void **state)
{
	(void)state;
	eb_clear(&eb);
	assert_int_equal(prof_load_livekit("/", &prof, &eb), -1);
	assert_string_equal(eb.msg, "/: cannot read: Is a directory");
}

static void
profile_yaml__malformed__line_and_column(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  tcp_port: 7881\n udp_port: [\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:3:");
	assert_contains(eb.msg, "malformed YAML: ");
}

static void
profile_yaml__quoted_tcp_port__wrong_type(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  tcp_port: \"7881\"\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:2:13: rtc.tcp_port: expected a "
	    "number, got the quoted string \"7881\"");
}

static void
profile_yaml__rtc_not_mapping__wrong_type(void **state)
{
	(void)state;
	assert_int_equal(load("rtc: 7881\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:1:6: rtc: expected a mapping");
}

static void
profile_yaml__port_above_65535__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  tcp_port: 70000\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:2:13: rtc.tcp_port: 70000 is out "
	    "of range 0-65535");
}

static void
profile_yaml__udp_port_zero__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  udp_port: \"0-10\"\n"), -1);
	assert_contains(eb.msg, "rtc.udp_port: port 0 is out of range 1-65535");
}

static void
profile_yaml__udp_range_start_above_end__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  udp_port: 7892-7882\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:2:13: rtc.udp_port: range start "
	    "7892 is above its end 7882");
}

static void
profile_yaml__port_range_start_above_end__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  port_range_start: 60000\n"
	    "  port_range_end: 50000\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:2:21: rtc.port_range_start: "
	    "range start 60000 is above its end 50000");
}

static void
profile_yaml__range_start_without_end__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  port_range_start: 50000\n"), -1);
	assert_contains(eb.msg, "rtc.port_range_start: set without "
	    "rtc.port_range_end");
}

static void
profile_yaml__turn_inside_ice_range__overlap_rejected(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  port_range_start: 3000\n"
	    "  port_range_end: 4000\nturn:\n  enabled: true\n"
	    "  udp_port: 3479\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:6:13: turn.udp_port: turn-udp "
	    "3479/udp overlaps ice-udp 3000-4000/udp");
}

static void
profile_yaml__turn_tls_same_as_ice_tcp__overlap_rejected(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  tls_port: 7881\n"),
	    -1);
	assert_contains(eb.msg, "turn-tls 7881/tcp overlaps ice-tcp 7881/tcp");
}

static void
profile_yaml__bad_bool__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: maybe\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:2:12: turn.enabled: \"maybe\" is "
	    "not true or false");
}

static void
profile_yaml__null_value__default_kept(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  tcp_port:\n  udp_port: ~\n"), 0);
	assert_int_equal(ep("ice-tcp")->port, 7881);
	assert_int_equal(ep("ice-udp")->port, 50000);
}

static void
profile_yaml__not_a_mapping__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("- a\n- b\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:1:1: expected a mapping");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(profile_yaml__empty__livekit_defaults),
		cmocka_unit_test(profile_yaml__udp_mux__single_port),
		cmocka_unit_test(profile_yaml__udp_port_range_string__stored_as_range),
		cmocka_unit_test(profile_yaml__range_and_udp_port__range_wins),
		cmocka_unit_test(profile_yaml__tcp_port_zero__no_ice_tcp),
		cmocka_unit_test(profile_yaml__development__udp_7882),
		cmocka_unit_test(profile_yaml__force_tcp__no_udp),
		cmocka_unit_test(profile_yaml__turn__ipv4_only),
		cmocka_unit_test(profile_yaml__external_tls__turn_tls_dual_stack),
		cmocka_unit_test(profile_yaml__turn_disabled__no_turn_endpoints),
		cmocka_unit_test(profile_yaml__turn_bind_addresses__families_from_addresses),
		cmocka_unit_test(profile_yaml__turn_without_ports__livekit_startup_error),
		cmocka_unit_test(profile_yaml__missing_file__names_file),
		cmocka_unit_test(profile_yaml__unreadable__names_file),
		cmocka_unit_test(profile_yaml__malformed__line_and_column),
		cmocka_unit_test(profile_yaml__quoted_tcp_port__wrong_type),
		cmocka_unit_test(profile_yaml__rtc_not_mapping__wrong_type),
		cmocka_unit_test(profile_yaml__port_above_65535__rejected),
		cmocka_unit_test(profile_yaml__udp_port_zero__rejected),
		cmocka_unit_test(profile_yaml__udp_range_start_above_end__rejected),
		cmocka_unit_test(profile_yaml__port_range_start_above_end__rejected),
		cmocka_unit_test(profile_yaml__range_start_without_end__rejected),
		cmocka_unit_test(profile_yaml__turn_inside_ice_range__overlap_rejected),
		cmocka_unit_test(profile_yaml__turn_tls_same_as_ice_tcp__overlap_rejected),
		cmocka_unit_test(profile_yaml__bad_bool__rejected),
		cmocka_unit_test(profile_yaml__null_value__default_kept),
		cmocka_unit_test(profile_yaml__not_a_mapping__rejected),
	};

	return cmocka_run_group_tests_name("profile_yaml", tests, NULL, NULL);
}
