/* SPDX-License-Identifier: GPL-2.0-or-later */
/* listeners.c: sock_diag dumps of listening sockets (see listeners.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/netlink.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "listeners.h"
#include "nl.h"
#include "untrusted.h"
#include "log.h"
#include "profile.h"

#define TCP_LISTEN_STATE	10	/* TCP_LISTEN */
#define UDP_UNCONNECTED		7	/* TCP_CLOSE: a bound, unconnected UDP socket */

struct dump {
	struct lsn	*l;
	size_t		 n, cap;
	uint8_t		 proto;
};

static int
attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t t = mnl_attr_get_type(a);

	if (t <= INET_DIAG_MAX)
		tb[t] = a;
	return MNL_CB_OK;
}

static int
msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[INET_DIAG_MAX + 1];
	struct lsn *x;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*m)))
		return MNL_CB_OK;
	if (d->proto == IPPROTO_UDP && m->id.idiag_dport != 0)
		return MNL_CB_OK;	/* connected: not a listener */
	memset(tb, 0, sizeof(tb));
	mnl_attr_parse(nlh, sizeof(*m), attr_cb, tb);
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		struct lsn *nl = realloc(d->l, ncap * sizeof(*nl));

		if (nl == NULL)
			return MNL_CB_ERROR;
		d->l = nl;
		d->cap = ncap;
	}
	x = &d->l[d->n++];
	memset(x, 0, sizeof(*x));
	x->proto = d->proto;
	x->family = m->idiag_family;
	x->port = ntohs(m->id.idiag_sport);
	x->inode = m->idiag_inode;
	if (m->idiag_family == AF_INET)
		memcpy(&x->addr.v4, m->id.idiag_src, 4);
	else
		memcpy(&x->addr.v6, m->id.idiag_src, 16);
	if (tb[INET_DIAG_SKV6ONLY] != NULL)
		x->v6only = mnl_attr_get_u8(tb[INET_DIAG_SKV6ONLY]);
	return MNL_CB_OK;
}

static int
dump_one(struct nl *nl, uint8_t family, uint8_t proto, struct dump *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = proto;
	req->idiag_states = proto == IPPROTO_TCP ? 1u << TCP_LISTEN_STATE :
	    1u << UDP_UNCONNECTED;
	d->proto = proto;
	return nl_dump(nl, nlh, msg_cb, d);
}

int
lsn_dump(struct lsn **out, size_t *n)
{
	static const uint8_t fams[] = { AF_INET, AF_INET6 };
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	struct nl nl;
	struct dump d = { NULL, 0, 0, 0 };
	size_t i, j;
	int rc;

	if ((rc = nl_open(&nl, NETLINK_SOCK_DIAG)) != 0) {
		if (rc == NL_ESOCKET)
			log_warn("sock_diag socket");
		else
			log_warn("sock_diag bind");
		return -1;
	}
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			if (dump_one(&nl, fams[i], protos[j], &d) == -1) {
				log_warn("sock_diag dump");
				nl_close(&nl);
				free(d.l);
				return -1;
			}
	nl_close(&nl);
	*out = d.l;
	*n = d.n;
	return 0;
}

static unsigned
serves(const struct lsn *x)
{
	if (x->family == AF_INET)
		return FAM_IPV4;
	if (IN6_IS_ADDR_V4MAPPED(&x->addr.v6))
		return FAM_IPV4;
	if (IN6_IS_ADDR_UNSPECIFIED(&x->addr.v6) && !x->v6only)
		return FAM_IPV4 | FAM_IPV6;
	return FAM_IPV6;
}

unsigned
lsn_families(const struct lsn *l, size_t n, uint8_t proto, uint16_t port,
    uint16_t port_end)
{
	unsigned f = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].proto == proto && l[i].port >= port &&
		    l[i].port <= port_end)
			f |= serves(&l[i]);
	return f;
}

int
lsn_serves_addr6(const struct lsn *l, size_t n, uint8_t proto, uint16_t port,
    const struct in6_addr *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].proto == proto && l[i].port == port &&
		    l[i].family == AF_INET6 &&
		    (IN6_IS_ADDR_UNSPECIFIED(&l[i].addr.v6) ||
		    memcmp(&l[i].addr.v6, a, 16) == 0))
			return 1;
	return 0;
}

const struct lsn *
lsn_find(const struct lsn *l, size_t n, uint8_t proto, uint16_t port,
    uint16_t port_end)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].proto == proto && l[i].port >= port &&
		    l[i].port <= port_end)
			return &l[i];
	return NULL;
}

ssize_t
lsn_only_pid(struct lsn *l, size_t n, pid_t pid)
{
	uint32_t inodes[256];
	char path[64], link[64];
	struct dirent *f;
	size_t ni = 0, i, j, k = 0;
	ssize_t r;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((f = readdir(d)) != NULL && ni < 256) {
		char fp[600];

		snprintf(fp, sizeof(fp), "%s/%s", path, f->d_name);
		r = readlink(fp, link, sizeof(link) - 1);
		/*
		 * CAP_DAC_READ_SEARCH opens another user's fd directory, but
		 * its links need ptrace access (the unit has no
		 * CAP_SYS_PTRACE): that is "cannot tell", not "holds none".
		 */
		if (r == -1 && (errno == EACCES || errno == EPERM)) {
			closedir(d);
			return -1;
		}
		if (r <= 0)
			continue;
		link[r] = '\0';
		if (sscanf(link, "socket:[%u]", &inodes[ni]) == 1)
			ni++;
	}
	closedir(d);
	for (i = 0; i < n; i++)
		for (j = 0; j < ni; j++)
			if (l[i].inode == inodes[j]) {
				l[k++] = l[i];
				break;
			}
	return (ssize_t)k;
}

pid_t
lsn_owner(uint32_t inode, char *comm, size_t commlen)
{
	char want[32], path[600], link[64];
	struct dirent *p, *f;
	DIR *proc, *fds;
	ssize_t k;
	pid_t pid = -1;
	FILE *cf;

	snprintf(want, sizeof(want), "socket:[%u]", inode);
	if ((proc = opendir("/proc")) == NULL)
		return -1;
	while (pid == -1 && (p = readdir(proc)) != NULL) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		while ((f = readdir(fds)) != NULL) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name,
			    f->d_name);
			k = readlink(path, link, sizeof(link) - 1);
			if (k <= 0)
				continue;
			link[k] = '\0';
			if (strcmp(link, want) == 0) {
				pid = (pid_t)atoi(p->d_name);
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	if (pid != -1 && comm != NULL) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		comm[0] = '\0';
		if ((cf = fopen(path, "r")) != NULL) {
			/*
			 * Whatever name the process gave itself (prctl, its
			 * file's name), newlines in it too: the kernel's one
			 * at the end goes, the rest is escaped.
			 */
			k = (ssize_t)fread(link, 1, sizeof(link) - 1, cf);
			if (k > 0 && link[k - 1] == '\n')
				k--;
			(void)ut_clean(comm, commlen, link, k > 0 ? (size_t)k : 0);
			fclose(cf);
		}
	}
	return pid;
}
