/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft.c: converge the kernel's nf_tables state to the desired ruleset over
 * netlink. Read what is there, compute the difference, send it as one
 * batch (all or nothing), read back. A rule's identity is its chain and
 * comment; its content is compared through the text libnftnl prints for
 * each expression, counters left out, so that a re-apply with nothing to
 * change sends nothing and counters survive.
 *
 * The socket stays open for the daemon's life: closing a netlink socket
 * after a transaction that deleted objects waits for an RCU grace period.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/nfnetlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "fwpath.h"
#include "log.h"
#include "nft.h"
#include "untrusted.h"

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
	struct mnl_socket	*nl;
	uint32_t		 portid;
	uint32_t		 seq;
	uint32_t		 gens[OWN_GENS];	/* ring of our generations */
	unsigned int		 ngens;		/* how many were recorded */
};

/* What the kernel holds in one table. */
struct kchain {
	char		name[NFT_NAME_MAX];
	int		base;
	char		type[16];
	uint32_t	hook;
	int32_t		prio;
	uint32_t	policy;
	int		doomed;		/* deleted by this batch */
};

struct krule {
	char		chain[NFT_NAME_MAX];
	uint64_t	handle;
	char		comment[NFT_NAME_MAX];
	char		*fp;		/* expressions, counters left out */
	int		pos;		/* 0 for the first rule of its chain */
	uint64_t	packets, bytes;	/* its counter, if it has one */
	int		matched;
	struct fw_match	m;		/* what it needs of a packet */
};

struct kstate {
	const char	*table;		/* dumps are filtered to this one */
	int		has_table;
	int		dormant;	/* flags dormant: its chains see nothing */
	size_t		nchains;
	struct kchain	chains[512];
	size_t		nrules, cap;
	struct krule	*rules;
	size_t		nsets;		/* read for nft_conflicts only */
	struct fw_set	*sets;
};

/* ---------------------------------------------------------------- */
/* Netlink plumbing */

struct nft_ctx *
nft_open(void)
{
	struct nft_ctx *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	if ((ctx->nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL) {
		log_warn("netlink socket");
		free(ctx);
		return NULL;
	}
	if (mnl_socket_bind(ctx->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		log_warn("netlink bind");
		mnl_socket_close(ctx->nl);
		free(ctx);
		return NULL;
	}
	ctx->portid = mnl_socket_get_portid(ctx->nl);
	ctx->seq = (uint32_t)time(NULL);
	return ctx;
}

void
nft_close(struct nft_ctx *ctx)
{
	if (ctx == NULL)
		return;
	mnl_socket_close(ctx->nl);
	free(ctx);
}

/* Read what is left of a dump, up to its NLMSG_DONE or an error. */
static void
drain(struct nft_ctx *ctx, char *buf, size_t len, ssize_t n)
{
	struct pollfd p = { mnl_socket_get_fd(ctx->nl), POLLIN, 0 };
	const struct nlmsghdr *h;
	int left;

	for (;;) {
		for (h = (const struct nlmsghdr *)buf, left = (int)n;
		    mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left))
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR)
				return;
		if (poll(&p, 1, 1000) != 1 ||
		    (n = mnl_socket_recvfrom(ctx->nl, buf, len)) <= 0)
			return;
	}
}

/* A dump request; cb sees each message. 0, or -1 with errno set. */
static int
dump(struct nft_ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(ctx->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(ctx->nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		ret = mnl_cb_run(buf, (size_t)n, seq, ctx->portid, cb, data);
		if (ret == MNL_CB_ERROR) {
			/*
			 * Interrupted by a change (NLM_F_DUMP_INTR) or stopped
			 * by a callback: the rest of the dump is still coming.
			 * Read it to its end, or the next request on this
			 * socket would meet it.
			 */
			int err = errno;

			if (err == EINTR || err == ENOMEM)
				drain(ctx, buf, sizeof(buf), n);
			errno = err;
			return -1;
		}
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static uint16_t
family_num(const char *name)
{
	if (strcmp(name, "ip") == 0)
		return NFPROTO_IPV4;
	if (strcmp(name, "ip6") == 0)
		return NFPROTO_IPV6;
	return NFPROTO_INET;
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

/*
 * The bytecode nft itself generates for the rendered rule, so that
 * `nft list` prints back what nft_render() printed.
 */
static struct nftnl_rule *
build_rule(const char *family, const char *table,
    const struct nft_rule_spec *s)
{
	struct nftnl_rule *r;
	struct nftnl_udata_buf *ud;
	struct nftnl_expr *e;
	uint8_t b;
	uint16_t port;

	if ((r = nftnl_rule_alloc()) == NULL)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, family_num(family));
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, s->chain);
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
	if (s->proto != 0) {
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
	if (s->marker[0] != '\0') {
		/* The UDP payload, after the 8-byte header. */
		put_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 16);
		put_cmp(r, NFT_CMP_EQ, s->marker, 16);
	}
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
		e = nftnl_expr_alloc("immediate");
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &s->dnat4, 4);
		nftnl_rule_add_expr(r, e);
		e = nftnl_expr_alloc("nat");
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS,
		    NF_NAT_RANGE_MAP_IPS);
		nftnl_rule_add_expr(r, e);
		break;
	}
	if ((ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN)) != NULL) {
		nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, s->comment);
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA,
		    nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	return r;
}

/* The rule's expressions as text, counters left out; free(). */
static char *
fingerprint(const struct nftnl_rule *r, uint64_t *pkts, uint64_t *bytes)
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

/* ---------------------------------------------------------------- */
/* Reading the kernel */

static void
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
		a->dormant = nftnl_table_is_set(t, NFTNL_TABLE_FLAGS) &&
		    (nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS) &
		    NFT_TABLE_F_DORMANT);
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

/*
 * A comparison against what a register holds (fwpath.h fw_key). ctmask is
 * the mask a bitwise put on it (ct state a,b; ct status dnat).
 */
static void
kmatch_cmp(struct fw_match *m, enum fw_key what, uint32_t ctmask, uint32_t op,
    const uint8_t *d, uint32_t len)
{
	uint16_t port;
	uint32_t v = 0, want;
	int *lo, *hi;

	switch (what) {
	case FK_NFPROTO:
	case FK_L4:
		if (op != NFT_CMP_EQ || len < 1) {
			m->other = 1;
			break;
		}
		if (what == FK_NFPROTO)
			m->nfproto = d[0];
		else
			m->l4 = d[0];
		break;
	case FK_PORTS:
		/* iptables' --sport X --dport Y: both in one comparison. */
		if (op != NFT_CMP_EQ || len < 4) {
			m->other = 1;
			break;
		}
		m->slo = m->shi = (uint16_t)(d[0] << 8 | d[1]);
		m->plo = m->phi = (uint16_t)(d[2] << 8 | d[3]);
		break;
	case FK_DPORT:
	case FK_SPORT:
		if (len < 2) {
			m->other = 1;
			break;
		}
		lo = what == FK_DPORT ? &m->plo : &m->slo;
		hi = what == FK_DPORT ? &m->phi : &m->shi;
		port = (uint16_t)(d[0] << 8 | d[1]);
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
		break;
	case FK_CTSTATE:
		memcpy(&v, d, len < 4 ? len : 4);
		/* ct state a,b: any of them; a second condition: both. */
		if (op == NFT_CMP_NEQ && v == 0 && ctmask != 0)
			want = ctmask;
		else if (op == NFT_CMP_EQ && ctmask == 0)
			want = v;
		else {
			m->other = 1;
			break;
		}
		m->ctmask = m->ctmask ? m->ctmask & want : want;
		if (m->ctmask == 0)
			m->plo = 1, m->phi = 0;	/* never: no state is both */
		break;
	case FK_CTSTATUS:
		memcpy(&v, d, len < 4 ? len : 4);
		if (op == NFT_CMP_NEQ && v == 0 && ctmask != 0 &&
		    m->ctstatus == 0)
			m->ctstatus = ctmask;	/* ct status dnat */
		else
			m->other = 1;
		break;
	case FK_IIFNAME:
		if ((op == NFT_CMP_EQ || op == NFT_CMP_NEQ) && len > 0 &&
		    m->iifname_len == 0) {
			m->iifname_len = len < FW_KEY_MAX ? (int)len : FW_KEY_MAX;
			memcpy(m->iifname, d, (size_t)m->iifname_len);
			m->iifname_neq = op == NFT_CMP_NEQ;
		} else
			m->other = 1;
		break;
	case FK_IIF:
		memcpy(&v, d, len < 4 ? len : 4);
		if (op == NFT_CMP_EQ && v == 1)
			m->lo = 1;	/* ifindex 1 is lo */
		else
			m->other = 1;
		break;
	default:
		m->other = 1;
	}
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

static void
kmatch_parse(const struct nftnl_rule *r, struct fw_match *m)
{
	enum fw_key reg[32];
	uint32_t regmask[32];
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	const char *name;
	uint32_t dreg, key;
	int k;

	fw_match_init(m);
	memset(reg, 0, sizeof(reg));
	memset(regmask, 0, sizeof(regmask));
	if ((it = nftnl_expr_iter_create(r)) == NULL) {
		m->other = 1;
		return;
	}
/*
 * Registers as the kernel numbers them (nft_parse_register): NFT_REG_1..4
 * are 16 bytes, the 32-bit slots 4n..4n+3; NFT_REG32_00.. are slot n+4.
 */
#define REG(x)	((x) <= NFT_REG_4 ? (x) * 4 : (x) - 4) % 32
#define OTHER_ALL() do {						\
	for (k = 0; k < 32; k++)					\
		reg[k] = FK_OTHER;					\
} while (0)
	while ((e = nftnl_expr_iter_next(it)) != NULL) {
		name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		if (strcmp(name, "meta") == 0) {
			if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
				continue;	/* meta set: a statement */
			dreg = REG(nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG));
			key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
			reg[dreg] = key == NFT_META_NFPROTO ? FK_NFPROTO :
			    key == NFT_META_L4PROTO ? FK_L4 :
			    key == NFT_META_IIFNAME ? FK_IIFNAME :
			    key == NFT_META_IIF ? FK_IIF : FK_OTHER;
			regmask[dreg] = 0;
		} else if (strcmp(name, "payload") == 0) {
			if (!nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG))
				continue;	/* payload set: a statement */
			dreg = REG(nftnl_expr_get_u32(e,
			    NFTNL_EXPR_PAYLOAD_DREG));
			/* A wide load (an address) covers the next slots too. */
			for (k = 1; k * 4 < (int)nftnl_expr_get_u32(e,
			    NFTNL_EXPR_PAYLOAD_LEN) && dreg + k < 32; k++)
				reg[dreg + k] = FK_OTHER;
			reg[dreg] = kmatch_payload(m, e);
			regmask[dreg] = 0;
		} else if (strcmp(name, "ct") == 0) {
			if (!nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG))
				continue;
			dreg = REG(nftnl_expr_get_u32(e, NFTNL_EXPR_CT_DREG));
			key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
			reg[dreg] = key == NFT_CT_STATE ? FK_CTSTATE :
			    key == NFT_CT_STATUS ? FK_CTSTATUS : FK_OTHER;
			regmask[dreg] = 0;
		} else if (strcmp(name, "bitwise") == 0) {
			uint32_t sreg = REG(nftnl_expr_get_u32(e,
			    NFTNL_EXPR_BITWISE_SREG)), ml = 0, mv = 0;
			const void *mask = nftnl_expr_get(e,
			    NFTNL_EXPR_BITWISE_MASK, &ml);

			dreg = REG(nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_DREG));
			if (mask != NULL)
				memcpy(&mv, mask, ml < 4 ? ml : 4);
			reg[dreg] = reg[sreg];
			regmask[dreg] = mv;
			if (reg[sreg] != FK_CTSTATE && reg[sreg] != FK_CTSTATUS)
				reg[dreg] = FK_OTHER;	/* a masked port, ... */
		} else if (strcmp(name, "cmp") == 0) {
			uint32_t sreg = REG(nftnl_expr_get_u32(e,
			    NFTNL_EXPR_CMP_SREG)), dl = 0;
			const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA,
			    &dl);

			if (d == NULL)
				m->other = 1;
			else
				kmatch_cmp(m, reg[sreg], regmask[sreg],
				    nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), d,
				    dl);
		} else if (strcmp(name, "lookup") == 0) {
			kmatch_lookup(m, reg[REG(nftnl_expr_get_u32(e,
			    NFTNL_EXPR_LOOKUP_SREG))], e);
			if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG) &&
			    nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) !=
			    NFT_REG_VERDICT)
				OTHER_ALL();	/* a data map wrote a register */
		} else if (strcmp(name, "range") == 0) {
			uint32_t sreg = REG(nftnl_expr_get_u32(e,
			    NFTNL_EXPR_RANGE_SREG)), fl = 0, tl = 0;
			const uint8_t *from = nftnl_expr_get(e,
			    NFTNL_EXPR_RANGE_FROM_DATA, &fl);
			const uint8_t *to = nftnl_expr_get(e,
			    NFTNL_EXPR_RANGE_TO_DATA, &tl);

			if ((reg[sreg] == FK_DPORT || reg[sreg] == FK_SPORT) &&
			    from && to && fl >= 2 && tl >= 2 &&
			    nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP) ==
			    NFT_RANGE_EQ) {
				*(reg[sreg] == FK_DPORT ? &m->plo : &m->slo) =
				    from[0] << 8 | from[1];
				*(reg[sreg] == FK_DPORT ? &m->phi : &m->shi) =
				    to[0] << 8 | to[1];
			} else
				m->other = 1;
		} else if (strcmp(name, "immediate") == 0) {
			if (!nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)) {
				OTHER_ALL();	/* data into a register */
				continue;
			}
			m->verdict = (int)nftnl_expr_get_u32(e,
			    NFTNL_EXPR_IMM_VERDICT);
			if (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN))
				(void)snprintf(m->target, sizeof(m->target),
				    "%s", nftnl_expr_get_str(e,
				    NFTNL_EXPR_IMM_CHAIN));
		} else if (strcmp(name, "reject") == 0)
			m->verdict = NF_DROP;
		else if (strcmp(name, "queue") == 0) {
			/* To a program that may accept it: maybe. */
			m->verdict = NF_ACCEPT;
			m->other = 1;
		} else if (strcmp(name, "target") == 0) {
			const char *t = nftnl_expr_get_str(e,
			    NFTNL_EXPR_TG_NAME);

			if (t != NULL && (strcmp(t, "REJECT") == 0 ||
			    strcmp(t, "DROP") == 0))
				m->verdict = NF_DROP;
			else if (t != NULL && strcmp(t, "NFQUEUE") == 0) {
				m->verdict = NF_ACCEPT;
				m->other = 1;
			}
		} else if (strcmp(name, "match") == 0)
			kmatch_xt(m, e);
		else if (strcmp(name, "counter") == 0 ||
		    strcmp(name, "log") == 0 || strcmp(name, "notrack") == 0)
			continue;
		else if (strcmp(name, "objref") == 0 && nftnl_expr_is_set(e,
		    NFTNL_EXPR_OBJREF_IMM_TYPE) && nftnl_expr_get_u32(e,
		    NFTNL_EXPR_OBJREF_IMM_TYPE) == NFT_OBJECT_COUNTER)
			continue;	/* counter name "x": no condition */
		else {
			m->other = 1;	/* limit, fib, rt, socket, ...: not read */
			OTHER_ALL();	/* and what it wrote is unknown */
		}
	}
#undef REG
#undef OTHER_ALL
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
	kr->fp = fingerprint(r, &kr->packets, &kr->bytes);
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

static int
read_sets(struct nft_ctx *ctx, const char *family, struct kstate *k)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nftnl_set *s;
	size_t i;

	memset(buf, 0, sizeof(buf));
	if ((s = nftnl_set_alloc()) == NULL)
		return -1;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, k->table);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSET, family_num(family),
	    NLM_F_DUMP, ++ctx->seq);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	if (dump(ctx, nlh, set_cb, k) == -1)
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
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM,
		    family_num(family), NLM_F_DUMP, ++ctx->seq);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		nftnl_set_free(s);
		if (dump(ctx, nlh, elem_cb, &k->sets[i]) == -1)
			k->sets[i].unread = 1;	/* a lookup there: maybe */
	}
	return 0;
}

/* Read one table: does it exist, its chains and its rules. */
static int
read_table(struct nft_ctx *ctx, const char *family, const char *table,
    struct kstate *k)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct tables_arg ta = { table, family_num(family), 0, 0 };
	struct nlmsghdr *nlh;
	struct nftnl_chain *c;
	struct nftnl_rule *r;

	memset(k, 0, sizeof(*k));
	memset(buf, 0, sizeof(buf));	/* no stack bytes to the kernel */
	k->table = table;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, family_num(family),
	    NLM_F_DUMP, ++ctx->seq);
	if (dump(ctx, nlh, table_cb, &ta) == -1) {
		log_warn("nftables: reading tables");
		return -1;
	}
	if (!ta.found)
		return 0;
	k->has_table = 1;
	k->dormant = ta.dormant;

	c = nftnl_chain_alloc();
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, family_num(family),
	    NLM_F_DUMP, ++ctx->seq);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	if (dump(ctx, nlh, chain_cb, k) == -1) {
		log_warn("nftables: reading chains of %s %s", family, table);
		return -1;
	}

	r = nftnl_rule_alloc();
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, family_num(family),
	    NLM_F_DUMP, ++ctx->seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	if (dump(ctx, nlh, rule_cb, k) == -1) {
		log_warn("nftables: reading rules of %s %s", family, table);
		return -1;
	}
	return 0;
}

static struct kchain *
kchain_find(struct kstate *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nchains; i++)
		if (strcmp(k->chains[i].name, name) == 0)
			return &k->chains[i];
	return NULL;
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
	    flags | NLM_F_ACK, ++bt->ctx->seq);
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
	    family_num(family), del ? 0 : NLM_F_CREATE);
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
	    family_num(family), del ? 0 : NLM_F_CREATE);
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
	nlh = batch_hdr(bt, NFT_MSG_NEWRULE, family_num(family),
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
	nlh = batch_hdr(bt, NFT_MSG_DELRULE, family_num(family), 0);
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
static void
own_gen(struct nft_ctx *ctx, const struct nlmsghdr *nlh)
{
	const struct nlattr *id = NULL;

	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), gen_attr_cb,
	    &id) < 0 || id == NULL)
		return;
	ctx->gens[ctx->ngens++ % OWN_GENS] = ntohl(mnl_attr_get_u32(id));
}

int
nft_own_commit(const struct nft_ctx *ctx, uint32_t portid, uint32_t genid)
{
	unsigned int i, n;

	if (ctx == NULL || portid != ctx->portid)
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
 * Send the batch and collect one answer per message. The kernel handles
 * a batch inside sendmsg(), so the answers are queued when it returns;
 * the poll is only a safety net.
 */
static int
batch_send(struct batch *bt)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct msghdr msg;
	struct iovec *iov;
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	int fd = mnl_socket_get_fd(bt->ctx->nl), niov, got = 0, err = 0;
	ssize_t n;

	niov = nftnl_batch_iovec_len(bt->b);
	if ((iov = calloc((size_t)niov, sizeof(*iov))) == NULL)
		return -1;
	nftnl_batch_iovec(bt->b, iov, (uint32_t)niov);
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &snl;
	msg.msg_namelen = sizeof(snl);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)niov;
	n = sendmsg(fd, &msg, 0);
	free(iov);
	if (n < 0) {
		log_warn("nftables: sending batch");
		return -1;
	}
	while (got < bt->nmsgs) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { fd, POLLIN, 0 };

			if (err != 0 || poll(&p, 1, 2000) <= 0)
				break;
			continue;
		}
		if (n < 0) {
			log_warn("nftables: reading answers");
			return -1;
		}
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, (int)n);
		    nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) |
			    NFT_MSG_NEWGEN))
				own_gen(bt->ctx, nlh);
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			got++;
			if (((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->
			    error != 0 && err == 0)
				err = -((struct nlmsgerr *)
				    mnl_nlmsg_get_payload(nlh))->error;
		}
	}
	if (err != 0) {
		errno = err;
		log_warn("nftables: the kernel refused the batch, nothing "
		    "changed");
		return -1;
	}
	if (got < bt->nmsgs) {
		log_warnx("nftables: %d of %d answers missing", bt->nmsgs - got,
		    bt->nmsgs);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Planning the difference */

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

static int
rule_fp(const char *family, const char *table, const struct nft_rule_spec *s,
    char **fp)
{
	struct nftnl_rule *r = build_rule(family, table, s);

	if (r == NULL)
		return -1;
	*fp = fingerprint(r, NULL, NULL);
	nftnl_rule_free(r);
	return *fp == NULL ? -1 : 0;
}

/*
 * One scope: portward's own table, or its chain and jump inside an
 * attached table. Adds to bt what makes k equal to the desired objects.
 */
static int
plan_scope(struct batch *bt, struct kstate *k, const struct nft_ruleset *rs,
    enum nft_scope scope)
{
	const char *family = scope == NFT_OWN ? "inet" : rs->at_family;
	const char *table = scope == NFT_OWN ? rs->table : rs->at_table;
	const struct nft_chain_spec *s;
	struct kchain *kc;
	size_t i, j;
	char *fp;
	int want, *have;

	/* Chains of ours that are not wanted, or not as wanted, go. */
	for (i = 0; i < k->nchains; i++) {
		kc = &k->chains[i];
		if (scope == NFT_ATTACHED && strcmp(kc->name, rs->table) != 0)
			continue;	/* theirs */
		want = 0;
		for (j = 0; j < rs->nchains; j++) {
			s = &rs->chains[j];
			if (s->scope == scope && strcmp(s->name, kc->name) == 0 &&
			    chain_matches(kc, s))
				want = 1;
		}
		kc->doomed = !want;
	}
	/* Match wanted rules to what is there; the rest is added. */
	if ((have = calloc(rs->nrules + 1, sizeof(*have))) == NULL)
		return -1;
	for (i = 0; i < rs->nrules; i++) {
		const struct nft_rule_spec *r = &rs->rules[i];

		if (r->scope != scope)
			continue;
		if (rule_fp(family, table, r, &fp) == -1) {
			free(have);
			return -1;
		}
		for (j = 0; j < k->nrules; j++) {
			struct krule *kr = &k->rules[j];

			if (kr->matched || strcmp(kr->chain, r->chain) != 0 ||
			    strcmp(kr->comment, r->comment) != 0 ||
			    strcmp(kr->fp, fp) != 0)
				continue;
			if ((kc = kchain_find(k, kr->chain)) != NULL &&
			    kc->doomed)
				continue;
			if (r->first && kr->pos != 0)
				continue;	/* a jump must stay on top */
			kr->matched = 1;
			have[i] = (int)j + 1;
			break;
		}
		free(fp);
	}
	/* Delete what is ours and unmatched. */
	for (j = 0; j < k->nrules; j++) {
		struct krule *kr = &k->rules[j];
		int ours;

		if (kr->matched)
			continue;
		if (scope == NFT_OWN)
			ours = 1;
		else if (strcmp(kr->chain, rs->table) == 0)
			ours = 1;
		else
			ours = strcmp(kr->chain, rs->at_chain) == 0 &&
			    strcmp(kr->comment, NFT_JUMP_COMMENT) == 0 &&
			    strstr(kr->fp, rs->table) != NULL;
		if (ours)
			b_rule_del(bt, family, table, kr);
	}
	for (i = 0; i < k->nchains; i++)
		if (k->chains[i].doomed)
			b_chain(bt, 1, family, table, k->chains[i].name, NULL);
	if (scope == NFT_OWN && !k->has_table)
		b_table(bt, 0, family, table);
	else if (scope == NFT_OWN && k->dormant) {
		/* Dormant: every chain in it is off. Wake it. */
		if (bt->log)
			log_warnx("nftables: table %s %s was set dormant "
			    "(flags dormant): waking it", family, table);
		b_table(bt, 0, family, table);
	}
	for (j = 0; j < rs->nchains; j++) {
		s = &rs->chains[j];
		if (s->scope != scope)
			continue;
		kc = kchain_find(k, s->name);
		if (kc == NULL || kc->doomed)
			b_chain(bt, 0, family, table, s->name, s);
	}
	/*
	 * Add what is missing where it belongs: before the next rule of the
	 * same chain that stays, or at the end, so that a repaired chain
	 * reads exactly as rendered.
	 */
	for (i = 0; i < rs->nrules; i++) {
		const struct nft_rule_spec *r = &rs->rules[i];
		uint64_t before = 0;

		if (r->scope != scope || have[i])
			continue;
		for (j = i + 1; !r->first && j < rs->nrules; j++)
			if (rs->rules[j].scope == scope && have[j] &&
			    strcmp(rs->rules[j].chain, r->chain) == 0) {
				before = k->rules[have[j] - 1].handle;
				break;
			}
		b_rule_add(bt, family, table, r, before);
	}
	free(have);
	return 0;
}

/* Everything rs put in the attached table: its chain and the jump. */
static void
plan_detach(struct batch *bt, struct kstate *k, const struct nft_ruleset *rs)
{
	size_t j;

	for (j = 0; j < k->nrules; j++) {
		struct krule *kr = &k->rules[j];

		if (strcmp(kr->chain, rs->table) == 0 ||
		    (strcmp(kr->chain, rs->at_chain) == 0 &&
		    strcmp(kr->comment, NFT_JUMP_COMMENT) == 0 &&
		    strstr(kr->fp, rs->table) != NULL))
			b_rule_del(bt, rs->at_family, rs->at_table, kr);
	}
	if (kchain_find(k, rs->table) != NULL)
		b_chain(bt, 1, rs->at_family, rs->at_table, rs->table, NULL);
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
	nftnl_batch_begin(nftnl_batch_buffer(bt->b), ++ctx->seq)->nlmsg_flags |=
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
	nftnl_batch_end(nftnl_batch_buffer(bt->b), ++bt->ctx->seq);
	nftnl_batch_update(bt->b);
	if (bt->failed) {
		log_warnx("nftables: could not build the batch");
		rc = -1;
	} else if (n > 0 && batch_send(bt) == -1)
		rc = -1;
	nftnl_batch_free(bt->b);
	return rc == -1 ? -1 : n;
}

static int
attach_target_ok(struct kstate *k, const struct nft_ruleset *rs)
{
	struct kchain *kc;

	if (!k->has_table) {
		log_warnx("nft.attach: there is no table %s %s; the ports are "
		    "open in portward's own table only", rs->at_family,
		    rs->at_table);
		return 0;
	}
	if ((kc = kchain_find(k, rs->at_chain)) == NULL) {
		log_warnx("nft.attach: table %s %s has no chain %s; the ports "
		    "are open in portward's own table only", rs->at_family,
		    rs->at_table, rs->at_chain);
		return 0;
	}
	return 1;
}

/* Build (and with commit, send) the batch; returns changes or -1. */
static int
converge(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    const struct nft_ruleset *prev, int log_changes, int commit)
{
	struct kstate own, att, old, oldatt;
	struct batch bt;
	int rc = -1, have_att = 0, have_old = 0, have_oldatt = 0;

	memset(&att, 0, sizeof(att));
	memset(&old, 0, sizeof(old));
	memset(&oldatt, 0, sizeof(oldatt));
	if (read_table(ctx, "inet", rs->table, &own) == -1)
		goto out;
	if (rs->attach) {
		have_att = 1;
		if (read_table(ctx, rs->at_family, rs->at_table, &att) == -1)
			goto out;
	}
	if (prev != NULL && strcmp(prev->table, rs->table) != 0) {
		have_old = 1;
		if (read_table(ctx, "inet", prev->table, &old) == -1)
			goto out;
	}
	if (prev != NULL && prev->attach && !same_attach(prev, rs)) {
		have_oldatt = 1;
		if (read_table(ctx, prev->at_family, prev->at_table,
		    &oldatt) == -1)
			goto out;
	}

	batch_open(&bt, ctx, log_changes && commit);
	/* What an earlier configuration installed and this one does not. */
	if (have_oldatt && oldatt.has_table)
		plan_detach(&bt, &oldatt, prev);
	if (have_old && old.has_table)
		b_table(&bt, 1, "inet", prev->table);
	if (plan_scope(&bt, &own, rs, NFT_OWN) == -1)
		bt.failed = 1;
	if (have_att && attach_target_ok(&att, rs) &&
	    plan_scope(&bt, &att, rs, NFT_ATTACHED) == -1)
		bt.failed = 1;
	if (!commit) {
		rc = bt.failed ? -1 : bt.nmsgs;
		nftnl_batch_free(bt.b);
	} else
		rc = batch_commit(&bt);
out:
	kstate_free(&own);
	kstate_free(&att);
	kstate_free(&old);
	kstate_free(&oldatt);
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
	struct batch bt;
	int rc = -1;

	memset(&att, 0, sizeof(att));
	if (read_table(ctx, "inet", rs->table, &own) == -1)
		return -1;
	if (rs->attach && read_table(ctx, rs->at_family, rs->at_table,
	    &att) == -1)
		goto out;
	batch_open(&bt, ctx, 1);
	if (rs->attach && att.has_table)
		plan_detach(&bt, &att, rs);
	if (own.has_table)
		b_table(&bt, 1, "inet", rs->table);
	rc = batch_commit(&bt);
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

	if (read_table(ctx, "inet", rs->table, &k) == -1)
		return -1;
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
/* Other tables */

struct alltables {
	size_t	n;
	struct {
		uint32_t	family;
		char		name[NFT_NAME_MAX];
		int		dormant;
	} t[64];
};

static int
alltables_cb(const struct nlmsghdr *nlh, void *data)
{
	struct alltables *a = data;
	struct nftnl_table *t = nftnl_table_alloc();

	if (t == NULL)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 &&
	    a->n < sizeof(a->t) / sizeof(a->t[0])) {
		a->t[a->n].family = nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);
		a->t[a->n].dormant = nftnl_table_is_set(t, NFTNL_TABLE_FLAGS) &&
		    (nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS) &
		    NFT_TABLE_F_DORMANT);
		(void)snprintf(a->t[a->n].name, sizeof(a->t[a->n].name), "%s",
		    nftnl_table_get_str(t, NFTNL_TABLE_NAME));
		a->n++;
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

static const char *
family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	}
	return NULL;
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

/*
 * Each endpoint and family portward accepts, as a new packet through one
 * base chain of another table (a range by its first port); nft.attach's
 * jump to portward's chain is one of the rules followed.
 */
static int
conflicts_chain(const struct nft_ruleset *rs, const struct fw_table *ft,
    const char *fam, uint32_t tfamily, const char *table,
    const struct kchain *kc, int reply, struct nft_conflict *out, size_t max,
    int found)
{
	const char *own = rs->chains[0].hook == NF_INET_LOCAL_IN ? "input" :
	    "forward";
	size_t j;

	for (j = 0; j < rs->nrules; j++) {
		const struct nft_rule_spec *r = &rs->rules[j];
		struct fw_result res;
		struct fw_pkt p;
		struct nft_conflict *o;

		if (r->scope != NFT_OWN || r->verdict == NFTV_COUNT ||
		    r->verdict == NFTV_JUMP || r->proto == 0 ||
		    strcmp(r->chain, own) != 0)
			continue;
		if ((tfamily == NFPROTO_IPV4 && r->family != FAM_IPV4) ||
		    (tfamily == NFPROTO_IPV6 && r->family != FAM_IPV6))
			continue;
		memset(&p, 0, sizeof(p));
		p.nfproto = r->family == FAM_IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
		p.l4 = r->proto;
		p.port = r->port;
		p.iif = reply ? "" : r->iifname;
		p.reply = reply;
		p.self = rs->attach ? r->comment : NULL;
		/*
		 * Router mode: portward's own DNAT made the IPv4 packet, from
		 * the dstnat priority (-100) on.
		 */
		if (strcmp(own, "forward") == 0 && r->family == FAM_IPV4 &&
		    !(kc->hook == NF_INET_PRE_ROUTING && kc->prio < -100))
			p.ctstatus = IPS_DST_NAT;
		/* Before conntrack (raw, NF_IP_PRI_CONNTRACK): no ct state. */
		p.ct_before = (kc->hook == NF_INET_PRE_ROUTING ||
		    kc->hook == NF_INET_LOCAL_OUT) && kc->prio <= -200;
		fw_walk(ft, kc->name, (int)kc->policy, &p, &res);
		if (res.verdict != FW_DROP)
			continue;
		if ((size_t)found < max) {
			o = &out[found];
			memset(o, 0, sizeof(*o));
			(void)snprintf(o->family, sizeof(o->family), "%s", fam);
			printable(o->table, sizeof(o->table), table);
			printable(o->chain, sizeof(o->chain), kc->name);
			if (res.uncertain)
				(void)snprintf(o->why, sizeof(o->why), "%s%s, "
				    "unless %s lets it through first (it "
				    "matches on what portward does not read)",
				    reply ? "its answers: " : "", res.why,
				    res.maybe);
			else
				(void)snprintf(o->why, sizeof(o->why), "%s%s",
				    reply ? "its answers: " : "", res.why);
			/* It names other programs' chains, named as they like. */
			(void)ut_copy(o->why, sizeof(o->why), o->why,
			    sizeof(o->why));
			(void)snprintf(o->endpoint, sizeof(o->endpoint), "%s",
			    r->comment);
			o->fam = r->family;
			o->stateful = reply ? 0 : res.stateful;
			o->uncertain = res.uncertain;
			o->hook = (int)kc->hook;
			o->prio = kc->prio;
			o->seq = found;
		}
		found++;
	}
	return found;
}

static int conflicts_once(struct nft_ctx *, const struct nft_ruleset *,
    struct nft_conflict *, size_t);

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

static int
conflicts_once(struct nft_ctx *ctx, const struct nft_ruleset *rs,
    struct nft_conflict *out, size_t max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct alltables all;
	struct nlmsghdr *nlh;
	struct kstate k;
	struct fw_table ft;
	size_t i, c;
	int found = 0;
	uint32_t hook_a, hook_b;

	memset(&all, 0, sizeof(all));
	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_UNSPEC,
	    NLM_F_DUMP, ++ctx->seq);
	if (dump(ctx, nlh, alltables_cb, &all) == -1) {
		int err = errno;

		if (err != EINTR)
			log_warn("nftables: reading tables");
		errno = err;
		return -1;
	}
	/* Where portward's traffic passes a filter: input, or forward. */
	hook_a = NF_INET_PRE_ROUTING;
	hook_b = rs->chains[0].hook == NF_INET_LOCAL_IN ? NF_INET_LOCAL_IN :
	    NF_INET_FORWARD;
	for (i = 0; i < all.n; i++) {
		const char *fam = family_name(all.t[i].family);
		struct fw_rule *fr;

		/* A dormant table's chains see no packet: nothing dropped. */
		if (fam == NULL || all.t[i].dormant ||
		    (all.t[i].family == NFPROTO_INET &&
		    strcmp(all.t[i].name, rs->table) == 0))
			continue;
		/*
		 * A table deleted since the list was read (ENOENT) is gone:
		 * skipped. Anything else: the ruleset is not known.
		 */
		if (read_table(ctx, fam, all.t[i].name, &k) == -1 ||
		    read_sets(ctx, fam, &k) == -1 ||
		    (fr = fw_rules(&k)) == NULL) {
			int err = errno;

			kstate_free(&k);
			if (err == ENOENT)
				continue;
			if (err != EINTR)
				log_warn("nftables: reading %s %s", fam,
				    all.t[i].name);
			errno = err;
			return -1;
		}
		ft.rules = fr;
		ft.nrules = k.nrules;
		ft.sets = k.sets;
		ft.nsets = k.nsets;
		for (c = 0; c < k.nchains; c++) {
			const struct kchain *kc = &k.chains[c];

			int reply;

			if (!kc->base || strcmp(kc->type, "filter") != 0)
				continue;
			/* On a host, the answers leave by output, postrouting. */
			reply = hook_b == NF_INET_LOCAL_IN &&
			    (kc->hook == NF_INET_LOCAL_OUT ||
			    kc->hook == NF_INET_POST_ROUTING);
			if (kc->hook != hook_a && kc->hook != hook_b && !reply)
				continue;
			found = conflicts_chain(rs, &ft, fam, all.t[i].family,
			    all.t[i].name, kc, reply, out, max, found);
		}
		free(fr);
		kstate_free(&k);
	}
	qsort(out, (size_t)found < max ? (size_t)found : max, sizeof(*out),
	    conflict_order);
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
