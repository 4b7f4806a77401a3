/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * listeners.h: which sockets listen on this host, and on which family,
 * read from the kernel with NETLINK_SOCK_DIAG (libmnl). An IPv6 wildcard
 * socket without IPV6_V6ONLY serves IPv4 too; one bound to a single
 * address serves that address's family only.
 */
#ifndef PORTWARD_LISTENERS_H
#define PORTWARD_LISTENERS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct lsn {
	uint8_t		proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t		family;		/* AF_INET or AF_INET6 */
	uint8_t		v6only;
	uint16_t	port;
	uint32_t	inode;
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	}		addr;
};

/* TCP sockets in LISTEN and unconnected UDP sockets, both families. */
int	lsn_dump(struct lsn **out, size_t *n);
/* FAM_* bits served on proto and a port in [port, port_end]. */
unsigned lsn_families(const struct lsn *l, size_t n, uint8_t proto,
	    uint16_t port, uint16_t port_end);
/* The first socket on proto and a port in the range, or NULL. */
const struct lsn *lsn_find(const struct lsn *l, size_t n, uint8_t proto,
	    uint16_t port, uint16_t port_end);
/* Whether a socket on proto/port receives for IPv6 address a. */
int	lsn_serves_addr6(const struct lsn *l, size_t n, uint8_t proto,
	    uint16_t port, const struct in6_addr *a);
/*
 * Keep only the sockets that process pid holds (its /proc/PID/fd); the
 * new count. -1 when that cannot be read (the list is left alone).
 */
ssize_t	lsn_only_pid(struct lsn *l, size_t n, pid_t pid);
/* The process holding socket inode (scans /proc), name into comm; -1 if none. */
pid_t	lsn_owner(uint32_t inode, char *comm, size_t commlen);

#endif
