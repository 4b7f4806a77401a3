/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_msg.c: the records between the daemon and the mapper process
 * (mapper_proto.h): sending, receiving, and checking what the other side
 * sent. Pure of either side, so that both depend on it and not on each
 * other.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "mapper_proto.h"
#include "untrusted.h"

int
mapper_send(int fd, uint32_t type, const void *payload, uint32_t len)
{
	struct map_hdr h = { type, len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, len } };
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = len ? 2 : 1;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n == (ssize_t)(sizeof(h) + len) ? 0 : -1;
}

int
mapper_recv(int fd, uint32_t *type, void *buf, uint32_t bufsz,
    uint32_t *len)
{
	struct map_hdr h;
	struct iovec iov[2] = { { &h, sizeof(h) }, { buf, bufsz } };
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	do
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == 0)
		return 0;
	/* SOCK_SEQPACKET: one message per read; a longer one is truncated. */
	if (n == -1)
		return -1;
	if (n < (ssize_t)sizeof(h) || (msg.msg_flags & MSG_TRUNC) ||
	    h.len != (uint32_t)(n - (ssize_t)sizeof(h)) || h.len > bufsz) {
		errno = EBADMSG;
		return -1;
	}
	*type = h.type;
	*len = h.len;
	return 1;
}

/*
 * A string from the mapper process: it was escaped there, where the
 * router's text came in, but the process talks to strangers and may be
 * theirs by now: terminated, and escaped here unless it is clean.
 */
static void
checked(char *s, size_t len)
{
	s[len - 1] = '\0';
	(void)ut_copy(s, len, s, len);
}

/* An address field: empty, or an address of family af. */
static int
is_addr(char *s, size_t len, int af)
{
	unsigned char a[sizeof(struct in6_addr)];

	s[len - 1] = '\0';
	return s[0] == '\0' || inet_pton(af, s, a) == 1;
}

int
mapper_check_report(struct map_report *r)
{
	uint32_t i, f;

	if (r->nfwd > MAP_MAX_FWD || r->method >= CONF_MAX_METHODS ||
	    r->pinhole_method >= CONF_MAX_METHODS ||
	    !is_addr(r->ext4, sizeof(r->ext4), AF_INET) ||
	    !is_addr(r->lan4, sizeof(r->lan4), AF_INET) ||
	    !is_addr(r->lan6, sizeof(r->lan6), AF_INET6))
		return -1;
	checked(r->gateway, sizeof(r->gateway));
	checked(r->err, sizeof(r->err));
	for (i = 0; i < r->nfwd; i++) {
		struct map_fwd_state *s = &r->fwd[i];

		checked(s->name, sizeof(s->name));
		for (f = 0; f < 2; f++) {
			if (s->fam[f].state > MAP_STALE ||
			    s->fam[f].method >= CONF_MAX_METHODS)
				return -1;
			checked(s->fam[f].other, sizeof(s->fam[f].other));
			checked(s->fam[f].err, sizeof(s->fam[f].err));
		}
	}
	return 0;
}

void
mapper_check_log(struct map_log *l)
{
	checked(l->text, sizeof(l->text));
}
