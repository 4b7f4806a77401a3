/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nl.h: the netlink transport over libmnl, shared by nft (nf_tables),
 * listeners (sock_diag) and netstate (rtnetlink): a socket, one dump
 * loop, one batch sender. What the messages mean is the callers'.
 */
#ifndef PORTWARD_NL_H
#define PORTWARD_NL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <libmnl/libmnl.h>

struct nl {
	struct mnl_socket	*sock;
	uint32_t		 portid;	/* ours, for mnl_cb_run */
	uint32_t		 seq;		/* for callers that count */
};

/*
 * A socket on bus (NETLINK_*), bound with a port ID the kernel picks;
 * seq starts at the time. 0; or, with errno set and nothing to close,
 * NL_ESOCKET when there is no socket, NL_EBIND when it could not be
 * bound. Nothing is logged: the callers say what failed in their words.
 */
enum { NL_ESOCKET = -1, NL_EBIND = -2 };
int	nl_open(struct nl *nl, int bus);
void	nl_close(struct nl *nl);

/*
 * Send the dump request req (its sequence number set) and give cb each
 * answer, until the kernel's NLMSG_DONE. Returns 0 after NLMSG_DONE;
 * otherwise -1 with errno set, and the caller must treat whatever cb
 * collected as incomplete:
 *  - an NLMSG_ERROR answer: errno is the kernel's error;
 *  - a dump the kernel interrupted (NLM_F_DUMP_INTR: the state changed
 *    while it was read): EINTR; read it again;
 *  - cb returned MNL_CB_ERROR: errno as cb left it (ENOMEM...);
 *  - recv failed (ENOBUFS: the socket overran; ENOSPC: a datagram did
 *    not fit) or the stream ended without NLMSG_DONE (EPROTO).
 * After EINTR or ENOMEM the rest of the dump is read and discarded, so
 * that the next request on this socket does not meet it.
 */
int	nl_dump(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);

/* What nl_batch reached: where it stopped, and the answers it read. */
struct nl_acks {
	int	want;		/* answers expected (messages asking NLM_F_ACK) */
	int	got;		/* NLMSG_ERROR answers read, errors or not */
	int	err;		/* the first error the kernel answered, 0: none */
	int	stage;		/* NL_SENT, NL_ESEND, NL_ERECV */
};
enum { NL_SENT, NL_ESEND, NL_ERECV };

/*
 * Send a batch (iov, niov) in one sendmsg() and collect a->want answers.
 * The kernel handles a batch inside sendmsg(), so the answers are
 * queued when it returns; the wait (2 s at most, none once an error was
 * read) is only a safety net. Every other message is given to other
 * (the echo of the commit, for one). Returns 0 when every answer came
 * and none was an error; otherwise -1 and a tells why (stage, with
 * errno from the failed call; err; got < want).
 */
int	nl_batch(struct nl *nl, const struct iovec *iov, size_t niov,
	    struct nl_acks *a, mnl_cb_t other, void *data);

#endif
