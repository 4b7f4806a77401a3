/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * lkstub: a minimal LiveKit stand-in that binds as LiveKit up to 1.10.0
 * does. Wherever a test needs a listening SFU it runs tests/tools/sfu
 * (pion, LiveKit's own library); lkstub stays where the test is about the
 * supervised process itself: tests/integration/supervise.sh counts its
 * file descriptors exactly, makes it bind late, crash or exit at once,
 * and make bench times restarts of a child that starts in microseconds
 * (a Go start-up would be what is measured). Its sockets:
 *   ICE/TCP   one dual-stack socket, [::]:PORT without IPV6_V6ONLY
 *   ICE/UDP   one socket per local address of both families (the UDP mux)
 *   TURN/UDP  0.0.0.0:PORT (udp4 only)
 *   TURN/TLS  0.0.0.0:PORT (tcp4 only)
 * TCP connections get "pong\n"; a STUN Binding request on a UDP socket
 * gets its answer (as LiveKit's TURN and ICE do); other datagrams are
 * echoed.
 *   -t PORT -u PORT -U PORT -T PORT   the four ports (0: not bound)
 *   -l MS      bind late, after MS milliseconds
 *   -c SEC     crash (exit 1) after SEC seconds
 *   -x         exit 3 at once
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "stun.h"

#define MAXS	64

static struct pollfd fds[MAXS];
static int kinds[MAXS];	/* SOCK_STREAM or SOCK_DGRAM */
static int nfds;

static void
add(int fd, int kind)
{
	if (nfds < MAXS) {
		fds[nfds].fd = fd;
		fds[nfds].events = POLLIN;
		kinds[nfds++] = kind;
	}
}

static int
sock(int family, int type, const struct sockaddr *sa, socklen_t len,
    int v6only)
{
	int s = socket(family, type, 0), one = 1;

	if (s == -1)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		    sizeof(v6only));
	if (bind(s, sa, len) == -1 || (type == SOCK_STREAM &&
	    listen(s, 16) == -1)) {
		fprintf(stderr, "lkstub: bind: %s\n", strerror(errno));
		exit(1);
	}
	add(s, type);
	return s;
}

static void
bind4(int type, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sock(AF_INET, type, (struct sockaddr *)&sin, sizeof(sin), 0);
}

static void
bind_dual(int type, uint16_t port)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	sock(AF_INET6, type, (struct sockaddr *)&sin6, sizeof(sin6), 0);
}

/* The UDP mux: every local address, both families, link-local left out. */
static void
bind_each_address(uint16_t port)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) == -1)
		exit(1);
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			struct sockaddr_in sin = *(struct sockaddr_in *)i->ifa_addr;

			sin.sin_port = htons(port);
			sock(AF_INET, SOCK_DGRAM, (struct sockaddr *)&sin,
			    sizeof(sin), 0);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			struct sockaddr_in6 s6 =
			    *(struct sockaddr_in6 *)i->ifa_addr;

			if (IN6_IS_ADDR_LINKLOCAL(&s6.sin6_addr))
				continue;
			s6.sin6_port = htons(port);
			sock(AF_INET6, SOCK_DGRAM, (struct sockaddr *)&s6,
			    sizeof(s6), 1);
		}
	}
	freeifaddrs(ifa);
}

static void
on_term(int sig)
{
	(void)sig;
	_exit(0);
}

/* A connection gets "pong"; a datagram its STUN answer, or itself. */
static void
serve(int i)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint8_t ans[64];
	char buf[1500];
	size_t an;
	ssize_t n;
	int c;

	if (kinds[i] == SOCK_STREAM) {
		if ((c = accept(fds[i].fd, NULL, NULL)) >= 0) {
			(void)write(c, "pong\n", 5);
			close(c);
		}
		return;
	}
	if ((n = recvfrom(fds[i].fd, buf, sizeof(buf), 0,
	    (struct sockaddr *)&ss, &sl)) <= 0)
		return;
	an = stun_answer((uint8_t *)buf, (size_t)n, &ss, ans, sizeof(ans));
	if (an > 0)
		(void)sendto(fds[i].fd, ans, an, 0, (struct sockaddr *)&ss, sl);
	else
		(void)sendto(fds[i].fd, buf, (size_t)n, 0,
		    (struct sockaddr *)&ss, sl);
}

int
main(int argc, char **argv)
{
	int ch, i, late = 0, crash = 0;
	uint16_t tcp = 7881, udp = 7882, turn_udp = 3479, turn_tls = 5350;
	time_t start = time(NULL);

	while ((ch = getopt(argc, argv, "t:u:U:T:l:c:x")) != -1) {
		switch (ch) {
		case 't': tcp = (uint16_t)atoi(optarg); break;
		case 'u': udp = (uint16_t)atoi(optarg); break;
		case 'U': turn_udp = (uint16_t)atoi(optarg); break;
		case 'T': turn_tls = (uint16_t)atoi(optarg); break;
		case 'l': late = atoi(optarg); break;
		case 'c': crash = atoi(optarg); break;
		case 'x':
			fprintf(stderr, "lkstub: exiting at once as asked\n");
			return 3;
		default:
			return 2;
		}
	}
	signal(SIGTERM, on_term);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("starting, pid %d\n", (int)getpid());
	if (late > 0) {
		struct timespec ts = { late / 1000, (late % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (tcp)
		bind_dual(SOCK_STREAM, tcp);
	if (udp)
		bind_each_address(udp);
	if (turn_udp)
		bind4(SOCK_DGRAM, turn_udp);
	if (turn_tls)
		bind4(SOCK_STREAM, turn_tls);
	printf("listening\n");
	fprintf(stderr, "a line on stderr\n");
	for (;;) {
		if (crash && time(NULL) - start >= crash) {
			fprintf(stderr, "lkstub: crashing as asked\n");
			return 1;
		}
		if (poll(fds, (nfds_t)nfds, crash ? 200 : -1) <= 0)
			continue;
		for (i = 0; i < nfds; i++)
			if (fds[i].revents & POLLIN)
				serve(i);
	}
}
