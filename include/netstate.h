/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * netstate.h: what this host's IPv6 looks like, read with rtnetlink
 * (libmnl): a global address, or only unique-local ones; a default route.
 */
#ifndef PORTWARD_NETSTATE_H
#define PORTWARD_NETSTATE_H

#include <netinet/in.h>
#include <stddef.h>

#define NS_MAX_ADDRS	16

struct ns_ipv6 {
	int		global;		/* a usable global unicast address */
	int		ula;		/* a unique-local address (fc00::/7) */
	int		default_route;	/* a route to ::/0 */
	size_t		naddrs;		/* the global ones */
	struct in6_addr	addrs[NS_MAX_ADDRS];
};

/* 0, or -1 when rtnetlink could not be read. */
int	ns_ipv6_read(struct ns_ipv6 *out);
/*
 * A socket subscribed to address changes (both families); its descriptor
 * becomes readable on each. ns_addr_event() drains it and returns 1 when
 * a global address appeared.
 */
int	ns_addr_watch(void);
int	ns_addr_event(int fd);

#endif
