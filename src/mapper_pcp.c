/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_pcp.c: the Port Control Protocol (RFC 6887) in the mapper
 * process: MAP for IPv4 (a port forward) and for IPv6 (a firewall
 * pinhole, on routers that speak PCP but not IGDv2). One server per
 * family: the default gateway (or mapping.gateway) for IPv4, the IPv6
 * default router for IPv6, each asked over a socket connected to it and
 * bound to the address the mapping is for (a PCP server checks that the
 * client address inside matches the source). The codec is pcp.c; this
 * is the backend mb_pcp (mapper_backend.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sys/random.h>

#include "loop.h"
#include "mapper_backend.h"
#include "pcp.h"

#define DEADLINE_MS	2000
#define FIRST_RESEND_MS	250

struct pcp_srv {
	int		fd;		/* -1 closed */
	struct sockaddr_storage gw;
	socklen_t	gwlen;
	struct in6_addr	client;		/* ours, as PCP carries it */
	char		gwstr[INET6_ADDRSTRLEN];
	char		lan[INET6_ADDRSTRLEN];
	int		have_epoch;
	uint32_t	epoch;
	int64_t		epoch_at;
	int		lost;		/* an epoch said the server lost state */
	/* the ANNOUNCE of discovery, resent until answered */
	struct timespec	sent;
	long		resend_ms;
};

static struct pcp_srv srv[2] = { { .fd = -1 }, { .fd = -1 } };

static int64_t
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

/*
 * The global address the host uses by default: the pinhole is for it,
 * also when the router is asked at its link-local address. connect() on
 * a datagram socket sends nothing; it only looks the route up.
 */
static int
global_source6(struct in6_addr *out)
{
	struct sockaddr_in6 d, me;
	socklen_t sl = sizeof(me);
	int s, r = -1;

	memset(&d, 0, sizeof(d));
	d.sin6_family = AF_INET6;
	d.sin6_port = htons(PCP_PORT);
	d.sin6_addr.s6_addr[0] = 0x20;		/* 2000::, global unicast */
	if ((s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(s, (struct sockaddr *)&d, sizeof(d)) == 0 &&
	    getsockname(s, (struct sockaddr *)&me, &sl) == 0 &&
	    !IN6_IS_ADDR_LINKLOCAL(&me.sin6_addr)) {
		*out = me.sin6_addr;
		r = 0;
	}
	close(s);
	return r;
}

/* A socket connected to the server, bound to the address we ask for. */
static int
connect_srv(struct pcp_srv *s, int v6, int has_gw, struct in_addr gw4)
{
	struct sockaddr_storage me;
	socklen_t sl = sizeof(me);
	struct in_addr a;

	memset(&s->gw, 0, sizeof(s->gw));
	if (!v6) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&s->gw;

		if (!has_gw && mapper_gateway4(&a) == -1)
			return -1;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(PCP_PORT);
		sin->sin_addr = has_gw ? gw4 : a;
		s->gwlen = sizeof(*sin);
		inet_ntop(AF_INET, &sin->sin_addr, s->gwstr, sizeof(s->gwstr));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s->gw;
		unsigned ifx;

		if (mapper_router6(sin6, &ifx) == -1)
			return -1;
		s->gwlen = sizeof(*sin6);
		inet_ntop(AF_INET6, &sin6->sin6_addr, s->gwstr,
		    sizeof(s->gwstr));
	}
	if ((s->fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		return -1;
	if (v6 && IN6_IS_ADDR_LINKLOCAL(
	    &((struct sockaddr_in6 *)&s->gw)->sin6_addr)) {
		struct sockaddr_in6 b;

		memset(&b, 0, sizeof(b));
		b.sin6_family = AF_INET6;
		if (global_source6(&b.sin6_addr) == -1 ||
		    bind(s->fd, (struct sockaddr *)&b, sizeof(b)) == -1)
			return -1;
	}
	if (connect(s->fd, (struct sockaddr *)&s->gw, s->gwlen) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&me, &sl) == -1)
		return -1;
	if (v6) {
		s->client = ((struct sockaddr_in6 *)&me)->sin6_addr;
		if (IN6_IS_ADDR_LINKLOCAL(&s->client))
			return -1;	/* no global address to open a pinhole for */
		inet_ntop(AF_INET6, &s->client, s->lan, sizeof(s->lan));
	} else {
		pcp_addr4(&s->client, ((struct sockaddr_in *)&me)->sin_addr);
		inet_ntop(AF_INET, &((struct sockaddr_in *)&me)->sin_addr,
		    s->lan, sizeof(s->lan));
	}
	return 0;
}

static int
send_req(struct pcp_srv *s, const struct pcp_req *r)
{
	uint8_t buf[PCP_MAX_LEN];
	size_t n = pcp_encode(r, buf, sizeof(buf));

	return n == 0 || send(s->fd, buf, n, 0) != (ssize_t)n ? -1 : 0;
}

static int
send_announce(struct pcp_srv *s)
{
	struct pcp_req r;

	memset(&r, 0, sizeof(r));
	r.op = PCP_OP_ANNOUNCE;
	r.client = s->client;
	return send_req(s, &r);
}

/* Every answer's epoch is checked (RFC 6887 8.5). */
static void
note_epoch(struct pcp_srv *s, uint32_t epoch)
{
	int64_t t = now_s();

	if (s->have_epoch && pcp_epoch_lost(s->epoch, s->epoch_at, epoch, t))
		s->lost = 1;
	s->epoch = epoch;
	s->epoch_at = t;
	s->have_epoch = 1;
}

/* One answer waiting on the socket: 1 read, 0 none, -1 not PCP at all. */
static int
read_answer(struct pcp_srv *s, struct pcp_resp *resp)
{
	uint8_t buf[PCP_MAX_LEN + 4];
	ssize_t n;

	while ((n = recv(s->fd, buf, sizeof(buf), 0)) > 0) {
		if (pcp_decode(buf, (size_t)n, resp) == -1)
			continue;	/* noise: wait for the real answer */
		if (resp->version != PCP_VERSION)
			return -1;
		if (resp->result != PCP_UNSUPP_VERSION)
			note_epoch(s, resp->epoch);
		return 1;
	}
	if (n == -1 && (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
	    errno == ENETUNREACH))
		return -1;	/* ICMP: nothing listens there */
	return 0;
}

static int
pcp_discover(int v6, const struct map_conf *mc, const struct mb_burst *g,
    char *err, size_t errlen)
{
	struct pcp_srv *s = &srv[v6 != 0];

	(void)g;	/* the server is found as it is asked (connect_srv) */
	if (s->fd != -1)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (connect_srv(s, v6, (int)mc->has_gateway, mc->gateway) == -1 ||
	    send_announce(s) == -1) {
		if (s->fd != -1)
			close(s->fd);
		s->fd = -1;
		snprintf(err, errlen, "%s", v6 ? "PCP: no IPv6 default router "
		    "or no global IPv6 address" : "PCP: no default gateway");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &s->sent);
	s->resend_ms = FIRST_RESEND_MS;
	return s->fd;
}

static int
pcp_discovered(int v6, const struct mb_burst *g, char *err, size_t errlen)
{
	struct pcp_srv *s = &srv[v6 != 0];
	struct pcp_resp resp;
	int r;

	(void)g;
	if (s->fd == -1)
		return -1;
	r = read_answer(s, &resp);
	if (r == 0) {
		/* Resend on RFC 6887 8.1.1's doubling schedule, faster. */
		if (loop_ms_since(&s->sent) >= s->resend_ms) {
			(void)send_announce(s);
			clock_gettime(CLOCK_MONOTONIC, &s->sent);
			s->resend_ms *= 2;
		}
		return 0;
	}
	if (r == 1 && resp.op == PCP_OP_ANNOUNCE &&
	    resp.result == PCP_SUCCESS)
		return 1;
	snprintf(err, errlen, "PCP: %s %s", s->gwstr, r == -1 ?
	    "does not speak PCP" : pcp_result_name(resp.result));
	return -1;
}

static void
pcp_describe(int v6, struct mb_where *w)
{
	snprintf(w->gw, sizeof(w->gw), "%s", srv[v6 != 0].gwstr);
	snprintf(w->lan, sizeof(w->lan), "%s", srv[v6 != 0].lan);
}

/* Send r, wait for its answer (same nonce, protocol, port) within DEADLINE_MS. */
static int
exchange(struct pcp_srv *s, const struct pcp_req *r, struct pcp_resp *resp)
{
	struct timespec t0, sent;
	struct pollfd p;
	long left, resend = FIRST_RESEND_MS;
	int n;

	if (send_req(s, r) == -1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sent = t0;
	for (;;) {
		n = read_answer(s, resp);
		if (n == -1)
			return -1;
		/*
		 * The answer to this request: an error that carries the MAP
		 * payload must match it too (a late answer to another
		 * request, resent, is not this one's).
		 */
		if (n == 1 && resp->op == r->op && (r->op != PCP_OP_MAP ||
		    !resp->has_map || (memcmp(resp->nonce, r->nonce,
		    PCP_NONCE_LEN) == 0 && resp->proto == r->proto &&
		    resp->int_port == r->port)))
			return 0;
		if ((left = DEADLINE_MS - loop_ms_since(&t0)) <= 0)
			return -1;
		if (loop_ms_since(&sent) >= resend) {
			(void)send_req(s, r);
			clock_gettime(CLOCK_MONOTONIC, &sent);
			resend *= 2;
		}
		p.fd = s->fd;
		p.events = POLLIN;
		p.revents = 0;
		(void)poll(&p, 1, left < 50 ? (int)left : 50);
	}
}

/*
 * The mapping's nonce (pcp_nonce): the same for the same address,
 * protocol and port on this machine, so that a mapper started after
 * another died (or after the daemon was killed) can renew and delete what
 * that one asked for; a PCP server deletes a mapping only for its nonce.
 * Keyed by /etc/machine-id (16 bytes in hex), which other hosts on the
 * LAN cannot read; without it, a random key for this process's life.
 */
static void
nonce_for(const struct pcp_srv *s, uint8_t proto, uint16_t port,
    uint8_t *out)
{
	static uint8_t key[16];
	static int have_key;
	char hex[40];
	unsigned b;
	FILE *f;
	int i;

	if (!have_key) {
		if ((f = fopen("/etc/machine-id", "re")) != NULL) {
			if (fgets(hex, sizeof(hex), f) != NULL &&
			    strlen(hex) >= 32) {
				for (i = 0; i < 16; i++) {
					if (sscanf(hex + 2 * i, "%2x", &b) != 1)
						break;
					key[i] = (uint8_t)b;
				}
				have_key = i == 16;
			}
			fclose(f);
		}
		if (!have_key && getrandom(key, sizeof(key), 0) ==
		    (ssize_t)sizeof(key))
			have_key = 1;
	}
	pcp_nonce(key, &s->client, proto, port, out);
}

static int
pcp_request(int v6, uint8_t proto, uint16_t port, uint32_t lease,
    struct mb_result *res)
{
	struct pcp_srv *s = &srv[v6 != 0];
	struct pcp_req r;
	struct pcp_resp resp;

	memset(res, 0, sizeof(*res));
	if (s->fd == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	r.op = PCP_OP_MAP;
	r.lifetime = lease;
	r.client = s->client;
	nonce_for(s, proto, port, r.nonce);
	r.proto = proto;
	r.port = port;
	r.ipv6 = v6;
	/* Another port is useless: LiveKit advertises its own. */
	r.prefer_failure = lease != 0;
	if (exchange(s, &r, &resp) == -1) {
		snprintf(res->err, sizeof(res->err), "PCP: no answer from %s",
		    s->gwstr);
		return -1;
	}
	if (resp.result == PCP_CANNOT_PROVIDE_EXTERNAL && lease != 0) {
		res->conflict = 1;
		snprintf(res->other, sizeof(res->other), "another host (PCP "
		    "does not say which)");
		return 0;
	}
	if (resp.result != PCP_SUCCESS) {
		snprintf(res->err, sizeof(res->err), "PCP MAP: %s",
		    pcp_result_name(resp.result));
		res->refused = 1;
		return -1;
	}
	res->ext_port = resp.ext_port;
	res->lease = resp.lifetime;
	if (IN6_IS_ADDR_V4MAPPED(&resp.ext_addr))
		inet_ntop(AF_INET, &resp.ext_addr.s6_addr[12], res->ext,
		    sizeof(res->ext));
	if (lease != 0 && resp.ext_port != port) {
		res->conflict = 1;
		snprintf(res->other, sizeof(res->other), "the router granted "
		    "external port %u instead (%u is taken)", resp.ext_port,
		    port);
	}
	return 0;
}

/* A MAP renews with the same nonce (nonce_for): no renew of its own. */
static int
pcp_map(int v6, const struct map_fwd_conf *f, uint32_t lease,
    struct mb_hold *h, struct mb_result *res)
{
	(void)h;
	return pcp_request(v6, f->proto, f->port, lease, res);
}

static int
pcp_unmap(int v6, uint8_t proto, uint16_t port, struct mb_hold *h)
{
	struct mb_result res;

	(void)h;
	/* Lifetime 0 with the mapping's nonce deletes it (RFC 6887 15). */
	if (pcp_request(v6, proto, port, 0, &res) == 0)
		return 0;
	/*
	 * Refused (miniupnpd 2.3.1 refuses to delete an IPv6 mapping it
	 * renewed): the shortest lease the server grants, so that it ends
	 * soon; still reported as left behind.
	 */
	if (strstr(res.err, "NOT_AUTHORIZED") != NULL)
		(void)pcp_request(v6, proto, port, 1, &res);
	return -1;
}

static int
pcp_rebooted(int v6, char *ext, size_t extlen)
{
	struct pcp_srv *s = &srv[v6 != 0];
	struct pcp_req r;
	struct pcp_resp resp;
	int lost;

	(void)ext;	/* said by MAP answers, not by ANNOUNCE */
	(void)extlen;
	if (s->fd == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	r.op = PCP_OP_ANNOUNCE;
	r.client = s->client;
	if (exchange(s, &r, &resp) == -1 || resp.result != PCP_SUCCESS)
		return -1;
	lost = s->lost;
	s->lost = 0;
	return lost;
}

static int
pcp_announced(const unsigned char *buf, size_t len,
    const struct sockaddr *from, char *ext, size_t extlen)
{
	struct pcp_resp resp;
	int i, lost;

	(void)ext;
	(void)extlen;
	/* Version 0 on this port is NAT-PMP's. */
	if (len == 0 || buf[0] != PCP_VERSION ||
	    pcp_decode(buf, len, &resp) == -1 || resp.version != PCP_VERSION ||
	    resp.op != PCP_OP_ANNOUNCE || resp.result != PCP_SUCCESS)
		return 0;
	for (i = 0; i < 2; i++) {
		struct pcp_srv *s = &srv[i];

		if (s->fd == -1 || from->sa_family != s->gw.ss_family)
			continue;
		if (from->sa_family == AF_INET ?
		    ((const struct sockaddr_in *)from)->sin_addr.s_addr !=
		    ((struct sockaddr_in *)&s->gw)->sin_addr.s_addr :
		    memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr,
		    &((struct sockaddr_in6 *)&s->gw)->sin6_addr, 16) != 0)
			continue;
		note_epoch(s, resp.epoch);
		lost = s->lost;
		s->lost = 0;
		return lost;
	}
	return 0;
}

static void
pcp_close(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (srv[i].fd != -1)
			close(srv[i].fd);
		memset(&srv[i], 0, sizeof(srv[i]));
		srv[i].fd = -1;
	}
}

const struct map_backend mb_pcp = {
	.name = "PCP",
	.fams = 3,
	.no_answer = "PCP: no answer",
	.reboot_news = "the PCP server's epoch says it lost its mappings "
	    "(router reboot)",
	.discover = pcp_discover,
	.discovered = pcp_discovered,
	.describe = pcp_describe,
	.map = pcp_map,
	.unmap = pcp_unmap,
	.rebooted = pcp_rebooted,
	.announced = pcp_announced,
	.close = pcp_close,
};
