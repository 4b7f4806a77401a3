/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Units for the reflector's limits: where it may probe (reflector.c),
 * and how much of it one source may hold (admit.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "testutil.h"
#include "admit.h"
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

static struct sockaddr_storage
v4(const char *s)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	a->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, s, &a->sin_addr), 1);
	return ss;
}

static void
adm_open__per_address_cap__others_still_admitted(void **state)
{
	static struct adm t;
	struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");
	int i;

	(void)state;
	adm_init(&t);
	for (i = 0; i < ADM_PER_ADDR; i++)
		assert_int_equal(adm_open(&t, &a), ADM_OK);
	assert_int_equal(adm_open(&t, &a), ADM_ADDR);
	assert_int_equal(adm_open(&t, &b), ADM_OK);
	/* One ended: one more from there. */
	adm_close(&t, &a);
	assert_int_equal(adm_open(&t, &a), ADM_OK);
	assert_int_equal(adm_open(&t, &a), ADM_ADDR);
	assert_int_equal(t.total, ADM_PER_ADDR + 1);
	/* All ended: the table is empty again, nothing leaks. */
	for (i = 0; i < ADM_PER_ADDR; i++)
		adm_close(&t, &a);
	adm_close(&t, &b);
	adm_close(&t, &b);	/* one too many: ignored, not negative */
	assert_int_equal(t.total, 0);
	assert_string_equal(adm_why(ADM_ADDR), "busy: at most 4 connections "
	    "at once from one address");
}

static void
adm_open__ipv6_per_64_cap__not_for_ipv4_mapped(void **state)
{
	static struct adm t;
	struct sockaddr_storage a;
	char s[64];
	int i, k;

	(void)state;
	adm_init(&t);
	/* Four addresses of one /64, four connections each: the /64's 16. */
	for (k = 0; k < ADM_PER_64 / ADM_PER_ADDR; k++) {
		snprintf(s, sizeof(s), "2001:db8:1:2::%d", k + 1);
		a = v6(s);
		for (i = 0; i < ADM_PER_ADDR; i++)
			assert_int_equal(adm_open(&t, &a), ADM_OK);
	}
	a = v6("2001:db8:1:2::99");
	assert_int_equal(adm_open(&t, &a), ADM_NET);
	assert_contains(adm_why(ADM_NET), "/64");
	/* The next /64 is someone else. */
	a = v6("2001:db8:1:3::1");
	assert_int_equal(adm_open(&t, &a), ADM_OK);
	/*
	 * IPv4 through a dual-stack listener (::ffff:a.b.c.d): per
	 * address only, or all of IPv4 would share one /64's 16.
	 */
	for (k = 0; k < ADM_PER_64 + 1; k++) {
		snprintf(s, sizeof(s), "::ffff:198.51.100.%d", k + 1);
		a = v6(s);
		assert_int_equal(adm_open(&t, &a), ADM_OK);
	}
}

static void
adm_open__global_cap__refused_until_one_ends(void **state)
{
	static struct adm t;
	struct sockaddr_storage a;
	char s[32];
	int i;

	(void)state;
	adm_init(&t);
	for (i = 0; i < ADM_MAX_CONNS; i++) {
		snprintf(s, sizeof(s), "10.0.%d.%d", i / 250, i % 250 + 1);
		a = v4(s);
		assert_int_equal(adm_open(&t, &a), ADM_OK);
	}
	a = v4("192.0.2.1");
	assert_int_equal(adm_open(&t, &a), ADM_ALL);
	a = v4("10.0.0.7");
	adm_close(&t, &a);
	a = v4("192.0.2.1");
	assert_int_equal(adm_open(&t, &a), ADM_OK);
}

static void
adm_rate_ok__one_request_per_window_per_address(void **state)
{
	static struct adm t;
	struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");
	struct sockaddr_storage x;
	char s[32];
	int i;

	(void)state;
	adm_init(&t);
	assert_int_equal(adm_rate_ok(&t, &a, 1000, 2), 1);
	assert_int_equal(adm_rate_ok(&t, &a, 1001, 2), 0);
	assert_int_equal(adm_rate_ok(&t, &b, 1001, 2), 1);
	assert_int_equal(adm_rate_ok(&t, &a, 1002, 2), 1);
	/* A refused request does not move the window. */
	assert_int_equal(adm_rate_ok(&t, &b, 1002, 2), 0);
	assert_int_equal(adm_rate_ok(&t, &b, 1003, 2), 1);
	/*
	 * More addresses than slots: the oldest are forgotten, the
	 * newest still limited.
	 */
	for (i = 0; i < ADM_RATE_SLOTS + 10; i++) {
		snprintf(s, sizeof(s), "10.1.%d.%d", i / 250, i % 250 + 1);
		x = v4(s);
		assert_int_equal(adm_rate_ok(&t, &x, 2000 + i, 2), 1);
	}
	assert_int_equal(adm_rate_ok(&t, &x, 2000 + i, 2), 0);
	assert_int_equal(adm_rate_ok(&t, &a, 2000 + i, 2), 1);
}

static void
adm_same__address_or_ipv6_64__never_all_of_ipv4(void **state)
{
	struct sockaddr_storage a = v6("2001:db8:1:2::1");
	struct sockaddr_storage b = v6("2001:db8:1:2::2");
	struct sockaddr_storage c = v6("2001:db8:1:3::1");
	struct sockaddr_storage m1 = v6("::ffff:192.0.2.1");
	struct sockaddr_storage m2 = v6("::ffff:192.0.2.2");
	struct sockaddr_storage p = v4("192.0.2.1"), q = v4("192.0.2.2");

	(void)state;
	assert_true(adm_same(&a, &a, 0));
	assert_false(adm_same(&a, &b, 0));
	assert_true(adm_same(&a, &b, 1));
	assert_false(adm_same(&a, &c, 1));
	assert_true(adm_same(&p, &p, 0));
	assert_false(adm_same(&p, &q, 0));
	/* IPv4, plain or seen through a dual-stack socket: no /64. */
	assert_false(adm_same(&p, &q, 1));
	assert_false(adm_same(&m1, &m2, 1));
	assert_true(adm_same(&m1, &m1, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refl_target__own_64_only__never_a_third_party),
		cmocka_unit_test(refl_parse__turn_tls_sni__a_dns_name_only),
		cmocka_unit_test(adm_open__per_address_cap__others_still_admitted),
		cmocka_unit_test(adm_open__ipv6_per_64_cap__not_for_ipv4_mapped),
		cmocka_unit_test(adm_open__global_cap__refused_until_one_ends),
		cmocka_unit_test(adm_rate_ok__one_request_per_window_per_address),
		cmocka_unit_test(adm_same__address_or_ipv6_64__never_all_of_ipv4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
