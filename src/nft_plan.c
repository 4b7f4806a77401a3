/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_plan.c: desired ruleset and kernel state in, operations out (see
 * nft_plan.h). A rule's identity is its chain and comment; its content
 * is compared through the text of its expressions, counters left out,
 * so that a re-apply with nothing to change plans nothing and counters
 * survive. Pure: the units (tests/unit/test_nft_plan.c) need no root.
 */
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "nft_plan.h"

/* One scope's view while it is planned. */
struct scope {
	const struct nft_ruleset	*rs;
	char * const			*fp;
	const struct kstate		*k;
	enum nft_scope			 scope;
	const char			*family, *table;
	int				*doomed;	/* per chain of k */
	int				*matched;	/* per rule of k */
	int				*have;		/* per rule of rs: the
							   rule of k + 1, 0 */
};

const struct kchain *
kchain_find(const struct kstate *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nchains; i++)
		if (strcmp(k->chains[i].name, name) == 0)
			return &k->chains[i];
	return NULL;
}

void
nft_plan_free(struct nft_plan *p)
{
	free(p->op);
	memset(p, 0, sizeof(*p));
}

static struct nft_op *
op_add(struct nft_plan *p, enum nft_op_kind kind, const char *family,
    const char *table)
{
	struct nft_op *n;

	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 32;

		if ((n = realloc(p->op, ncap * sizeof(*n))) == NULL)
			return NULL;
		p->op = n;
		p->cap = ncap;
	}
	n = &p->op[p->n++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->family = family;
	n->table = table;
	return n;
}

static int
op_chain(struct nft_plan *p, enum nft_op_kind kind, const char *family,
    const char *table, const char *name, const struct nft_chain_spec *s)
{
	struct nft_op *o = op_add(p, kind, family, table);

	if (o == NULL)
		return -1;
	o->chain = name;
	o->cspec = s;
	return 0;
}

static int
op_rule_del(struct nft_plan *p, const char *family, const char *table,
    const struct krule *kr)
{
	struct nft_op *o = op_add(p, NOP_DEL_RULE, family, table);

	if (o == NULL)
		return -1;
	o->krule = kr;
	return 0;
}

int
nft_plan_ours(const struct nft_ruleset *rs, const struct krule *kr)
{
	if (strcmp(kr->chain, rs->table) == 0)
		return 1;
	/*
	 * The jump: by its comment, and the chain it jumps to is exactly
	 * ours (read from the rule's verdict, not found in its text: a jump
	 * to "portward-x" is someone else's).
	 */
	return strcmp(kr->chain, rs->at_chain) == 0 &&
	    strcmp(kr->comment, NFT_JUMP_COMMENT) == 0 &&
	    kr->m.verdict == NFT_JUMP && strcmp(kr->m.target, rs->table) == 0;
}

static int
chain_matches(const struct kchain *kc, const struct nft_chain_spec *s)
{
	if (kc->base != s->base)
		return 0;
	if (!s->base)
		return 1;
	return kc->hook == s->hook && kc->prio == s->prio &&
	    strcmp(kc->type, s->type) == 0 && kc->policy == NF_ACCEPT;
}

/* Chains of ours that are not wanted, or not as wanted, go. */
static void
mark_doomed(struct scope *sc)
{
	const struct kchain *kc;
	const struct nft_chain_spec *s;
	size_t i, j;

	for (i = 0; i < sc->k->nchains; i++) {
		kc = &sc->k->chains[i];
		if (sc->scope == NFT_ATTACHED &&
		    strcmp(kc->name, sc->rs->table) != 0)
			continue;	/* theirs */
		sc->doomed[i] = 1;
		for (j = 0; j < sc->rs->nchains; j++) {
			s = &sc->rs->chains[j];
			if (s->scope == sc->scope &&
			    strcmp(s->name, kc->name) == 0 &&
			    chain_matches(kc, s))
				sc->doomed[i] = 0;
		}
	}
}

static int
chain_doomed(const struct scope *sc, const char *name)
{
	const struct kchain *kc = kchain_find(sc->k, name);

	return kc != NULL && sc->doomed[kc - sc->k->chains];
}

/* The rule of k that stays as rs->rules[i], or -1. */
static long
match_rule(struct scope *sc, size_t i)
{
	const struct nft_rule_spec *r = &sc->rs->rules[i];
	const struct krule *kr;
	size_t j;

	for (j = 0; j < sc->k->nrules; j++) {
		kr = &sc->k->rules[j];
		if (sc->matched[j] || strcmp(kr->chain, r->chain) != 0 ||
		    strcmp(kr->comment, r->comment) != 0 ||
		    strcmp(kr->fp, sc->fp[i]) != 0)
			continue;
		if (chain_doomed(sc, kr->chain))
			continue;
		if (r->first && kr->pos != 0)
			continue;	/* a jump must stay on top */
		return (long)j;
	}
	return -1;
}

/* Delete what is ours and unmatched, then the doomed chains. */
static int
plan_deletions(struct nft_plan *p, struct scope *sc)
{
	const struct kstate *k = sc->k;
	size_t j;

	for (j = 0; j < k->nrules; j++)
		if (!sc->matched[j] && (sc->scope == NFT_OWN ||
		    nft_plan_ours(sc->rs, &k->rules[j])) &&
		    op_rule_del(p, sc->family, sc->table, &k->rules[j]) == -1)
			return -1;
	for (j = 0; j < k->nchains; j++)
		if (sc->doomed[j] && op_chain(p, NOP_DEL_CHAIN, sc->family,
		    sc->table, k->chains[j].name, NULL) == -1)
			return -1;
	return 0;
}

/* The table (created, or woken when dormant) and the missing chains. */
static int
plan_containers(struct nft_plan *p, struct scope *sc)
{
	const struct nft_chain_spec *s;
	struct nft_op *o;
	size_t j;

	if (sc->scope == NFT_OWN && (!sc->k->has_table || sc->k->dormant)) {
		if ((o = op_add(p, NOP_ADD_TABLE, sc->family,
		    sc->table)) == NULL)
			return -1;
		o->wake = sc->k->has_table;
	}
	for (j = 0; j < sc->rs->nchains; j++) {
		s = &sc->rs->chains[j];
		if (s->scope != sc->scope)
			continue;
		if ((kchain_find(sc->k, s->name) == NULL ||
		    chain_doomed(sc, s->name)) && op_chain(p, NOP_ADD_CHAIN,
		    sc->family, sc->table, s->name, s) == -1)
			return -1;
	}
	return 0;
}

/*
 * Add what is missing where it belongs: before the next rule of the
 * same chain that stays, or at the end, so that a repaired chain reads
 * exactly as rendered.
 */
static int
plan_additions(struct nft_plan *p, struct scope *sc)
{
	const struct nft_ruleset *rs = sc->rs;
	const struct nft_rule_spec *r;
	struct nft_op *o;
	size_t i, j;

	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (r->scope != sc->scope || sc->have[i])
			continue;
		o = op_add(p, NOP_ADD_RULE, sc->family, sc->table);
		if (o == NULL)
			return -1;
		o->rule = r;
		for (j = i + 1; !r->first && j < rs->nrules; j++)
			if (rs->rules[j].scope == sc->scope && sc->have[j] &&
			    strcmp(rs->rules[j].chain, r->chain) == 0)
				break;
		if (j < rs->nrules && !r->first)
			o->before = sc->k->rules[sc->have[j] - 1].handle;
	}
	return 0;
}

static int
plan_scope_run(struct nft_plan *p, struct scope *sc)
{
	size_t i;
	long j;

	mark_doomed(sc);
	/* Match wanted rules to what is there; the rest is added. */
	for (i = 0; i < sc->rs->nrules; i++) {
		if (sc->rs->rules[i].scope != sc->scope ||
		    (j = match_rule(sc, i)) < 0)
			continue;
		sc->matched[j] = 1;
		sc->have[i] = (int)j + 1;
	}
	if (plan_deletions(p, sc) == -1 || plan_containers(p, sc) == -1 ||
	    plan_additions(p, sc) == -1)
		return -1;
	return 0;
}

/*
 * One scope: portward's own table, or its chain and jump inside an
 * attached table.
 */
static int
plan_scope(struct nft_plan *p, const struct nft_plan_in *in,
    const struct kstate *k, enum nft_scope scope)
{
	struct scope sc;
	int rc = -1;

	memset(&sc, 0, sizeof(sc));
	sc.rs = in->rs;
	sc.fp = in->fp;
	sc.k = k;
	sc.scope = scope;
	sc.family = scope == NFT_OWN ? "inet" : in->rs->at_family;
	sc.table = scope == NFT_OWN ? in->rs->table : in->rs->at_table;
	sc.doomed = calloc(k->nchains + 1, sizeof(*sc.doomed));
	sc.matched = calloc(k->nrules + 1, sizeof(*sc.matched));
	sc.have = calloc(in->rs->nrules + 1, sizeof(*sc.have));
	if (sc.doomed != NULL && sc.matched != NULL && sc.have != NULL)
		rc = plan_scope_run(p, &sc);
	free(sc.doomed);
	free(sc.matched);
	free(sc.have);
	return rc;
}

/* Everything rs put in the attached table: its chain and the jump. */
static int
plan_detach(struct nft_plan *p, const struct kstate *k,
    const struct nft_ruleset *rs)
{
	size_t j;

	for (j = 0; j < k->nrules; j++)
		if (nft_plan_ours(rs, &k->rules[j]) && op_rule_del(p,
		    rs->at_family, rs->at_table, &k->rules[j]) == -1)
			return -1;
	if (kchain_find(k, rs->table) != NULL && op_chain(p, NOP_DEL_CHAIN,
	    rs->at_family, rs->at_table, rs->table, NULL) == -1)
		return -1;
	return 0;
}

static int
plan_del_table(struct nft_plan *p, const char *table)
{
	return op_add(p, NOP_DEL_TABLE, "inet", table) == NULL ? -1 : 0;
}

int
nft_plan(const struct nft_plan_in *in, struct nft_plan *p)
{
	memset(p, 0, sizeof(*p));
	/* What an earlier configuration installed and this one does not. */
	if ((in->oldatt != NULL && in->oldatt->has_table &&
	    plan_detach(p, in->oldatt, in->prev) == -1) ||
	    (in->old != NULL && in->old->has_table &&
	    plan_del_table(p, in->prev->table) == -1) ||
	    plan_scope(p, in, in->own, NFT_OWN) == -1 ||
	    (in->att != NULL && plan_scope(p, in, in->att,
	    NFT_ATTACHED) == -1)) {
		nft_plan_free(p);
		return -1;
	}
	return 0;
}

int
nft_plan_remove(const struct nft_ruleset *rs, const struct kstate *own,
    const struct kstate *att, struct nft_plan *p)
{
	memset(p, 0, sizeof(*p));
	if ((att != NULL && att->has_table && plan_detach(p, att, rs) == -1) ||
	    (own->has_table && plan_del_table(p, rs->table) == -1)) {
		nft_plan_free(p);
		return -1;
	}
	return 0;
}
