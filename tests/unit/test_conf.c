/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for the configuration file (conf.c). */
#include <arpa/inet.h>

#include "testutil.h"
#include "conf.h"

static struct conf conf;
static struct profile prof;
static struct errbuf eb;

static int
load(const char *text)
{
	eb_clear(&eb);
	return conf_load(tu_file("portward.json", text), &conf, &eb);
}

static void
conf__minimal_host__defaults(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\"}"), 0);
	assert_int_equal(conf.mode, CONF_MODE_HOST);
	assert_int_equal(conf.families, FAM_ALL);
	assert_string_equal(conf.nft.table, "portward");
	/* RFC 6887's order: PCP, then NAT-PMP, then UPnP. */
	assert_int_equal(conf.mapping.nmethods, 3);
	assert_int_equal(conf.mapping.methods[0], CONF_METHOD_PCP);
	assert_int_equal(conf.mapping.methods[1], CONF_METHOD_NATPMP);
	assert_int_equal(conf.mapping.methods[2], CONF_METHOD_UPNP);
	assert_int_equal(conf.mapping.lease_seconds, 3600);
	assert_string_equal(conf.control_socket, "/run/portward/control.sock");
	assert_int_equal(conf.profile_default, 1);
	assert_int_equal(conf.supervise.enabled, 0);
}

static void
conf__design_example__accepted(void **state)
{
	(void)state;
	tu_file("livekit.yaml", "rtc:\n  udp_port: 7882\n");
	assert_int_equal(load("{\n"
	    "  \"mode\": \"router\",\n"
	    "  \"livekit_config\": \"livekit.yaml\",\n"
	    "  \"families\": [\"ipv4\", \"ipv6\"],\n"
	    "  \"nft\": { \"table\": \"portward\" },\n"
	    "  \"router\": { \"wan_interface\": \"eth0\", \"lan_host_ipv4\": "
	    "\"192.0.2.10\",\n"
	    "              \"lan_host_ipv6\": \"2001:db8::10\" },\n"
	    "  \"mapping\": { \"methods\": [], \"lease_seconds\": 3600,\n"
	    "               \"gateway\": null, \"igd_url\": null },\n"
	    "  \"supervise\": { \"command\": [\"sh\", \"-c\", \"sleep 1\"] },\n"
	    "  \"probe\": { \"interval_seconds\": 300, \"reflectors\": "
	    "[\"192.0.2.1:7900\", \"[2001:db8::1]:7900\"] },\n"
	    "  \"control_socket\": \"/run/portward/control.sock\",\n"
	    "  \"metrics_file\": null\n}\n"), 0);
	assert_int_equal(conf.mode, CONF_MODE_ROUTER);
	assert_int_equal(conf.profile_kind, PROF_SRC_LIVEKIT);
	assert_contains(conf.profile_path, "/livekit.yaml");
	assert_string_equal(conf.router.wan_if, "eth0");
	assert_int_equal(conf.router.lan4.s_addr, inet_addr("192.0.2.10"));
	assert_int_equal(conf.mapping.nmethods, 0);
	assert_int_equal(conf.supervise.argc, 3);
	assert_string_equal(conf.supervise.argv[2], "sleep 1");
	assert_int_equal(conf.probe.nreflectors, 2);
	assert_int_equal(conf.probe.reflectors[1].ss_family, AF_INET6);
	eb_clear(&eb);
	assert_int_equal(conf_profile(&conf, &prof, &eb), 0);
	assert_int_equal(prof.n, 2);
}

/* OpenWrt's init script: -w names the device of its logical wan. */
static void
conf__wan_override__replaces_router_wan_interface(void **state)
{
	static const char router[] = "{\"mode\": \"router\", \"families\": "
	    "[\"ipv4\"], \"router\": {\"wan_interface\": \"wan\", "
	    "\"lan_host_ipv4\": \"192.0.2.10\"}}";

	(void)state;
	conf_wan_override = "pppoe-wan";
	assert_int_equal(load(router), 0);
	assert_string_equal(conf.router.wan_if, "pppoe-wan");
	conf_wan_override = "bad name";
	assert_int_equal(load(router), -1);
	assert_contains(eb.msg, "router.wan_interface");
	conf_wan_override = "";
	assert_int_equal(load(router), -1);
	conf_wan_override = "eth0";
	assert_int_equal(load("{\"mode\": \"host\"}"), -1);
	assert_contains(eb.msg, "only used with");
	conf_wan_override = NULL;
	assert_int_equal(load(router), 0);
	assert_string_equal(conf.router.wan_if, "wan");
}

static void
conf__missing_file__names_file(void **state)
{
	(void)state;
	eb_clear(&eb);
	assert_int_equal(conf_load("/nonexistent/portward.json", &conf, &eb),
	    -1);
	assert_string_equal(eb.msg, "/nonexistent/portward.json: cannot open: "
	    "No such file or directory");
}

static void
conf__malformed_json__line_and_column(void **state)
{
	(void)state;
	assert_int_equal(load("{\n  \"mode\": \"host\",\n}\n"), -1);
	assert_contains(eb.msg, "portward.json:3:1: malformed JSON: ");
}

static void
conf__duplicate_key__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"mode\": \"router\"}"), -1);
	assert_contains(eb.msg, "malformed JSON: duplicate object key");
}

static void
conf__unknown_top_key__named(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\",\n  \"famlies\": []}"), -1);
	assert_contains(eb.msg, "portward.json:2:3: famlies: unknown key");
}

static void
conf__unknown_nested_key__named(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"mapping\": {\n"
	    "  \"lease\": 60}}"), -1);
	assert_contains(eb.msg, "portward.json:2:3: mapping.lease: unknown key");
}

static void
conf__wrong_type__named(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"mapping\": {\n"
	    "  \"lease_seconds\": \"3600\"}}"), -1);
	assert_contains(eb.msg, "portward.json:2:3: mapping.lease_seconds: "
	    "expected an integer, got a string");
}

static void
conf__missing_mode__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{}"), -1);
	assert_contains(eb.msg, "portward.json:1:1: missing key \"mode\"");
}

static void
conf__bad_mode__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"bridge\"}"), -1);
	assert_contains(eb.msg, "mode: \"bridge\" is not \"host\" or \"router\"");
}

static void
conf__both_profile_sources__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"livekit_config\": "
	    "\"/etc/livekit.yaml\",\n \"profile\": \"/x.json\"}"), -1);
	assert_contains(eb.msg, "portward.json:2:2: profile: give either "
	    "livekit_config or profile, not both");
}

static void
conf__router_without_section__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"router\"}"), -1);
	assert_contains(eb.msg, "mode: router mode needs a \"router\" section");
}

static void
conf__router_ipv6_family_without_lan6__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"router\", \"router\": "
	    "{\"wan_interface\": \"wan0\", \"lan_host_ipv4\": \"10.0.0.2\"}}"),
	    -1);
	assert_contains(eb.msg, "router: lan_host_ipv6 is required while "
	    "families includes ipv6");
}

static void
conf__router_section_in_host_mode__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"router\": "
	    "{\"wan_interface\": \"wan0\"}}"), -1);
	assert_contains(eb.msg, "router: only used with \"mode\": \"router\"");
}

static void
conf__router_mode_with_methods__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"router\", \"families\": [\"ipv4\"],"
	    " \"router\": {\"wan_interface\": \"wan0\", \"lan_host_ipv4\": "
	    "\"10.0.0.2\"}, \"mapping\": {\"methods\": [\"upnp\"]}}"), -1);
	assert_contains(eb.msg, "mapping.methods: in router mode");
}

static void
conf__bad_address__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"router\", \"families\": [\"ipv4\"],"
	    " \"router\": {\"wan_interface\": \"wan0\", \"lan_host_ipv4\": "
	    "\"10.0.0.300\"}}"), -1);
	assert_contains(eb.msg, "router.lan_host_ipv4: \"10.0.0.300\" is not an "
	    "IPv4 address");
}

static void
conf__duplicate_method__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"mapping\": {\"methods\": "
	    "[\"upnp\", \"upnp\"]}}"), -1);
	assert_contains(eb.msg, "mapping.methods[1]: upnp is listed twice");
}

static void
conf__empty_methods__forwarding_off(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"mapping\": {\"methods\": "
	    "[]}}"), 0);
	assert_int_equal(conf.mapping.nmethods, 0);
}

static void
conf__command_not_found__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"supervise\": {\"command\":"
	    " [\"no-such-program-pw\"]}}"), -1);
	assert_contains(eb.msg, "supervise.command[0]: \"no-such-program-pw\" is "
	    "not an executable program");
}

static void
conf__bad_reflector__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"probe\": {\"reflectors\":"
	    " [\"2001:db8::1:7900\"]}}"), -1);
	assert_contains(eb.msg, "probe.reflectors[0]: \"2001:db8::1:7900\" is "
	    "not ADDR:PORT or [ADDR6]:PORT");
}

static void
conf__relative_control_socket__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"control_socket\": "
	    "\"ctl.sock\"}"), -1);
	assert_contains(eb.msg, "control_socket: \"ctl.sock\" must be an "
	    "absolute path");
}

static void
conf__attach_missing_chain__rejected(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"nft\": {\"attach\": "
	    "{\"family\": \"inet\", \"table\": \"filter\"}}}"), -1);
	assert_contains(eb.msg, "nft.attach: missing key \"chain\"");
}

static void
conf__profile_missing__names_profile_file(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\", \"profile\": "
	    "\"/nonexistent/p.json\"}"), 0);
	eb_clear(&eb);
	assert_int_equal(conf_profile(&conf, &prof, &eb), -1);
	assert_string_equal(eb.msg, "/nonexistent/p.json: cannot open: "
	    "No such file or directory");
}

static void
conf__families_exclude_every_endpoint__rejected(void **state)
{
	(void)state;
	tu_file("v4.json", "{\"endpoints\": [{\"name\": \"t\", \"proto\": "
	    "\"udp\", \"port\": 3479, \"families\": [\"ipv4\"]}]}");
	assert_int_equal(load("{\"mode\": \"host\", \"profile\": \"v4.json\", "
	    "\"families\": [\"ipv6\"]}"), 0);
	eb_clear(&eb);
	assert_int_equal(conf_profile(&conf, &prof, &eb), -1);
	assert_contains(eb.msg, "families: no endpoint of");
}

/* Neither helper may fall back to root: an unknown user is refused at -n. */
static void
conf__unknown_users__rejected_with_line(void **state)
{
	(void)state;
	assert_int_equal(load("{\"mode\": \"host\",\n"
	    "  \"mapping\": { \"user\": \"pw-no-such-user\" }}\n"), -1);
	assert_contains(eb.msg, "portward.json:2:");
	assert_contains(eb.msg, "mapping.user");
	assert_contains(eb.msg, "no such user \"pw-no-such-user\"");
	assert_int_equal(load("{\"mode\": \"host\",\n"
	    "  \"supervise\": { \"command\": [\"sh\"],\n"
	    "    \"user\": \"pw-no-such-user\" }}\n"), -1);
	assert_contains(eb.msg, "portward.json:3:");
	assert_contains(eb.msg, "supervise.user");
	assert_int_equal(load("{\"mode\": \"host\",\n"
	    "  \"mapping\": { \"user\": \"nobody\" }}\n"), 0);
	assert_string_equal(conf.mapping.user, "nobody");
}

/*
 * livekit.yaml is read with the environment the SFU will get
 * (conf_sfu_env). The SFU is started with at most CONF_SFU_ENV_MAX
 * entries (supervise.c's envp): a variable past that bound is not the
 * SFU's, so the reading must not see it either.
 */
extern char **environ;

static void
conf__sfu_env__read_as_the_sfu_gets_it(void **state)
{
	static char vars[300][32];
	static char *fake[302];
	char **saved = environ;
	size_t i, k, n;
	int port[2];

	(void)state;
	tu_file("livekit.yaml", "rtc:\n  udp_port: 7882\n");
	assert_int_equal(load("{ \"mode\": \"host\", \"livekit_config\": "
	    "\"livekit.yaml\", \"livekit_version\": \"1.8.0\",\n"
	    "  \"supervise\": { \"command\": [\"sh\"] } }\n"), 0);
	/* UDP_PORT early (seen), then past the SFU's bound (not its). */
	for (k = 0; k < 2; k++) {
		n = k == 0 ? 5 : 260;
		for (i = 0; i < n; i++) {
			snprintf(vars[i], sizeof(vars[i]), "PW_FILL_%zu=x", i);
			fake[i] = vars[i];
		}
		fake[n] = (char *)"UDP_PORT=51000";
		fake[n + 1] = NULL;
		environ = fake;
		conf_use_environ = 1;
		eb_clear(&eb);
		assert_int_equal(conf_profile(&conf, &prof, &eb), 0);
		conf_use_environ = 0;
		environ = saved;
		port[k] = -1;
		for (i = 0; i < prof.n; i++)
			if (prof.ep[i].proto == IPPROTO_UDP &&
			    strcmp(prof.ep[i].name, "ice-udp") == 0)
				port[k] = prof.ep[i].port;
	}
	assert_int_equal(port[0], 51000);
	assert_int_equal(port[1], 7882);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf__minimal_host__defaults),
		cmocka_unit_test(conf__wan_override__replaces_router_wan_interface),
		cmocka_unit_test(conf__design_example__accepted),
		cmocka_unit_test(conf__missing_file__names_file),
		cmocka_unit_test(conf__malformed_json__line_and_column),
		cmocka_unit_test(conf__duplicate_key__rejected),
		cmocka_unit_test(conf__unknown_top_key__named),
		cmocka_unit_test(conf__unknown_nested_key__named),
		cmocka_unit_test(conf__wrong_type__named),
		cmocka_unit_test(conf__missing_mode__rejected),
		cmocka_unit_test(conf__bad_mode__rejected),
		cmocka_unit_test(conf__both_profile_sources__rejected),
		cmocka_unit_test(conf__router_without_section__rejected),
		cmocka_unit_test(conf__router_ipv6_family_without_lan6__rejected),
		cmocka_unit_test(conf__router_section_in_host_mode__rejected),
		cmocka_unit_test(conf__router_mode_with_methods__rejected),
		cmocka_unit_test(conf__bad_address__rejected),
		cmocka_unit_test(conf__duplicate_method__rejected),
		cmocka_unit_test(conf__empty_methods__forwarding_off),
		cmocka_unit_test(conf__command_not_found__rejected),
		cmocka_unit_test(conf__bad_reflector__rejected),
		cmocka_unit_test(conf__relative_control_socket__rejected),
		cmocka_unit_test(conf__attach_missing_chain__rejected),
		cmocka_unit_test(conf__profile_missing__names_profile_file),
		cmocka_unit_test(conf__families_exclude_every_endpoint__rejected),
		cmocka_unit_test(conf__unknown_users__rejected_with_line),
		cmocka_unit_test(conf__sfu_env__read_as_the_sfu_gets_it),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
