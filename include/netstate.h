/*
 * netstate.h: what this host's IPv6 looks like, read with rtnetlink
 * (libmnl): a global address, or only unique-local ones; a default route.
 */
#ifndef PORTWARD_NETSTATE_H
#define PORTWARD_NETSTATE_H

struct ns_ipv6 {
	int	global;		/* a usable global unicast address */
	int	ula;		/* a unique-local address (fc00::/7) */
	int	default_route;	/* a route to ::/0 */
};

/* 0, or -1 when rtnetlink could not be read. */
int	ns_ipv6_read(struct ns_ipv6 *out);

#endif
