/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fwpath.c: a new packet from outside followed through another table's
 * base chain (fwpath.h). Each rule's conditions are read as yes, no or
 * maybe for that packet; the first "yes" with a verdict decides, as in
 * the kernel. Sets and verdict maps are looked up in the table's own
 * sets, interval sets by their closest element at or below the key.
 */
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "fwpath.h"

enum { NO, YES, MAYBE };

#define DEPTH_MAX	16
/*
 * Rules looked at per walk: maybe-branches are walked again each time,
 * so a ruleset can fan out; past this, what is left is maybe (it runs on
 * the daemon's loop, at every status).
 */
#define STEPS_MAX	200000
static unsigned long steps;

void
fw_match_init(struct fw_match *m)
{
	memset(m, 0, sizeof(*m));
	m->nfproto = m->l4 = m->plo = m->phi = m->slo = m->shi = -1;
	m->verdict = FW_V_CONTINUE;
}

static const struct fw_set *
set_find(const struct fw_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nsets; i++)
		if (strcmp(t->sets[i].name, name) == 0)
			return &t->sets[i];
	return NULL;
}

int
fw_set_has(const struct fw_set *s, const uint8_t *key,
    const struct fw_elem **elem)
{
	const struct fw_elem *best = NULL, *any = NULL;
	size_t i, n = s->klen;

	for (i = 0; i < s->n; i++) {
		const struct fw_elem *e = &s->el[i];

		if (e->catchall) {
			any = e;
			continue;
		}
		if (e->has_end) {
			if (memcmp(e->key, key, n) <= 0 &&
			    memcmp(key, e->kend, n) <= 0) {
				best = e;
				break;
			}
			continue;
		}
		if (!s->interval) {
			if (memcmp(e->key, key, n) == 0) {
				best = e;
				break;
			}
			continue;
		}
		/* Intervals: the closest element at or below decides. */
		if (memcmp(e->key, key, n) <= 0 && (best == NULL ||
		    memcmp(best->key, e->key, n) < 0 ||
		    (memcmp(best->key, e->key, n) == 0 && !e->iend)))
			best = e;
	}
	if (best == NULL || (best->iend && !best->has_end))
		best = any;	/* the catch-all, if there is one */
	if (best == NULL)
		return 0;
	if (elem != NULL)
		*elem = best;
	return 1;
}

/* The bytes a set holds for this packet's field, 0 if unknown. */
static size_t
key_of(enum fw_key k, const struct fw_pkt *p, uint32_t ct, uint8_t *out)
{
	memset(out, 0, FW_KEY_MAX);
	switch (k) {
	case FK_NFPROTO:
		out[0] = (uint8_t)p->nfproto;
		return 1;
	case FK_L4:
		out[0] = (uint8_t)p->l4;
		return 1;
	case FK_DPORT:
	case FK_SPORT:
		if ((k == FK_SPORT) != (p->reply != 0))
			return 0;	/* the client's port: not known */
		out[0] = (uint8_t)(p->port >> 8);
		out[1] = (uint8_t)p->port;
		return 2;
	case FK_CTSTATE:
		if (p->ct_before)
			return 0;	/* before conntrack: not known yet */
		memcpy(out, &ct, 4);	/* host order, as the kernel's */
		return 4;
	case FK_IIFNAME:
		if (p->iif == NULL || p->iif[0] == '\0')
			return 0;
		(void)strncpy((char *)out, p->iif, FW_KEY_MAX - 1);
		return FW_KEY_MAX;
	default:
		return 0;
	}
}

static int
and3(int a, int b)
{
	return a == NO || b == NO ? NO : a == MAYBE || b == MAYBE ? MAYBE : YES;
}

/* Families, protocol and ports; the client's port is not known. */
static int
eval_ports(const struct fw_match *m, const struct fw_pkt *p)
{
	if ((m->nfproto != -1 && m->nfproto != p->nfproto) ||
	    (m->l4 != -1 && m->l4 != p->l4))
		return NO;
	if (p->reply) {
		/* Going out: the endpoint's port is the source; no way in. */
		if ((m->slo != -1 && p->port < m->slo) ||
		    (m->shi != -1 && p->port > m->shi) ||
		    (m->iifname_len > 0 && !m->iifname_neq) || m->lo)
			return NO;
		return m->plo != -1 || m->phi != -1 ? MAYBE : YES;
	}
	if (m->lo || (m->plo != -1 && p->port < m->plo) ||
	    (m->phi != -1 && p->port > m->phi))
		return NO;
	return m->slo != -1 || m->shi != -1 ? MAYBE : YES;
}

/* iifname: the way in, when it is known. */
static int
eval_iifname(const struct fw_match *m, const struct fw_pkt *p)
{
	char name[FW_KEY_MAX];
	int eq;

	if (m->iifname_len == 0 || p->reply)
		return YES;
	if (m->iifname_len >= 3 && memcmp(m->iifname, "lo", 3) == 0)
		return m->iifname_neq ? YES : NO;	/* never from outside */
	if (p->iif == NULL || p->iif[0] == '\0')
		return MAYBE;
	/* As the kernel holds it: zero-padded to IFNAMSIZ. */
	memset(name, 0, sizeof(name));
	(void)strncpy(name, p->iif, sizeof(name) - 1);
	eq = memcmp(name, m->iifname, m->iifname_len) == 0;
	return eq != m->iifname_neq ? YES : NO;
}

/* Set lookups and verdict maps; a map's element gives *v, *target. */
static int
eval_lookups(const struct fw_table *t, const struct fw_match *m,
    const struct fw_pkt *p, uint32_t ct, int *v, const char **target)
{
	const struct fw_elem *e;
	const struct fw_set *s;
	uint8_t key[FW_KEY_MAX];
	int i, r = YES, in;
	size_t n;

	for (i = 0; i < m->nlk; i++) {
		s = set_find(t, m->lk[i].set);
		n = key_of(m->lk[i].key, p, ct, key);
		e = NULL;
		if (s == NULL || s->unread || n == 0 || n != s->klen) {
			r = MAYBE;
			if (m->lk[i].vmap)
				*v = FW_V_CONTINUE;	/* unknown verdict */
			continue;
		}
		in = fw_set_has(s, key, &e);
		if (m->lk[i].vmap) {
			if (!in)
				return NO;
			*v = e->verdict;
			*target = e->chain;
			continue;
		}
		if (in == m->lk[i].inv)
			return NO;
	}
	return r;
}

/*
 * Does the rule match this packet in conntrack state ct? *v and *target
 * get its verdict (from a verdict map when it has one).
 */
static int
rule_eval(const struct fw_table *t, const struct fw_rule *rule,
    const struct fw_pkt *p, uint32_t ct, int *v, const char **target)
{
	const struct fw_match *m = &rule->m;
	int r, ri;

	*v = m->verdict;
	*target = m->target;
	if ((r = eval_ports(m, p)) == NO)
		return NO;
	if (m->ctmask != 0 && p->ct_before)
		r = and3(r, MAYBE);
	else if (m->ctmask != 0 && !(m->ctmask & ct))
		return NO;
	if (m->ctstatus != 0 && !(m->ctstatus & p->ctstatus))
		return NO;
	if ((ri = eval_iifname(m, p)) == NO)
		return NO;
	r = and3(r, ri);
	if ((ri = eval_lookups(t, m, p, ct, v, target)) == NO)
		return NO;
	r = and3(r, ri);
	/* portward's own rule for this packet: its addresses are this one's. */
	if (m->other && !(p->self != NULL && rule->comment[0] != '\0' &&
	    strcmp(rule->comment, p->self) == 0))
		r = and3(r, MAYBE);
	return r;
}

static void
note_maybe(struct fw_result *r, const char *chain, uint64_t handle)
{
	if (r->maybe[0] == '\0')
		(void)snprintf(r->maybe, sizeof(r->maybe), "rule handle %llu in "
		    "chain %s", (unsigned long long)handle, chain);
}

static int walk(const struct fw_table *, const char *, int, int,
    const struct fw_pkt *, struct fw_result *, int);

/*
 * A jump or goto that may not happen: what the packet meets if it does.
 * An accept in it, or a goto whose chain ends without a verdict (back to
 * this chain's caller, or this base chain's accepting policy), may let
 * the packet past a later drop; a drop in it is not claimed.
 */
static void
walk_maybe(const struct fw_table *t, const struct fw_rule *rule, int v,
    const char *target, const struct fw_pkt *p, struct fw_result *r,
    int base, int policy, int depth)
{
	struct fw_result sub;
	int res;

	memset(&sub, 0, sizeof(sub));
	res = walk(t, target, 0, 0, p, &sub, depth + 1);
	if (res == FW_ACCEPT || sub.maybe[0] != '\0' || (v == FW_V_GOTO &&
	    res == FW_CONT && !(base && policy == FW_V_DROP)))
		note_maybe(r, rule->chain, rule->handle);
	/* Stateful only on a path the packet surely takes: not here. */
}

static int
has_vmap(const struct fw_match *m)
{
	int k;

	for (k = 0; k < m->nlk; k++)
		if (m->lk[k].vmap)
			return 1;
	return 0;
}

/* A verdict map keyed by what is not known: any of its verdicts may be. */
static void
vmap_maybe(const struct fw_table *t, const struct fw_rule *rule,
    const struct fw_pkt *p, struct fw_result *r, int base, int policy,
    int depth)
{
	const struct fw_set *s;
	size_t i;
	int k;

	for (k = 0; k < rule->m.nlk; k++) {
		if (!rule->m.lk[k].vmap)
			continue;
		if ((s = set_find(t, rule->m.lk[k].set)) == NULL || s->unread) {
			note_maybe(r, rule->chain, rule->handle);
			return;
		}
		for (i = 0; i < s->n; i++)
			if (s->el[i].verdict == FW_V_ACCEPT ||
			    s->el[i].verdict == FW_V_RETURN)
				note_maybe(r, rule->chain, rule->handle);
			else if (s->el[i].verdict == FW_V_JUMP ||
			    s->el[i].verdict == FW_V_GOTO)
				walk_maybe(t, rule, s->el[i].verdict,
				    s->el[i].chain, p, r, base, policy, depth);
	}
}

/* What a rule met on the walk says: on to the next, out of the chain. */
#define W_NEXT	(-1)
#define W_END	(-2)

/* A rule that matches for certain, with verdict v. */
static int
walk_verdict(const struct fw_table *t, const struct fw_rule *rule, int v,
    const char *target, const struct fw_pkt *p, struct fw_result *r,
    int depth)
{
	int res;

	switch (v) {
	case FW_V_ACCEPT:
		return FW_ACCEPT;
	case FW_V_DROP:
		(void)snprintf(r->why, sizeof(r->why), "rule handle %llu "
		    "in chain %s drops it",
		    (unsigned long long)rule->handle, rule->chain);
		return FW_DROP;
	case FW_V_JUMP:
		res = walk(t, target, 0, 0, p, r, depth + 1);
		return res != FW_CONT ? res : W_NEXT;
	case FW_V_GOTO:
		/* The goto does not come back here. */
		res = walk(t, target, 0, 0, p, r, depth + 1);
		return res != FW_CONT ? res : W_END;
	case FW_V_RETURN:
		return W_END;
	default:
		/* NF_QUEUE, NF_STOLEN: another program decides. */
		note_maybe(r, rule->chain, rule->handle);
		return W_NEXT;
	}
}

/* One rule of the chain: W_NEXT, W_END or the base chain's verdict. */
static int
walk_rule(const struct fw_table *t, const struct fw_rule *rule, int base,
    int policy, const struct fw_pkt *p, struct fw_result *r, int depth)
{
	const char *target, *ignored;
	int v, ve, res;

	/* Accepts established, not new: a stateful firewall. */
	if (!p->reply && rule_eval(t, rule, p, FW_CT_ESTABLISHED, &ve,
	    &ignored) == YES && ve == FW_V_ACCEPT &&
	    rule_eval(t, rule, p, FW_CT_NEW, &v, &ignored) == NO)
		r->stateful = 1;
	res = rule_eval(t, rule, p, p->reply ? FW_CT_ESTABLISHED : FW_CT_NEW,
	    &v, &target);
	if (res == NO)
		return W_NEXT;
	if (v == FW_V_CONTINUE) {
		/* A verdict map keyed by what is not known. */
		if (res == MAYBE && has_vmap(&rule->m))
			vmap_maybe(t, rule, p, r, base, policy, depth);
		return W_NEXT;
	}
	if (res == MAYBE) {
		if (v == FW_V_ACCEPT || v == FW_V_RETURN)
			note_maybe(r, rule->chain, rule->handle);
		else if (v == FW_V_JUMP || v == FW_V_GOTO)
			walk_maybe(t, rule, v, target, p, r, base, policy,
			    depth);
		return W_NEXT;	/* a drop not claimed */
	}
	return walk_verdict(t, rule, v, target, p, r, depth);
}

static int
walk(const struct fw_table *t, const char *chain, int base, int policy,
    const struct fw_pkt *p, struct fw_result *r, int depth)
{
	size_t j;
	int res;

	if (depth > DEPTH_MAX || steps > STEPS_MAX) {
		note_maybe(r, chain, 0);	/* too deep, too many: not read */
		return FW_CONT;
	}
	for (j = 0; j < t->nrules; j++) {
		if (strcmp(t->rules[j].chain, chain) != 0)
			continue;
		if (++steps > STEPS_MAX) {
			note_maybe(r, chain, t->rules[j].handle);
			return FW_CONT;
		}
		res = walk_rule(t, &t->rules[j], base, policy, p, r, depth);
		if (res == W_END)
			break;
		if (res != W_NEXT)
			return res;
	}
	if (!base)
		return FW_CONT;
	if (policy == FW_V_DROP) {
		(void)snprintf(r->why, sizeof(r->why), "policy drop");
		return FW_DROP;
	}
	return FW_ACCEPT;
}

void
fw_walk(const struct fw_table *t, const char *chain, int policy,
    const struct fw_pkt *p, struct fw_result *r)
{
	memset(r, 0, sizeof(*r));
	steps = 0;
	r->verdict = walk(t, chain, 1, policy, p, r, 0);
	r->uncertain = r->verdict == FW_DROP && r->maybe[0] != '\0';
	if (r->verdict != FW_DROP)
		r->maybe[0] = '\0';
}

/* A port compared: a bound of the range lo..hi. */
static void
cmp_port(struct fw_match *m, int *lo, int *hi, uint32_t op, uint16_t port)
{
	if (op == NFT_CMP_EQ)
		*lo = *hi = port;
	else if (op == NFT_CMP_GTE || op == NFT_CMP_GT)
		*lo = port + (op == NFT_CMP_GT);
	else if ((op == NFT_CMP_LTE || op == NFT_CMP_LT) &&
	    !(op == NFT_CMP_LT && port == 0))
		*hi = port - (op == NFT_CMP_LT);
	else if (op == NFT_CMP_LT)
		*lo = 1, *hi = 0;	/* < 0: never */
	else
		m->other = 1;
}

/* ct state a,b: any of them; a second condition: both. */
static void
cmp_ctstate(struct fw_match *m, uint32_t ctmask, uint32_t op, uint32_t v)
{
	uint32_t want;

	if (op == NFT_CMP_NEQ && v == 0 && ctmask != 0)
		want = ctmask;
	else if (op == NFT_CMP_EQ && ctmask == 0)
		want = v;
	else {
		m->other = 1;
		return;
	}
	m->ctmask = m->ctmask ? m->ctmask & want : want;
	if (m->ctmask == 0)
		m->plo = 1, m->phi = 0;	/* never: no state is both */
}

static void
cmp_iifname(struct fw_match *m, uint32_t op, const uint8_t *d, uint32_t len)
{
	if ((op == NFT_CMP_EQ || op == NFT_CMP_NEQ) && len > 0 &&
	    m->iifname_len == 0) {
		m->iifname_len = len < FW_KEY_MAX ? (int)len : FW_KEY_MAX;
		memcpy(m->iifname, d, (size_t)m->iifname_len);
		m->iifname_neq = op == NFT_CMP_NEQ;
	} else
		m->other = 1;
}

/* The protocols, and iptables' --sport X --dport Y (both in one). */
static void
cmp_proto(struct fw_match *m, enum fw_key what, uint32_t op,
    const uint8_t *d, uint32_t len)
{
	if (op != NFT_CMP_EQ || len < (what == FK_PORTS ? 4u : 1u)) {
		m->other = 1;
		return;
	}
	if (what == FK_NFPROTO)
		m->nfproto = d[0];
	else if (what == FK_L4)
		m->l4 = d[0];
	else {
		m->slo = m->shi = (uint16_t)(d[0] << 8 | d[1]);
		m->plo = m->phi = (uint16_t)(d[2] << 8 | d[3]);
	}
}

void
fw_match_cmp(struct fw_match *m, enum fw_key what, uint32_t ctmask,
    uint32_t op, const uint8_t *d, uint32_t len)
{
	uint32_t v = 0;

	if (what == FK_CTSTATE || what == FK_CTSTATUS || what == FK_IIF)
		memcpy(&v, d, len < 4 ? len : 4);
	switch (what) {
	case FK_NFPROTO:
	case FK_L4:
	case FK_PORTS:
		cmp_proto(m, what, op, d, len);
		break;
	case FK_DPORT:
	case FK_SPORT:
		if (len < 2)
			m->other = 1;
		else
			cmp_port(m, what == FK_DPORT ? &m->plo : &m->slo,
			    what == FK_DPORT ? &m->phi : &m->shi, op,
			    (uint16_t)(d[0] << 8 | d[1]));
		break;
	case FK_CTSTATE:
		cmp_ctstate(m, ctmask, op, v);
		break;
	case FK_CTSTATUS:
		if (op == NFT_CMP_NEQ && v == 0 && ctmask != 0 &&
		    m->ctstatus == 0)
			m->ctstatus = ctmask;	/* ct status dnat */
		else
			m->other = 1;
		break;
	case FK_IIFNAME:
		cmp_iifname(m, op, d, len);
		break;
	case FK_IIF:
		if (op == NFT_CMP_EQ && v == 1)
			m->lo = 1;	/* ifindex 1 is lo */
		else
			m->other = 1;
		break;
	default:
		m->other = 1;
	}
}
