/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_read.c: what the kernel holds in nf_tables, read through nl_dump
 * into the structures the plan (nft_plan.c) and the firewall stage
 * (fw_conflicts.c, fwpath.c) work on. Every dump is filtered to one
 * table; the kernel does not filter chain dumps by table: we do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "fwpath.h"
#include "log.h"
#include "nft_read.h"

uint16_t
nft_family_num(const char *name)
{
	if (strcmp(name, "ip") == 0)
		return NFPROTO_IPV4;
	if (strcmp(name, "ip6") == 0)
		return NFPROTO_IPV6;
	return NFPROTO_INET;
}

/* The rule's expressions as text, counters left out; free(). */
char *
nft_read_fp(const struct nftnl_rule *r, uint64_t *pkts, uint64_t *bytes)
{
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	char buf[512], *out = NULL;
	size_t len = 0;
	FILE *f;
	const char *name;

	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	if ((it = nftnl_expr_iter_create(r)) != NULL) {
		while ((e = nftnl_expr_iter_next(it)) != NULL) {
			name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
			if (strcmp(name, "counter") == 0) {
				if (pkts != NULL)
					*pkts = nftnl_expr_get_u64(e,
					    NFTNL_EXPR_CTR_PACKETS);
				if (bytes != NULL)
					*bytes = nftnl_expr_get_u64(e,
					    NFTNL_EXPR_CTR_BYTES);
				continue;
			}
			if (nftnl_expr_snprintf(buf, sizeof(buf), e,
			    NFTNL_OUTPUT_DEFAULT, 0) < 0)
				buf[0] = '\0';
			fprintf(f, "[%s %s]", name, buf);
		}
		nftnl_expr_iter_destroy(it);
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

void
kstate_free(struct kstate *k)
{
	size_t i;

	for (i = 0; i < k->nrules; i++)
		free(k->rules[i].fp);
	free(k->rules);
	for (i = 0; i < k->nsets; i++)
		free(k->sets[i].el);
	free(k->sets);
	memset(k, 0, sizeof(*k));
}

struct tables_arg {
	const char	*want;
	uint32_t	 family;
	int		 found;
	int		 dormant;
};

/* Flags dormant: its chains see no packet. */
static int
table_dormant(const struct nftnl_table *t)
{
	return nftnl_table_is_set(t, NFTNL_TABLE_FLAGS) &&
	    (nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS) & NFT_TABLE_F_DORMANT);
}

static int
table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tables_arg *a = data;
	struct nftnl_table *t = nftnl_table_alloc();

	if (t == NULL)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 &&
	    nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY) == a->family &&
	    strcmp(nftnl_table_get_str(t, NFTNL_TABLE_NAME), a->want) == 0) {
		a->found = 1;
		a->dormant = table_dormant(t);
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

static int
chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kstate *k = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct kchain *kc;

	if (c == NULL)
		return MNL_CB_ERROR;
	/* The kernel does not filter chain dumps by table: we do. */
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0 ||
	    strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), k->table) != 0 ||
	    k->nchains >= sizeof(k->chains) / sizeof(k->chains[0])) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	kc = &k->chains[k->nchains++];
	memset(kc, 0, sizeof(*kc));
	(void)snprintf(kc->name, sizeof(kc->name), "%s",
	    nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		kc->base = 1;
		kc->hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		kc->prio = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
		kc->policy = nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY);
		if (nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE))
			(void)snprintf(kc->type, sizeof(kc->type), "%s",
			    nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int
comment_cb(const struct nftnl_udata *attr, void *data)
{
	char *out = data;
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && len > 0) {
		const char *s = nftnl_udata_get(attr);

		if (len > NFT_NAME_MAX)
			len = NFT_NAME_MAX;
		memcpy(out, s, len);
		out[len - 1] = '\0';
	}
	return 0;
}

/* xtables matches iptables-nft writes: conntrack/state, tcp/udp. */
static void
kmatch_xt(struct fw_match *m, const struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME);
	uint32_t rev = nftnl_expr_get_u32(e, NFTNL_EXPR_MT_REV), len = 0;
	const void *info = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);

	if (name == NULL || info == NULL) {
		m->other = 1;
		return;
	}
	if (strcmp(name, "comment") == 0)
		return;
	if (strcmp(name, "state") == 0 && len >= sizeof(struct xt_state_info)) {
		m->ctmask |= ((const struct xt_state_info *)info)->statemask;
		return;
	}
	if (strcmp(name, "conntrack") == 0 && rev == 3 &&
	    len >= sizeof(struct xt_conntrack_mtinfo3)) {
		const struct xt_conntrack_mtinfo3 *c = info;

		if ((c->match_flags & ~XT_CONNTRACK_STATE) != 0 ||
		    (c->invert_flags & XT_CONNTRACK_STATE))
			m->other = 1;
		else
			m->ctmask |= c->state_mask;
		return;
	}
	if ((strcmp(name, "udp") == 0 && len >= sizeof(struct xt_udp) &&
	    ((const struct xt_udp *)info)->invflags == 0) ||
	    (strcmp(name, "tcp") == 0 && len >= sizeof(struct xt_tcp) &&
	    ((const struct xt_tcp *)info)->invflags == 0 &&
	    ((const struct xt_tcp *)info)->flg_mask == 0)) {
		const uint16_t *dpts = name[0] == 'u' ?
		    ((const struct xt_udp *)info)->dpts :
		    ((const struct xt_tcp *)info)->dpts;
		const uint16_t *spts = name[0] == 'u' ?
		    ((const struct xt_udp *)info)->spts :
		    ((const struct xt_tcp *)info)->spts;

		m->l4 = name[0] == 'u' ? IPPROTO_UDP : IPPROTO_TCP;
		if (dpts[0] != 0 || dpts[1] != 0xffff) {
			m->plo = dpts[0];
			m->phi = dpts[1];
		}
		if (spts[0] != 0 || spts[1] != 0xffff) {
			m->slo = spts[0];
			m->shi = spts[1];
		}
		return;
	}
	m->other = 1;
}

/* A set lookup: membership (or its inverse), or a verdict map. */
static void
kmatch_lookup(struct fw_match *m, enum fw_key what, const struct nftnl_expr *e)
{
	struct fw_lookup *l;
	const char *set = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	int vmap = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG);

	if (set == NULL || m->nlk >= FW_MAX_LOOKUPS || (vmap &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) != NFT_REG_VERDICT)) {
		m->other = 1;		/* a data map: not a condition we read */
		return;
	}
	l = &m->lk[m->nlk++];
	l->key = what;
	l->vmap = vmap;
	l->inv = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS) &&
	    (nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV);
	(void)snprintf(l->set, sizeof(l->set), "%s", set);
}

/* What a payload load puts in a register (ports, ip protocol, nexthdr). */
static enum fw_key
kmatch_payload(struct fw_match *m, const struct nftnl_expr *e)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);

	if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 2 && len == 2)
		return FK_DPORT;
	if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 0 && len == 2)
		return FK_SPORT;
	/* iptables-nft's --sport X --dport Y: both ports in one load. */
	if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 0 && len == 4)
		return FK_PORTS;
	/* ip protocol (iptables-nft's -p), ip6 nexthdr: the family too. */
	if (base == NFT_PAYLOAD_NETWORK_HEADER && len == 1 &&
	    (off == 9 || off == 6)) {
		m->nfproto = off == 9 ? NFPROTO_IPV4 : NFPROTO_IPV6;
		return FK_L4;
	}
	return FK_OTHER;
}

/*
 * What a rule asks of a packet, read expression by expression, tracking
 * what each register holds (fwpath.h fw_key) and the mask a bitwise put
 * on it.
 */
struct regs {
	enum fw_key	key[32];
	uint32_t	mask[32];
};

/*
 * Registers as the kernel numbers them (nft_parse_register): NFT_REG_1..4
 * are 16 bytes, the 32-bit slots 4n..4n+3; NFT_REG32_00.. are slot n+4.
 */
static uint32_t
reg_of(const struct nftnl_expr *e, uint16_t attr)
{
	uint32_t x = nftnl_expr_get_u32(e, attr);

	return (x <= NFT_REG_4 ? x * 4 : x - 4) % 32;
}

/* Something wrote registers we do not follow. */
static void
regs_unknown(struct regs *g)
{
	int k;

	for (k = 0; k < 32; k++)
		g->key[k] = FK_OTHER;
}

static void
regs_load(struct regs *g, uint32_t dreg, enum fw_key key)
{
	g->key[dreg] = key;
	g->mask[dreg] = 0;
}

static void
x_meta(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	uint32_t key;

	(void)m;
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
		return;		/* meta set: a statement */
	key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
	regs_load(g, reg_of(e, NFTNL_EXPR_META_DREG),
	    key == NFT_META_NFPROTO ? FK_NFPROTO :
	    key == NFT_META_L4PROTO ? FK_L4 :
	    key == NFT_META_IIFNAME ? FK_IIFNAME :
	    key == NFT_META_IIF ? FK_IIF : FK_OTHER);
}

static void
x_payload(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	uint32_t dreg, k;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG))
		return;		/* payload set: a statement */
	dreg = reg_of(e, NFTNL_EXPR_PAYLOAD_DREG);
	/* A wide load (an address) covers the next slots too. */
	for (k = 1; k * 4 < nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN) &&
	    dreg + k < 32; k++)
		g->key[dreg + k] = FK_OTHER;
	regs_load(g, dreg, kmatch_payload(m, e));
}

static void
x_ct(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	uint32_t key;

	(void)m;
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG))
		return;
	key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
	regs_load(g, reg_of(e, NFTNL_EXPR_CT_DREG),
	    key == NFT_CT_STATE ? FK_CTSTATE :
	    key == NFT_CT_STATUS ? FK_CTSTATUS : FK_OTHER);
}

static void
x_bitwise(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	uint32_t sreg = reg_of(e, NFTNL_EXPR_BITWISE_SREG), ml = 0, mv = 0;
	uint32_t dreg = reg_of(e, NFTNL_EXPR_BITWISE_DREG);
	const void *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &ml);

	(void)m;
	if (mask != NULL)
		memcpy(&mv, mask, ml < 4 ? ml : 4);
	g->key[dreg] = g->key[sreg];
	g->mask[dreg] = mv;
	if (g->key[sreg] != FK_CTSTATE && g->key[sreg] != FK_CTSTATUS)
		g->key[dreg] = FK_OTHER;	/* a masked port, ... */
}

static void
x_cmp(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	uint32_t sreg = reg_of(e, NFTNL_EXPR_CMP_SREG), dl = 0;
	const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &dl);

	if (d == NULL)
		m->other = 1;
	else
		fw_match_cmp(m, g->key[sreg], g->mask[sreg],
		    nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), d, dl);
}

static void
x_lookup(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	kmatch_lookup(m, g->key[reg_of(e, NFTNL_EXPR_LOOKUP_SREG)], e);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG) &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) != NFT_REG_VERDICT)
		regs_unknown(g);	/* a data map wrote a register */
}

static void
x_range(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	enum fw_key key = g->key[reg_of(e, NFTNL_EXPR_RANGE_SREG)];
	uint32_t fl = 0, tl = 0;
	const uint8_t *from, *to;

	from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &fl);
	to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &tl);

	if ((key == FK_DPORT || key == FK_SPORT) && from && to && fl >= 2 &&
	    tl >= 2 && nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP) ==
	    NFT_RANGE_EQ) {
		*(key == FK_DPORT ? &m->plo : &m->slo) = from[0] << 8 | from[1];
		*(key == FK_DPORT ? &m->phi : &m->shi) = to[0] << 8 | to[1];
	} else
		m->other = 1;
}

static void
x_immediate(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)) {
		regs_unknown(g);	/* data into a register */
		return;
	}
	m->verdict = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN))
		(void)snprintf(m->target, sizeof(m->target), "%s",
		    nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
}

static void
x_reject(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	(void)g;
	(void)e;
	m->verdict = NF_DROP;
}

/* To a program that may accept it: maybe. */
static void
x_queue(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	(void)g;
	(void)e;
	m->verdict = NF_ACCEPT;
	m->other = 1;
}

static void
x_target(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	const char *t = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

	if (t != NULL && (strcmp(t, "REJECT") == 0 || strcmp(t, "DROP") == 0))
		x_reject(m, g, e);
	else if (t != NULL && strcmp(t, "NFQUEUE") == 0)
		x_queue(m, g, e);
}

static void
x_match(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	(void)g;
	kmatch_xt(m, e);
}

/* counter, log, notrack: no condition, no register. */
static void
x_none(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	(void)m;
	(void)g;
	(void)e;
}

/* limit, fib, rt, socket, ...: not read, and what it wrote is unknown. */
static void
x_other(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	(void)e;
	m->other = 1;
	regs_unknown(g);
}

/* counter name "x": no condition. */
static void
x_objref(struct fw_match *m, struct regs *g, const struct nftnl_expr *e)
{
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_IMM_TYPE) ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE) !=
	    NFT_OBJECT_COUNTER)
		x_other(m, g, e);
}

static const struct {
	const char	*name;
	void		(*read)(struct fw_match *, struct regs *,
			    const struct nftnl_expr *);
} xreaders[] = {
	{ "meta", x_meta }, { "payload", x_payload }, { "ct", x_ct },
	{ "bitwise", x_bitwise }, { "cmp", x_cmp }, { "lookup", x_lookup },
	{ "range", x_range }, { "immediate", x_immediate },
	{ "reject", x_reject }, { "queue", x_queue }, { "target", x_target },
	{ "match", x_match }, { "counter", x_none }, { "log", x_none },
	{ "notrack", x_none }, { "objref", x_objref },
};

static void
kmatch_parse(const struct nftnl_rule *r, struct fw_match *m)
{
	struct regs g;
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	const char *name;
	size_t i;

	fw_match_init(m);
	memset(&g, 0, sizeof(g));
	if ((it = nftnl_expr_iter_create(r)) == NULL) {
		m->other = 1;
		return;
	}
	while ((e = nftnl_expr_iter_next(it)) != NULL) {
		name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		for (i = 0; i < sizeof(xreaders) / sizeof(xreaders[0]); i++)
			if (strcmp(name, xreaders[i].name) == 0)
				break;
		if (i < sizeof(xreaders) / sizeof(xreaders[0]))
			xreaders[i].read(m, &g, e);
		else
			x_other(m, &g, e);
	}
	nftnl_expr_iter_destroy(it);
}

static int
rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kstate *k = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct krule *kr;
	const void *ud;
	uint32_t udlen;
	size_t i;
	int pos = 0;

	if (r == NULL)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0 ||
	    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), k->table) != 0) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	if (k->nrules == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 64;
		struct krule *n = realloc(k->rules, ncap * sizeof(*n));

		if (n == NULL) {
			nftnl_rule_free(r);
			return MNL_CB_ERROR;
		}
		k->rules = n;
		k->cap = ncap;
	}
	kr = &k->rules[k->nrules];
	memset(kr, 0, sizeof(*kr));
	(void)snprintf(kr->chain, sizeof(kr->chain), "%s",
	    nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
	kr->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	if (nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
		ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &udlen);
		nftnl_udata_parse(ud, udlen, comment_cb, kr->comment);
	}
	for (i = 0; i < k->nrules; i++)
		if (strcmp(k->rules[i].chain, kr->chain) == 0)
			pos++;
	kr->pos = pos;
	kr->fp = nft_read_fp(r, &kr->packets, &kr->bytes);
	kmatch_parse(r, &kr->m);
	nftnl_rule_free(r);
	if (kr->fp == NULL)
		return MNL_CB_ERROR;
	k->nrules++;
	return MNL_CB_OK;
}

/* A table's sets and their elements, for lookups (fwpath.c). */
static int
set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kstate *k = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct fw_set *fs, *n;

	if (s == NULL)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, s) < 0 ||
	    strcmp(nftnl_set_get_str(s, NFTNL_SET_TABLE), k->table) != 0 ||
	    k->nsets >= 256) {
		nftnl_set_free(s);
		return MNL_CB_OK;
	}
	if ((n = realloc(k->sets, (k->nsets + 1) * sizeof(*n))) == NULL) {
		nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	k->sets = n;
	fs = &k->sets[k->nsets++];
	memset(fs, 0, sizeof(*fs));
	(void)snprintf(fs->name, sizeof(fs->name), "%s",
	    nftnl_set_get_str(s, NFTNL_SET_NAME));
	fs->klen = nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN);
	fs->interval = (nftnl_set_get_u32(s, NFTNL_SET_FLAGS) &
	    NFT_SET_INTERVAL) != 0;
	/* A concatenation, or anything wider than a name: not read. */
	fs->unread = fs->klen == 0 || fs->klen > FW_KEY_MAX ||
	    (nftnl_set_get_u32(s, NFTNL_SET_FLAGS) & NFT_SET_CONCAT);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int
elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fw_set *fs = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;
	struct fw_elem *fe, *n;
	const void *kd;
	uint32_t kl;

	if (s == NULL)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0 ||
	    (it = nftnl_set_elems_iter_create(s)) == NULL) {
		nftnl_set_free(s);
		return MNL_CB_OK;
	}
	while ((e = nftnl_set_elems_iter_next(it)) != NULL) {
		if (fs->n >= 4096 || (n = realloc(fs->el, (fs->n + 1) *
		    sizeof(*n))) == NULL) {
			fs->unread = 1;
			break;
		}
		fs->el = n;
		fe = &fs->el[fs->n++];
		memset(fe, 0, sizeof(*fe));
		fe->verdict = FW_V_CONTINUE;
		if ((kd = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &kl)) != NULL)
			memcpy(fe->key, kd, kl < FW_KEY_MAX ? kl : FW_KEY_MAX);
		if ((kd = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY_END,
		    &kl)) != NULL) {
			memcpy(fe->kend, kd, kl < FW_KEY_MAX ? kl : FW_KEY_MAX);
			fe->has_end = 1;
		}
		fe->iend = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
		    (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) &
		    NFT_SET_ELEM_INTERVAL_END);
		fe->catchall = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
		    (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) &
		    NFT_SET_ELEM_CATCHALL);
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT))
			fe->verdict = (int)nftnl_set_elem_get_u32(e,
			    NFTNL_SET_ELEM_VERDICT);
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN))
			(void)snprintf(fe->chain, sizeof(fe->chain), "%s",
			    nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN));
	}
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

/* A dump request of type for family's tables, in buf (zeroed once). */
static struct nlmsghdr *
dump_hdr(struct nl *nl, char *buf, uint16_t type, const char *family)
{
	return nftnl_nlmsg_build_hdr(buf, type, nft_family_num(family),
	    NLM_F_DUMP, ++nl->seq);
}

int
nft_read_sets(struct nl *nl, const char *family, struct kstate *k)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nftnl_set *s;
	size_t i;

	memset(buf, 0, sizeof(buf));
	if ((s = nftnl_set_alloc()) == NULL)
		return -1;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, k->table);
	nlh = dump_hdr(nl, buf, NFT_MSG_GETSET, family);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	if (nl_dump(nl, nlh, set_cb, k) == -1)
		return -1;
	for (i = 0; i < k->nsets; i++) {
		if (k->sets[i].unread)
			continue;
		if ((s = nftnl_set_alloc()) == NULL) {
			k->sets[i].unread = 1;	/* a lookup there: maybe */
			continue;
		}
		nftnl_set_set_str(s, NFTNL_SET_TABLE, k->table);
		nftnl_set_set_str(s, NFTNL_SET_NAME, k->sets[i].name);
		nlh = dump_hdr(nl, buf, NFT_MSG_GETSETELEM, family);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		nftnl_set_free(s);
		if (nl_dump(nl, nlh, elem_cb, &k->sets[i]) == -1)
			k->sets[i].unread = 1;	/* a lookup there: maybe */
	}
	return 0;
}

static int
read_chains(struct nl *nl, char *buf, const char *family, struct kstate *k)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, k->table);
	nlh = dump_hdr(nl, buf, NFT_MSG_GETCHAIN, family);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	if (nl_dump(nl, nlh, chain_cb, k) == -1) {
		log_warn("nftables: reading chains of %s %s", family, k->table);
		return -1;
	}
	return 0;
}

static int
read_rules(struct nl *nl, char *buf, const char *family, struct kstate *k)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, k->table);
	nlh = dump_hdr(nl, buf, NFT_MSG_GETRULE, family);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	if (nl_dump(nl, nlh, rule_cb, k) == -1) {
		log_warn("nftables: reading rules of %s %s", family, k->table);
		return -1;
	}
	return 0;
}

/* Read one table: does it exist, its chains and its rules. */
int
nft_read_table(struct nl *nl, const char *family, const char *table,
    struct kstate *k)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct tables_arg ta = { table, nft_family_num(family), 0, 0 };

	memset(k, 0, sizeof(*k));
	memset(buf, 0, sizeof(buf));	/* no stack bytes to the kernel */
	k->table = table;
	if (nl_dump(nl, dump_hdr(nl, buf, NFT_MSG_GETTABLE, family), table_cb,
	    &ta) == -1) {
		log_warn("nftables: reading tables");
		return -1;
	}
	if (!ta.found)
		return 0;
	k->has_table = 1;
	k->dormant = ta.dormant;
	if (read_chains(nl, buf, family, k) == -1 ||
	    read_rules(nl, buf, family, k) == -1)
		return -1;
	return 0;
}

static int
alltables_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_tables *a = data;
	struct nftnl_table *t = nftnl_table_alloc();

	if (t == NULL)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 &&
	    a->n < sizeof(a->t) / sizeof(a->t[0])) {
		a->t[a->n].family = nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);
		a->t[a->n].dormant = table_dormant(t);
		(void)snprintf(a->t[a->n].name, sizeof(a->t[a->n].name), "%s",
		    nftnl_table_get_str(t, NFTNL_TABLE_NAME));
		a->n++;
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

int
nft_read_tables(struct nl *nl, struct nft_tables *all)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(all, 0, sizeof(*all));
	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_UNSPEC,
	    NLM_F_DUMP, ++nl->seq);
	return nl_dump(nl, nlh, alltables_cb, all);
}
