/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Units for the firewall stage (fwpath.c): a new packet from outside
 * through another table's base chain, as nft would write the rules.
 */
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "testutil.h"
#include "fwpath.h"

static struct fw_rule rules[16];
static size_t nrules;
static struct fw_set sets[4];
static struct fw_elem elems[4][8];
static size_t nsets;
static struct fw_table t;

static void
reset(void)
{
	memset(rules, 0, sizeof(rules));
	memset(sets, 0, sizeof(sets));
	memset(elems, 0, sizeof(elems));
	nrules = nsets = 0;
	t.rules = rules;
	t.sets = sets;
}

static struct fw_match *
rule(const char *chain, int verdict, const char *target)
{
	struct fw_rule *r = &rules[nrules++];

	snprintf(r->chain, sizeof(r->chain), "%s", chain);
	r->handle = nrules + 1;
	fw_match_init(&r->m);
	r->m.verdict = verdict;
	if (target != NULL)
		snprintf(r->m.target, sizeof(r->m.target), "%s", target);
	t.nrules = nrules;
	return &r->m;
}

static struct fw_set *
set(const char *name, uint32_t klen, int interval)
{
	struct fw_set *s = &sets[nsets];

	snprintf(s->name, sizeof(s->name), "%s", name);
	s->klen = klen;
	s->interval = interval;
	s->el = elems[nsets++];
	t.nsets = nsets;
	return s;
}

/* An element: len bytes of key (a catch-all when key is NULL). */
static struct fw_elem *
elem(struct fw_set *s, const void *key, size_t len, int verdict,
    const char *chain)
{
	struct fw_elem *e = &s->el[s->n++];

	if (key != NULL)
		memcpy(e->key, key, len);
	else
		e->catchall = 1;
	e->verdict = verdict;
	if (chain != NULL)
		snprintf(e->chain, sizeof(e->chain), "%s", chain);
	return e;
}

static struct fw_elem *
port_elem(struct fw_set *s, int port, int iend)
{
	uint8_t k[2] = { (uint8_t)(port >> 8), (uint8_t)port };
	struct fw_elem *e = elem(s, k, 2, FW_V_CONTINUE, NULL);

	e->iend = iend;
	return e;
}

static void
lookup(struct fw_match *m, enum fw_key k, const char *s, int vmap)
{
	m->lk[m->nlk].key = k;
	m->lk[m->nlk].vmap = vmap;
	snprintf(m->lk[m->nlk].set, sizeof(m->lk[0].set), "%s", s);
	m->nlk++;
}

static struct fw_result
run(int policy, int l4, int port, const char *iif)
{
	struct fw_pkt p = { NFPROTO_IPV4, l4, port, iif, 0, 0, 0, NULL };
	struct fw_result r;

	fw_walk(&t, "input", policy, &p, &r);
	return r;
}

static void
policy_drop__established_accept__stateful_drop(void **state)
{
	struct fw_match *m;
	struct fw_result r;

	(void)state;
	reset();
	m = rule("input", FW_V_ACCEPT, NULL);
	m->ctmask = FW_CT_ESTABLISHED | (1u << 2);
	r = run(FW_V_DROP, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_true(r.stateful);
	assert_false(r.uncertain);
	assert_string_equal(r.why, "policy drop");
	/* Its port opened: accepted. */
	m = rule("input", FW_V_ACCEPT, NULL);
	m->l4 = IPPROTO_UDP;
	m->plo = m->phi = 7882;
	assert_int_equal(run(FW_V_DROP, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_ACCEPT);
	assert_int_equal(run(FW_V_DROP, IPPROTO_TCP, 7882, NULL).verdict,
	    FW_DROP);
}

static void
anonymous_set__port_in_it__accepted_or_dropped(void **state)
{
	struct fw_match *m;
	struct fw_set *s;
	struct fw_result r;

	(void)state;
	reset();
	s = set("__set0", 2, 0);
	port_elem(s, 22, 0);
	port_elem(s, 7881, 0);
	m = rule("input", FW_V_ACCEPT, NULL);
	m->l4 = IPPROTO_TCP;
	lookup(m, FK_DPORT, "__set0", 0);
	assert_int_equal(run(FW_V_DROP, IPPROTO_TCP, 7881, NULL).verdict,
	    FW_ACCEPT);
	r = run(FW_V_DROP, IPPROTO_TCP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_false(r.uncertain);
	/* != @set */
	m->lk[0].inv = 1;
	assert_int_equal(run(FW_V_DROP, IPPROTO_TCP, 7881, NULL).verdict,
	    FW_DROP);
	assert_int_equal(run(FW_V_DROP, IPPROTO_TCP, 7882, NULL).verdict,
	    FW_ACCEPT);
}

static void
interval_set__ranges__closest_element_decides(void **state)
{
	struct fw_match *m;
	struct fw_set *s;

	(void)state;
	reset();
	/* { 3478-3480, 7880-7890 } as the kernel holds it: ends exclusive. */
	s = set("__set0", 2, 1);
	port_elem(s, 7891, 1);
	port_elem(s, 7880, 0);
	port_elem(s, 0, 1);
	port_elem(s, 3481, 1);
	port_elem(s, 3478, 0);
	m = rule("input", FW_V_DROP, NULL);
	m->l4 = IPPROTO_UDP;
	lookup(m, FK_DPORT, "__set0", 0);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_DROP);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7880, NULL).verdict,
	    FW_DROP);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7891, NULL).verdict,
	    FW_ACCEPT);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 3480, NULL).verdict,
	    FW_DROP);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 5000, NULL).verdict,
	    FW_ACCEPT);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 80, NULL).verdict,
	    FW_ACCEPT);
}

static void
vmap__ct_state_and_port__verdict_from_the_element(void **state)
{
	struct fw_match *m;
	struct fw_set *s;
	struct fw_elem *e;
	struct fw_result r;
	uint32_t est = FW_CT_ESTABLISHED, inval = 1;

	(void)state;
	reset();
	/* ct state vmap { established : accept, invalid : drop } */
	s = set("__map0", 4, 0);
	elem(s, &est, 4, FW_V_ACCEPT, NULL);
	elem(s, &inval, 4, FW_V_DROP, NULL);
	m = rule("input", FW_V_CONTINUE, NULL);
	lookup(m, FK_CTSTATE, "__map0", 1);
	/* udp dport vmap { 7882 : jump deny } */
	s = set("__map1", 2, 0);
	e = port_elem(s, 7882, 0);
	e->verdict = FW_V_JUMP;
	snprintf(e->chain, sizeof(e->chain), "deny");
	m = rule("input", FW_V_CONTINUE, NULL);
	m->l4 = IPPROTO_UDP;
	lookup(m, FK_DPORT, "__map1", 1);
	rule("deny", FW_V_DROP, NULL);
	r = run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_true(r.stateful);
	assert_contains(r.why, "chain deny");
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7881, NULL).verdict,
	    FW_ACCEPT);
}

static void
jump_return_goto__followed_as_the_kernel_does(void **state)
{
	struct fw_match *m;

	(void)state;
	reset();
	rule("input", FW_V_JUMP, "a");
	m = rule("a", FW_V_RETURN, NULL);
	m->l4 = IPPROTO_TCP;
	rule("a", FW_V_DROP, NULL);
	/* TCP returns before the drop, UDP meets it. */
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_TCP, 7881, NULL).verdict,
	    FW_ACCEPT);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_DROP);
	/* A goto does not come back: the base chain's policy decides. */
	reset();
	rule("input", FW_V_GOTO, "b");
	rule("input", FW_V_DROP, NULL);
	rule("b", FW_V_CONTINUE, NULL);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_ACCEPT);
	assert_int_equal(run(FW_V_DROP, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_DROP);
	/* A loop of jumps ends. */
	reset();
	rule("input", FW_V_JUMP, "c");
	rule("c", FW_V_JUMP, "c");
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_ACCEPT);
}

static void
unread_condition__drop_not_claimed_accept_makes_drop_uncertain(void **state)
{
	struct fw_match *m;
	struct fw_result r;

	(void)state;
	reset();
	m = rule("input", FW_V_DROP, NULL);	/* ip saddr 203.0.113.0/24 drop */
	m->other = 1;
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_ACCEPT);
	reset();
	m = rule("input", FW_V_ACCEPT, NULL);	/* ip saddr 10.0.0.0/8 accept */
	m->other = 1;
	r = run(FW_V_DROP, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_true(r.uncertain);
	assert_string_equal(r.maybe, "rule handle 2 in chain input");
	/* A set that could not be read is such a condition too. */
	reset();
	m = rule("input", FW_V_ACCEPT, NULL);
	lookup(m, FK_DPORT, "missing", 0);
	r = run(FW_V_DROP, IPPROTO_UDP, 7882, NULL);
	assert_true(r.uncertain);
}

static void
interface__known_in_router_mode_maybe_on_a_host(void **state)
{
	struct fw_match *m;
	struct fw_result r;

	(void)state;
	reset();
	m = rule("input", FW_V_ACCEPT, NULL);	/* iifname "lan0" accept */
	memcpy(m->iifname, "lan0", 5);
	m->iifname_len = 16;		/* as nft writes it: IFNAMSIZ */
	assert_int_equal(run(FW_V_DROP, IPPROTO_UDP, 7882, "wan0").verdict,
	    FW_DROP);
	assert_false(run(FW_V_DROP, IPPROTO_UDP, 7882, "wan0").uncertain);
	assert_int_equal(run(FW_V_DROP, IPPROTO_UDP, 7882, "lan0").verdict,
	    FW_ACCEPT);
	r = run(FW_V_DROP, IPPROTO_UDP, 7882, NULL);
	assert_true(r.uncertain);
	/* iifname "eth*": a prefix. */
	memcpy(m->iifname, "eth", 3);
	m->iifname_len = 3;
	assert_int_equal(run(FW_V_DROP, IPPROTO_UDP, 7882, "eth1").verdict,
	    FW_ACCEPT);
	/* iifname != "lo" is every packet from outside; iif "lo" none. */
	memset(m->iifname, 0, sizeof(m->iifname));
	memcpy(m->iifname, "lo", 3);
	m->iifname_len = 16;		/* as nft writes it: IFNAMSIZ */
	m->verdict = FW_V_DROP;
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_ACCEPT);
	m->iifname_neq = 1;
	r = run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_false(r.uncertain);
}

static void
ct_status_dnat__matches_what_portward_dnats(void **state)
{
	struct fw_match *m;
	struct fw_pkt p = { NFPROTO_IPV4, IPPROTO_UDP, 7882, "wan0", 0, 0, 0, NULL };
	struct fw_result r;

	(void)state;
	reset();
	m = rule("input", FW_V_ACCEPT, NULL);
	m->ctstatus = 1u << 5;			/* IPS_DST_NAT */
	fw_walk(&t, "input", FW_V_DROP, &p, &r);
	assert_int_equal(r.verdict, FW_DROP);
	p.ctstatus = 1u << 5;
	fw_walk(&t, "input", FW_V_DROP, &p, &r);
	assert_int_equal(r.verdict, FW_ACCEPT);
}

static void
maybe_vmap_and_goto__a_later_drop_is_uncertain(void **state)
{
	struct fw_match *m;
	struct fw_set *s;
	struct fw_result r;

	(void)state;
	/* iifname vmap { "lo" : accept, "eth0" : jump world } on a host. */
	reset();
	s = set("__map0", 16, 0);
	elem(s, "lo", 3, FW_V_ACCEPT, NULL);
	elem(s, "eth0", 5, FW_V_JUMP, "world");
	m = rule("input", FW_V_CONTINUE, NULL);
	lookup(m, FK_IIFNAME, "__map0", 1);
	m = rule("world", FW_V_ACCEPT, NULL);
	m->l4 = IPPROTO_UDP;
	r = run(FW_V_DROP, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_true(r.uncertain);
	/* Where the way in is known, the map decides. */
	assert_int_equal(run(FW_V_DROP, IPPROTO_UDP, 7882, "eth0").verdict,
	    FW_ACCEPT);
	assert_false(run(FW_V_DROP, IPPROTO_UDP, 7882, "eth1").uncertain);
	/* ip saddr 198.51.100.0/24 goto trusted (empty), then a drop. */
	reset();
	m = rule("input", FW_V_GOTO, "trusted");
	m->other = 1;
	m = rule("input", FW_V_DROP, NULL);
	m->l4 = IPPROTO_UDP;
	rule("trusted", FW_V_CONTINUE, NULL);
	r = run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_true(r.uncertain);
	/* Under a dropping policy, falling off the goto is no way past. */
	m->l4 = IPPROTO_TCP;
	r = run(FW_V_DROP, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_false(r.uncertain);
}

static void
before_conntrack__ct_state_is_maybe(void **state)
{
	struct fw_match *m;
	struct fw_pkt p = { NFPROTO_IPV4, IPPROTO_UDP, 7882, NULL, 0, 0, 1, NULL };
	struct fw_result r;

	(void)state;
	reset();
	m = rule("input", FW_V_DROP, NULL);	/* ct state new udp dport 7882 drop */
	m->ctmask = FW_CT_NEW;
	m->l4 = IPPROTO_UDP;
	fw_walk(&t, "input", FW_V_ACCEPT, &p, &r);
	assert_int_equal(r.verdict, FW_ACCEPT);	/* not claimed */
	p.ct_before = 0;
	fw_walk(&t, "input", FW_V_ACCEPT, &p, &r);
	assert_int_equal(r.verdict, FW_DROP);
}

static void
reply__answers_going_out__source_port_and_established(void **state)
{
	struct fw_match *m;
	struct fw_pkt p = { NFPROTO_IPV4, IPPROTO_UDP, 7882, NULL, 0, 0, 0,
	    NULL };
	struct fw_result r;

	(void)state;
	p.reply = 1;
	reset();
	m = rule("input", FW_V_DROP, NULL);	/* udp sport 7882 drop */
	m->l4 = IPPROTO_UDP;
	m->slo = m->shi = 7882;
	fw_walk(&t, "input", FW_V_ACCEPT, &p, &r);
	assert_int_equal(r.verdict, FW_DROP);
	assert_false(r.uncertain);
	/* udp dport 7882 drop: the client's port, not ours: not claimed. */
	m->slo = m->shi = -1;
	m->plo = m->phi = 7882;
	fw_walk(&t, "input", FW_V_ACCEPT, &p, &r);
	assert_int_equal(r.verdict, FW_ACCEPT);
	/* policy drop after ct state established accept: answers go. */
	reset();
	m = rule("input", FW_V_ACCEPT, NULL);
	m->ctmask = FW_CT_ESTABLISHED;
	fw_walk(&t, "input", FW_V_DROP, &p, &r);
	assert_int_equal(r.verdict, FW_ACCEPT);
	/* An inbound packet's source port is the client's: maybe. */
	reset();
	m = rule("input", FW_V_DROP, NULL);
	m->slo = m->shi = 7882;
	p.reply = 0;
	fw_walk(&t, "input", FW_V_ACCEPT, &p, &r);
	assert_int_equal(r.verdict, FW_ACCEPT);
}

static void
catchall_and_queue__as_the_kernel_has_them(void **state)
{
	struct fw_match *m;
	struct fw_set *s;
	struct fw_elem *e;
	struct fw_result r;

	(void)state;
	/* udp dport vmap { 53 : accept, * : drop } */
	reset();
	s = set("__map0", 2, 0);
	e = port_elem(s, 53, 0);
	e->verdict = FW_V_ACCEPT;
	elem(s, NULL, 0, FW_V_DROP, NULL);
	m = rule("input", FW_V_CONTINUE, NULL);
	m->l4 = IPPROTO_UDP;
	lookup(m, FK_DPORT, "__map0", 1);
	r = run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 53, NULL).verdict,
	    FW_ACCEPT);
	/* != @s where @s has a catch-all: never true. */
	m->lk[0].vmap = 0;
	m->lk[0].inv = 1;
	m->verdict = FW_V_DROP;
	assert_int_equal(run(FW_V_ACCEPT, IPPROTO_UDP, 7882, NULL).verdict,
	    FW_ACCEPT);
	/* A verdict another program gives (NF_QUEUE): the drop after it
	 * is uncertain. */
	reset();
	rule("input", 3, NULL);
	r = run(FW_V_DROP, IPPROTO_UDP, 7882, NULL);
	assert_int_equal(r.verdict, FW_DROP);
	assert_true(r.uncertain);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_drop__established_accept__stateful_drop),
		cmocka_unit_test(anonymous_set__port_in_it__accepted_or_dropped),
		cmocka_unit_test(interval_set__ranges__closest_element_decides),
		cmocka_unit_test(vmap__ct_state_and_port__verdict_from_the_element),
		cmocka_unit_test(jump_return_goto__followed_as_the_kernel_does),
		cmocka_unit_test(unread_condition__drop_not_claimed_accept_makes_drop_uncertain),
		cmocka_unit_test(interface__known_in_router_mode_maybe_on_a_host),
		cmocka_unit_test(ct_status_dnat__matches_what_portward_dnats),
		cmocka_unit_test(maybe_vmap_and_goto__a_later_drop_is_uncertain),
		cmocka_unit_test(before_conntrack__ct_state_is_maybe),
		cmocka_unit_test(reply__answers_going_out__source_port_and_established),
		cmocka_unit_test(catchall_and_queue__as_the_kernel_has_them),
	};

	return cmocka_run_group_tests_name("fwpath", tests, NULL, NULL);
}
