/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_monitor.c: nf_tables events. Each committed transaction ends with a
 * NEWGEN message from the netlink port that committed it, with the new
 * generation; events of our own transactions are recognised by both
 * (nft_own_commit) and ignored. The process ID in it is not used for that:
 * the kernel gives the initial PID namespace's, so inside a container it
 * never equals getpid().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "log.h"
#include "nft.h"
#include "nft_monitor.h"
#include "untrusted.h"

struct nftmon {
	struct mnl_socket	*nl;
	int			 pending;	/* this transaction touched us */
	int			 kind;		/* its first such message */
	int			 last_kind;	/* of the last foreign commit */
};

struct nftmon *
nftmon_open(void)
{
	struct nftmon *m;
	int one = 1;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if ((m->nl = mnl_socket_open2(NETLINK_NETFILTER,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) == NULL) {
		log_warn("nftables monitor socket");
		free(m);
		return NULL;
	}
	if (mnl_socket_bind(m->nl, 1 << (NFNLGRP_NFTABLES - 1),
	    MNL_SOCKET_AUTOPID) < 0) {
		log_warn("nftables monitor bind");
		nftmon_close(m);
		return NULL;
	}
	/* Lost events are reported as ENOBUFS, not silently dropped. */
	(void)mnl_socket_setsockopt(m->nl, NETLINK_BROADCAST_ERROR, &one,
	    sizeof(one));
	return m;
}

void
nftmon_close(struct nftmon *m)
{
	if (m == NULL)
		return;
	mnl_socket_close(m->nl);
	free(m);
}

int
nftmon_fd(const struct nftmon *m)
{
	return mnl_socket_get_fd(m->nl);
}

struct attrs {
	const struct nlattr	*a[NFTA_GEN_MAX + 2];
};

static int
attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= NFTA_GEN_MAX + 1)
		t->a[type] = attr;
	return MNL_CB_OK;
}

/* Attribute 1 is the table name in table, chain, rule, set and object messages. */
static int
names_table(const struct nlmsghdr *nlh, const char *const tables[])
{
	struct attrs t;
	const char *name;
	size_t i;

	memset(&t, 0, sizeof(t));
	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &t) < 0 ||
	    t.a[1] == NULL || mnl_attr_validate(t.a[1], MNL_TYPE_NUL_STRING) < 0)
		return 0;
	name = mnl_attr_get_str(t.a[1]);
	for (i = 0; tables[i] != NULL; i++)
		if (tables[i][0] != '\0' && strcmp(name, tables[i]) == 0)
			return 1;
	return 0;
}

int
nftmon_who(const struct nlmsghdr *nlh, char *who, size_t wholen)
{
	struct attrs t;
	char comm[64];

	memset(&t, 0, sizeof(t));
	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &t) < 0 ||
	    t.a[NFTA_GEN_PROC_NAME] == NULL || t.a[NFTA_GEN_PROC_PID] == NULL ||
	    mnl_attr_validate(t.a[NFTA_GEN_PROC_NAME], MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_validate(t.a[NFTA_GEN_PROC_PID], MNL_TYPE_U32) < 0)
		return -1;
	/* The committer's comm: any process names itself (prctl, exec). */
	(void)ut_clean(comm, sizeof(comm),
	    mnl_attr_get_str(t.a[NFTA_GEN_PROC_NAME]),
	    mnl_attr_get_payload_len(t.a[NFTA_GEN_PROC_NAME]));
	(void)snprintf(who, wholen, "%s, pid %u", comm,
	    ntohl(mnl_attr_get_u32(t.a[NFTA_GEN_PROC_PID])));
	return 0;
}

static int
committed_by_us(const struct nlmsghdr *nlh, const struct nft_ctx *ours,
    char *who, size_t wholen)
{
	struct attrs t;
	uint32_t gen;

	memset(&t, 0, sizeof(t));
	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &t) < 0 ||
	    t.a[NFTA_GEN_ID] == NULL ||
	    mnl_attr_validate(t.a[NFTA_GEN_ID], MNL_TYPE_U32) < 0)
		return 0;
	gen = ntohl(mnl_attr_get_u32(t.a[NFTA_GEN_ID]));
	if (nft_own_commit(ours, nlh->nlmsg_pid, gen))
		return 1;
	(void)nftmon_who(nlh, who, wholen);
	return 0;
}

/* How much a change says: the table's deletion more than its rules'. */
static int
weight(int type)
{
	switch (type) {
	case NFT_MSG_DELTABLE:
		return 6;
	case NFT_MSG_DELCHAIN:
		return 5;
	case NFT_MSG_DELRULE:
		return 4;
	case NFT_MSG_NEWCHAIN:
	case NFT_MSG_NEWTABLE:
		return 3;
	case NFT_MSG_NEWRULE:
		return 2;
	default:
		return 1;
	}
}

int
nftmon_read(struct nftmon *m, const char *const tables[],
    const struct nft_ctx *ours, char *who, size_t wholen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2];
	const struct nlmsghdr *nlh;
	int foreign = 0, type, len;
	ssize_t n;

	if (wholen > 0)
		who[0] = '\0';
	for (;;) {
		n = mnl_socket_recvfrom(m->nl, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return foreign;
		if (n < 0 && errno == ENOBUFS) {
			log_warnx("nftables monitor: events were lost; checking "
			    "everything");
			foreign = 1;
			m->last_kind = 0;
			continue;
		}
		if (n < 0) {
			log_warn("nftables monitor");
			return -1;
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		    nlh = mnl_nlmsg_next(nlh, &len)) {
			if (NFNL_SUBSYS_ID(nlh->nlmsg_type) !=
			    NFNL_SUBSYS_NFTABLES)
				continue;
			type = NFNL_MSG_TYPE(nlh->nlmsg_type);
			if (type == NFT_MSG_NEWGEN) {
				if (m->pending && !committed_by_us(nlh, ours,
				    who, wholen)) {
					foreign = 1;
					m->last_kind = m->kind;
				}
				m->pending = 0;
			} else if (names_table(nlh, tables)) {
				/* Deleting a table lists its rules first. */
				if (!m->pending || weight(type) > weight(m->kind))
					m->kind = type;
				m->pending = 1;
			}
		}
	}
}

const char *
nftmon_change(const struct nftmon *m)
{
	switch (m->last_kind) {
	case NFT_MSG_DELTABLE:
		return "deleted the table";
	case NFT_MSG_DELCHAIN:
		return "deleted a chain";
	case NFT_MSG_DELRULE:
		return "deleted a rule";
	case NFT_MSG_NEWRULE:
		return "added a rule";
	case NFT_MSG_NEWCHAIN:
		return "changed a chain";
	case NFT_MSG_NEWTABLE:
		return "changed the table";
	case NFT_MSG_NEWSET:
	case NFT_MSG_DELSET:
	case NFT_MSG_NEWSETELEM:
	case NFT_MSG_DELSETELEM:
		return "changed a set";
	default:
		return "";
	}
}
