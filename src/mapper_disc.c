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
 * SSDP joins the burst when it can matter: for IPv4 at once if neither
 * PCP nor NAT-PMP is asked (or both failed), else after GRACE_MS; for
 * pinholes once IPv4 is decided. A router busy answering M-SEARCH (its
 * answers are delayed on purpose) answers PCP and NAT-PMP late: measured
 * on miniupnpd 2.3.1, four PCP MAPs take 140 ms after two M-SEARCHes
 * instead of 58 ms. Only the IPv4 gateway's own answer is taken, with a
 * location on that address (any LAN host can answer a multicast search);
 * an IPv6 answer must come from the IPv6 default router or name the same
 * device (USN uuid) as the gateway's. libminiupnpc only reads that
 * device's description.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop.h"
#include "mapper_backend.h"
#include "ssdp.h"

#define DISC_MS		2000	/* the whole burst, at most */
#define GRACE_MS	100	/* how long a preferred method is waited for */
#define GRACE6_MS	250	/* for pinholes: SSDP answers come later */
#define STEP_MS		25

#define M_UPNP		CONF_METHOD_UPNP	/* found by the burst's SSDP */

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

/* M-SEARCH for an IGD (IGDv2 devices answer the IGD:1 search too). */
static void
msearch(struct disc *d, int fam)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char buf[256];
	size_t n;

	memset(&ss, 0, sizeof(ss));
	if (fam == 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(SSDP_PORT);
		inet_pton(AF_INET, SSDP_GROUP4, &sin->sin_addr);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(SSDP_PORT);
		inet_pton(AF_INET6, SSDP_GROUP6, &sin6->sin6_addr);
		sin6->sin6_scope_id = d->ifindex6;
		sl = sizeof(*sin6);
	}
	if ((n = ssdp_msearch(buf, sizeof(buf), 1, fam)) > 0)
		(void)sendto(d->ssdp[fam], buf, n, 0, (struct sockaddr *)&ss, sl);
	d->ssdp_sent[fam]++;
	clock_gettime(CLOCK_MONOTONIC, &d->ssdp_t[fam]);
}

static int
ssdp_open(struct disc *d, int fam)
{
	int s, hops = 2;

	d->ssdp_due[fam] = 0;
	if (fam == 1 && !d->have_gw6)
		return -1;
	if ((s = socket(fam ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		return -1;
	if (fam == 1)
		(void)setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_IF,
		    &d->ifindex6, sizeof(d->ifindex6));
	else
		(void)setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &hops,
		    sizeof(hops));
	d->ssdp[fam] = s;
	msearch(d, fam);
	return 0;
}

/* An IGD's description: the family is served by UPnP or not. */
static void
upnp_found(struct disc *d, int fam, const char *url)
{
	char err[MAP_STR];

	if (fam == 0) {
		if (mb_upnp_open(url, d->upnp_gw, sizeof(d->upnp_gw), err,
		    sizeof(err)) == 0)
			d->st[M_UPNP][0] = DISC_OK;
		else
			fail(d, M_UPNP, 0, err);
	} else {
		if (mb_upnp_open6(url) == 0)
			d->st[M_UPNP][1] = DISC_OK;
		else
			fail(d, M_UPNP, 1, "UPnP: the IGD offers no IPv6 "
			    "firewall control (IGDv2 WANIPv6FirewallControl)");
	}
}

/* The IPv4 answer: from the gateway, about a device at the gateway. */
static int
from_gateway4(const struct disc *d, const struct sockaddr_in *from,
    const struct ssdp_msg *m)
{
	char host[INET6_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

	if (!d->have_gw4 || from->sin_family != AF_INET ||
	    from->sin_addr.s_addr != d->gw4.s_addr ||
	    ssdp_location_host(m->location, host, sizeof(host)) == -1)
		return 0;
	inet_ntop(AF_INET, &d->gw4, gw, sizeof(gw));
	return strcmp(host, gw) == 0;
}

/* An IPv6 answer waiting for the gateway's identity is judged now. */
static void
judge_cand6(struct disc *d)
{
	if (d->cand6[0] == '\0' || d->uuid4[0] == '\0' ||
	    d->st[M_UPNP][1] != DISC_PENDING)
		return;
	if (strcmp(d->cand6_uuid, d->uuid4) == 0) {
		if (d->ssdp[1] != -1) {
			close(d->ssdp[1]);
			d->ssdp[1] = -1;
		}
		upnp_found(d, 1, d->cand6);
	}
	d->cand6[0] = '\0';
}

static void
ssdp_read(struct disc *d, int fam)
{
	char buf[2048];
	struct sockaddr_storage from;
	socklen_t sl = sizeof(from);
	struct ssdp_msg m;
	ssize_t n;

	while (d->ssdp[fam] != -1 && (n = recvfrom(d->ssdp[fam], buf,
	    sizeof(buf), 0, (struct sockaddr *)&from, &sl)) > 0) {
		sl = sizeof(from);
		if (ssdp_parse(buf, (size_t)n, &m) == -1 || m.notify ||
		    !m.igd || m.location[0] == '\0')
			continue;
		if (fam == 0) {
			if (!from_gateway4(d, (struct sockaddr_in *)&from, &m))
				continue;	/* not the gateway: ignored */
			snprintf(d->uuid4, sizeof(d->uuid4), "%s", m.uuid);
			close(d->ssdp[0]);	/* the gateway's answer is enough */
			d->ssdp[0] = -1;
			if (d->st[M_UPNP][0] == DISC_PENDING && !d->decided[0])
				upnp_found(d, 0, m.location);
			judge_cand6(d);
			return;
		}
		if (d->have_gw6 && memcmp(&((struct sockaddr_in6 *)&from)->
		    sin6_addr, &d->gw6.sin6_addr, 16) == 0) {
			close(d->ssdp[1]);
			d->ssdp[1] = -1;
			upnp_found(d, 1, m.location);
			return;
		}
		/* The router's other address? Only if the same device. */
		if (m.uuid[0] != '\0' && d->cand6[0] == '\0') {
			snprintf(d->cand6, sizeof(d->cand6), "%s", m.location);
			snprintf(d->cand6_uuid, sizeof(d->cand6_uuid), "%s",
			    m.uuid);
			judge_cand6(d);
		}
	}
}

/* Whom to believe, and what is not asked (the configuration, skip). */
static void
disc_init(struct disc *d, const struct map_conf *mc, int want6,
    unsigned skip)
{
	int fam, m;

	memset(d, 0, sizeof(*d));
	d->ssdp[0] = d->ssdp[1] = -1;
	for (m = 0; m < CONF_MAX_METHODS; m++)
		d->fd[m][0] = d->fd[m][1] = -1;
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	for (m = 0; m < CONF_MAX_METHODS; m++)
		mb_get((uint32_t)m)->close();
	if (mc->has_gateway) {
		d->gw4 = mc->gateway;
		d->have_gw4 = 1;
	} else
		d->have_gw4 = mapper_gateway4(&d->gw4) == 0;
	d->have_gw6 = mapper_router6(&d->gw6, &d->ifindex6) == 0;
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

/* UPnP: igd_url serves IPv4, and IPv6 too if it is an IPv6 URL; else SSDP. */
static void
upnp_start(struct disc *d, const struct map_conf *mc)
{
	int v6url = strstr(mc->igd_url, "://[") != NULL;

	if (d->st[M_UPNP][0] == DISC_PENDING && mc->igd_url[0] != '\0')
		upnp_found(d, 0, mc->igd_url);
	else if (d->st[M_UPNP][0] == DISC_PENDING) {
		if (d->have_gw4)
			d->ssdp_due[0] = 1;
		else
			fail(d, M_UPNP, 0, "UPnP: no default gateway");
	}
	if (d->st[M_UPNP][1] == DISC_PENDING && v6url)
		upnp_found(d, 1, mc->igd_url);
	else if (d->st[M_UPNP][1] == DISC_PENDING) {
		if (d->have_gw6)
			d->ssdp_due[1] = 1;
		else
			fail(d, M_UPNP, 1, "UPnP: no IPv6 default router to "
			    "search on");
	}
}

void
disc_start(struct disc *d, const struct map_conf *mc, int want6,
    unsigned skip)
{
	const struct map_backend *b;
	char err[MAP_STR];
	int fam, i;

	disc_init(d, mc, want6, skip);
	/* Every first datagram leaves now, before anything may block. */
	for (i = 0; i < CONF_MAX_METHODS; i++) {
		b = mb_get(mb_order[i]);
		for (fam = 0; b->discover != NULL && fam < 2; fam++)
			if (d->st[mb_order[i]][fam] == DISC_PENDING &&
			    (d->fd[mb_order[i]][fam] = b->discover(fam, mc, err,
			    sizeof(err))) == -1)
				fail(d, (int)mb_order[i], fam, err);
	}
	upnp_start(d, mc);
}

/* Send the SSDP searches once they can matter (see the top). */
static void
searches(struct disc *d, long el)
{
	int others_done = 1, m;

	for (m = 0; m < CONF_MAX_METHODS; m++)
		if (m != M_UPNP && d->st[m][0] != DISC_NONE)
			others_done = 0;

	if (d->ssdp_due[0] && (el >= GRACE_MS || others_done ||
	    (d->decided[0] && d->ssdp_due[1])) && ssdp_open(d, 0) == -1)
		fail(d, M_UPNP, 0, "UPnP: cannot search (SSDP)");
	/* The gateway's identity for the pinholes' search (igd_url given). */
	if (d->ssdp_due[1] && d->decided[0] && d->uuid4[0] == '\0' &&
	    d->ssdp[0] == -1 && d->ssdp_sent[0] == 0 && d->have_gw4)
		(void)ssdp_open(d, 0);
	/* The pinholes' phase; the IPv4 search above names the gateway. */
	if (d->ssdp_due[1] && d->decided[0] && ssdp_open(d, 1) == -1)
		fail(d, M_UPNP, 1, "UPnP: cannot search (SSDP)");
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

/*
 * One look at every socket; answers are taken in whatever order they
 * came. SSDP first: an IGD's description is fetched there, and answers
 * that come meanwhile are read after it, in the same look.
 */
static void
collect(struct disc *d, long el)
{
	const struct map_backend *b;
	char err[MAP_STR];
	int fam, i, m, r;

	searches(d, el);
	for (fam = 0; fam < 2; fam++) {
		if (d->ssdp[fam] == -1)
			continue;
		ssdp_read(d, fam);
		/* Resent once, in case the first was lost. */
		if (d->ssdp[fam] != -1 && d->ssdp_sent[fam] == 1 &&
		    loop_ms_since(&d->ssdp_t[fam]) >= 500)
			msearch(d, fam);
	}
	for (i = 0; i < CONF_MAX_METHODS; i++) {
		m = (int)mb_order[i];
		b = mb_get((uint32_t)m);
		for (fam = 0; b->discovered != NULL && fam < 2; fam++) {
			err[0] = '\0';
			if (d->st[m][fam] != DISC_PENDING ||
			    (r = b->discovered(fam, err, sizeof(err))) == 0)
				continue;
			if (r == 1)
				d->st[m][fam] = DISC_OK;
			else
				fail(d, m, fam, err);
		}
	}
}

/* The sockets that answers may still come on. */
static int
pollset(const struct disc *d, struct pollfd *p)
{
	int f, m, np = 0;

	for (f = 0; f < 2; f++) {
		if (d->ssdp[f] != -1)
			p[np++] = (struct pollfd){ d->ssdp[f], POLLIN, 0 };
		for (m = 0; m < CONF_MAX_METHODS; m++)
			if (d->fd[m][f] != -1 && d->st[m][f] == DISC_PENDING)
				p[np++] = (struct pollfd){ d->fd[m][f], POLLIN,
				    0 };
	}
	return np;
}

int
disc_pick(struct disc *d, const struct map_conf *mc, int fam)
{
	struct pollfd p[2 + 2 * CONF_MAX_METHODS];
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
	d->decided[fam] = 1;
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
	int fam;

	for (fam = 0; fam < 2; fam++)
		if (d->ssdp[fam] != -1) {
			close(d->ssdp[fam]);
			d->ssdp[fam] = -1;
		}
}
