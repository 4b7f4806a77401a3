/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft.c: converge the kernel's nf_tables state to the desired ruleset over
 * netlink. Read what is there (nft_read.c), compute the difference
 * (nft_plan.c), send it as one batch (all or nothing), read back. Here:
 * the rules as bytecode, the batch, and the public API of nft.h.
 *
 * The socket stays open for the daemon's life: closing a netlink socket
 * after a transaction that deleted objects waits for an RCU grace period.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "fw_conflicts.h"
#include "log.h"
#include "nft.h"
#include "nft_plan.h"
#include "nft_read.h"
#include "nl.h"


int nft_inject_invalid;

/* One page holds any batch of ours (a few hundred rules at most). */
#define BATCH_PAGE	(256 * 1024)

/*
 * Our own commits are told apart from everyone else's by the socket that
 * made them (its netlink port ID, unique in this network namespace while
 * the socket is open) and by the generation each produced, which the
 * kernel echoes back (NLM_F_ECHO on the batch's begin message). Never by
 * process ID: the kernel reports the PID of the initial PID namespace,
 * which is not getpid() inside a container.
 */
#define OWN_GENS	32

struct nft_ctx {
	struct nl		 nl;
	uint32_t		 gens[OWN_GENS];	/* ring of our generations */
	unsigned int		 ngens;		/* how many were recorded */
};

/* ---------------------------------------------------------------- */
/* The socket */

struct nft_ctx *
nft_open(void)
{
	struct nft_ctx *ctx;
	int rc;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	if ((rc = nl_open(&ctx->nl, NETLINK_NETFILTER)) != 0) {
		if (rc == NL_ESOCKET)
			log_warn("netlink socket");
		else
			log_warn("netlink bind");
		free(ctx);
		return NULL;
	}
	return ctx;
}

void
nft_close(struct nft_ctx *ctx)
{
	if (ctx == NULL)
		return;
	nl_close(&ctx->nl);
	free(ctx);
}

/* ---------------------------------------------------------------- */
/* Building rules */

static void
put_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void
put_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_rule_add_expr(r, e);
}

static void
put_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

static void
put_verdict(struct nftnl_rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (chain != NULL)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	nftnl_rule_add_expr(r, e);
}

static void
put_ports(struct nftnl_rule *r, const struct nft_rule_spec *s)
{
	uint8_t b;
	uint16_t port;

	if (s->proto == 0)
		return;
	b = s->proto;
	put_meta(r, NFT_META_L4PROTO);
	put_cmp(r, NFT_CMP_EQ, &b, 1);
	put_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	port = htons(s->port);
	if (s->port == s->port_end)
		put_cmp(r, NFT_CMP_EQ, &port, 2);
	else {
		put_cmp(r, NFT_CMP_GTE, &port, 2);
		port = htons(s->port_end);
		put_cmp(r, NFT_CMP_LTE, &port, 2);
	}
}

/* The conditions: way in, family, address, protocol and ports, marker. */
static void
put_match(struct nftnl_rule *r, const struct nft_rule_spec *s)
{
	uint8_t b;

	if (s->iifname[0] != '\0') {
		char name[IFNAMSIZ] = { 0 };

		memcpy(name, s->iifname, strlen(s->iifname));
		put_meta(r, NFT_META_IIFNAME);
		put_cmp(r, NFT_CMP_EQ, name, sizeof(name));
	}
	if (s->not_lo) {
		char lo[IFNAMSIZ] = "lo";

		put_meta(r, NFT_META_IIFNAME);
		put_cmp(r, NFT_CMP_NEQ, lo, sizeof(lo));
	}
	if (s->family != 0) {
		b = s->family == FAM_IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
		put_meta(r, NFT_META_NFPROTO);
		put_cmp(r, NFT_CMP_EQ, &b, 1);
	}
	if (s->has_daddr && s->family == FAM_IPV4) {
		put_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
		put_cmp(r, NFT_CMP_EQ, &s->daddr4, 4);
	} else if (s->has_daddr && s->family == FAM_IPV6) {
		put_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 24, 16);
		put_cmp(r, NFT_CMP_EQ, &s->daddr6, 16);
	}
	put_ports(r, s);
	if (s->marker[0] != '\0') {
		/* The UDP payload, after the 8-byte header. */
		put_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 16);
		put_cmp(r, NFT_CMP_EQ, s->marker, 16);
	}
}

static void
put_dnat(struct nftnl_rule *r, const struct in_addr *to)
{
	struct nftnl_expr *e;

	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, to, 4);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_MAP_IPS);
	nftnl_rule_add_expr(r, e);
}

/* The counter (not on a jump), the verdict, the comment. */
static void
put_action(struct nftnl_rule *r, const struct nft_rule_spec *s)
{
	struct nftnl_udata_buf *ud;

	if (s->verdict != NFTV_JUMP)
		nftnl_rule_add_expr(r, nftnl_expr_alloc("counter"));
	switch (s->verdict) {
	case NFTV_ACCEPT:
		put_verdict(r, NF_ACCEPT, NULL);
		break;
	case NFTV_JUMP:
		put_verdict(r, NFT_JUMP, s->jump);
		break;
	case NFTV_COUNT:
		break;		/* counted, and on to the next rule */
	case NFTV_DNAT:
		put_dnat(r, &s->dnat4);
		break;
	}
	if ((ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN)) != NULL) {
		nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, s->comment);
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA,
		    nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
}

/*
 * The bytecode nft itself generates for the rendered rule, so that
 * `nft list` prints back what nft_render() printed.
 */
static struct nftnl_rule *
build_rule(const char *family, const char *table,
    const struct nft_rule_spec *s)
{
	struct nftnl_rule *r;

	if ((r = nftnl_rule_alloc()) == NULL)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, nft_family_num(family));
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, s->chain);
	put_match(r, s);
	put_action(r, s);
	return r;
}

/* ---------------------------------------------------------------- */
/* The batch */

struct batch {
	struct nft_ctx		*ctx;
	struct nftnl_batch	*b;
	int			 nmsgs;
	int			 log;
	int			 failed;
};

static struct nlmsghdr *
batch_hdr(struct batch *bt, uint16_t type, uint16_t family, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bt->b), type, family,
	    flags | NLM_F_ACK, ++bt->ctx->nl.seq);
}

static void
batch_next(struct batch *bt)
{
	bt->nmsgs++;
	if (nftnl_batch_update(bt->b) < 0)
		bt->failed = 1;
}

static void
b_table(struct batch *bt, int del, const char *family, const char *table)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	/* Flags 0: a table someone set dormant is woken (not recreated). */
	if (!del)
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, 0);
	nlh = batch_hdr(bt, del ? NFT_MSG_DELTABLE : NFT_MSG_NEWTABLE,
	    nft_family_num(family), del ? 0 : NLM_F_CREATE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	batch_next(bt);
	if (bt->log)
		log_info("nftables: %s table %s %s", del ? "deleting" :
		    "creating", family, table);
}

static void
b_chain(struct batch *bt, int del, const char *family, const char *table,
    const char *name, const struct nft_chain_spec *spec)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (!del && spec != NULL && spec->base) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, spec->hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, spec->prio);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, spec->type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = batch_hdr(bt, del ? NFT_MSG_DELCHAIN : NFT_MSG_NEWCHAIN,
	    nft_family_num(family), del ? 0 : NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	batch_next(bt);
	if (bt->log)
		log_info("nftables: %s chain %s %s %s", del ? "deleting" :
		    "creating", family, table, name);
}

/* Append; with before != 0, insert before that handle; s->first: on top. */
static void
b_rule_add(struct batch *bt, const char *family, const char *table,
    const struct nft_rule_spec *s, uint64_t before)
{
	struct nftnl_rule *r = build_rule(family, table, s);
	struct nlmsghdr *nlh;

	if (r == NULL) {
		bt->failed = 1;
		return;
	}
	/* Without NLM_F_APPEND the kernel inserts before the position, or on top. */
	if (before != 0)
		nftnl_rule_set_u64(r, NFTNL_RULE_POSITION, before);
	nlh = batch_hdr(bt, NFT_MSG_NEWRULE, nft_family_num(family),
	    NLM_F_CREATE | (s->first || before ? 0 : NLM_F_APPEND));
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	batch_next(bt);
	if (bt->log)
		log_info("nftables: adding rule \"%s\" to %s %s %s", s->comment,
		    family, table, s->chain);
}

static void
b_rule_del(struct batch *bt, const char *family, const char *table,
    const struct krule *kr)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, kr->chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, kr->handle);
	nlh = batch_hdr(bt, NFT_MSG_DELRULE, nft_family_num(family), 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	batch_next(bt);
	if (bt->log)
		log_info("nftables: deleting rule \"%s\" (handle %llu) from %s "
		    "%s %s", kr->comment[0] ? kr->comment : "without comment",
		    (unsigned long long)kr->handle, family, table, kr->chain);
}

static int
gen_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **id = data;

	if (mnl_attr_get_type(attr) == NFTA_GEN_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		*id = attr;
	return MNL_CB_OK;
}

/* The kernel's echo of our commit: remember the generation it made. */
static int
own_gen(const struct nlmsghdr *nlh, void *data)
{
	struct nft_ctx *ctx = data;
	const struct nlattr *id = NULL;

	if (nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN) ||
	    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), gen_attr_cb,
	    &id) < 0 || id == NULL)
		return MNL_CB_OK;
	ctx->gens[ctx->ngens++ % OWN_GENS] = ntohl(mnl_attr_get_u32(id));
	return MNL_CB_OK;
}

int
nft_own_commit(const struct nft_ctx *ctx, uint32_t portid, uint32_t genid)
{
	unsigned int i, n;

	if (ctx == NULL || portid != ctx->nl.portid)
		return 0;
	/* A kernel that does not echo the generation: the port ID alone. */
	if (ctx->ngens == 0)
		return 1;
	n = ctx->ngens < OWN_GENS ? ctx->ngens : OWN_GENS;
	for (i = 0; i < n; i++)
		if (ctx->gens[i] == genid)
			return 1;
	return 0;
}

/*
 * Send the batch; the kernel's answers are collected by nl_batch (one
 * per message), the echo of our commit read on the way.
 */
static int
batch_send(struct batch *bt)
{
	struct nl_acks a = { bt->nmsgs, 0, 0, 0 };
	struct iovec *iov;
	int niov, rc;

	niov = nftnl_batch_iovec_len(bt->b);
	if ((iov = calloc((size_t)niov, sizeof(*iov))) == NULL)
		return -1;
	nftnl_batch_iovec(bt->b, iov, (uint32_t)niov);
	rc = nl_batch(&bt->ctx->nl, iov, (size_t)niov, &a, own_gen, bt->ctx);
	free(iov);
	if (rc == 0)
		return 0;
	if (a.stage == NL_ESEND)
		log_warn("nftables: sending batch");
	else if (a.stage == NL_ERECV)
		log_warn("nftables: reading answers");
	else if (a.err != 0) {
		errno = a.err;
		log_warn("nftables: the kernel refused the batch, nothing "
		    "changed");
	} else
		log_warnx("nftables: %d of %d answers missing", a.want - a.got,
		    a.want);
	return -1;
}

/* ---------------------------------------------------------------- */
/* The plan, as a batch */

static void
batch_op(struct batch *bt, const struct nft_op *o)
{
	switch (o->kind) {
	case NOP_ADD_TABLE:
		/* Dormant: every chain in it is off. Wake it. */
		if (o->wake && bt->log)
			log_warnx("nftables: table %s %s was set dormant "
			    "(flags dormant): waking it", o->family, o->table);
		b_table(bt, 0, o->family, o->table);
		break;
	case NOP_DEL_TABLE:
		b_table(bt, 1, o->family, o->table);
		break;
	case NOP_ADD_CHAIN:
	case NOP_DEL_CHAIN:
		b_chain(bt, o->kind == NOP_DEL_CHAIN, o->family, o->table,
		    o->chain, o->cspec);
		break;
	case NOP_ADD_RULE:
		b_rule_add(bt, o->family, o->table, o->rule, o->before);
		break;
	case NOP_DEL_RULE:
		b_rule_del(bt, o->family, o->table, o->krule);
		break;
	}
}

static void
batch_plan(struct batch *bt, const struct nft_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		batch_op(bt, &p->op[i]);
}

static void
fps_free(char **fp, size_t n)
{
	size_t i;

	for (i = 0; fp != NULL && i < n; i++)
		free(fp[i]);
	free(fp);
}

/* Each desired rule's expressions as text, as the kernel's are read. */
static char **
desired_fps(const struct nft_ruleset *rs)
{
	char **fp = calloc(rs->nrules + 1, sizeof(*fp));
	struct nftnl_rule *r;
	const struct nft_rule_spec *s;
	size_t i;

	for (i = 0; fp != NULL && i < rs->nrules; i++) {
		s = &rs->rules[i];
		r = build_rule(s->scope == NFT_OWN ? "inet" : rs->at_family,
		    s->scope == NFT_OWN ? rs->table : rs->at_table, s);
		if (r != NULL) {
			fp[i] = nft_read_fp(r, NULL, NULL);
			nftnl_rule_free(r);
		}
		if (fp[i] == NULL) {
			fps_free(fp, i);
			return NULL;
		}
	}
	return fp;
}

static int
same_attach(const struct nft_ruleset *a, const struct nft_ruleset *b)
{
	return a->attach && b->attach && strcmp(a->at_family, b->at_family) == 0
	    && strcmp(a->at_table, b->at_table) == 0 &&
	    strcmp(a->at_chain, b->at_chain) == 0 &&
	    strcmp(a->table, b->table) == 0;
}

static void
batch_open(struct batch *bt, struct nft_ctx *ctx, int log_changes)
{
	memset(bt, 0, sizeof(*bt));
	bt->ctx = ctx;
	bt->log = log_changes;
	bt->b = nftnl_batch_alloc(BATCH_PAGE, MNL_SOCKET_BUFFER_SIZE);
	/* libnftnl leaves attribute padding as malloc gave it: zero it. */
	memset(nftnl_batch_buffer(bt->b), 0, BATCH_PAGE + MNL_SOCKET_BUFFER_SIZE);
	/* ECHO on the begin message: the kernel tells us our generation. */
	nftnl_batch_begin(nftnl_batch_buffer(bt->b), ++ctx->nl.seq)->nlmsg_flags |=
	    NLM_F_ECHO;
	nftnl_batch_update(bt->b);
}

/* Close, send when it holds anything; the number of changes or -1. */
static int
batch_commit(struct batch *bt)
{
	int n = bt->nmsgs, rc = 0;

	if (n > 0 && nft_inject_invalid) {
		struct nft_rule_spec bad;

		memset(&bad, 0, sizeof(bad));
		(void)snprintf(bad.chain, sizeof(bad.chain), "%s",
		    "portward-no-such-chain");
		(void)snprintf(bad.comment, sizeof(bad.comment), "injected");
		b_rule_add(bt, "inet", "portward-no-such-table", &bad, 0);
	}
	nftnl_batch_end(nftnl_batch_buffer(bt->b), ++bt->ctx->nl.seq);
	nftnl_batch_update(bt->b);
	if (bt->failed) {
		log_warnx("nftables: could not build the batch");
		rc = -1;
	} else if (n > 0 && batch_send(bt) == -1)
		rc = -1;
	nftnl_batch_free(bt->b);
	return rc == -1 ? -1 : n;
}

/* Can the jump go where nft.attach says? 0, or why not (attach_warn). */
static int
attach_target(const struct kstate *k, const struct nft_ruleset *rs)
{
	if (!k->has_table)
		return 1;
	if (kchain_find(k, rs->at_chain) == NULL)
		return 2;
	return 0;
}

static void
attach_warn(int why, const struct nft_ruleset *rs)
{
	if (why == 1)
		log_warnx("nft.attach: there is no table %s %s; the ports are "
		    "open in portward's own table only", rs->at_family,
		    rs->at_table);
	else if (why == 2)
		log_warnx("nft.attach: table %s %s has no chain %s; the ports "
		    "are open in portward's own table only", rs->at_family,
		    rs->at_table, rs->at_chain);
}

/* What converge reads: our table, the attached one, what prev left. */
struct reads {
	struct kstate	own, att, old, oldatt;
	int		have_att, have_old, have_oldatt;
};

static void
reads_free(struct reads *r)
{
	kstate_free(&r->own);
	kstate_free(&r->att);
	kstate_free(&r->old);
	kstate_free(&r->oldatt);
}

static int
reads_get(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    const struct nft_ruleset *prev, struct reads *r)
{
	memset(r, 0, sizeof(*r));
	if (nft_read_table(&ctx->nl, "inet", rs->table, &r->own) == -1)
		return -1;
	r->have_att = rs->attach;
	if (rs->attach && nft_read_table(&ctx->nl, rs->at_family,
	    rs->at_table, &r->att) == -1)
		return -1;
	r->have_old = prev != NULL && strcmp(prev->table, rs->table) != 0;
	if (r->have_old && nft_read_table(&ctx->nl, "inet", prev->table,
	    &r->old) == -1)
		return -1;
	r->have_oldatt = prev != NULL && prev->attach && !same_attach(prev, rs);
	if (r->have_oldatt && nft_read_table(&ctx->nl, prev->at_family,
	    prev->at_table, &r->oldatt) == -1)
		return -1;
	return 0;
}

/* Plan (and with commit, send) the difference; returns changes or -1. */
static int
converge(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    const struct nft_ruleset *prev, int log_changes, int commit)
{
	struct nft_plan_in in = { rs, NULL, NULL, NULL, prev, NULL, NULL };
	struct reads r;
	struct nft_plan p;
	struct batch bt;
	char **fp = NULL;
	int rc = -1, why = 0;

	if (reads_get(ctx, rs, prev, &r) == -1 ||
	    (fp = desired_fps(rs)) == NULL)
		goto out;
	if (r.have_att)
		why = attach_target(&r.att, rs);
	in.fp = fp;
	in.own = &r.own;
	in.att = r.have_att && why == 0 ? &r.att : NULL;
	in.old = r.have_old ? &r.old : NULL;
	in.oldatt = r.have_oldatt ? &r.oldatt : NULL;
	if (nft_plan(&in, &p) == -1)
		goto out;
	if (commit) {
		batch_open(&bt, ctx, log_changes);
		batch_plan(&bt, &p);
	}
	attach_warn(why, rs);
	rc = commit ? batch_commit(&bt) : (int)p.n;
	nft_plan_free(&p);
out:
	fps_free(fp, rs->nrules);
	reads_free(&r);
	return rc;
}

int
nft_converge(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    const struct nft_ruleset *prev, int log_changes)
{
	int n, left;

	if ((n = converge(ctx, rs, prev, log_changes, 1)) <= 0)
		return n;
	/* Read back: the kernel must now hold exactly what was wanted. */
	if ((left = converge(ctx, rs, NULL, 0, 0)) != 0) {
		log_warnx("nftables: after the commit %d difference%s remain%s",
		    left, left == 1 ? "" : "s", left == 1 ? "s" : "");
		return -1;
	}
	return n;
}

int
nft_pending(struct nft_ctx *ctx, const struct nft_ruleset *rs)
{
	return converge(ctx, rs, NULL, 0, 0);
}

int
nft_remove(struct nft_ctx *ctx, const struct nft_ruleset *rs)
{
	struct kstate own, att;
	struct nft_plan p;
	struct batch bt;
	int rc = -1;

	memset(&att, 0, sizeof(att));
	if (nft_read_table(&ctx->nl, "inet", rs->table, &own) == -1)
		goto out;
	if (rs->attach && nft_read_table(&ctx->nl, rs->at_family,
	    rs->at_table, &att) == -1)
		goto out;
	if (nft_plan_remove(rs, &own, rs->attach ? &att : NULL, &p) == -1)
		goto out;
	batch_open(&bt, ctx, 1);
	batch_plan(&bt, &p);
	rc = batch_commit(&bt);
	nft_plan_free(&p);
out:
	kstate_free(&own);
	kstate_free(&att);
	return rc;
}

int
nft_counters(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    struct nft_counter *out, size_t max)
{
	struct kstate k;
	size_t j, n = 0;

	if (nft_read_table(&ctx->nl, "inet", rs->table, &k) == -1) {
		kstate_free(&k);
		return -1;
	}
	for (j = 0; j < k.nrules && n < max; j++) {
		if (k.rules[j].comment[0] == '\0')
			continue;
		snprintf(out[n].chain, sizeof(out[n].chain), "%s",
		    k.rules[j].chain);
		snprintf(out[n].comment, sizeof(out[n].comment), "%s",
		    k.rules[j].comment);
		out[n].packets = k.rules[j].packets;
		out[n].bytes = k.rules[j].bytes;
		n++;
	}
	kstate_free(&k);
	return (int)n;
}

long long
nft_rule_packets(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    const char *chain, const char *name, unsigned fam)
{
	static struct nft_counter ctr[NFT_MAX_RULES];
	char want[NFT_NAME_MAX];
	int n, i;

	snprintf(want, sizeof(want), "%s %s", name, fam == FAM_IPV4 ? "ipv4" :
	    "ipv6");
	if (ctx == NULL || (n = nft_counters(ctx, rs, ctr, NFT_MAX_RULES)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(ctr[i].chain, chain) == 0 &&
		    strcmp(ctr[i].comment, want) == 0)
			return (long long)ctr[i].packets;
	return -1;
}


/* ---------------------------------------------------------------- */
/* Other tables, for the firewall stage (fw_conflicts.c) */

/* One table of another program, read with its sets, into the stage. */
static int
conflicts_table(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    uint32_t family, const char *name, struct nft_conflict *out, size_t max,
    int found)
{
	const char *fam = fwc_family_name(family);
	struct kstate k;
	int n = -1, err;

	if (nft_read_table(&ctx->nl, fam, name, &k) == 0 &&
	    nft_read_sets(&ctx->nl, fam, &k) == 0)
		n = fwc_table(rs, family, name, &k, out, max, found);
	err = errno;
	kstate_free(&k);
	if (n >= 0)
		return n;
	/*
	 * A table deleted since the list was read (ENOENT) is gone:
	 * skipped. Anything else: the ruleset is not known.
	 */
	if (err == ENOENT)
		return found;
	if (err != EINTR) {
		errno = err;
		log_warn("nftables: reading %s %s", fam, name);
	}
	errno = err;
	return -1;
}

static int
conflicts_once(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    struct nft_conflict *out, size_t max)
{
	struct nft_tables all;
	size_t i;
	int found = 0, err;

	if (nft_read_tables(&ctx->nl, &all) == -1) {
		err = errno;
		if (err != EINTR)
			log_warn("nftables: reading tables");
		errno = err;
		return -1;
	}
	for (i = 0; i < all.n; i++) {
		if (!fwc_wants(rs, all.t[i].family, all.t[i].name,
		    all.t[i].dormant))
			continue;
		if ((found = conflicts_table(ctx, rs, all.t[i].family,
		    all.t[i].name, out, max, found)) == -1)
			return -1;
	}
	fwc_sort(out, max, found);
	return found;
}

/* Another program's change during the reading: read again. */
int
nft_conflicts(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    struct nft_conflict *out, size_t max)
{
	int n, tries;

	for (tries = 0; tries < 3; tries++)
		if ((n = conflicts_once(ctx, rs, out, max)) >= 0 ||
		    errno != EINTR)
			return n;
	return -1;
}
