/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_forge: speak as a compromised mapper. Takes the mapper's own end
 * of its socket to the daemon (pidfd_getfd, as root) and sends forged
 * messages on it, as code running in the mapper after an exploit could:
 *   mapper_forge PID log N TEXT    N log lines (warnings) saying TEXT
 *   mapper_forge PID info N TEXT   the same as information
 *   mapper_forge PID report N      N well-formed reports (no forwards)
 * Prints how many were sent; exit 0 when all were, 1 when the daemon
 * closed the socket first (it killed the mapper), 2 on a usage or setup
 * error.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mapper.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

/* The mapper's SOCK_SEQPACKET Unix socket: the one to the daemon. */
static int
grab(pid_t pid)
{
	int pfd, fd, type, i;
	socklen_t len = sizeof(type);

	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		perror("pidfd_open");
		return -1;
	}
	for (i = 0; i < 64; i++) {
		if ((fd = (int)syscall(SYS_pidfd_getfd, pfd, i, 0)) == -1)
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
		    type == SOCK_SEQPACKET)
			return fd;
		close(fd);
	}
	fprintf(stderr, "mapper_forge: no SOCK_SEQPACKET socket in pid %d\n",
	    (int)pid);
	return -1;
}

int
main(int argc, char **argv)
{
	static struct map_report r;
	struct map_log l;
	long i, n;
	int fd, report;

	report = strcmp(argv[argc > 2 ? 2 : 0], "report") == 0;
	if (argc < 4 || (!report && argc != 5) || (!report &&
	    strcmp(argv[2], "log") != 0 && strcmp(argv[2], "info") != 0)) {
		fprintf(stderr, "usage: mapper_forge PID log|info N TEXT | "
		    "mapper_forge PID report N\n");
		return 2;
	}
	if ((fd = grab((pid_t)atoi(argv[1]))) == -1)
		return 2;
	n = atol(argv[3]);
	memset(&l, 0, sizeof(l));
	l.level = strcmp(argv[2], "info") != 0;
	if (!report)
		snprintf(l.text, sizeof(l.text), "%s", argv[4]);
	for (i = 0; i < n; i++) {
		struct pollfd p = { fd, POLLOUT, 0 };
		int rc;

		r.have_method = (uint32_t)(i & 1);	/* a change each time */
		/* The mapper's socket may be non-blocking: wait for room. */
		while ((rc = report ? mapper_send(fd, MAPMSG_REPORT, &r,
		    sizeof(r)) : mapper_send(fd, MAPMSG_LOG, &l, sizeof(l))) ==
		    -1 && errno == EAGAIN && poll(&p, 1, 10000) == 1)
			;
		if (rc == -1)
			break;
	}
	printf("%ld\n", i);
	return i == n ? 0 : 1;
}
