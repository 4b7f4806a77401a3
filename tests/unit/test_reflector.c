/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for the reflector's limits (reflector.c): where it may probe. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "testutil.h"
#include "reflector.h"

static struct sockaddr_storage
v6(const char *s)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	a->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, s, &a->sin6_addr), 1);
	return ss;
}

static const char *
target_of(const char *line, const struct sockaddr_storage *peer, int *rc)
{
	static char out[INET6_ADDRSTRLEN];
	struct sockaddr_storage to;
	const char *err = NULL;

	*rc = refl_target(line, peer, &to, &err);
	if (*rc == -1)
		return err;
	if (to.ss_family == AF_INET)
		return "ipv4";
	inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&to)->sin6_addr, out,
	    sizeof(out));
	return out;
}

static void
refl_target__own_64_only__never_a_third_party(void **state)
{
	struct sockaddr_storage rtr = v6("2001:db8:77::1");
	struct sockaddr_storage v4;
	int rc;

	(void)state;
	/* No target: the requester itself. */
	assert_string_equal(target_of("{\"probes\": []}", &rtr, &rc),
	    "2001:db8:77::1");
	/* The LAN host, in the router's own /64: probed instead. */
	assert_string_equal(target_of("{\"target\": \"2001:db8:77::10\"}",
	    &rtr, &rc), "2001:db8:77::10");
	assert_int_equal(rc, 0);
	/* Another /64, even next door: refused. */
	assert_string_equal(target_of("{\"target\": \"2001:db8:78::10\"}",
	    &rtr, &rc), "target: only an address in the requester's own /64");
	assert_int_equal(rc, -1);
	/* Not global unicast, not an address, from IPv4: refused. */
	target_of("{\"target\": \"ff02::1\"}", &rtr, &rc);
	assert_int_equal(rc, -1);
	target_of("{\"target\": \"example.com\"}", &rtr, &rc);
	assert_int_equal(rc, -1);
	target_of("{\"target\": 7}", &rtr, &rc);
	assert_int_equal(rc, -1);
	memset(&v4, 0, sizeof(v4));
	v4.ss_family = AF_INET;
	target_of("{\"target\": \"2001:db8:77::10\"}", &v4, &rc);
	assert_int_equal(rc, -1);
	/* Link-local shares fe80::/64 with every link-local requester. */
	rtr = v6("fe80::1");
	target_of("{\"target\": \"fe80::2\"}", &rtr, &rc);
	assert_int_equal(rc, -1);
}

static void
refl_parse__turn_tls_sni__a_dns_name_only(void **state)
{
	struct refl_probe pr[REFL_MAX_PROBES];
	const char *err = NULL;
	size_t n;

	(void)state;
	assert_int_equal(refl_parse_request("{\"probes\": [{\"name\": "
	    "\"turn-tls-443\", \"kind\": \"turn-tls\", \"port\": 443, "
	    "\"sni\": \"turn.example.com\"}]}", pr, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pr[0].kind, "turn-tls");
	assert_string_equal(pr[0].sni, "turn.example.com");
	/* Without a name: TLS without SNI. */
	assert_int_equal(refl_parse_request("{\"probes\": [{\"name\": \"t\", "
	    "\"kind\": \"turn-tls\", \"port\": 5350}]}", pr, &n, &err), 0);
	assert_string_equal(pr[0].sni, "");
	/* Anything a terminal or a log could misread, or not a string. */
	assert_int_equal(refl_parse_request("{\"probes\": [{\"name\": \"t\", "
	    "\"kind\": \"turn-tls\", \"port\": 443, \"sni\": "
	    "\"a\\u001b[2Jb\"}]}", pr, &n, &err), -1);
	assert_contains(err, "sni");
	assert_int_equal(refl_parse_request("{\"probes\": [{\"name\": \"t\", "
	    "\"kind\": \"turn-tls\", \"port\": 443, \"sni\": 7}]}", pr, &n,
	    &err), -1);
	assert_int_equal(refl_parse_request("{\"probes\": [{\"name\": \"t\", "
	    "\"kind\": \"tls\", \"port\": 443}]}", pr, &n, &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refl_target__own_64_only__never_a_third_party),
		cmocka_unit_test(refl_parse__turn_tls_sni__a_dns_name_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
