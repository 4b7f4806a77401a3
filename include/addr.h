/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * addr.h: socket addresses as the configuration and the probes write them
 * ("192.0.2.1:7900", "[2001:db8::1]:7900"), and a connect with a deadline.
 */
#ifndef PORTWARD_ADDR_H
#define PORTWARD_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

/* Parse "ADDR:PORT" or "[ADDR6]:PORT" (port 1-65535); 0 or -1. */
int	addr_parse(const char *s, struct sockaddr_storage *ss);
/* The host part of ss as text (INET6_ADDRSTRLEN fits); buf. */
const char *addr_host(const struct sockaddr_storage *ss, char *buf,
	    size_t len);
/* The length of ss for its family. */
socklen_t addr_len(const struct sockaddr_storage *ss);
/*
 * A TCP connection to `to` within ms milliseconds: the connected socket
 * (blocking again), or -1 with errno set (ETIMEDOUT on the deadline).
 */
int	addr_connect(const struct sockaddr_storage *to, int ms);
/* The same from a given local address (port 0), when from is not NULL. */
int	addr_connect_from(const struct sockaddr_storage *to,
	    const struct sockaddr_storage *from, int ms);

#endif
