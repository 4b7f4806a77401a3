/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_events: a timestamped nf_tables event listener for the benchmarks
 * (nft 1.0.6's `nft monitor` prints no time). Subscribes to
 * NFNLGRP_NFTABLES in the current network namespace, prints "ready" once
 * subscribed, then one line per message as soon as it is read:
 *
 *   MONO_US REAL_US TYPE key=value...
 *
 * MONO_US is CLOCK_MONOTONIC, REAL_US CLOCK_REALTIME (the clock of bash's
 * $EPOCHREALTIME), both in microseconds, taken right after recv() returns:
 * the delay from the kernel's commit to the stamp is this process's wakeup,
 * the same for every event. TYPE is NEWTABLE, DELTABLE, NEWCHAIN,
 * DELCHAIN, NEWRULE, DELRULE, NEWSET, ... or NEWGEN, the last message of
 * every committed transaction, which names the committing process:
 *
 *   NEWGEN gen=ID pid=PID comm=NAME
 *   NEWRULE family=inet table=T chain=C handle=H exprs=meta,cmp,... [a16]
 *
 * "a16" marks a rule comparing 16 bytes (an IPv6 address). A lost message
 * (socket overrun) prints "overrun". Runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

static long long
stamp(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static const char *
type_name(uint16_t t)
{
	switch (t) {
	case NFT_MSG_NEWTABLE:	return "NEWTABLE";
	case NFT_MSG_DELTABLE:	return "DELTABLE";
	case NFT_MSG_NEWCHAIN:	return "NEWCHAIN";
	case NFT_MSG_DELCHAIN:	return "DELCHAIN";
	case NFT_MSG_NEWRULE:	return "NEWRULE";
	case NFT_MSG_DELRULE:	return "DELRULE";
	case NFT_MSG_NEWSET:	return "NEWSET";
	case NFT_MSG_DELSET:	return "DELSET";
	case NFT_MSG_NEWSETELEM: return "NEWSETELEM";
	case NFT_MSG_DELSETELEM: return "DELSETELEM";
	case NFT_MSG_NEWGEN:	return "NEWGEN";
	case NFT_MSG_NEWOBJ:	return "NEWOBJ";
	case NFT_MSG_DELOBJ:	return "DELOBJ";
	case NFT_MSG_NEWFLOWTABLE: return "NEWFLOWTABLE";
	case NFT_MSG_DELFLOWTABLE: return "DELFLOWTABLE";
	default:		return NULL;
	}
}

static const char *
family_name(uint8_t f)
{
	switch (f) {
	case NFPROTO_INET:	return "inet";
	case NFPROTO_IPV4:	return "ip";
	case NFPROTO_IPV6:	return "ip6";
	case NFPROTO_ARP:	return "arp";
	case NFPROTO_BRIDGE:	return "bridge";
	case NFPROTO_NETDEV:	return "netdev";
	default:		return "?";
	}
}

struct tab {
	const struct nlattr	*a[64];
};

static int
attr_cb(const struct nlattr *attr, void *data)
{
	struct tab *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type < 64)
		t->a[type] = attr;
	return MNL_CB_OK;
}

/* The attribute as a printable string, or "-". */
static const char *
str(const struct nlattr *a)
{
	const char *s;

	if (a == NULL || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return "-";
	s = mnl_attr_get_str(a);
	return *s != '\0' ? s : "-";
}

struct exprs {
	char	names[256];
	int	a16;
};

static int
expr_cb(struct nftnl_expr *e, void *data)
{
	struct exprs *x = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	size_t used = strlen(x->names);
	uint32_t len = 0;

	if (name == NULL)
		name = "?";
	snprintf(x->names + used, sizeof(x->names) - used, "%s%s",
	    used ? "," : "", name);
	if (strcmp(name, "cmp") == 0 &&
	    nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len) != NULL && len == 16)
		x->a16 = 1;
	return MNL_CB_OK;
}

static void
print_rule(const struct nlmsghdr *nlh)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct exprs x;

	memset(&x, 0, sizeof(x));
	if (r == NULL || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return;
	}
	nftnl_expr_foreach(r, expr_cb, &x);
	printf(" handle=%llu exprs=%s%s",
	    (unsigned long long)nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE),
	    x.names[0] ? x.names : "-", x.a16 ? " a16" : "");
	nftnl_rule_free(r);
}

static int
msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const long long *now = data;
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	const char *name = type_name(type);
	struct tab t;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    name == NULL)
		return MNL_CB_OK;
	memset(&t, 0, sizeof(t));
	if (mnl_attr_parse(nlh, sizeof(*g), attr_cb, &t) < 0)
		return MNL_CB_OK;
	printf("%lld %lld %s", now[0], now[1], name);
	if (type == NFT_MSG_NEWGEN) {
		printf(" gen=%u pid=%u comm=%s",
		    t.a[NFTA_GEN_ID] ? ntohl(mnl_attr_get_u32(t.a[NFTA_GEN_ID])) : 0,
		    t.a[NFTA_GEN_PROC_PID] ?
		    ntohl(mnl_attr_get_u32(t.a[NFTA_GEN_PROC_PID])) : 0,
		    str(t.a[NFTA_GEN_PROC_NAME]));
	} else {
		/* The table's name is attribute 1 in every object's message. */
		printf(" family=%s table=%s", family_name(g->nfgen_family),
		    str(t.a[NFTA_TABLE_NAME]));
		if (type == NFT_MSG_NEWCHAIN || type == NFT_MSG_DELCHAIN)
			printf(" chain=%s", str(t.a[NFTA_CHAIN_NAME]));
		if (type == NFT_MSG_NEWRULE || type == NFT_MSG_DELRULE) {
			printf(" chain=%s", str(t.a[NFTA_RULE_CHAIN]));
			print_rule(nlh);
		}
	}
	putchar('\n');
	return MNL_CB_OK;
}

int
main(void)
{
	static char buf[1 << 16];
	struct mnl_socket *nl;
	int one = 1, size = 1 << 22;
	long long now[2];
	ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(nl, 1 << (NFNLGRP_NFTABLES - 1),
	    MNL_SOCKET_AUTOPID) < 0) {
		perror("nft_events: netlink");
		return 1;
	}
	(void)mnl_socket_setsockopt(nl, NETLINK_BROADCAST_ERROR, &one,
	    sizeof(one));
	(void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE,
	    &size, sizeof(size));
	printf("ready\n");
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		now[0] = stamp(CLOCK_MONOTONIC);
		now[1] = stamp(CLOCK_REALTIME);
		if (n < 0) {
			if (errno == ENOBUFS) {
				printf("%lld %lld overrun\n", now[0], now[1]);
				continue;
			}
			if (errno == EINTR)
				continue;
			perror("nft_events: recv");
			return 1;
		}
		(void)mnl_cb_run(buf, (size_t)n, 0, 0, msg_cb, now);
	}
}
