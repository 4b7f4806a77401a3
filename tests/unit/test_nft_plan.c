/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Units for the plan (nft_plan.c): desired ruleset and kernel state in,
 * operations out, without a kernel. Fingerprints are plain strings here:
 * the plan only compares them.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "testutil.h"
#include "nft_plan.h"

static struct nft_ruleset rs, prev;
static char *fp[NFT_MAX_RULES];
static struct kstate own, att;
static struct nft_plan p;

static void
add_chain(struct nft_ruleset *r, enum nft_scope scope, const char *name,
    int base)
{
	struct nft_chain_spec *c = &r->chains[r->nchains++];

	memset(c, 0, sizeof(*c));
	c->scope = scope;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->base = base;
	c->type = "filter";
	c->hook = NF_INET_LOCAL_IN;
}

static struct nft_rule_spec *
add_rule(struct nft_ruleset *r, enum nft_scope scope, const char *chain,
    const char *comment, const char *print)
{
	struct nft_rule_spec *s = &r->rules[r->nrules];

	memset(s, 0, sizeof(*s));
	s->scope = scope;
	snprintf(s->chain, sizeof(s->chain), "%s", chain);
	snprintf(s->comment, sizeof(s->comment), "%s", comment);
	if (r == &rs)
		fp[r->nrules] = (char *)print;
	r->nrules++;
	return s;
}

/* Host mode: our input chain, two accepts. */
static void
desired(struct nft_ruleset *r, const char *table)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->table, sizeof(r->table), "%s", table);
	add_chain(r, NFT_OWN, "input", 1);
	add_rule(r, NFT_OWN, "input", "ice-udp ipv4", "[udp 7882]");
	add_rule(r, NFT_OWN, "input", "ice-tcp ipv4", "[tcp 7881]");
}

/* nft.attach: our chain in ip filter, and the jump on top of input. */
static void
attach(struct nft_ruleset *r)
{
	struct nft_rule_spec *j;

	r->attach = 1;
	snprintf(r->at_family, sizeof(r->at_family), "ip");
	snprintf(r->at_table, sizeof(r->at_table), "filter");
	snprintf(r->at_chain, sizeof(r->at_chain), "input");
	/* Our chain there is named after our table ("portward"). */
	add_chain(r, NFT_ATTACHED, "portward", 0);
	add_rule(r, NFT_ATTACHED, "portward", "ice-udp ipv4", "[udp 7882]");
	j = add_rule(r, NFT_ATTACHED, "input", NFT_JUMP_COMMENT,
	    "[immediate jump portward]");
	j->verdict = NFTV_JUMP;
	j->first = 1;
	snprintf(j->jump, sizeof(j->jump), "portward");
}

static void
k_chain(struct kstate *k, const char *name, int base, int32_t prio)
{
	struct kchain *c = &k->chains[k->nchains++];

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->base = base;
	snprintf(c->type, sizeof(c->type), "filter");
	c->hook = NF_INET_LOCAL_IN;
	c->prio = prio;
	c->policy = NF_ACCEPT;
}

static struct krule *
k_rule(struct kstate *k, const char *chain, const char *comment,
    const char *print)
{
	struct krule *r;
	const char *j;
	size_t i;

	if (k->nrules == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->rules = realloc(k->rules, k->cap * sizeof(*r));
		assert_non_null(k->rules);
	}
	r = &k->rules[k->nrules];
	memset(r, 0, sizeof(*r));
	snprintf(r->chain, sizeof(r->chain), "%s", chain);
	snprintf(r->comment, sizeof(r->comment), "%s", comment);
	r->fp = strdup(print);
	/* What nft_read.c reads of a jump's verdict: "[... jump CHAIN]". */
	if ((j = strstr(print, "jump ")) != NULL) {
		r->m.verdict = NFT_JUMP;
		snprintf(r->m.target, sizeof(r->m.target), "%.*s",
		    (int)strcspn(j + 5, "]"), j + 5);
	}
	r->handle = 100 + k->nrules;
	for (i = 0; i < k->nrules; i++)
		r->pos += strcmp(k->rules[i].chain, chain) == 0;
	k->nrules++;
	return r;
}

/* The kernel as a previous apply of rs left it (scope's part). */
static void
installed(struct kstate *k, enum nft_scope scope)
{
	size_t i;

	k->has_table = 1;
	for (i = 0; i < rs.nchains; i++)
		if (rs.chains[i].scope == scope)
			k_chain(k, rs.chains[i].name, rs.chains[i].base, 0);
	for (i = 0; i < rs.nrules; i++)
		if (rs.rules[i].scope == scope)
			k_rule(k, rs.rules[i].chain, rs.rules[i].comment, fp[i]);
}

/* Another program's table: its chain input with two rules. */
static void
foreign(struct kstate *k)
{
	k->has_table = 1;
	k_chain(k, "input", 1, 0);
	k_chain(k, "docker", 0, 0);
	k_rule(k, "input", "ssh", "[tcp 22]");
	k_rule(k, "input", "", "[jump docker]");
	/* A comment like our jump's, to a chain not ours. */
	k_rule(k, "input", NFT_JUMP_COMMENT, "[immediate jump other]");
	/* Our comment, and a chain whose name begins like ours. */
	k_chain(k, "portward-x", 0, 0);
	k_rule(k, "input", NFT_JUMP_COMMENT, "[immediate jump portward-x]");
	k_rule(k, "docker", "", "[drop]");
}

static int
setup(void **state)
{
	(void)state;
	memset(&own, 0, sizeof(own));
	memset(&att, 0, sizeof(att));
	memset(&p, 0, sizeof(p));
	memset(fp, 0, sizeof(fp));
	desired(&rs, "portward");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	kstate_free(&own);
	kstate_free(&att);
	nft_plan_free(&p);
	return 0;
}

static void
plan(const struct kstate *a, const struct nft_ruleset *pv,
    const struct kstate *old, const struct kstate *oldatt)
{
	struct nft_plan_in in = { &rs, fp, &own, a, pv, old, oldatt };

	assert_int_equal(nft_plan(&in, &p), 0);
}

static size_t
count(enum nft_op_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < p.n; i++)
		n += p.op[i].kind == kind;
	return n;
}

/* Does any operation touch a rule or chain another program made? */
static void
assert_foreign_untouched(void)
{
	size_t i;

	for (i = 0; i < p.n; i++) {
		if (p.op[i].kind == NOP_DEL_RULE) {
			assert_string_not_equal(p.op[i].krule->comment, "ssh");
			assert_string_not_equal(p.op[i].krule->fp,
			    "[jump docker]");
			assert_string_not_equal(p.op[i].krule->fp, "[drop]");
			assert_string_not_equal(p.op[i].krule->fp,
			    "[immediate jump other]");
			assert_string_not_equal(p.op[i].krule->fp,
			    "[immediate jump portward-x]");
		}
		if (p.op[i].kind == NOP_DEL_CHAIN)
			assert_string_equal(p.op[i].chain, "portward");
		if (p.op[i].kind == NOP_DEL_TABLE)
			assert_string_not_equal(p.op[i].table, "filter");
	}
}

static void
plan__reapply_unchanged__no_operations(void **state)
{
	(void)state;
	installed(&own, NFT_OWN);
	plan(NULL, NULL, NULL, NULL);
	assert_int_equal(p.n, 0);
}

static void
plan__no_table__table_chain_rules_in_order(void **state)
{
	(void)state;
	plan(NULL, NULL, NULL, NULL);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.op[0].kind, NOP_ADD_TABLE);
	assert_string_equal(p.op[0].family, "inet");
	assert_string_equal(p.op[0].table, "portward");
	assert_int_equal(p.op[0].wake, 0);
	assert_int_equal(p.op[1].kind, NOP_ADD_CHAIN);
	assert_string_equal(p.op[1].chain, "input");
	assert_int_equal(p.op[2].kind, NOP_ADD_RULE);
	assert_ptr_equal(p.op[2].rule, &rs.rules[0]);
	assert_ptr_equal(p.op[3].rule, &rs.rules[1]);
}

static void
plan__changed_rule__replaced_in_place(void **state)
{
	(void)state;
	installed(&own, NFT_OWN);
	free(own.rules[0].fp);
	own.rules[0].fp = strdup("[udp 9999]");
	plan(NULL, NULL, NULL, NULL);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.op[0].kind, NOP_DEL_RULE);
	assert_int_equal(p.op[0].krule->handle, own.rules[0].handle);
	assert_int_equal(p.op[1].kind, NOP_ADD_RULE);
	assert_ptr_equal(p.op[1].rule, &rs.rules[0]);
	/* Before the next rule that stays: the chain reads as rendered. */
	assert_int_equal(p.op[1].before, own.rules[1].handle);
}

static void
plan__stray_rule_in_own_table__deleted(void **state)
{
	(void)state;
	installed(&own, NFT_OWN);
	k_rule(&own, "input", "someone", "[tcp 22]");
	plan(NULL, NULL, NULL, NULL);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.op[0].kind, NOP_DEL_RULE);
	assert_string_equal(p.op[0].krule->comment, "someone");
}

static void
plan__chain_changed__recreated_with_rules(void **state)
{
	(void)state;
	installed(&own, NFT_OWN);
	own.chains[0].prio = 10;
	plan(NULL, NULL, NULL, NULL);
	assert_int_equal(count(NOP_DEL_RULE), 2);
	assert_int_equal(count(NOP_DEL_CHAIN), 1);
	assert_int_equal(count(NOP_ADD_CHAIN), 1);
	assert_int_equal(count(NOP_ADD_RULE), 2);
	assert_int_equal(count(NOP_ADD_TABLE), 0);
}

static void
plan__dormant_table__woken(void **state)
{
	(void)state;
	installed(&own, NFT_OWN);
	own.dormant = 1;
	plan(NULL, NULL, NULL, NULL);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.op[0].kind, NOP_ADD_TABLE);
	assert_int_equal(p.op[0].wake, 1);
}

static void
plan__attach__chain_and_jump_added_foreign_untouched(void **state)
{
	size_t i;
	int jump = 0;

	(void)state;
	attach(&rs);
	installed(&own, NFT_OWN);
	foreign(&att);
	plan(&att, NULL, NULL, NULL);
	assert_foreign_untouched();
	assert_int_equal(count(NOP_DEL_RULE), 0);
	assert_int_equal(count(NOP_ADD_CHAIN), 1);
	assert_int_equal(count(NOP_ADD_RULE), 2);
	for (i = 0; i < p.n; i++) {
		assert_string_equal(p.op[i].table, "filter");
		if (p.op[i].kind == NOP_ADD_CHAIN)
			assert_string_equal(p.op[i].chain, "portward");
		if (p.op[i].kind == NOP_ADD_RULE &&
		    p.op[i].rule->verdict == NFTV_JUMP) {
			jump = 1;
			assert_int_equal(p.op[i].before, 0);
		}
	}
	assert_true(jump);
}

static void
plan__jump_not_on_top__replaced(void **state)
{
	(void)state;
	attach(&rs);
	installed(&own, NFT_OWN);
	foreign(&att);
	/* Our chain and jump are there, but the jump behind their rules. */
	installed(&att, NFT_ATTACHED);
	assert_int_not_equal(att.rules[att.nrules - 1].pos, 0);
	plan(&att, NULL, NULL, NULL);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.op[0].kind, NOP_DEL_RULE);
	assert_string_equal(p.op[0].krule->fp, "[immediate jump portward]");
	assert_int_equal(p.op[1].kind, NOP_ADD_RULE);
	assert_int_equal(p.op[1].rule->first, 1);
	assert_foreign_untouched();
}

static void
plan__jump_on_top__kept(void **state)
{
	(void)state;
	attach(&rs);
	installed(&own, NFT_OWN);
	installed(&att, NFT_ATTACHED);
	foreign(&att);
	plan(&att, NULL, NULL, NULL);
	assert_int_equal(p.n, 0);
}

static void
plan__attach_dropped__chain_and_jump_removed_only(void **state)
{
	struct kstate oldatt;

	(void)state;
	desired(&prev, "portward");
	attach(&prev);
	/* What prev installed in ip filter: ours, amid theirs. */
	memset(&oldatt, 0, sizeof(oldatt));
	foreign(&oldatt);
	k_chain(&oldatt, "portward", 0, 0);
	k_rule(&oldatt, "portward", "ice-udp ipv4", "[udp 7882]");
	k_rule(&oldatt, "input", NFT_JUMP_COMMENT, "[immediate jump portward]");
	installed(&own, NFT_OWN);
	plan(NULL, &prev, NULL, &oldatt);
	assert_int_equal(p.n, 3);
	assert_int_equal(count(NOP_DEL_RULE), 2);
	assert_int_equal(count(NOP_DEL_CHAIN), 1);
	assert_foreign_untouched();
	kstate_free(&oldatt);
}

static void
plan__table_renamed__old_table_deleted_first(void **state)
{
	struct kstate old;

	(void)state;
	desired(&prev, "portward-old");
	memset(&old, 0, sizeof(old));
	old.has_table = 1;
	plan(NULL, &prev, &old, NULL);
	assert_int_equal(p.op[0].kind, NOP_DEL_TABLE);
	assert_string_equal(p.op[0].table, "portward-old");
	assert_int_equal(p.op[1].kind, NOP_ADD_TABLE);
	assert_string_equal(p.op[1].table, "portward");
}

static void
plan_remove__ours_only(void **state)
{
	(void)state;
	attach(&rs);
	installed(&own, NFT_OWN);
	foreign(&att);
	installed(&att, NFT_ATTACHED);
	assert_int_equal(nft_plan_remove(&rs, &own, &att, &p), 0);
	assert_foreign_untouched();
	assert_int_equal(count(NOP_DEL_RULE), 2);
	assert_int_equal(count(NOP_DEL_CHAIN), 1);
	assert_int_equal(count(NOP_DEL_TABLE), 1);
	assert_int_equal(p.op[p.n - 1].kind, NOP_DEL_TABLE);
	assert_string_equal(p.op[p.n - 1].table, "portward");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(plan__reapply_unchanged__no_operations),
		T(plan__no_table__table_chain_rules_in_order),
		T(plan__changed_rule__replaced_in_place),
		T(plan__stray_rule_in_own_table__deleted),
		T(plan__chain_changed__recreated_with_rules),
		T(plan__dormant_table__woken),
		T(plan__attach__chain_and_jump_added_foreign_untouched),
		T(plan__jump_not_on_top__replaced),
		T(plan__jump_on_top__kept),
		T(plan__attach_dropped__chain_and_jump_removed_only),
		T(plan__table_renamed__old_table_deleted_first),
		T(plan_remove__ours_only),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
