/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control_ask.c: the client's side of the control socket (portwardctl),
 * apart from the daemon's server (control.c), so that the CLI does not
 * carry the server, its slots and its rate limits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"

char *
control_ask(const char *path, const char *request, int *err)
{
	struct sockaddr_un sun;
	struct timeval tv = { 10, 0 };
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	*err = 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >=
	    (int)sizeof(sun.sun_path)) {
		*err = ENAMETOOLONG;
		return NULL;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		*err = errno;
		if (fd != -1)
			close(fd);
		return NULL;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (write(fd, request, strlen(request)) != (ssize_t)strlen(request) ||
	    (buf = malloc(CTL_MAX_ANSWER + 1)) == NULL) {
		*err = errno ? errno : EIO;
		close(fd);
		return NULL;
	}
	while (len < CTL_MAX_ANSWER &&
	    (n = read(fd, buf + len, CTL_MAX_ANSWER - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	if (len == 0) {
		*err = EPIPE;
		free(buf);
		return NULL;
	}
	return buf;
}
