/* SPDX-License-Identifier: GPL-2.0-or-later */
/* admit.c: who holds how much of the reflector (admit.h). */
#include <netinet/in.h>
#include <string.h>

#include "admit.h"

#define STR(x)	#x
#define XSTR(x)	STR(x)

/*
 * An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d:
 * it is that IPv4 address, and all of IPv4 is not one /64.
 */
static int
is_v6(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED(
	    &((const struct sockaddr_in6 *)a)->sin6_addr);
}

/* Bytes of the address compared: all of it, or the /64 (plen 8). */
static int
same(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
    size_t plen)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr, plen) == 0;
}

void
adm_init(struct adm *r)
{
	memset(r, 0, sizeof(*r));
}

enum adm_verdict
adm_open(struct adm *r, const struct sockaddr_storage *addr)
{
	struct adm_src *slot = NULL, *free_slot = NULL;
	int in64 = 0;
	size_t i;

	if (r->total >= ADM_MAX_CONNS)
		return ADM_ALL;
	for (i = 0; i < ADM_MAX_CONNS; i++) {
		struct adm_src *s = &r->src[i];

		if (s->conns == 0) {
			if (free_slot == NULL)
				free_slot = s;
			continue;
		}
		if (same(&s->addr, addr, 16))
			slot = s;
		if (is_v6(addr) && same(&s->addr, addr, 8))
			in64 += s->conns;
	}
	if (slot != NULL && slot->conns >= ADM_PER_ADDR)
		return ADM_ADDR;
	if (is_v6(addr) && in64 >= ADM_PER_64)
		return ADM_NET;
	if (slot == NULL) {
		/* total < ADM_MAX_CONNS: a slot is free. */
		slot = free_slot;
		slot->addr = *addr;
	}
	slot->conns++;
	r->total++;
	return ADM_OK;
}

void
adm_close(struct adm *r, const struct sockaddr_storage *addr)
{
	size_t i;

	for (i = 0; i < ADM_MAX_CONNS; i++)
		if (r->src[i].conns > 0 && same(&r->src[i].addr, addr, 16)) {
			r->src[i].conns--;
			r->total--;
			return;
		}
}

int
adm_rate_ok(struct adm *r, const struct sockaddr_storage *addr, time_t now,
    int window)
{
	size_t i, oldest = 0;

	for (i = 0; i < ADM_RATE_SLOTS; i++) {
		if (r->seen[i].at != 0 && same(&r->seen[i].addr, addr, 16)) {
			if (now - r->seen[i].at < window)
				return 0;
			r->seen[i].at = now;
			return 1;
		}
		if (r->seen[i].at < r->seen[oldest].at)
			oldest = i;
	}
	/*
	 * The oldest forgotten: at worst that address gets one request
	 * early, which costs no more than a new address's first.
	 */
	r->seen[oldest].addr = *addr;
	r->seen[oldest].at = now;
	return 1;
}

int
adm_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
    int net)
{
	if (net)
		return is_v6(a) && is_v6(b) && same(a, b, 8);
	return same(a, b, 16);
}

const char *
adm_why(enum adm_verdict v)
{
	switch (v) {
	case ADM_ADDR:
		return "busy: at most " XSTR(ADM_PER_ADDR) " connections at once "
		    "from one address";
	case ADM_NET:
		return "busy: at most " XSTR(ADM_PER_64) " connections at once "
		    "from one IPv6 /64";
	case ADM_ALL:
		return "busy: too many connections at once, try again later";
	default:
		return "ok";
	}
}
