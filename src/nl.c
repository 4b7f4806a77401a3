/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nl.c: the netlink transport (see nl.h). One dump loop for every
 * family portward reads, so that end of stream, errors and interrupted
 * dumps mean the same thing everywhere.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netlink.h>

#include "nl.h"

/*
 * Four pages: the kernel fills a dump's datagrams up to what the reader
 * took last time (32 KiB at most), and a big rule must never be cut.
 */
#define DUMP_BUF	(MNL_SOCKET_BUFFER_SIZE * 4)

int
nl_open(struct nl *nl, int bus)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	if ((nl->sock = mnl_socket_open(bus)) == NULL)
		return NL_ESOCKET;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		errno = err;
		return NL_EBIND;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void
nl_close(struct nl *nl)
{
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/* Read what is left of a dump, up to its NLMSG_DONE or an error. */
static void
drain(struct nl *nl, char *buf, size_t len, ssize_t n)
{
	struct pollfd p = { mnl_socket_get_fd(nl->sock), POLLIN, 0 };
	const struct nlmsghdr *h;
	int left;

	for (;;) {
		for (h = (const struct nlmsghdr *)buf, left = (int)n;
		    mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left))
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR)
				return;
		if (poll(&p, 1, 1000) != 1 ||
		    (n = mnl_socket_recvfrom(nl->sock, buf, len)) <= 0)
			return;
	}
}

int
nl_dump(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	char buf[DUMP_BUF];
	uint32_t seq = req->nlmsg_seq;
	ssize_t n;
	int ret, err;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -1;
	for (;;) {
		if ((n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf))) < 0)
			return -1;
		if (n == 0) {
			errno = EPROTO;	/* ended without NLMSG_DONE */
			return -1;
		}
		ret = mnl_cb_run(buf, (size_t)n, seq, nl->portid, cb, data);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret != MNL_CB_ERROR)
			continue;
		/*
		 * Interrupted by a change (NLM_F_DUMP_INTR) or stopped by a
		 * callback: the rest of the dump is still coming. Read it
		 * to its end, or the next request on this socket would
		 * meet it.
		 */
		err = errno;
		if (err == EINTR || err == ENOMEM)
			drain(nl, buf, sizeof(buf), n);
		errno = err;
		return -1;
	}
}

/* Count the answers in one datagram; other messages go to other. */
static void
acks_read(struct nl_acks *a, const char *buf, int len, mnl_cb_t other,
    void *data)
{
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *e;

	for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
	    nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != NLMSG_ERROR) {
			if (other != NULL)
				(void)other(nlh, data);
			continue;
		}
		a->got++;
		e = mnl_nlmsg_get_payload(nlh);
		if (e->error != 0 && a->err == 0)
			a->err = -e->error;
	}
}

int
nl_batch(struct nl *nl, const struct iovec *iov, size_t niov,
    struct nl_acks *a, mnl_cb_t other, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct msghdr msg;
	int fd = mnl_socket_get_fd(nl->sock);
	ssize_t n;

	a->got = a->err = 0;
	a->stage = NL_ESEND;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &snl;
	msg.msg_namelen = sizeof(snl);
	msg.msg_iov = (struct iovec *)iov;
	msg.msg_iovlen = niov;
	if (sendmsg(fd, &msg, 0) < 0)
		return -1;
	a->stage = NL_SENT;
	while (a->got < a->want) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { fd, POLLIN, 0 };

			if (a->err != 0 || poll(&p, 1, 2000) <= 0)
				break;
			continue;
		}
		if (n < 0) {
			a->stage = NL_ERECV;
			return -1;
		}
		acks_read(a, buf, (int)n, other, data);
	}
	return a->err != 0 || a->got < a->want ? -1 : 0;
}
