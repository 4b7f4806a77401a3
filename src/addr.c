/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addr.c: address parsing and a bounded connect (see addr.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"

int
addr_parse(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 1], *end;
	const char *colon;
	size_t n;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		if ((colon = strstr(s, "]:")) == NULL)
			return -1;
		n = (size_t)(colon - s - 1);
		colon++;
	} else if ((colon = strrchr(s, ':')) == NULL)
		return -1;
	else
		n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, s[0] == '[' ? s + 1 : s, n);
	host[n] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535)
		return -1;
	if (s[0] != '[' && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (s[0] == '[' && inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

const char *
addr_host(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET ?
	    (const void *)&((const struct sockaddr_in *)ss)->sin_addr :
	    (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

socklen_t
addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
}

int
addr_connect(const struct sockaddr_storage *to, int ms)
{
	return addr_connect_from(to, NULL, ms);
}

int
addr_connect_from(const struct sockaddr_storage *to,
    const struct sockaddr_storage *from, int ms)
{
	struct pollfd p;
	int s, err = 0;
	socklen_t el = sizeof(err);

	if ((s = socket(to->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (from != NULL && bind(s, (const struct sockaddr *)from,
	    addr_len(from)) == -1) {
		err = errno;
		close(s);
		errno = err;
		return -1;
	}
	if (connect(s, (const struct sockaddr *)to, addr_len(to)) == -1 &&
	    errno != EINPROGRESS) {
		close(s);
		return -1;
	}
	p.fd = s;
	p.events = POLLOUT;
	if (poll(&p, 1, ms) != 1 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err,
	    &el) == -1 || err != 0) {
		close(s);
		errno = err ? err : ETIMEDOUT;
		return -1;
	}
	(void)fcntl(s, F_SETFL, 0);
	return s;
}
