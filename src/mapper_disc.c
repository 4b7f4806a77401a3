/*
 * mapper_disc.c: finding the router in one burst. PCP ANNOUNCE, the
 * NAT-PMP external-address request and SSDP M-SEARCH (over IPv4 and, when
 * IPv6 pinholes are wanted, IPv6) go out at once; answers are read as
 * they come. A family is decided as soon as the first method in
 * mapping.methods' order that can serve it has answered, or, after
 * GRACE_MS, by any method that has: IPv4 forwards start on the first
 * usable answer instead of waiting out every search, and pinholes follow
 * as soon as a method that opens them is known. SSDP stops at the first
 * IGD answer; libminiupnpc only reads that device's description.
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
#include "mapper.h"
#include "ssdp.h"

#define DISC_MS		2000	/* the whole burst, at most */
#define GRACE_MS	100	/* how long a preferred method is waited for */
#define STEP_MS		25

#define M_NATPMP	CONF_METHOD_NATPMP
#define M_UPNP		CONF_METHOD_UPNP
#define M_PCP		CONF_METHOD_PCP

static int
wants(const struct map_conf *mc, uint32_t m)
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

/* M-SEARCH for IGD:1 and IGD:2 (IGDv2 routers answer either). */
static void
msearch(struct disc *d, int fam)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char buf[256];
	size_t n;
	int v;

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
	for (v = 1; v <= 2; v++)
		if ((n = ssdp_msearch(buf, sizeof(buf), v, fam)) > 0)
			(void)sendto(d->ssdp[fam], buf, n, 0,
			    (struct sockaddr *)&ss, sl);
	d->ssdp_sent[fam]++;
}

static int
ssdp_open(struct disc *d, int fam)
{
	struct sockaddr_in6 gw6;
	int s, hops = 2;

	if (fam == 1 && mapper_router6(&gw6, &d->ifindex6) == -1)
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
		if (mb_upnp_open(url, d->upnp_gw, sizeof(d->upnp_gw),
		    d->upnp_lan, sizeof(d->upnp_lan), err, sizeof(err)) == 0)
			d->st[M_UPNP][0] = DISC_OK;
		else
			fail(d, M_UPNP, 0, err);
	} else {
		if (mb_upnp_open6(url, d->upnp_lan6, sizeof(d->upnp_lan6)) == 0)
			d->st[M_UPNP][1] = DISC_OK;
		else
			fail(d, M_UPNP, 1, "UPnP: the IGD offers no IPv6 "
			    "firewall control (IGDv2 WANIPv6FirewallControl)");
	}
}

static void
ssdp_read(struct disc *d, int fam)
{
	char buf[2048];
	struct ssdp_msg m;
	ssize_t n;

	while ((n = recv(d->ssdp[fam], buf, sizeof(buf), 0)) > 0) {
		if (ssdp_parse(buf, (size_t)n, &m) == -1 || m.notify ||
		    !m.igd || m.location[0] == '\0')
			continue;
		close(d->ssdp[fam]);	/* the first IGD answer is enough */
		d->ssdp[fam] = -1;
		upnp_found(d, fam, m.location);
		return;
	}
}

void
disc_start(struct disc *d, const struct map_conf *mc, int want6)
{
	char gw[MAP_STR];
	int fam, m;

	memset(d, 0, sizeof(*d));
	d->ssdp[0] = d->ssdp[1] = d->pcp[0] = d->pcp[1] = -1;
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	mb_natpmp_close();
	mb_upnp_close();
	mb_pcp_close();
	for (m = 0; m < CONF_MAX_METHODS; m++)
		for (fam = 0; fam < 2; fam++)
			if (!wants(mc, (uint32_t)m) || (fam == 1 && !want6))
				d->st[m][fam] = DISC_NONE;
	d->st[M_NATPMP][1] = DISC_NONE;		/* IPv4 only */
	/* Everything leaves before any answer is read. */
	for (fam = 0; fam < 2; fam++)
		if (d->st[M_PCP][fam] == DISC_PENDING &&
		    (d->pcp[fam] = mb_pcp_open(fam, (int)mc->has_gateway,
		    mc->gateway)) == -1)
			fail(d, M_PCP, fam, fam ? "PCP: no IPv6 default router "
			    "or no global IPv6 address" : "PCP: no default "
			    "gateway");
	if (d->st[M_NATPMP][0] == DISC_PENDING) {
		if (mb_natpmp_open((int)mc->has_gateway, mc->gateway, gw,
		    sizeof(gw)) == -1)
			fail(d, M_NATPMP, 0, "NAT-PMP: no default gateway");
		else
			snprintf(d->natpmp_gw, sizeof(d->natpmp_gw), "%s", gw);
	}
	for (fam = 0; fam < 2; fam++) {
		int v6url = strstr(mc->igd_url, "://[") != NULL;

		if (d->st[M_UPNP][fam] != DISC_PENDING)
			continue;
		/* igd_url serves IPv4, and IPv6 too if it is an IPv6 URL. */
		if (mc->igd_url[0] != '\0' && (fam == 0 || v6url))
			continue;	/* read below, once the datagrams are out */
		if (ssdp_open(d, fam) == -1)
			fail(d, M_UPNP, fam, fam ? "UPnP: no IPv6 default "
			    "router to search on" : "UPnP: cannot search "
			    "(SSDP)");
	}
	for (fam = 0; fam < 2; fam++)
		if (d->st[M_UPNP][fam] == DISC_PENDING && d->ssdp[fam] == -1)
			upnp_found(d, fam, mc->igd_url);
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

/* One look at every socket; answers are taken in whatever order they came. */
static void
collect(struct disc *d, long el)
{
	char err[MAP_STR];
	int fam, r;

	for (fam = 0; fam < 2; fam++) {
		if (d->st[M_PCP][fam] == DISC_PENDING &&
		    (r = mb_pcp_open_done(fam, err, sizeof(err))) != 0) {
			if (r == 1)
				d->st[M_PCP][fam] = DISC_OK;
			else
				fail(d, M_PCP, fam, err);
		}
		if (d->st[M_UPNP][fam] == DISC_PENDING && d->ssdp[fam] != -1) {
			ssdp_read(d, fam);
			/* Resent once, in case the first was lost. */
			if (d->ssdp[fam] != -1 && d->ssdp_sent[fam] == 1 &&
			    el >= 500)
				msearch(d, fam);
		}
	}
	if (d->st[M_NATPMP][0] == DISC_PENDING &&
	    (r = mb_natpmp_open_done(d->natpmp_ext, sizeof(d->natpmp_ext),
	    err, sizeof(err))) != 0) {
		if (r == 1)
			d->st[M_NATPMP][0] = DISC_OK;
		else
			fail(d, M_NATPMP, 0, err);
	}
}

int
disc_pick(struct disc *d, const struct map_conf *mc, int fam)
{
	struct pollfd p[6];
	long el;
	int m, np, f, fd;

	for (;;) {
		el = loop_ms_since(&d->t0);
		collect(d, el);
		if ((m = choose(d, mc, fam, el)) != -2)
			break;
		np = 0;
		for (f = 0; f < 2; f++) {
			if (d->ssdp[f] != -1)
				p[np++] = (struct pollfd){ d->ssdp[f], POLLIN, 0 };
			if (d->pcp[f] != -1 && d->st[M_PCP][f] == DISC_PENDING)
				p[np++] = (struct pollfd){ d->pcp[f], POLLIN, 0 };
		}
		if ((fd = mb_natpmp_fd()) != -1 &&
		    d->st[M_NATPMP][0] == DISC_PENDING)
			p[np++] = (struct pollfd){ fd, POLLIN, 0 };
		(void)poll(p, (nfds_t)np, STEP_MS);
	}
	d->decided[fam] = 1;
	if (m == -1) {
		/* Searches that can no longer matter end now. */
		for (f = 0; f < CONF_MAX_METHODS; f++)
			if (d->st[f][fam] == DISC_PENDING)
				fail(d, f, fam, f == M_UPNP ? "UPnP: no IGD "
				    "answered SSDP discovery" : f == M_PCP ?
				    "PCP: no answer" : "NAT-PMP: no answer");
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
