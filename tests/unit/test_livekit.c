/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for livekit.yaml profiles (profile_livekit.c): LiveKit's semantics. */
#include <netinet/in.h>
#include <time.h>

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

/* With a version, a command line and an environment (argv[0] first). */
static int
loadx(const char *text, const char *ver, const char *const *argv,
    size_t argc, const char *const *env, size_t nenv)
{
	static const char *args[16];
	struct lk_opts o;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.file = tu_file("livekit.yaml", text);
	/* "livekit.yaml" on a test's command line is the file written. */
	for (i = 0; i < argc && i < 16; i++)
		args[i] = strcmp(argv[i], "livekit.yaml") == 0 ? o.file :
		    argv[i];
	argv = argc ? args : argv;
	o.version = ver;
	o.version_from = "test";
	o.cmd_where = "supervise.command in portward.json";
	o.argv = argv;
	o.argc = argc;
	o.env = env;
	o.nenv = nenv;
	eb_clear(&eb);
	return prof_load_livekit_ex(&o, &prof, &eb);
}

static int
loadv(const char *text, const char *ver)
{
	return loadx(text, ver, NULL, 0, NULL, 0);
}

#define TURN_BOTH "turn:\n  enabled: true\n  udp_port: 3479\n" \
	"  tls_port: 5350\n  domain: t.example.com\n"

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
profile_yaml__turn_1_10_0__ipv4_only(void **state)
{
	(void)state;
	/* v1.10.0 pkg/service/turn.go: ListenPacket("udp4"), Listen("tcp4"). */
	assert_int_equal(loadv(TURN_BOTH, "1.10.0"), 0);
	assert_int_equal(ep("turn-udp")->port, 3479);
	assert_int_equal(ep("turn-udp")->families, FAM_IPV4);
	assert_int_equal(ep("turn-tls")->port, 5350);
	assert_int_equal(ep("turn-tls")->proto, IPPROTO_TCP);
	assert_int_equal(ep("turn-tls")->families, FAM_IPV4);
	assert_int_equal(ep("turn-tls")->famwhy, PROF_WHY_TURN_V4ONLY);
	assert_true(has_note("LiveKit 1.10.0 binds it to udp4/tcp4"));
	assert_string_equal(prof.lk_version, "1.10.0");
}

static void
profile_yaml__turn_current__dual_stack_by_default(void **state)
{
	(void)state;
	/* v1.10.1+: bind_addresses default ["0.0.0.0"], Go "udp"/"tcp". */
	assert_int_equal(loadv(TURN_BOTH, "1.10.1"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_ALL);
	assert_int_equal(ep("turn-tls")->families, FAM_ALL);
	assert_int_equal(load(TURN_BOTH), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_ALL);
	/* 0.0.0.0 relays at node_ip's IPv4 for IPv6 clients too. */
	assert_int_equal(ep("turn-udp")->flags & (PROF_EP_RELAY4_FOR_V6 |
	    PROF_EP_RELAY6_FOR_V4), PROF_EP_RELAY4_FOR_V6);
	assert_int_equal(ep("turn-tls")->flags & PROF_EP_RELAY4_FOR_V6,
	    PROF_EP_RELAY4_FOR_V6);
	assert_string_equal(prof.lk_version, LK_CURRENT_VERSION);
	assert_true(has_note("portward models the current release"));
}

static void
profile_yaml__turn_tls_not_443__clients_told_443(void **state)
{
	(void)state;
	/* roommanager.go iceServersForParticipant: turns:<domain>:443. */
	assert_int_equal(load(TURN_BOTH), 0);
	assert_int_equal(ep("turn-tls")->client_port, 443);
	assert_string_equal(ep("turn-tls")->client_host, "t.example.com");
	assert_non_null(ep("turn-tls-443"));
	assert_true(ep("turn-tls-443")->flags & PROF_EP_CLIENT);
	assert_int_equal(ep("turn-tls-443")->port, 443);
	assert_true(has_note("no client uses 5350; set turn.tls_port: 443"));
	assert_int_equal(load(TURN_BOTH "  relay_range_start: 30000\n"
	    "  relay_range_end: 30020\n"), 0);
	assert_true(has_note("TURN relay ports 30000-30020/udp"));
	/* The client endpoint is never in what TURN/UDP announces. */
	assert_int_equal(ep("turn-udp")->client_port, 0);
}

static void
profile_yaml__turn_tls_443__no_client_endpoint(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  tls_port: 443\n"
	    "  domain: t.example.com\n"), 0);
	assert_int_equal(ep("turn-tls")->port, 443);
	assert_int_equal(ep("turn-tls")->client_port, 443);
	assert_null(ep("turn-tls-443"));
	assert_int_equal(prof.n, 3);
}

static void
profile_yaml__external_tls__proxy_on_443(void **state)
{
	(void)state;
	assert_int_equal(loadv(TURN_BOTH "  external_tls: true\n", "1.10.0"), 0);
	/* LiveKit's own plain-TCP listener keeps LiveKit's families. */
	assert_int_equal(ep("turn-tls")->families, FAM_IPV4);
	assert_int_equal(ep("turn-udp")->families, FAM_IPV4);
	assert_int_equal(ep("turn-tls-443")->families, FAM_ALL);
	assert_true(has_note("the proxy must route SNI t.example.com on 443"));
}

static void
profile_yaml__tls_without_domain__livekit_startup_error(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  tls_port: 5349\n"),
	    -1);
	assert_contains(eb.msg, "livekit.yaml:3:13: turn.tls_port: TURN/TLS "
	    "needs turn.domain");
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
	    "  bind_addresses:\n    - 192.0.2.1\n    - \"2001:db8::1\"\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_ALL);
	/*
	 * A wildcard is a dual-stack socket on every address: with another
	 * entry, the second listen fails and LiveKit does not start.
	 */
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses:\n    - 0.0.0.0\n    - \"2001:db8::1\"\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:5:5: turn.bind_addresses: a "
	    "wildcard");
	assert_contains(eb.msg, "address already in use");
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"192.0.2.1\", \"::\"]\n"), -1);
	/* ::ffff:0.0.0.0 is Go's IPv4zero: the same wildcard as 0.0.0.0. */
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::ffff:0.0.0.0\"]\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_ALL);
	assert_int_equal(ep("turn-udp")->flags & PROF_EP_RELAY4_FOR_V6,
	    PROF_EP_RELAY4_FOR_V6);
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
profile_yaml__directory__refused_by_type(void **state)
{
	(void)state;
	eb_clear(&eb);
	assert_int_equal(prof_load_livekit("/", &prof, &eb), -1);
	assert_string_equal(eb.msg, "/: not a regular file (a directory): "
	    "portward reads only regular files");
}

/* "- - - ... x", 100000 levels in 200 KB: refused before it is built. */
static void
profile_yaml__100000_levels__refused_fast_with_line(void **state)
{
	size_t n = 100000, i;
	char *t = malloc(2 * n + 16);
	struct timespec t0, t1;

	(void)state;
	assert_non_null(t);
	memcpy(t, "rtc:\n", 5);
	for (i = 0; i < n; i++)
		memcpy(t + 5 + 2 * i, "- ", 2);
	strcpy(t + 5 + 2 * n, "x\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(load(t), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(t);
	assert_contains(eb.msg, "livekit.yaml:2:");
	assert_contains(eb.msg, "nested deeper than 64 levels");
	/* 64 levels' worth of work, not 100000's: well under a second. */
	assert_true(t1.tv_sec - t0.tv_sec < 2);
}

static void
profile_yaml__64_levels__read(void **state)
{
	char t[8192] = "rtc:\n  tcp_port: 7881\nwebhook:\n  x:\n";
	int i;

	(void)state;
	/* "webhook" holds anything LiveKit does not check (urls, api_key). */
	strcat(t, "  ");
	for (i = 0; i < 62; i++)
		strcat(t, "- ");
	strcat(t, "x\n");
	if (load(t) == -1)
		assert_null(strstr(eb.msg, "nested deeper"));
	strcpy(strrchr(t, 'x'), "- x\n");
	assert_int_equal(load(t), -1);
	assert_contains(eb.msg, "nested deeper than 64 levels");
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
profile_yaml__udp_port_negative__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  udp_port: \"-1\"\n"), -1);
	assert_contains(eb.msg, "rtc.udp_port: \"-1\" is not a range");
	assert_int_equal(load("rtc:\n  udp_port: 99999\n"), -1);
	assert_contains(eb.msg, "out of range 1-65535: LiveKit cannot bind it");
}

static void
profile_yaml__udp_range_start_above_end__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  udp_port: 7892-7882\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:2:13: rtc.udp_port: \"7892-7882\" "
	    "has its start above its end");
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
	assert_int_equal(load("turn:\n  enabled: true\n  tls_port: 7881\n"
	    "  domain: t.example.com\n"), -1);
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

static void
profile_yaml__bind_addresses__each_family_as_go_listens(void **state)
{
	(void)state;
	/* A specific address serves its own family; a wildcard both. */
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"192.0.2.1\"]\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_IPV4);
	assert_int_equal(ep("turn-udp")->famwhy, PROF_WHY_TURN_BIND);
	assert_true(has_note("lists IPv4 addresses only"));
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"2001:db8::1\"]\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_IPV6);
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::\"]\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_ALL);
	/* ::, an IPv6 bind: every allocation relayed at node_ip's IPv6. */
	assert_int_equal(ep("turn-udp")->flags & (PROF_EP_RELAY4_FOR_V6 |
	    PROF_EP_RELAY6_FOR_V4), PROF_EP_RELAY6_FOR_V4);
	/* One address per family: each family relayed at its own. */
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"192.0.2.1\", \"2001:db8::1\"]\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_ALL);
	assert_int_equal(ep("turn-udp")->flags & (PROF_EP_RELAY4_FOR_V6 |
	    PROF_EP_RELAY6_FOR_V4), 0);
	/* Go: ::0 is the wildcard, ::ffff:a.b.c.d binds as IPv4. */
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::0\"]\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_ALL);
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::ffff:192.0.2.1\"]\n"), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_IPV4);
	/* A name: Go resolves it when it listens; we say we cannot. */
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"localhost\"]\n"), 0);
	assert_true(has_note("\"localhost\" is a name"));
}

static void
profile_yaml__review_fixes__as_livekit(void **state)
{
	static const char *const udp1[] = { "livekit-server", "--config",
	    "livekit.yaml", "--udp-port", "7885" };
	static const char *const body[] = { "livekit-server", "--config-body=",
	    "--config", "livekit.yaml" };
	static const char *const env[] = { "LIVEKIT_CONFIG=rtc: {tcp_port: 1}",
	    "LIVEKIT_RTC_TCP_PORT=", "LIVEKIT_PROMETHEUS_PORT=9100" };

	(void)state;
	/* UnmarshalString("7885") sets the start: the file's end stays. */
	assert_int_equal(loadx("rtc:\n  udp_port: 7882-7892\n", NULL, udp1, 5,
	    NULL, 0), 0);
	assert_int_equal(ep("ice-udp")->port, 7885);
	assert_int_equal(ep("ice-udp")->port_end, 7892);
	/* An unreadable --udp-port is ignored by LiveKit (updateFromCLI). */
	assert_int_equal(loadx("rtc:\n  udp_port: 7882\n", NULL, udp1, 3,
	    (const char *[]){ "UDP_PORT=abc" }, 1), 0);
	assert_int_equal(ep("ice-udp")->port, 7882);
	assert_true(has_note("LiveKit ignores it"));
	/* An empty --config-body= reads the file, and beats the variable. */
	assert_int_equal(loadx("rtc:\n  tcp_port: 7000\n", NULL, body, 4, env,
	    1), 0);
	assert_int_equal(ep("ice-tcp")->port, 7000);
	/* An empty generated variable is a zero: ICE/TCP off. */
	assert_int_equal(loadx("{}\n", NULL, udp1, 3, env + 1, 2), 0);
	assert_null(ep("ice-tcp"));
	assert_true(has_note("Prometheus port 9100/tcp (prometheus_port)"));
	/* Flags take Go's literals: 0x, 0o, '_'; no sign for a port. */
	assert_int_equal(loadx("{}\n", NULL, (const char *[]){
	    "livekit-server", "--config", "livekit.yaml", "--rtc.tcp_port",
	    "7_001" }, 5, NULL, 0), 0);
	assert_int_equal(ep("ice-tcp")->port, 7001);
	assert_int_equal(loadx("{}\n", NULL, (const char *[]){
	    "livekit-server", "--config", "livekit.yaml", "--rtc.tcp_port",
	    "+7001" }, 5, NULL, 0), -1);
	/* rtc.ips: with includes, excludes are not looked at. */
	assert_int_equal(load("rtc:\n  ips:\n    includes: [192.0.2.0/24, "
	    "\"2001:db8::/32\"]\n    excludes: [\"::/0\"]\n"), 0);
	assert_int_equal(ep("ice-udp")->families, FAM_ALL);
	/* Scalars: ".5" is 0 (ICE/TCP off), "_7000" a string. */
	assert_int_equal(load("rtc:\n  tcp_port: .5\n"), 0);
	assert_null(ep("ice-tcp"));
	assert_int_equal(load("rtc:\n  tcp_port: _7000\n"), -1);
	/* Shapes LiveKit's decoder refuses, on keys portward does not use. */
	assert_int_equal(load("keys: 5\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:1:7: keys: expected a mapping");
	assert_int_equal(load("rtc:\n  use_external_ip: maybe\n"), -1);
	assert_contains(eb.msg, "rtc.use_external_ip: \"maybe\" is not true "
	    "or false");
	/* IsValidDomain, and a merge cycle. */
	assert_int_equal(load("turn:\n  enabled: true\n  tls_port: 5349\n"
	    "  domain: bad domain!\n"), -1);
	assert_contains(eb.msg, "TURN domain is not correct");
	assert_int_equal(load("rtc: &a\n  <<: [*a, *a, *a]\n"
	    "  port_range_end: 7000\n"), -1);
	assert_contains(eb.msg, "contains itself");
	assert_int_equal(load("turn:\n  <<: [{enabled: true}, 7]\n"), -1);
	assert_contains(eb.msg, "a merge list takes mappings only");
}

static void
profile_yaml__bind_addresses_empty__no_turn_socket_refused(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: []\n"), -1);
	assert_contains(eb.msg, "turn.bind_addresses: an empty list: TURN would "
	    "have no socket");
	/* yaml.v3 sets a slice to nil on a null value: the same. */
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses:\n"), -1);
	assert_contains(eb.msg, "an empty list");
}

static void
profile_yaml__bind_addresses_on_1_10_0__ignored_with_note(void **state)
{
	(void)state;
	assert_int_equal(loadv("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::\"]\n", "1.10.0"), -1);
	/* v1.10.0 TURNConfig has no bind_addresses: strict parsing refuses. */
	assert_contains(eb.msg, "turn.bind_addresses: LiveKit 1.10.0 has no "
	    "such key (it came in 1.10.1)");
	assert_int_equal(loadx("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::\"]\n", "1.10.0", (const char *[]){
	    "/usr/bin/livekit-server", "--config",
	    "livekit.yaml", "--disable-strict-config" }, 4, NULL, 0), 0);
	assert_int_equal(ep("turn-udp")->families, FAM_IPV4);
	assert_true(has_note("turn.bind_addresses is ignored"));
}

static void
profile_yaml__strict__unknown_key_file_line_col(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  tcp_port: 7881\n  udp_prot: 7882\n"),
	    -1);
	assert_contains(eb.msg, "livekit.yaml:3:3: rtc.udp_prot: LiveKit "
	    "1.13.5 has no such key");
	assert_contains(eb.msg, "--disable-strict-config");
	/* Misplaced: a TURN key at the top level. */
	assert_int_equal(load("udp_port: 3479\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:1:1: udp_port: LiveKit");
	/* Maps with keys of the operator's choosing are not checked. */
	assert_int_equal(load("keys:\n  anything: secret\nredis:\n"
	    "  address: r:6379\nroom:\n  enabled_codecs:\n"
	    "    - mime: audio/opus\n"), 0);
	assert_int_equal(load("room:\n  enabled_codecs:\n"
	    "    - mime: audio/opus\n      mtu: 5\n"), -1);
	assert_contains(eb.msg, "room.enabled_codecs[].mtu");
}

static void
profile_yaml__strict__keys_per_version(void **state)
{
	(void)state;
	assert_int_equal(loadv("api:\n  execution_timeout: 2s\n", "1.10.0"),
	    -1);
	assert_contains(eb.msg, "api: LiveKit 1.10.0 has no such key (it came "
	    "in a release after 1.10.0)");
	assert_int_equal(loadv("api:\n  execution_timeout: 2s\n", "1.13.5"),
	    0);
	assert_int_equal(loadv("room:\n  create_room_enabled: true\n",
	    "1.10.0"), 0);
	assert_int_equal(loadv("room:\n  create_room_enabled: true\n",
	    "1.13.5"), -1);
}

static void
profile_yaml__duplicate_key__refused(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  tcp_port: 7881\n  tcp_port: 7891\n"),
	    -1);
	assert_contains(eb.msg, "livekit.yaml:3:3: rtc.tcp_port: defined twice "
	    "(first at line 2)");
	/* Also in a map of the operator's keys, and two merge keys. */
	assert_int_equal(load("keys:\n  a: x\n  a: y\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:3:3: keys.a: defined twice");
	assert_int_equal(load("turn:\n  <<: {enabled: true}\n"
	    "  <<: {udp_port: 3479}\n"), -1);
	assert_contains(eb.msg, "turn.<<: defined twice");
}

static void
profile_yaml__merge_keys__explicit_wins_first_merge_wins(void **state)
{
	(void)state;
	/* yaml.v3: explicit keys beat merged ones; in a list, the first. */
	assert_int_equal(load("turn:\n  <<: [{udp_port: 3479, enabled: true},"
	    " {udp_port: 3480, tls_port: 0}]\n  tls_port: 0\n"), 0);
	assert_int_equal(ep("turn-udp")->port, 3479);
	assert_null(ep("turn-tls"));
	/* Anchors and aliases, and a merge of an anchored mapping. */
	assert_int_equal(load("rtc:\n  tcp_port: &p 7891\n"
	    "  udp_port: 7882\nturn:\n  <<: &t\n    enabled: true\n"
	    "    udp_port: 3479\n"), 0);
	assert_int_equal(ep("ice-tcp")->port, 7891);
	assert_int_equal(ep("turn-udp")->port, 3479);
	/* A merged key LiveKit does not know is refused like any other. */
	assert_int_equal(load("turn:\n  <<: {enabled: true, udp_port: 3479, "
	    "udpport: 1}\n"), -1);
	assert_contains(eb.msg, "turn.udpport");
}

static void
profile_yaml__scalars__as_yaml_v3_reads_them(void **state)
{
	(void)state;
	/* PortRange: "" and 0 leave rtc.udp_port unset. */
	assert_int_equal(load("rtc:\n  udp_port: \"\"\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 50000);
	assert_int_equal(load("rtc:\n  udp_port: 0\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 50000);
	/* Integers: Go's ParseInt base 0 after '_' is dropped. */
	assert_int_equal(load("rtc:\n  tcp_port: 0x1ec9\n"), 0);
	assert_int_equal(ep("ice-tcp")->port, 7881);
	assert_int_equal(load("rtc:\n  tcp_port: 7_891\n"), 0);
	assert_int_equal(ep("ice-tcp")->port, 7891);
	assert_int_equal(load("rtc:\n  tcp_port: 017305\n"), 0);
	assert_int_equal(ep("ice-tcp")->port, 7877);
	/* Booleans: YAML 1.1 spellings into a Go bool. */
	assert_int_equal(load("turn:\n  enabled: yes\n  udp_port: 3479\n"), 0);
	assert_non_null(ep("turn-udp"));
	assert_int_equal(load("turn:\n  enabled: on\n  udp_port: +3479\n"), 0);
	assert_int_equal(ep("turn-udp")->port, 3479);
}

static void
profile_yaml__signal_port_clash__refused(void **state)
{
	(void)state;
	assert_int_equal(load("port: 7881\n"), -1);
	assert_contains(eb.msg, "livekit.yaml:1:7: port: the signal port, 7881, "
	    "is also ice-tcp");
	assert_int_equal(load("prometheus_port: 7880\n"), -1);
	assert_contains(eb.msg, "prometheus_port: Prometheus, 7880, is also the "
	    "signal port");
	assert_int_equal(load("prometheus:\n  port: 6789\n"), 0);
	assert_true(has_note("Prometheus port 6789/tcp"));
}

static void
profile_yaml__flags__beat_env_beat_file(void **state)
{
	static const char *const argv[] = { "/usr/bin/livekit-server",
	    "--config", "livekit.yaml", "--rtc.tcp_port=7891",
	    "--turn.enabled", "--turn.udp_port", "3480" };
	static const char *const env[] = { "LIVEKIT_RTC_TCP_PORT=7901",
	    "LIVEKIT_TURN_TLS_PORT=5349", "LIVEKIT_TURN_DOMAIN=t.example.com",
	    "PATH=/usr/bin" };

	(void)state;
	assert_int_equal(loadx("rtc:\n  tcp_port: 7881\n", NULL, argv, 7, env,
	    4), 0);
	assert_int_equal(ep("ice-tcp")->port, 7891);
	assert_string_equal(ep("ice-tcp")->origin, "--rtc.tcp_port");
	assert_int_equal(ep("turn-udp")->port, 3480);
	assert_int_equal(ep("turn-tls")->port, 5349);
	assert_string_equal(ep("turn-tls")->origin, "LIVEKIT_TURN_TLS_PORT");
	assert_int_equal(loadx("rtc:\n  tcp_port: 7881\n", NULL, argv, 3, env,
	    1), 0);
	assert_int_equal(ep("ice-tcp")->port, 7901);
}

static void
profile_yaml__udp_port_flag_and_dev__as_livekit(void **state)
{
	static const char *const argv[] = { "livekit-server", "--config",
	    "livekit.yaml", "--udp-port", "7890-7899" };
	static const char *const env[] = { "UDP_PORT=7777" };
	static const char *const dev[] = { "livekit-server", "--config",
	    "livekit.yaml", "--dev" };

	(void)state;
	assert_int_equal(loadx("rtc:\n  udp_port: 7882\n", NULL, argv, 5, env,
	    1), 0);
	assert_int_equal(ep("ice-udp")->port, 7890);
	assert_int_equal(ep("ice-udp")->port_end, 7899);
	assert_string_equal(ep("ice-udp")->origin, "--udp-port");
	assert_int_equal(loadx("rtc:\n  udp_port: 7882\n", NULL, argv, 3, env,
	    1), 0);
	assert_int_equal(ep("ice-udp")->port, 7777);
	assert_int_equal(loadx("{}\n", NULL, dev, 4, NULL, 0), 0);
	assert_int_equal(ep("ice-udp")->port, 7882);
}

static void
profile_yaml__config_body__wins_over_file(void **state)
{
	static const char *const argv[] = { "livekit-server", "--config",
	    "livekit.yaml" };
	static const char *const env[] = { "LIVEKIT_CONFIG=rtc:\n  tcp_port: "
	    "7991\n  udp_port: 7992\n" };
	static const char *const body[] = { "livekit-server",
	    "--config-body=rtc: {tcp_port: 8881, udp_port: 8882}" };

	(void)state;
	assert_int_equal(loadx("rtc:\n  tcp_port: 7881\n", NULL, argv, 3, env,
	    1), 0);
	assert_int_equal(ep("ice-tcp")->port, 7991);
	assert_true(has_note("reads its settings from LIVEKIT_CONFIG"));
	assert_int_equal(loadx("rtc:\n  tcp_port: 7881\n", NULL, body, 2, env,
	    1), 0);
	assert_int_equal(ep("ice-tcp")->port, 8881);
	assert_int_equal(ep("ice-udp")->port, 8882);
	/* An error in the body names where it came from. */
	assert_int_equal(loadx("{}\n", NULL, argv, 3, (const char *[]){
	    "LIVEKIT_CONFIG=rtc:\n  tcp_prt: 1\n" }, 1), -1);
	assert_contains(eb.msg, "LIVEKIT_CONFIG (in supervise.command in "
	    "portward.json):2:3: rtc.tcp_prt");
}

static void
profile_yaml__command_line__refused_when_not_followed(void **state)
{
	(void)state;
	assert_int_equal(loadx("{}\n", NULL, (const char *[]){
	    "livekit-server", "--config", "livekit.yaml", "--rtc.tcp_prot",
	    "1" }, 5, NULL, 0), -1);
	assert_contains(eb.msg, "supervise.command in portward.json: "
	    "--rtc.tcp_prot: livekit-server has no such flag");
	assert_int_equal(loadx("{}\n", NULL, (const char *[]){
	    "livekit-server", "--config", "/etc/other.yaml" }, 3, NULL, 0), -1);
	assert_contains(eb.msg, "--config: LiveKit reads /etc/other.yaml");
	assert_int_equal(loadx("{}\n", NULL, (const char *[]){
	    "livekit-server" }, 1, NULL, 0), -1);
	assert_contains(eb.msg, "started without --config");
	assert_int_equal(loadx("{}\n", NULL, (const char *[]){
	    "livekit-server", "--config", "livekit.yaml", "generate-keys" }, 4,
	    NULL, 0), -1);
	assert_contains(eb.msg, "generate-keys: not a livekit-server flag");
	assert_int_equal(loadx("{}\n", NULL, (const char *[]){
	    "livekit-server", "--config", "livekit.yaml", "--udp-port" }, 4,
	    NULL, 0), -1);
	assert_contains(eb.msg, "--udp-port: needs a value");
	/* A wrapper: its flags are not LiveKit's; said in a note. */
	assert_int_equal(loadx("{}\n", NULL, (const char *[]){
	    "/usr/local/bin/run-livekit", "--whatever" }, 2, NULL, 0), 0);
	assert_true(has_note("runs run-livekit, not livekit-server"));
}

static void
profile_yaml__version__parsed_and_refused(void **state)
{
	char v[16];

	(void)state;
	assert_int_equal(lk_version_num("1.10.0"), 11000);
	assert_int_equal(lk_version_num("v1.13.5"), 11305);
	assert_int_equal(lk_version_num("1.10"), -1);
	assert_int_equal(lk_version_num("1.10.0x"), -1);
	assert_int_equal(lk_version_parse_output("livekit-server version "
	    "1.13.5\n", v, sizeof(v)), 0);
	assert_string_equal(v, "1.13.5");
	assert_int_equal(lk_version_parse_output("command not found\n", v,
	    sizeof(v)), -1);
	assert_int_equal(loadv("{}\n", "one"), -1);
	assert_contains(eb.msg, "livekit_version: \"one\" is not a LiveKit "
	    "version");
}

static void
profile_yaml__port_range_type__as_mediatransportutil(void **state)
{
	(void)state;
	/* PortRange.UnmarshalString: Atoi, spaces trimmed around '-'. */
	assert_int_equal(load("rtc:\n  udp_port: \"7882 - 7884\"\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 7882);
	assert_int_equal(ep("ice-udp")->port_end, 7884);
	assert_true(has_note("one per CPU"));
	assert_int_equal(load("rtc:\n  udp_port: \"7882\"\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 7882);
	assert_int_equal(load("rtc:\n  udp_port: 0x1ec2\n"), -1);
	assert_contains(eb.msg, "\"0x1ec2\" is not a port");
	assert_int_equal(load("rtc:\n  udp_port: 1-2-3\n"), -1);
	assert_int_equal(load("rtc:\n  udp_port: 7882-7882\n"), -1);
	/* A start of 0 is unset (Valid()); so is a mapping, with a note. */
	assert_int_equal(load("rtc:\n  udp_port: 0-10\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 50000);
	assert_int_equal(load("rtc:\n  udp_port: {start: 7882}\n"), 0);
	assert_int_equal(ep("ice-udp")->port, 50000);
	assert_true(has_note("reads scalars only"));
}

static void
profile_yaml__generated_udp_port_fields__flags(void **state)
{
	static const char *const argv[] = { "livekit-server", "--config",
	    "livekit.yaml", "--rtc.udp_port.start=7890",
	    "--rtc.udp_port.end", "7895" };
	static const char *const env[] = { "LIVEKIT_RTC_UDP_PORT_START=7900" };

	(void)state;
	assert_int_equal(loadx("{}\n", NULL, argv, 6, NULL, 0), 0);
	assert_int_equal(ep("ice-udp")->port, 7890);
	assert_int_equal(ep("ice-udp")->port_end, 7895);
	assert_int_equal(loadx("{}\n", NULL, argv, 3, env, 1), 0);
	assert_int_equal(ep("ice-udp")->port, 7900);
}

static void
profile_yaml__quoted_true_and_floats__as_yaml_v3(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: \"true\"\n  udp_port: 1\n"),
	    -1);
	assert_contains(eb.msg, "turn.enabled: the quoted string \"true\"");
	assert_int_equal(load("turn:\n  enabled: \"yes\"\n  udp_port: 3479.9\n"),
	    0);
	assert_int_equal(ep("turn-udp")->port, 3479);
}

static void
profile_yaml__comments_only__livekit_eof(void **state)
{
	(void)state;
	assert_int_equal(load("# nothing here\n\n"), -1);
	assert_contains(eb.msg, "could not parse config: EOF");
	assert_int_equal(load(""), 0);
	assert_int_equal(ep("ice-tcp")->port, 7881);
}

static void
profile_yaml__stun_port_as_ice__3478_in_mux_mode(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  udp_port: 7882\n"
	    "  use_stun_port_as_ice: true\n"), 0);
	assert_int_equal(ep("ice-udp-3478")->port, 3478);
	/* 1.9.0 has no such key: strict parsing refuses it. */
	assert_int_equal(loadv("rtc:\n  udp_port: 7882\n"
	    "  use_stun_port_as_ice: true\n", "1.9.0"), -1);
	assert_contains(eb.msg, "(it came in 1.9.1)");
	assert_int_equal(load("rtc:\n  port_range_start: 50000\n"
	    "  port_range_end: 50100\n  use_stun_port_as_ice: true\n"), 0);
	assert_null(ep("ice-udp-3478"));
	assert_true(has_note("rtc.use_stun_port_as_ice is ignored"));
	/* And TURN on 3478 as well: two sockets, one port. */
	assert_int_equal(load("rtc:\n  udp_port: 7882\n"
	    "  use_stun_port_as_ice: true\nturn:\n  enabled: true\n"
	    "  udp_port: 3478\n"), -1);
	assert_contains(eb.msg, "overlaps ice-udp-3478");
}

static void
profile_yaml__rtc_ips__families_of_ice(void **state)
{
	(void)state;
	assert_int_equal(load("rtc:\n  udp_port: 7882\n  ips:\n"
	    "    includes: [0.0.0.0/0]\n"), 0);
	assert_int_equal(ep("ice-udp")->families, FAM_IPV4);
	assert_int_equal(ep("ice-tcp")->families, FAM_IPV4);
	assert_int_equal(ep("ice-udp")->famwhy, PROF_WHY_RTC_IPS);
	assert_int_equal(load("rtc:\n  udp_port: 7882\n  ips:\n"
	    "    excludes: [\"::/0\"]\n"), 0);
	assert_int_equal(ep("ice-udp")->families, FAM_IPV4);
	assert_int_equal(load("rtc:\n  udp_port: 7882\n  ips:\n"
	    "    excludes: [\"10.0.0.0/8\"]\n"), 0);
	assert_int_equal(ep("ice-udp")->families, FAM_ALL);
	assert_int_equal(load("rtc:\n  ips:\n    includes: [192.0.2.1]\n"),
	    -1);
	assert_contains(eb.msg, "livekit.yaml:3:16: rtc.ips.includes: "
	    "\"192.0.2.1\" is not a CIDR");
}

static void
profile_yaml__bind_v6__node_ip_note(void **state)
{
	(void)state;
	assert_int_equal(load("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::\"]\n"), 0);
	assert_true(has_note("no matching node IP for relay"));
	assert_int_equal(load("rtc:\n  node_ip: \"192.0.2.1,2001:db8::1\"\n"
	    "turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::\"]\n"), 0);
	assert_false(has_note("no matching node IP for relay"));
	assert_int_equal(loadx("turn:\n  enabled: true\n  udp_port: 3479\n"
	    "  bind_addresses: [\"::\"]\n", NULL, (const char *[]){
	    "livekit-server", "--config", "livekit.yaml" }, 3, (const char *[]){
	    "NODE_IP=192.0.2.1,2001:db8::1" }, 1), 0);
	assert_false(has_note("no matching node IP for relay"));
}

static void
profile_yaml__alias_bomb__refused_quickly(void **state)
{
	char text[2048];
	int i, k, n;

	(void)state;
	/* Eleven levels, each merging the one before ten times: 10^11. */
	n = snprintf(text, sizeof(text), "room:\n  enabled_codecs:\n"
	    "    - &m0 {mime: audio/opus}\n");
	for (i = 1; i < 12; i++) {
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		    "    - &m%d {<<: [", i);
		for (k = 0; k < 10; k++)
			n += snprintf(text + n, sizeof(text) - (size_t)n,
			    "%s*m%d", k ? ", " : "", i - 1);
		n += snprintf(text + n, sizeof(text) - (size_t)n, "]}\n");
	}
	assert_int_equal(load(text), -1);
	assert_contains(eb.msg, "excessive aliasing");
}

/*
 * A 1 MB mapping: each key was compared with every key before it, 20 s
 * of CPU on the daemon's loop at a reload (80,000 keys). Sorted now: a
 * duplicate at the end is found, at once (a generous bound: ASan).
 */
static void
profile_yaml__wide_mapping__duplicate_found_quickly(void **state)
{
	size_t cap = 1000 * 1000, n;
	clock_t t0;
	char *text;
	int i;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	n = (size_t)snprintf(text, cap, "rtc:\n");
	for (i = 0; i < 80000; i++)
		n += (size_t)snprintf(text + n, cap - n, " k%d: 1\n", i);
	n += (size_t)snprintf(text + n, cap - n, " k79999: 2\n");
	assert_true(n < cap - 1);
	t0 = clock();
	assert_int_equal(load(text), -1);
	assert_true(clock() - t0 < 3 * CLOCKS_PER_SEC);
	assert_contains(eb.msg, "rtc.k79999: defined twice (first at line "
	    "80001)");
	free(text);
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
		cmocka_unit_test(profile_yaml__turn_1_10_0__ipv4_only),
		cmocka_unit_test(profile_yaml__turn_current__dual_stack_by_default),
		cmocka_unit_test(profile_yaml__turn_tls_not_443__clients_told_443),
		cmocka_unit_test(profile_yaml__turn_tls_443__no_client_endpoint),
		cmocka_unit_test(profile_yaml__external_tls__proxy_on_443),
		cmocka_unit_test(profile_yaml__tls_without_domain__livekit_startup_error),
		cmocka_unit_test(profile_yaml__turn_disabled__no_turn_endpoints),
		cmocka_unit_test(profile_yaml__turn_bind_addresses__families_from_addresses),
		cmocka_unit_test(profile_yaml__turn_without_ports__livekit_startup_error),
		cmocka_unit_test(profile_yaml__missing_file__names_file),
		cmocka_unit_test(profile_yaml__directory__refused_by_type),
		cmocka_unit_test(
		    profile_yaml__100000_levels__refused_fast_with_line),
		cmocka_unit_test(profile_yaml__64_levels__read),
		cmocka_unit_test(profile_yaml__malformed__line_and_column),
		cmocka_unit_test(profile_yaml__quoted_tcp_port__wrong_type),
		cmocka_unit_test(profile_yaml__rtc_not_mapping__wrong_type),
		cmocka_unit_test(profile_yaml__port_above_65535__rejected),
		cmocka_unit_test(profile_yaml__udp_port_negative__rejected),
		cmocka_unit_test(profile_yaml__udp_range_start_above_end__rejected),
		cmocka_unit_test(profile_yaml__port_range_start_above_end__rejected),
		cmocka_unit_test(profile_yaml__range_start_without_end__rejected),
		cmocka_unit_test(profile_yaml__turn_inside_ice_range__overlap_rejected),
		cmocka_unit_test(profile_yaml__turn_tls_same_as_ice_tcp__overlap_rejected),
		cmocka_unit_test(profile_yaml__bad_bool__rejected),
		cmocka_unit_test(profile_yaml__null_value__default_kept),
		cmocka_unit_test(profile_yaml__not_a_mapping__rejected),
		cmocka_unit_test(profile_yaml__bind_addresses__each_family_as_go_listens),
		cmocka_unit_test(profile_yaml__bind_addresses_empty__no_turn_socket_refused),
		cmocka_unit_test(profile_yaml__bind_addresses_on_1_10_0__ignored_with_note),
		cmocka_unit_test(profile_yaml__strict__unknown_key_file_line_col),
		cmocka_unit_test(profile_yaml__strict__keys_per_version),
		cmocka_unit_test(profile_yaml__duplicate_key__refused),
		cmocka_unit_test(profile_yaml__merge_keys__explicit_wins_first_merge_wins),
		cmocka_unit_test(profile_yaml__scalars__as_yaml_v3_reads_them),
		cmocka_unit_test(profile_yaml__signal_port_clash__refused),
		cmocka_unit_test(profile_yaml__flags__beat_env_beat_file),
		cmocka_unit_test(profile_yaml__udp_port_flag_and_dev__as_livekit),
		cmocka_unit_test(profile_yaml__config_body__wins_over_file),
		cmocka_unit_test(profile_yaml__command_line__refused_when_not_followed),
		cmocka_unit_test(profile_yaml__version__parsed_and_refused),
		cmocka_unit_test(profile_yaml__port_range_type__as_mediatransportutil),
		cmocka_unit_test(profile_yaml__generated_udp_port_fields__flags),
		cmocka_unit_test(profile_yaml__quoted_true_and_floats__as_yaml_v3),
		cmocka_unit_test(profile_yaml__comments_only__livekit_eof),
		cmocka_unit_test(profile_yaml__stun_port_as_ice__3478_in_mux_mode),
		cmocka_unit_test(profile_yaml__rtc_ips__families_of_ice),
		cmocka_unit_test(profile_yaml__bind_v6__node_ip_note),
		cmocka_unit_test(profile_yaml__alias_bomb__refused_quickly),
		cmocka_unit_test(profile_yaml__wide_mapping__duplicate_found_quickly),
		cmocka_unit_test(profile_yaml__review_fixes__as_livekit),
	};

	return cmocka_run_group_tests_name("profile_yaml", tests, NULL, NULL);
}
