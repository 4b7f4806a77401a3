/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fw_conflicts.c: where another table drops what portward accepts (see
 * fw_conflicts.h). Each endpoint and family portward accepts goes, as a
 * new packet, through each base chain of another table that such a
 * packet (or, on a host, its answer) meets; fwpath.c follows it rule by
 * rule. nft.attach's jump to portward's chain is one of the rules
 * followed.
 */
#include <netinet/in.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_conflicts.h"
#include "fwpath.h"
#include "untrusted.h"

/* Where portward's packets meet the chains, and on which hooks. */
struct where {
	const struct nft_ruleset	*rs;
	const char			*own;	/* "input" or "forward" */
	uint32_t			 hook_b; /* its hook */
	const char			*fam;
	uint32_t			 tfamily;
	const char			*table;
	const struct kchain		*kc;
	int				 reply;
};

const char *
fwc_family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	}
	return NULL;
}

int
fwc_wants(const struct nft_ruleset *rs, uint32_t family, const char *name,
    int dormant)
{
	return fwc_family_name(family) != NULL && !dormant &&
	    !(family == NFPROTO_INET && strcmp(name, rs->table) == 0);
}

/* The table as the firewall stage reads it (fwpath.h). */
static struct fw_rule *
fw_rules(const struct kstate *k)
{
	struct fw_rule *fr = calloc(k->nrules + 1, sizeof(*fr));
	size_t j;

	for (j = 0; fr != NULL && j < k->nrules; j++) {
		(void)snprintf(fr[j].chain, sizeof(fr[j].chain), "%s",
		    k->rules[j].chain);
		(void)snprintf(fr[j].comment, sizeof(fr[j].comment), "%s",
		    k->rules[j].comment);
		fr[j].handle = k->rules[j].handle;
		fr[j].m = k->rules[j].m;
	}
	return fr;
}

/*
 * Names another program gave its tables and chains, for logs, terminals
 * and JSON: printable ASCII only, anything else as '?'.
 */
static void
printable(char *out, size_t len, const char *in)
{
	size_t i;

	for (i = 0; i + 1 < len && in[i] != '\0'; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '?';
	out[i] = '\0';
}

/* Where a packet and then its answer meet each hook. */
static int
hook_rank(int hook)
{
	switch (hook) {
	case NF_INET_PRE_ROUTING:	return 0;
	case NF_INET_LOCAL_IN:
	case NF_INET_FORWARD:		return 1;
	case NF_INET_LOCAL_OUT:		return 2;
	default:			return 3;
	}
}

/* Packets meet prerouting before input and forward, then by priority. */
static int
conflict_order(const void *a, const void *b)
{
	const struct nft_conflict *x = a, *y = b;

	if (hook_rank(x->hook) != hook_rank(y->hook))
		return hook_rank(x->hook) < hook_rank(y->hook) ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
fwc_sort(struct nft_conflict *out, size_t max, int found)
{
	qsort(out, (size_t)found < max ? (size_t)found : max, sizeof(*out),
	    conflict_order);
}

/* An endpoint portward accepts, of a family this table sees. */
static int
accepted(const struct where *w, const struct nft_rule_spec *r)
{
	if (r->scope != NFT_OWN || r->verdict == NFTV_COUNT ||
	    r->verdict == NFTV_JUMP || r->proto == 0 ||
	    strcmp(r->chain, w->own) != 0)
		return 0;
	return !((w->tfamily == NFPROTO_IPV4 && r->family != FAM_IPV4) ||
	    (w->tfamily == NFPROTO_IPV6 && r->family != FAM_IPV6));
}

/* The new packet (or its answer) r accepts, as w's chain meets it. */
static void
packet(const struct where *w, const struct nft_rule_spec *r, struct fw_pkt *p)
{
	const struct kchain *kc = w->kc;

	memset(p, 0, sizeof(*p));
	p->nfproto = r->family == FAM_IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	p->l4 = r->proto;
	p->port = r->port;
	p->iif = w->reply ? "" : r->iifname;
	p->reply = w->reply;
	p->self = w->rs->attach ? r->comment : NULL;
	/*
	 * Router mode: portward's own DNAT made the IPv4 packet, from the
	 * dstnat priority (-100) on.
	 */
	if (strcmp(w->own, "forward") == 0 && r->family == FAM_IPV4 &&
	    !(kc->hook == NF_INET_PRE_ROUTING && kc->prio < -100))
		p->ctstatus = IPS_DST_NAT;
	/* Before conntrack (raw, NF_IP_PRI_CONNTRACK): no ct state. */
	p->ct_before = (kc->hook == NF_INET_PRE_ROUTING ||
	    kc->hook == NF_INET_LOCAL_OUT) && kc->prio <= -200;
}

static void
record(const struct where *w, const struct nft_rule_spec *r,
    const struct fw_result *res, struct nft_conflict *o, int seq)
{
	const char *ans = w->reply ? "its answers: " : "";

	memset(o, 0, sizeof(*o));
	(void)snprintf(o->family, sizeof(o->family), "%s", w->fam);
	printable(o->table, sizeof(o->table), w->table);
	printable(o->chain, sizeof(o->chain), w->kc->name);
	if (res->uncertain)
		(void)snprintf(o->why, sizeof(o->why), "%s%s, unless %s lets "
		    "it through first (it matches on what portward does not "
		    "read)", ans, res->why, res->maybe);
	else
		(void)snprintf(o->why, sizeof(o->why), "%s%s", ans, res->why);
	/* It names other programs' chains, named as they like. */
	(void)ut_copy(o->why, sizeof(o->why), o->why, sizeof(o->why));
	(void)snprintf(o->endpoint, sizeof(o->endpoint), "%s", r->comment);
	o->fam = r->family;
	o->stateful = w->reply ? 0 : res->stateful;
	o->uncertain = res->uncertain;
	o->hook = (int)w->kc->hook;
	o->prio = w->kc->prio;
	o->seq = seq;
}

/* Each endpoint and family through one base chain (a range: its first port). */
static int
conflicts_chain(const struct where *w, const struct fw_table *ft,
    struct nft_conflict *out, size_t max, int found)
{
	const struct nft_ruleset *rs = w->rs;
	struct fw_result res;
	struct fw_pkt p;
	size_t j;

	for (j = 0; j < rs->nrules; j++) {
		if (!accepted(w, &rs->rules[j]))
			continue;
		packet(w, &rs->rules[j], &p);
		fw_walk(ft, w->kc->name, (int)w->kc->policy, &p, &res);
		if (res.verdict != FW_DROP)
			continue;
		if ((size_t)found < max)
			record(w, &rs->rules[j], &res, &out[found], found);
		found++;
	}
	return found;
}

int
fwc_table(const struct nft_ruleset *rs, uint32_t family, const char *name,
    const struct kstate *k, struct nft_conflict *out, size_t max, int found)
{
	struct where w = { rs, NULL, 0, fwc_family_name(family), family,
	    name, NULL, 0 };
	struct fw_table ft = { NULL, k->nrules, k->sets, k->nsets };
	struct fw_rule *fr;
	size_t c;

	if ((fr = fw_rules(k)) == NULL)
		return -1;
	ft.rules = fr;
	/* Where portward's traffic passes a filter: input, or forward. */
	w.own = rs->chains[0].hook == NF_INET_LOCAL_IN ? "input" : "forward";
	w.hook_b = rs->chains[0].hook == NF_INET_LOCAL_IN ? NF_INET_LOCAL_IN :
	    NF_INET_FORWARD;
	for (c = 0; c < k->nchains; c++) {
		w.kc = &k->chains[c];
		if (!w.kc->base || strcmp(w.kc->type, "filter") != 0)
			continue;
		/* On a host, the answers leave by output, postrouting. */
		w.reply = w.hook_b == NF_INET_LOCAL_IN &&
		    (w.kc->hook == NF_INET_LOCAL_OUT ||
		    w.kc->hook == NF_INET_POST_ROUTING);
		if (w.kc->hook != NF_INET_PRE_ROUTING &&
		    w.kc->hook != w.hook_b && !w.reply)
			continue;
		found = conflicts_chain(&w, &ft, out, max, found);
	}
	free(fr);
	return found;
}

static int
same_chain(const struct nft_conflict *a, const struct nft_conflict *b)
{
	return strcmp(a->family, b->family) == 0 &&
	    strcmp(a->table, b->table) == 0 && strcmp(a->chain, b->chain) == 0;
}

int
nft_conflict_first(const struct nft_conflict *c, int i)
{
	int k;

	for (k = 0; k < i; k++)
		if (same_chain(&c[k], &c[i]))
			return 0;
	return 1;
}

int
nft_conflict_more(const struct nft_conflict *c, int n, int i)
{
	int k;

	for (k = i + 1; k < n && k < NFT_MAX_CONFLICTS; k++)
		if (same_chain(&c[k], &c[i]))
			return 1;
	return 0;
}
