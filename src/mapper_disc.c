/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_disc.c: finding the router in one burst. The PCP ANNOUNCE (IPv4
 * and IPv6) and the NAT-PMP external-address request go out at once;
 * answers are read as they come. A family is decided as soon as the
 * first method in mapping.methods' order that can serve it has answered,
 * or, after GRACE_MS, by any method that has: IPv4 forwards start on the
 * first usable answer instead of waiting out every search, and pinholes
 * follow as soon as a method that opens them is known.
 *
 * A search that waits for the burst's word (a backend's search(): UPnP's
 * SSDP M-SEARCH, mapper_upnp.c) joins when it can matter: for IPv4 at
 * once if no method that sends at once (PCP, NAT-PMP) is asked, or all
 * failed, else after GRACE_MS; for pinholes once IPv4 is decided, with
 * the IPv4 search sent first if it never was (it names the gateway's
 * device). A router busy answering M-SEARCH (its answers are delayed on
 * purpose) answers PCP and NAT-PMP late: measured on miniupnpd 2.3.1,
 * four PCP MAPs take 140 ms after two M-SEARCHes instead of 58 ms. Whose
 * answer is believed is each backend's own rule.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "loop.h"
#include "mapper_backend.h"

#define DISC_MS		2000	/* the whole burst, at most */
#define GRACE_MS	100	/* how long a preferred method is waited for */
#define GRACE6_MS	250	/* for pinholes: SSDP answers come later */
#define STEP_MS		25

/* The backends by enum conf_method. */
static const struct map_backend *const backends[CONF_MAX_METHODS] = {
	[CONF_METHOD_NATPMP] = &mb_natpmp,
	[CONF_METHOD_UPNP] = &mb_upnp,
	[CONF_METHOD_PCP] = &mb_pcp,
};

/* The datagram methods first: UPnP's description fetch may block. */
const uint32_t mb_order[CONF_MAX_METHODS] = {
	CONF_METHOD_PCP, CONF_METHOD_NATPMP, CONF_METHOD_UPNP
};

const struct map_backend *
mb_get(uint32_t m)
{
	return backends[m < CONF_MAX_METHODS ? m : CONF_METHOD_UPNP];
}

int
mapper_wants(const struct map_conf *mc, uint32_t m)
{
	uint32_t i;

	for (i = 0; i < mc->nmethods; i++)
		if (mc->methods[i] == m)
			return 1;
	return 0;
}

static void
fail(struct disc *d, int m, int fam, const char *why)
{
	d->st[m][fam] = DISC_NONE;
	snprintf(d->err[m][fam], sizeof(d->err[m][fam]), "%s", why);
}

/* Whom to believe, and what is not asked (the configuration, skip). */
static void
disc_init(struct disc *d, const struct map_conf *mc, int want6,
    unsigned skip)
{
	int fam, m;

	memset(d, 0, sizeof(*d));
	for (m = 0; m < CONF_MAX_METHODS; m++)
		d->fd[m][0] = d->fd[m][1] = -1;
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	for (m = 0; m < CONF_MAX_METHODS; m++)
		mb_get((uint32_t)m)->close();
	if (mc->has_gateway) {
		d->g.gw4 = mc->gateway;
		d->g.have_gw4 = 1;
	} else
		d->g.have_gw4 = mapper_gateway4(&d->g.gw4) == 0;
	d->g.have_gw6 = mapper_router6(&d->g.gw6, &d->g.ifindex6) == 0;
	for (m = 0; m < CONF_MAX_METHODS; m++)
		for (fam = 0; fam < 2; fam++)
			if (!mapper_wants(mc, (uint32_t)m) || (fam == 1 && !want6) ||
			    !(mb_get((uint32_t)m)->fams & (1u << fam)))
				d->st[m][fam] = DISC_NONE;
	for (m = 0; m < CONF_MAX_METHODS; m++)
		if ((skip & (1u << m)) && d->st[m][0] == DISC_PENDING) {
			char why[MAP_STR];

			snprintf(why, sizeof(why), "%s: refused a mapping lately",
			    mb_get((uint32_t)m)->name);
			fail(d, m, 0, why);
		}
}

void
disc_start(struct disc *d, const struct map_conf *mc, int want6,
    unsigned skip)
{
	char err[MAP_STR];
	uint32_t m;
	int fam, i, r;

	disc_init(d, mc, want6, skip);
	/* Every first datagram leaves now, before anything may block. */
	for (i = 0; i < CONF_MAX_METHODS; i++) {
		m = mb_order[i];
		for (fam = 0; fam < 2; fam++) {
			if (d->st[m][fam] != DISC_PENDING)
				continue;
			r = mb_get(m)->discover(fam, mc, &d->g, err, sizeof(err));
			if (r == MB_FOUND)
				d->st[m][fam] = DISC_OK;
			else if (r == MB_LATER)
				d->due[m][fam] = 1;
			else if (r == -1)
				fail(d, (int)m, fam, err);
			else
				d->fd[m][fam] = r;
		}
	}
}

/* Method m's search for fam now: 0 sent, -1 not (fam fails if told). */
static int
search(struct disc *d, int m, int fam, int fails)
{
	char err[MAP_STR];

	d->due[m][fam] = 0;
	if (mb_get((uint32_t)m)->search(fam, &d->g, err, sizeof(err)) == -1) {
		if (fails)
			fail(d, m, fam, err);
		return -1;
	}
	d->searched[m][fam] = 1;
	return 0;
}

/* Send the searches once they can matter (see the top). */
static void
searches(struct disc *d, long el)
{
	int others_done = 1, m;

	for (m = 0; m < CONF_MAX_METHODS; m++)
		if (mb_get((uint32_t)m)->search == NULL &&
		    d->st[m][0] != DISC_NONE)
			others_done = 0;
	for (m = 0; m < CONF_MAX_METHODS; m++) {
		if (mb_get((uint32_t)m)->search == NULL)
			continue;
		if (d->due[m][0] && (el >= GRACE_MS || others_done ||
		    (d->g.decided[0] && d->due[m][1])))
			(void)search(d, m, 0, 1);
		/* The gateway's identity for the pinholes' search (igd_url). */
		if (d->due[m][1] && d->g.decided[0] && !d->searched[m][0] &&
		    d->g.have_gw4)
			(void)search(d, m, 0, 0);
		/* The pinholes' phase; the IPv4 search above names the gateway. */
		if (d->due[m][1] && d->g.decided[0])
			(void)search(d, m, 1, 1);
	}
}

/*
 * Decided: a method, -1 none can; -2 wait. Pinholes prefer UPnP IGDv2
 * to PCP whatever the order: a PCP pinhole is for routers without IGDv2
 * (miniupnpd 2.3.1, for one, refuses to delete a PCP pinhole once it
 * was renewed; an IGDv2 pinhole is deleted by its id).
 */
static int
choose(const struct disc *d, const struct map_conf *mc, int fam, long el)
{
	uint32_t i, order[CONF_MAX_METHODS], n = 0;
	int pending = 0, st;

	if (fam == 1)
		for (i = 0; i < mc->nmethods; i++)
			if (mc->methods[i] == CONF_METHOD_UPNP)
				order[n++] = CONF_METHOD_UPNP;
	for (i = 0; i < mc->nmethods; i++)
		if (fam == 0 || mc->methods[i] != CONF_METHOD_UPNP)
			order[n++] = mc->methods[i];
	for (i = 0; i < n; i++) {
		st = d->st[order[i]][fam];
		if (st == DISC_OK)
			return (int)order[i];
		if (st == DISC_PENDING) {
			if (el < GRACE_MS)
				return -2;	/* a preferred one may answer */
			pending = 1;
		}
	}
	return pending && el < DISC_MS ? -2 : -1;
}

/* Method m's answers for fam: pending, or still heard for another. */
static void
read_answers(struct disc *d, int m, int fam)
{
	const struct map_backend *b = mb_get((uint32_t)m);
	char err[MAP_STR];
	int r;

	if (d->st[m][fam] != DISC_PENDING && (b->listening == NULL ||
	    b->listening(fam) == -1))
		return;
	err[0] = '\0';
	r = b->discovered(fam, &d->g, err, sizeof(err));
	if (r == 0 || d->st[m][fam] != DISC_PENDING)
		return;
	if (r == 1)
		d->st[m][fam] = DISC_OK;
	else
		fail(d, m, fam, err);
}

/*
 * One look at every socket; answers are taken in whatever order they
 * came. Searches first (SSDP): an IGD's description is fetched there,
 * and answers that come meanwhile are read after it, in the same look.
 */
static void
collect(struct disc *d, long el)
{
	int fam, i, pass;
	uint32_t m;

	searches(d, el);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < CONF_MAX_METHODS; i++) {
			m = mb_order[i];
			if ((mb_get(m)->search != NULL) != (pass == 0))
				continue;
			for (fam = 0; fam < 2; fam++)
				read_answers(d, (int)m, fam);
		}
}

/* The sockets that answers may still come on. */
static int
pollset(const struct disc *d, struct pollfd *p)
{
	const struct map_backend *b;
	int f, m, np = 0;

	for (f = 0; f < 2; f++)
		for (m = 0; m < CONF_MAX_METHODS; m++) {
			b = mb_get((uint32_t)m);
			if (b->listening != NULL && b->listening(f) != -1)
				p[np++] = (struct pollfd){ b->listening(f),
				    POLLIN, 0 };
			if (d->fd[m][f] != -1 && d->st[m][f] == DISC_PENDING)
				p[np++] = (struct pollfd){ d->fd[m][f], POLLIN,
				    0 };
		}
	return np;
}

int
disc_pick(struct disc *d, const struct map_conf *mc, int fam)
{
	struct pollfd p[4 * CONF_MAX_METHODS];	/* a search, a socket */
	long el;
	int m, f;

	if (fam == 1)
		clock_gettime(CLOCK_MONOTONIC, &d->t6);
	for (;;) {
		el = loop_ms_since(&d->t0);
		collect(d, el);
		/* Pinholes get their own grace, from their phase's start. */
		if ((m = choose(d, mc, fam, fam == 0 ? el : GRACE_MS *
		    loop_ms_since(&d->t6) / GRACE6_MS)) != -2)
			break;
		(void)poll(p, (nfds_t)pollset(d, p), STEP_MS);
	}
	d->g.decided[fam] = 1;
	if (m == -1) {
		/* Searches that can no longer matter end now. */
		for (f = 0; f < CONF_MAX_METHODS; f++)
			if (d->st[f][fam] == DISC_PENDING)
				fail(d, f, fam, mb_get((uint32_t)f)->no_answer);
	}
	return m;
}

void
disc_why(const struct disc *d, int fam, char *out, size_t outlen)
{
	size_t o = 0;
	int m;

	out[0] = '\0';
	for (m = 0; m < CONF_MAX_METHODS && o + 1 < outlen; m++) {
		if (d->st[m][fam] != DISC_NONE || d->err[m][fam][0] == '\0')
			continue;
		o += (size_t)snprintf(out + o, outlen - o, "%s%s",
		    o ? "; " : "", d->err[m][fam]);
	}
}

void
disc_end(struct disc *d)
{
	int m;

	(void)d;
	for (m = 0; m < CONF_MAX_METHODS; m++)
		if (mb_get((uint32_t)m)->search_end != NULL)
			mb_get((uint32_t)m)->search_end();
}
