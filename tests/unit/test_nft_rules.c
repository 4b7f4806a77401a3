/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for the desired ruleset (nft_rules.c): what portward wants. */
#include <arpa/inet.h>
#include <linux/netfilter.h>

#include "testutil.h"
#include "nft.h"

static struct conf conf;
static struct profile prof;
static struct nft_ruleset rs;

static void
setup(const char *conf_text, const char *profile_text)
{
	struct errbuf eb;

	tu_file("p.json", profile_text);
	eb_clear(&eb);
	if (conf_load(tu_file("c.json", conf_text), &conf, &eb) == -1 ||
	    conf_profile(&conf, &prof, &eb) == -1) {
		print_error("%s\n", eb.msg);
		fail();
	}
	nft_desired(&conf, &prof, &rs);
}

static size_t
count(enum nft_scope scope, const char *chain, unsigned fam)
{
	size_t i, n = 0;

	for (i = 0; i < rs.nrules; i++)
		if (rs.rules[i].scope == scope &&
		    strcmp(rs.rules[i].chain, chain) == 0 &&
		    (fam == 0 || rs.rules[i].family == fam))
			n++;
	return n;
}

static const char *ref = "{\"endpoints\": ["
    "{\"name\": \"ice-tcp\", \"proto\": \"tcp\", \"port\": 7881},"
    "{\"name\": \"ice-udp\", \"proto\": \"udp\", \"port\": 50000, "
    "\"port_end\": 60000},"
    "{\"name\": \"turn-udp\", \"proto\": \"udp\", \"port\": 3479, "
    "\"families\": [\"ipv4\"]}]}";

static void
nft_desired__host__one_input_rule_per_endpoint_and_family(void **state)
{
	(void)state;
	setup("{\"mode\": \"host\", \"profile\": \"p.json\"}", ref);
	assert_int_equal(rs.nchains, 2);
	assert_string_equal(rs.chains[0].name, "input");
	assert_int_equal(rs.chains[0].hook, NF_INET_LOCAL_IN);
	assert_int_equal(count(NFT_OWN, "input", FAM_IPV4), 3);
	assert_int_equal(count(NFT_OWN, "input", FAM_IPV6), 2);
	/* The count of what passed every chain: last on the same hook. */
	assert_string_equal(rs.chains[1].name, NFT_SEEN_CHAIN);
	assert_int_equal(rs.chains[1].hook, NF_INET_LOCAL_IN);
	assert_int_equal(rs.chains[1].prio, NFT_SEEN_PRIO);
	assert_int_equal(count(NFT_OWN, NFT_SEEN_CHAIN, FAM_IPV4), 3);
	assert_int_equal(count(NFT_OWN, NFT_SEEN_CHAIN, FAM_IPV6), 2);
	/* Input and seen rules alternate, endpoint by endpoint. */
	assert_int_equal(rs.rules[4].port, 50000);
	assert_int_equal(rs.rules[4].port_end, 60000);
	assert_string_equal(rs.rules[4].comment, "ice-udp ipv4");
	assert_string_equal(rs.rules[4].chain, "input");
	assert_int_equal(rs.rules[5].verdict, NFTV_COUNT);
}

static void
nft_desired__families_ipv4__no_ipv6_rules(void **state)
{
	(void)state;
	setup("{\"mode\": \"host\", \"profile\": \"p.json\", \"families\": "
	    "[\"ipv4\"]}", ref);
	assert_int_equal(count(NFT_OWN, "input", FAM_IPV6), 0);
	assert_int_equal(count(NFT_OWN, "input", FAM_IPV4), 3);
}

static void
nft_desired__router__dnat_ipv4_forward_both(void **state)
{
	(void)state;
	setup("{\"mode\": \"router\", \"profile\": \"p.json\", \"router\": "
	    "{\"wan_interface\": \"wan0\", \"lan_host_ipv4\": \"192.0.2.10\", "
	    "\"lan_host_ipv6\": \"2001:db8::10\"}}", ref);
	assert_int_equal(rs.nchains, 2);
	assert_int_equal(count(NFT_OWN, "prerouting", FAM_IPV4), 3);
	assert_int_equal(count(NFT_OWN, "prerouting", FAM_IPV6), 0);
	assert_int_equal(count(NFT_OWN, "forward", FAM_IPV4), 3);
	assert_int_equal(count(NFT_OWN, "forward", FAM_IPV6), 2);
	assert_int_equal(rs.rules[0].verdict, NFTV_DNAT);
	assert_int_equal(rs.rules[0].dnat4.s_addr, inet_addr("192.0.2.10"));
	assert_string_equal(rs.rules[0].iifname, "wan0");
}

static void
nft_desired__attach_ip_family__ipv4_copies_and_one_jump(void **state)
{
	size_t i, jumps = 0;

	(void)state;
	setup("{\"mode\": \"host\", \"profile\": \"p.json\", \"nft\": "
	    "{\"table\": \"pw\", \"attach\": {\"family\": \"ip\", \"table\": "
	    "\"filter\", \"chain\": \"INPUT\"}}}", ref);
	assert_int_equal(count(NFT_ATTACHED, "pw", FAM_IPV4), 3);
	assert_int_equal(count(NFT_ATTACHED, "pw", FAM_IPV6), 0);
	for (i = 0; i < rs.nrules; i++)
		if (rs.rules[i].verdict == NFTV_JUMP) {
			jumps++;
			assert_string_equal(rs.rules[i].chain, "INPUT");
			assert_string_equal(rs.rules[i].jump, "pw");
			assert_true(rs.rules[i].first);
		}
	assert_int_equal(jumps, 1);
}

static void
nft_render__range__single_rule_with_range(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	setup("{\"mode\": \"host\", \"profile\": \"p.json\"}", ref);
	f = open_memstream(&out, &len);
	nft_render(f, &rs);
	fclose(f);
	assert_contains(out, "meta nfproto ipv6 udp dport 50000-60000 counter "
	    "accept comment \"ice-udp ipv6\"\n");
	assert_null(strstr(out, "turn-udp ipv6"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nft_desired__host__one_input_rule_per_endpoint_and_family),
		cmocka_unit_test(nft_desired__families_ipv4__no_ipv6_rules),
		cmocka_unit_test(nft_desired__router__dnat_ipv4_forward_both),
		cmocka_unit_test(nft_desired__attach_ip_family__ipv4_copies_and_one_jump),
		cmocka_unit_test(nft_render__range__single_rule_with_range),
	};

	return cmocka_run_group_tests_name("nft_rules", tests, NULL, NULL);
}
