/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * admit.h: the reflector's accounting of who holds what (refl_serve.c).
 * Anyone on the internet can connect to a reflector, so what one source
 * can hold is bounded: connections per address, per IPv6 /64 (one
 * subscriber's prefix holds 2^64 addresses), in all, and one request per
 * address every so many seconds. Pure bookkeeping, no sockets, no
 * clock: the caller passes the time, units drive every limit.
 */
#ifndef PORTWARD_ADMIT_H
#define PORTWARD_ADMIT_H

#include <sys/socket.h>
#include <time.h>

#define ADM_MAX_CONNS		256	/* open at once, from everyone */
#define ADM_PER_ADDR		4	/* from one address */
#define ADM_PER_64		16	/* from one IPv6 /64 */
#define ADM_RATE_SLOTS		256	/* addresses remembered */
#define ADM_PROBING_PER_ADDR	1	/* requests probed at once, per address */
#define ADM_PROBING_PER_64	4	/* and per IPv6 /64 */

/* Why a connection was refused; ADM_OK when it was admitted. */
enum adm_verdict {
	ADM_OK,
	ADM_ADDR,
	ADM_NET,
	ADM_ALL,
};

struct adm_src {
	struct sockaddr_storage	addr;
	int			conns;	/* 0: a free slot */
};

struct adm {
	struct adm_src	src[ADM_MAX_CONNS];
	int		total;
	struct {
		struct sockaddr_storage	addr;
		time_t			at;	/* 0: a free slot */
	}		seen[ADM_RATE_SLOTS];
};

/* An empty table (or a zeroed one). */
void	adm_init(struct adm *);
/* Count a connection from addr, or say which limit refuses it. */
enum adm_verdict adm_open(struct adm *, const struct sockaddr_storage *addr);
/* The connection from addr that adm_open admitted has ended. */
void	adm_close(struct adm *, const struct sockaddr_storage *addr);
/*
 * 1 if addr may make a request at now, its last one being at least
 * window seconds ago (this one is then counted), else 0.
 */
int	adm_rate_ok(struct adm *, const struct sockaddr_storage *addr,
	    time_t now, int window);
/*
 * Whether b is a itself (net 0), or in a's IPv6 /64 (net 1; never for
 * IPv4, also seen through a dual-stack socket). For counting what a
 * source holds besides connections (refl_serve.c: requests probed).
 */
int	adm_same(const struct sockaddr_storage *a,
	    const struct sockaddr_storage *b, int net);
/* The words for a refusal, for the requester. */
const char *adm_why(enum adm_verdict);

#endif
