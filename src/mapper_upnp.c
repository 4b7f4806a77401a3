/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_upnp.c: UPnP IGD with libminiupnpc, in the mapper process:
 * WANIPConnection port mappings for IPv4 and, for IPv6, the IGDv2
 * WANIPv6FirewallControl pinholes. A pinhole must be asked for over IPv6
 * from the address it opens (the router checks), so the IPv6 side has its
 * own IGD session, found by SSDP over IPv6 unless igd_url is an IPv6 URL.
 * All of it is the backend mb_upnp (mapper_backend.h), discovery too: our
 * own M-SEARCH (ssdp.c), sent when the burst (mapper_disc.c) says it can
 * matter, and whose answers are believed.
 *
 * Only the IPv4 gateway's own answer is taken, with a location on that
 * address (any LAN host can answer a multicast search); an IPv6 answer
 * must come from the IPv6 default router or name the same device (USN
 * uuid) as the gateway's. libminiupnpc only reads that device's
 * description.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>

#include "loop.h"
#include "mapper_backend.h"
#include "ssdp.h"
#include "untrusted.h"

struct igd {
	int			open;
	struct UPNPUrls		urls;
	struct IGDdatas		data;
	char			lan[INET6_ADDRSTRLEN];
};

#define FETCH_SECONDS	3
#define RESEND_MS	500	/* the M-SEARCH again, once, if unanswered */

static struct igd v4, v6;
static char v4_gw[MAP_STR];	/* its description's URL, escaped */

/* The SSDP search of one burst, both families. */
static struct {
	int		fd[2];		/* -1 closed */
	unsigned	sent[2];
	struct timespec	t[2];
	int		pending[2];	/* discover() said MB_LATER, not told */
	int		res[2];		/* what discovered() tells: 1, -1, 0 */
	char		err[2][MAP_STR];
	char		uuid4[64];	/* the IPv4 gateway's IGD */
	char		cand6[256];	/* an IPv6 answer waiting for uuid4 */
	char		cand6_uuid[64];
} ss = { .fd = { -1, -1 } };

static const char *
proto_str(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "TCP" : "UDP";
}

static void
igd_close(struct igd *g)
{
	if (g->open)
		FreeUPNPUrls(&g->urls);
	memset(g, 0, sizeof(*g));
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/*
 * The IGD whose description is at url (found by SSDP or configured). libminiupnpc's timeouts restart with every byte, so a
 * server that trickles would hold the mapper (and its STOP) for ever: an
 * alarm without SA_RESTART ends the fetch after FETCH_SECONDS in all.
 */
static int
igd_find(struct igd *g, const char *url)
{
	struct sigaction sa, old;
	struct itimerval it, off;
	int r;

	igd_close(g);
	if (url == NULL || url[0] == '\0')
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: calls fail, EINTR */
	sigemptyset(&sa.sa_mask);
	memset(&it, 0, sizeof(it));
	memset(&off, 0, sizeof(off));
	it.it_value.tv_sec = FETCH_SECONDS;
	it.it_interval.tv_sec = 1;	/* again, should one EINTR be retried */
	(void)sigaction(SIGALRM, &sa, &old);
	(void)setitimer(ITIMER_REAL, &it, NULL);
	r = UPNP_GetIGDFromUrl(url, &g->urls, &g->data, g->lan,
	    sizeof(g->lan));
	(void)setitimer(ITIMER_REAL, &off, NULL);
	(void)sigaction(SIGALRM, &old, NULL);
	if (r != 1) {
		igd_close(g);
		return -1;
	}
	g->open = 1;
	return 0;
}

/* 0, v4_gw the description's URL (escaped); -1 with err. */
static int
upnp_open(const char *url, char *err, size_t errlen)
{
	char u[96];

	/* The URL came in an SSDP answer any LAN host can send. */
	if (igd_find(&v4, url) == -1) {
		(void)ut_clean(u, sizeof(u), url, UT_MAX_IN);
		snprintf(err, errlen, "UPnP: no IGD description at %s", u);
		return -1;
	}
	(void)ut_clean(v4_gw, sizeof(v4_gw), v4.urls.rootdescURL, UT_MAX_IN);
	return 0;
}

/* 0 when the device at url has IPv6 firewall control. */
static int
upnp_open6(const char *url)
{
	if (igd_find(&v6, url) == -1)
		return -1;
	if (v6.urls.controlURL_6FC == NULL || v6.urls.controlURL_6FC[0] == '\0' ||
	    v6.data.IPv6FC.servicetype[0] == '\0' ||
	    strchr(v6.lan, ':') == NULL) {
		igd_close(&v6);
		return -1;
	}
	return 0;
}

/* An IGD's description: fam is served by UPnP (0) or not (-1, err). */
static int
upnp_found(int fam, const char *url, char *err, size_t errlen)
{
	if (fam == 0)
		return upnp_open(url, err, errlen);
	if (upnp_open6(url) == 0)
		return 0;
	snprintf(err, errlen, "UPnP: the IGD offers no IPv6 firewall control "
	    "(IGDv2 WANIPv6FirewallControl)");
	return -1;
}

/* What an SSDP answer found, kept until discovered() tells the burst. */
static void
search_found(int fam, const char *url)
{
	ss.res[fam] = upnp_found(fam, url, ss.err[fam], sizeof(ss.err[fam]))
	    == 0 ? 1 : -1;
}

/* An answer for fam may still decide it. */
static int
search_open(int fam, const struct mb_burst *g)
{
	return ss.pending[fam] && ss.res[fam] == 0 && !g->decided[fam];
}

static void
search_close(int fam)
{
	if (ss.fd[fam] != -1) {
		close(ss.fd[fam]);
		ss.fd[fam] = -1;
	}
}

/* M-SEARCH for an IGD (IGDv2 devices answer the IGD:1 search too). */
static void
msearch(int fam, const struct mb_burst *g)
{
	struct sockaddr_storage sto;
	socklen_t sl;
	char buf[256];
	size_t n;

	memset(&sto, 0, sizeof(sto));
	if (fam == 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&sto;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(SSDP_PORT);
		inet_pton(AF_INET, SSDP_GROUP4, &sin->sin_addr);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&sto;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(SSDP_PORT);
		inet_pton(AF_INET6, SSDP_GROUP6, &sin6->sin6_addr);
		sin6->sin6_scope_id = g->ifindex6;
		sl = sizeof(*sin6);
	}
	if ((n = ssdp_msearch(buf, sizeof(buf), 1, fam)) > 0)
		(void)sendto(ss.fd[fam], buf, n, 0, (struct sockaddr *)&sto, sl);
	ss.sent[fam]++;
	clock_gettime(CLOCK_MONOTONIC, &ss.t[fam]);
}

/* The IPv4 answer: from the gateway, about a device at the gateway. */
static int
from_gateway4(const struct mb_burst *g, const struct sockaddr_in *from,
    const struct ssdp_msg *m)
{
	char host[INET6_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

	if (!g->have_gw4 || from->sin_family != AF_INET ||
	    from->sin_addr.s_addr != g->gw4.s_addr ||
	    ssdp_location_host(m->location, host, sizeof(host)) == -1)
		return 0;
	inet_ntop(AF_INET, &g->gw4, gw, sizeof(gw));
	return strcmp(host, gw) == 0;
}

/* An IPv6 answer waiting for the gateway's identity is judged now. */
static void
judge_cand6(const struct mb_burst *g)
{
	if (ss.cand6[0] == '\0' || ss.uuid4[0] == '\0' || !search_open(1, g))
		return;
	if (strcmp(ss.cand6_uuid, ss.uuid4) == 0) {
		search_close(1);
		search_found(1, ss.cand6);
	}
	ss.cand6[0] = '\0';
}

/* The IPv4 gateway's answer names its device, and may serve IPv4. */
static void
answer4(const struct mb_burst *g, const struct ssdp_msg *m)
{
	snprintf(ss.uuid4, sizeof(ss.uuid4), "%s", m->uuid);
	search_close(0);	/* the gateway's answer is enough */
	if (search_open(0, g))
		search_found(0, m->location);
	judge_cand6(g);
}

/* An IPv6 answer: 1 taken (the socket is closed), 0 read on. */
static int
answer6(const struct mb_burst *g, const struct sockaddr_in6 *from,
    const struct ssdp_msg *m)
{
	if (g->have_gw6 && memcmp(&from->sin6_addr, &g->gw6.sin6_addr,
	    16) == 0) {
		search_close(1);
		search_found(1, m->location);
		return 1;
	}
	/* The router's other address? Only if the same device. */
	if (m->uuid[0] != '\0' && ss.cand6[0] == '\0') {
		snprintf(ss.cand6, sizeof(ss.cand6), "%s", m->location);
		snprintf(ss.cand6_uuid, sizeof(ss.cand6_uuid), "%s", m->uuid);
		judge_cand6(g);
	}
	return 0;
}

static void
ssdp_read(int fam, const struct mb_burst *g)
{
	char buf[2048];
	struct sockaddr_storage from;
	socklen_t sl = sizeof(from);
	struct ssdp_msg m;
	ssize_t n;

	while (ss.fd[fam] != -1 && (n = recvfrom(ss.fd[fam], buf,
	    sizeof(buf), 0, (struct sockaddr *)&from, &sl)) > 0) {
		sl = sizeof(from);
		if (ssdp_parse(buf, (size_t)n, &m) == -1 || m.notify ||
		    !m.igd || m.location[0] == '\0')
			continue;
		if (fam == 0) {
			if (!from_gateway4(g, (struct sockaddr_in *)&from, &m))
				continue;	/* not the gateway: ignored */
			answer4(g, &m);
			return;
		}
		if (answer6(g, (struct sockaddr_in6 *)&from, &m))
			return;
	}
}

/* igd_url serves IPv4, and IPv6 too if it is an IPv6 URL; else SSDP. */
static int
upnp_discover(int fam, const struct map_conf *mc, const struct mb_burst *g,
    char *err, size_t errlen)
{
	int v6url = strstr(mc->igd_url, "://[") != NULL;

	if (fam == 0 ? mc->igd_url[0] != '\0' : v6url)
		return upnp_found(fam, mc->igd_url, err, errlen) == 0 ?
		    MB_FOUND : -1;
	if (fam == 0 && !g->have_gw4) {
		snprintf(err, errlen, "UPnP: no default gateway");
		return -1;
	}
	if (fam == 1 && !g->have_gw6) {
		snprintf(err, errlen, "UPnP: no IPv6 default router to search "
		    "on");
		return -1;
	}
	ss.pending[fam] = 1;
	return MB_LATER;
}

/* The SSDP search for fam, the burst allowing (or IPv4 for its uuid). */
static int
upnp_search(int fam, const struct mb_burst *g, char *err, size_t errlen)
{
	int s = -1, hops = 2;

	if ((fam == 1 && !g->have_gw6) || (s = socket(fam ? AF_INET6 :
	    AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1) {
		ss.pending[fam] = 0;
		snprintf(err, errlen, "UPnP: cannot search (SSDP)");
		return -1;
	}
	if (fam == 1)
		(void)setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_IF,
		    &g->ifindex6, sizeof(g->ifindex6));
	else
		(void)setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &hops,
		    sizeof(hops));
	ss.fd[fam] = s;
	msearch(fam, g);
	return 0;
}

/* The answers so far; an answer for one family may settle the other. */
static int
upnp_discovered(int fam, const struct mb_burst *g, char *err,
    size_t errlen)
{
	if (ss.fd[fam] != -1) {
		ssdp_read(fam, g);
		/* Resent once, in case the first was lost. */
		if (ss.fd[fam] != -1 && ss.sent[fam] == 1 &&
		    loop_ms_since(&ss.t[fam]) >= RESEND_MS)
			msearch(fam, g);
	}
	if (!ss.pending[fam] || ss.res[fam] == 0)
		return 0;
	ss.pending[fam] = 0;
	snprintf(err, errlen, "%s", ss.err[fam]);
	return ss.res[fam];
}

static int
upnp_listening(int fam)
{
	return ss.fd[fam];
}

static void
upnp_search_end(void)
{
	search_close(0);
	search_close(1);
}

static void
upnp_location(char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", v4_gw);
}

static int
upnp_extaddr(char *ext, size_t extlen)
{
	char buf[40];
	struct in_addr a;

	if (!v4.open || UPNP_GetExternalIPAddress(v4.urls.controlURL,
	    v4.data.first.servicetype, buf) != UPNPCOMMAND_SUCCESS)
		return -1;
	buf[sizeof(buf) - 1] = '\0';
	/* The router's text: an IPv4 address, or nothing said. */
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	inet_ntop(AF_INET, &a, ext, (socklen_t)extlen);
	return 0;
}

/*
 * Who holds the port, as the router says: its client and port are
 * checked as an address and a number; its description is whatever the
 * LAN host that made the mapping wrote (upnpc -e), so it is escaped here,
 * before the report, the log or the status can see it.
 */
static void
who_holds(uint8_t proto, uint16_t port, char *out, size_t outlen)
{
	char ext[8], client[40] = "", iport[8] = "", desc[80] = "",
	    enabled[4], lease[16], d[MAP_STR], all[2 * MAP_STR];
	struct in_addr a;
	char *end;
	long ip;

	snprintf(ext, sizeof(ext), "%u", port);
	if (UPNP_GetSpecificPortMappingEntry(v4.urls.controlURL,
	    v4.data.first.servicetype, ext, proto_str(proto), NULL, client,
	    iport, desc, enabled, lease) != UPNPCOMMAND_SUCCESS) {
		snprintf(out, outlen, "another host (the router did not say "
		    "which)");
		return;
	}
	client[sizeof(client) - 1] = iport[sizeof(iport) - 1] = '\0';
	if (inet_pton(AF_INET, client, &a) != 1)
		snprintf(client, sizeof(client), "?");
	ip = strtol(iport, &end, 10);
	if (end == iport || *end != '\0' || ip < 1 || ip > 65535)
		snprintf(iport, sizeof(iport), "?");
	(void)ut_clean(d, sizeof(d), desc, sizeof(desc));
	snprintf(all, sizeof(all), "%s:%s (\"%s\")", client, iport, d);
	(void)ut_copy(out, outlen, all, sizeof(all));
}

static int
port_map(uint8_t proto, uint16_t port, uint32_t lease, const char *desc,
    struct mb_result *res)
{
	char p[8], l[16];
	int r;

	if (!v4.open)
		return -1;
	snprintf(p, sizeof(p), "%u", port);
	snprintf(l, sizeof(l), "%u", lease);
	r = UPNP_AddPortMapping(v4.urls.controlURL, v4.data.first.servicetype,
	    p, p, v4.lan, desc, proto_str(proto), NULL, l);
	if (r == 725) {
		/* OnlyPermanentLeasesSupported: permanent, verified on renewal. */
		r = UPNP_AddPortMapping(v4.urls.controlURL,
		    v4.data.first.servicetype, p, p, v4.lan, desc,
		    proto_str(proto), NULL, "0");
		lease = 0;
	}
	if (r == 718) {
		res->conflict = 1;
		who_holds(proto, port, res->other, sizeof(res->other));
		return 0;
	}
	if (r != UPNPCOMMAND_SUCCESS) {
		snprintf(res->err, sizeof(res->err), "UPnP AddPortMapping: %d "
		    "%s", r, strupnperror(r) ? strupnperror(r) : "");
		res->refused = r > 0;	/* a SOAP fault, not a lost router */
		return -1;
	}
	res->ext_port = port;
	res->lease = lease;
	return 0;
}

static int
port_unmap(uint8_t proto, uint16_t port)
{
	char p[8];

	if (!v4.open)
		return -1;
	snprintf(p, sizeof(p), "%u", port);
	return UPNP_DeletePortMapping(v4.urls.controlURL,
	    v4.data.first.servicetype, p, proto_str(proto), NULL) ==
	    UPNPCOMMAND_SUCCESS ? 0 : -1;
}

/* 1 still ours, 0 gone or someone else's, -1 no answer. */
static int
port_check(uint8_t proto, uint16_t port)
{
	char ext[8], client[40] = "", iport[8] = "", desc[80], enabled[4],
	    lease[16];
	int r;

	if (!v4.open)
		return -1;
	snprintf(ext, sizeof(ext), "%u", port);
	r = UPNP_GetSpecificPortMappingEntry(v4.urls.controlURL,
	    v4.data.first.servicetype, ext, proto_str(proto), NULL, client,
	    iport, desc, enabled, lease);
	if (r == 714 || r == 402)
		return 0;	/* NoSuchEntryInArray */
	if (r != UPNPCOMMAND_SUCCESS)
		return -1;
	client[sizeof(client) - 1] = iport[sizeof(iport) - 1] = '\0';
	return strcmp(client, v4.lan) == 0 && atoi(iport) == port;
}

static int
upnp_sweep(int (*keep)(uint8_t, uint16_t))
{
	char idx[12], ext[8], client[40], iport[8], proto[4], desc[80],
	    enabled[4], rhost[64], lease[16];
	int i, n = 0;

	if (!v4.open)
		return -1;
	for (i = 0; i < 1024; i++) {
		snprintf(idx, sizeof(idx), "%d", i);
		memset(desc, 0, sizeof(desc));
		memset(client, 0, sizeof(client));
		if (UPNP_GetGenericPortMappingEntry(v4.urls.controlURL,
		    v4.data.first.servicetype, idx, ext, client, iport, proto,
		    desc, enabled, rhost, lease) != UPNPCOMMAND_SUCCESS)
			break;
		desc[sizeof(desc) - 1] = client[sizeof(client) - 1] = '\0';
		ext[sizeof(ext) - 1] = proto[sizeof(proto) - 1] = '\0';
		if (strncmp(desc, MAP_DESC_PREFIX, strlen(MAP_DESC_PREFIX)) != 0 ||
		    strcmp(client, v4.lan) != 0)
			continue;
		if (keep(strcmp(proto, "TCP") == 0 ? IPPROTO_TCP : IPPROTO_UDP,
		    (uint16_t)atoi(ext)))
			continue;
		if (UPNP_DeletePortMapping(v4.urls.controlURL,
		    v4.data.first.servicetype, ext, proto, NULL) ==
		    UPNPCOMMAND_SUCCESS) {
			n++;
			i--;	/* the table shifted */
		}
	}
	return n;
}

static int
pinhole(uint8_t proto, uint16_t port, uint32_t lease, char *uid,
    size_t uidlen, struct mb_result *res)
{
	char p[8], l[16], pr[4], id[8] = "";
	int r;

	if (!v6.open)
		return -1;
	/* IGDv2 caps a pinhole's lease at a day. */
	if (lease == 0 || lease > 86400)
		lease = 86400;
	snprintf(p, sizeof(p), "%u", port);
	snprintf(l, sizeof(l), "%u", lease);
	snprintf(pr, sizeof(pr), "%u", proto);
	r = UPNP_AddPinhole(v6.urls.controlURL_6FC, v6.data.IPv6FC.servicetype,
	    "", "0", v6.lan, p, pr, l, id);
	if (r != UPNPCOMMAND_SUCCESS) {
		snprintf(res->err, sizeof(res->err), "UPnP AddPinhole: %d %s",
		    r, strupnperror(r) ? strupnperror(r) : "");
		return -1;
	}
	id[sizeof(id) - 1] = '\0';
	snprintf(uid, uidlen, "%s", id);
	res->ext_port = port;
	res->lease = lease;
	return 0;
}

static int
pinhole_update(const char *uid, uint32_t lease)
{
	char l[16];

	if (!v6.open)
		return -1;
	if (lease == 0 || lease > 86400)
		lease = 86400;
	snprintf(l, sizeof(l), "%u", lease);
	return UPNP_UpdatePinhole(v6.urls.controlURL_6FC,
	    v6.data.IPv6FC.servicetype, uid, l) == UPNPCOMMAND_SUCCESS ? 0 : -1;
}

static int
pinhole_delete(const char *uid)
{
	if (!v6.open)
		return -1;
	return UPNP_DeletePinhole(v6.urls.controlURL_6FC,
	    v6.data.IPv6FC.servicetype, uid) == UPNPCOMMAND_SUCCESS ? 0 : -1;
}

static void
upnp_close(void)
{
	igd_close(&v4);
	igd_close(&v6);
	v4_gw[0] = '\0';
	upnp_search_end();
	memset(&ss, 0, sizeof(ss));
	ss.fd[0] = ss.fd[1] = -1;
}

/* IPv4: the external address is asked for (the SOAP of discovery). */
static void
upnp_describe(int fam, struct mb_where *w)
{
	if (fam == 0) {
		snprintf(w->gw, sizeof(w->gw), "%s", v4_gw);
		snprintf(w->lan, sizeof(w->lan), "%s", v4.lan);
		(void)upnp_extaddr(w->ext, sizeof(w->ext));
	} else
		snprintf(w->lan, sizeof(w->lan), "%s", v6.lan);
}

static int
upnp_map(int fam, const struct map_fwd_conf *f, uint32_t lease,
    struct mb_hold *h, struct mb_result *res)
{
	char desc[64];

	memset(res, 0, sizeof(*res));
	if (fam == 1)
		return pinhole(f->proto, f->port, lease, h->uid,
		    sizeof(h->uid), res);
	snprintf(desc, sizeof(desc), MAP_DESC_PREFIX "%s", f->name);
	return port_map(f->proto, f->port, lease, desc, res);
}

/*
 * A port mapping still there is asked for again (a permanent one is only
 * verified so); one that vanished means the router forgot. A pinhole is
 * updated by its id.
 */
static int
upnp_renew(int fam, const struct map_fwd_conf *f, uint32_t lease,
    struct mb_hold *h)
{
	if (fam == 0)
		return port_check(f->proto, f->port) == 0 ? MB_GONE : MB_REMAP;
	return h->uid[0] != '\0' && pinhole_update(h->uid, lease) == 0 ?
	    MB_RENEWED : MB_REMAP;
}

/* A pinhole without an id was never made: nothing to remove. */
static int
upnp_unmap(int fam, uint8_t proto, uint16_t port, struct mb_hold *h)
{
	if (fam == 0)
		return port_unmap(proto, port);
	return h->uid[0] != '\0' ? pinhole_delete(h->uid) : 0;
}

/* No epoch: each renewal round only reads the external address again. */
static int
upnp_rebooted(int fam, char *ext, size_t extlen)
{
	if (fam != 0 || upnp_extaddr(ext, extlen) == -1)
		return -1;
	return 0;
}

const struct map_backend mb_upnp = {
	.name = "UPnP",
	.fams = 3,
	.no_answer = "UPnP: no IGD answered SSDP discovery",
	.discover = upnp_discover,
	.discovered = upnp_discovered,
	.search = upnp_search,
	.listening = upnp_listening,
	.search_end = upnp_search_end,
	.location = upnp_location,
	.describe = upnp_describe,
	.map = upnp_map,
	.renew = upnp_renew,
	.unmap = upnp_unmap,
	.rebooted = upnp_rebooted,
	.sweep = upnp_sweep,
	.close = upnp_close,
};
