/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_backend.h: the mapper process's inside (child side only). Its
 * loop (mapper_proc.c) and the discovery burst (mapper_disc.c) speak to
 * the router through one interface, struct map_backend; PCP
 * (mapper_pcp.c), NAT-PMP (mapper_natpmp.c) and UPnP IGD
 * (mapper_upnp.c, its SSDP discovery too) are one backend each, one file
 * each; mapper_route.c reads the default routes for them all. Nothing here is
 * for the daemon's side.
 */
#ifndef PORTWARD_MAPPER_BACKEND_H
#define PORTWARD_MAPPER_BACKEND_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "mapper_proto.h"

/* What one request to the router came to. */
struct mb_result {
	char		ext[INET6_ADDRSTRLEN];	/* external address, if said */
	uint16_t	ext_port;	/* granted */
	uint32_t	lease;		/* granted */
	int		conflict;
	int		refused;	/* the router answered no (not: no answer) */
	char		other[MAP_STR];
	char		err[MAP_STR];
};

/* What a backend keeps of one forward between calls (a pinhole's id). */
struct mb_hold {
	char		uid[16];
};

/* Where a family is served: the router, our address, the external one. */
struct mb_where {
	char		gw[MAP_STR];
	char		lan[INET6_ADDRSTRLEN];
	char		ext[INET6_ADDRSTRLEN];	/* IPv4 only, "" not known */
};

/* renew's answers */
#define MB_RENEWED	0	/* renewed in place: nothing more to do */
#define MB_REMAP	1	/* ask again with map() */
#define MB_GONE		2	/* the router lost it: map everything again */

/*
 * What the discovery burst knows of the routers (mapper_route.c, or
 * mapping.gateway), given to a backend's discovery.
 */
struct mb_burst {
	struct in_addr	gw4;		/* who may answer for IPv4 */
	int		have_gw4;
	struct sockaddr_in6 gw6;
	int		have_gw6;
	unsigned	ifindex6;
	int		decided[2];	/* fam's method is chosen: its answers
					   only inform another family */
};

/* discover's answers besides a socket and -1 */
#define MB_LATER	(-2)	/* pending, nothing sent: search() later */
#define MB_FOUND	(-3)	/* answered at once */

/*
 * One method of asking the router. fam is 0 (IPv4, a port mapping) or 1
 * (IPv6, a pinhole); a method serves the families in fams. Members that
 * are NULL are things the method does not do.
 */
struct map_backend {
	const char	*name;		/* in logs: "PCP", "NAT-PMP", "UPnP" */
	unsigned	 fams;		/* 1 << fam */
	const char	*no_answer;	/* discovery heard nothing */
	const char	*reboot_news;	/* rebooted() said 1 */
	/*
	 * Discovery, in the burst (mapper_disc.c). discover: start for fam
	 * now; g is what the burst knows of the routers. It returns the
	 * socket the answer comes on (the first datagram sent), or -1 no
	 * such router (err says why), or MB_FOUND answered at once (UPnP:
	 * mapping.igd_url), or MB_LATER pending with nothing sent yet:
	 * search() sends when the burst allows. discovered() never blocks
	 * but for a description fetch: 1 answered, 0 not yet (resent on
	 * schedule), -1 no such router (err). It is called while fam is
	 * pending, and while listening(fam) has a socket: answers then may
	 * still teach another family (UPnP: the gateway's device uuid).
	 */
	int	(*discover)(int fam, const struct map_conf *mc,
		    const struct mb_burst *g, char *err, size_t errlen);
	int	(*discovered)(int fam, const struct mb_burst *g, char *err,
		    size_t errlen);
	/*
	 * A search that waits for the burst's word (UPnP: SSDP M-SEARCH):
	 * send it for fam now, 0, or -1 (err). NULL: every first datagram
	 * leaves in discover(); listening and search_end are NULL too.
	 */
	int	(*search)(int fam, const struct mb_burst *g, char *err,
		    size_t errlen);
	/* The socket a search's answers for fam still come on, or -1. */
	int	(*listening)(int fam);
	/* The burst is over: close the searches' sockets. */
	void	(*search_end)(void);
	/* Where discovery found the IPv4 device ("" none; UPnP: its URL). */
	void	(*location)(char *out, size_t outlen);
	/* Once chosen for fam: where it is served (no request for IPv6). */
	void	(*describe)(int fam, struct mb_where *w);
	/* Not chosen for IPv4: stop listening to it (forged news). */
	void	(*unchosen)(void);
	/* Ask for f's port on fam: 0 answered (res may say conflict), -1 not. */
	int	(*map)(int fam, const struct map_fwd_conf *f, uint32_t lease,
		    struct mb_hold *h, struct mb_result *res);
	/* A granted mapping at renewal: MB_RENEWED, MB_REMAP or MB_GONE. */
	int	(*renew)(int fam, const struct map_fwd_conf *f, uint32_t lease,
		    struct mb_hold *h);
	/* Remove what map() made: 0, or -1 (not removed, or no answer). */
	int	(*unmap)(int fam, uint8_t proto, uint16_t port,
		    struct mb_hold *h);
	/*
	 * After renewals: 1 the router's epoch says it lost its mappings,
	 * 0 not, -1 no answer; the external address into ext, if said.
	 */
	int	(*rebooted)(int fam, char *ext, size_t extlen);
	/*
	 * A datagram to port 5350 (all nodes): 1 it says the router lost its
	 * mappings, 2 only the external address changed (into ext), 0 not
	 * this method's, or nothing new.
	 */
	int	(*announced)(const unsigned char *buf, size_t len,
		    const struct sockaddr *from, char *ext, size_t extlen);
	/* Delete old MAP_DESC_PREFIX mappings of ours that keep() rejects. */
	int	(*sweep)(int (*keep)(uint8_t proto, uint16_t port));
	void	(*close)(void);
};

extern const struct map_backend mb_pcp, mb_natpmp, mb_upnp;

/* The backend of method m (enum conf_method). */
const struct map_backend *mb_get(uint32_t m);
/* Methods in the order their first datagrams leave (PCP, NAT-PMP, UPnP). */
extern const uint32_t mb_order[CONF_MAX_METHODS];

/* The IPv6 default router (PCP's port) and its interface (mapper_route.c). */
int	mapper_router6(struct sockaddr_in6 *out, unsigned *ifindex);
/* The IPv4 default gateway (mapper_route.c). */
int	mapper_gateway4(struct in_addr *out);
/* Whether mapping.methods lists method m (enum conf_method). */
int	mapper_wants(const struct map_conf *mc, uint32_t m);

/*
 * The discovery burst, mapper_disc.c: every method's discover() for both
 * families at once (PCP ANNOUNCE, the NAT-PMP address request); searches
 * (SSDP M-SEARCH) once they can matter; disc_pick waits only until the
 * methods' answers decide a family.
 */
enum disc_state { DISC_PENDING, DISC_OK, DISC_NONE };

struct disc {
	int		st[CONF_MAX_METHODS][2];	/* [method][family] */
	char		err[CONF_MAX_METHODS][2][MAP_STR];
	int		fd[CONF_MAX_METHODS][2];	/* an answer's socket, -1 */
	int		due[CONF_MAX_METHODS][2];	/* a search to send */
	int		searched[CONF_MAX_METHODS][2];	/* a search was sent */
	struct timespec	t0, t6;		/* the burst; the pinholes' phase */
	struct mb_burst	g;		/* the routers; what is decided */
};

/* skip: methods (1 << m) left out for IPv4 (they refused a mapping). */
void	disc_start(struct disc *d, const struct map_conf *mc, int want6,
	    unsigned skip);
/* The method for family fam (0 IPv4, 1 IPv6), or -1 when none answered. */
int	disc_pick(struct disc *d, const struct map_conf *mc, int fam);
/* Why no method answered for fam: "PCP: ...; UPnP: ...". */
void	disc_why(const struct disc *d, int fam, char *out, size_t outlen);
void	disc_end(struct disc *d);

#endif
