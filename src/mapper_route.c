/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_route.c: the default routes from the kernel's tables, for the
 * mapper process: the IPv4 default gateway and the IPv6 default router.
 * Neutral between methods: PCP asks them, and the discovery burst
 * (mapper_disc.c) knows by them whose SSDP answer to believe.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mapper_backend.h"
#include "pcp.h"

/* The IPv4 default gateway from the kernel's table (the lowest metric). */
int
mapper_gateway4(struct in_addr *out)
{
	char line[256], dev[IF_NAMESIZE + 1];
	unsigned dst, gw, flags, metric, best = ~0u;
	FILE *f;
	int found = 0;

	if ((f = fopen("/proc/net/route", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%16s %x %x %x %*d %*d %u", dev, &dst, &gw,
		    &flags, &metric) != 5 || dst != 0 || gw == 0 ||
		    !(flags & 0x2) || metric >= best)	/* RTF_GATEWAY */
			continue;
		out->s_addr = gw;	/* the table holds network order */
		best = metric;
		found = 1;
	}
	fclose(f);
	return found ? 0 : -1;
}

/*
 * The IPv6 default router from the kernel's table (the lowest metric),
 * PCP's port in out; *ifindex its interface (SSDP over IPv6 goes there).
 */
int
mapper_router6(struct sockaddr_in6 *out, unsigned *ifindex)
{
	char dst[33], gw[33], dev[IF_NAMESIZE + 1], line[256];
	unsigned plen, metric, best = ~0u;
	FILE *f;
	int found = 0, i;

	if ((f = fopen("/proc/net/ipv6_route", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%32s %x %*s %*x %32s %x %*x %*x %*x %16s",
		    dst, &plen, gw, &metric, dev) != 5)
			continue;
		if (plen != 0 || strcmp(gw, "00000000000000000000000000000000")
		    == 0 || metric >= best || strcmp(dev, "lo") == 0)
			continue;
		memset(out, 0, sizeof(*out));
		out->sin6_family = AF_INET6;
		out->sin6_port = htons(PCP_PORT);
		for (i = 0; i < 16; i++) {
			unsigned b;

			if (sscanf(gw + 2 * i, "%2x", &b) != 1)
				break;
			out->sin6_addr.s6_addr[i] = (uint8_t)b;
		}
		if (i < 16)
			continue;
		*ifindex = if_nametoindex(dev);
		if (IN6_IS_ADDR_LINKLOCAL(&out->sin6_addr))
			out->sin6_scope_id = *ifindex;
		best = metric;
		found = 1;
	}
	fclose(f);
	return found ? 0 : -1;
}
