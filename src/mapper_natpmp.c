/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_natpmp.c: NAT-PMP (RFC 6886) with libnatpmp, in the mapper
 * process: the backend mb_natpmp (mapper_backend.h), IPv4 only. Every
 * request has its own deadline: libnatpmp's retry schedule alone would
 * wait more than a minute for a gateway that never answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <natpmp.h>

#include "loop.h"
#include "mapper_backend.h"

#define DEADLINE_MS	2000

static natpmp_t np;
static int np_open;
static struct in_addr np_gw;
static uint32_t epoch0;
static time_t epoch0_at;
static int have_epoch;
static struct in_addr ext0;
static int reboot_seen;

static void natpmp_close(void);


/* Wait for the answer to the pending request, within DEADLINE_MS. */
static int
wait_answer(natpmpresp_t *resp)
{
	struct timespec t0;
	struct pollfd p;
	long left;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		r = readnatpmpresponseorretry(&np, resp);
		if (r != NATPMP_TRYAGAIN)
			return r;
		if ((left = DEADLINE_MS - loop_ms_since(&t0)) <= 0)
			return NATPMP_TRYAGAIN;
		p.fd = np.s;
		p.events = POLLIN;
		p.revents = 0;
		/* Short steps so that libnatpmp resends on its schedule. */
		(void)poll(&p, 1, left < 250 ? (int)left : 250);
	}
}

static void
note_epoch_at(uint32_t epoch)
{
	epoch0 = epoch;
	epoch0_at = time(NULL);
	have_epoch = 1;
}

static void
note_epoch(const natpmpresp_t *resp)
{
	note_epoch_at(resp->epoch);
}

/* RFC 6886 3.6: an epoch that did not advance as time did means a reboot. */
static int
epoch_went_back(uint32_t epoch)
{
	long elapsed;

	if (!have_epoch)
		return 0;
	elapsed = (long)(time(NULL) - epoch0_at);
	return (long)epoch + 2 < (long)epoch0 + (elapsed * 7) / 8;
}

static int
natpmp_discover(int fam, const struct map_conf *mc,
    const struct mb_burst *g, char *err, size_t errlen)
{
	(void)fam;	/* IPv4 only */
	(void)g;	/* libnatpmp finds the gateway itself */
	if (np_open)
		natpmp_close();
	if (initnatpmp(&np, (int)mc->has_gateway, mc->gateway.s_addr) < 0) {
		snprintf(err, errlen, "NAT-PMP: no default gateway");
		return -1;
	}
	np_open = 1;
	np_gw.s_addr = np.gateway;
	/* Sent now, read by the discovery burst (mapper_disc.c). */
	if (sendpublicaddressrequest(&np) < 0) {
		natpmp_close();
		snprintf(err, errlen, "NAT-PMP: no default gateway");
		return -1;
	}
	return np.s;
}

static int
natpmp_discovered(int fam, const struct mb_burst *g, char *err,
    size_t errlen)
{
	natpmpresp_t resp;
	int r;

	if (!np_open)
		return -1;
	/* Never blocks: libnatpmp resends on its own schedule. */
	(void)fam;
	(void)g;
	r = readnatpmpresponseorretry(&np, &resp);
	if (r == NATPMP_TRYAGAIN)
		return 0;
	if (r < 0 || resp.type != NATPMP_RESPTYPE_PUBLICADDRESS) {
		snprintf(err, errlen, "NAT-PMP: no answer from %s",
		    inet_ntoa(np_gw));
		natpmp_close();
		return -1;
	}
	note_epoch(&resp);
	ext0 = resp.pnu.publicaddress.addr;
	return 1;
}

/* The source address this host uses towards the gateway. */
static void
source_for(struct in_addr gw, char *out, size_t outlen)
{
	struct sockaddr_in sin, me;
	socklen_t sl = sizeof(me);
	int s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5351);
	sin.sin_addr = gw;
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(s, (struct sockaddr *)&me, &sl) == 0)
		inet_ntop(AF_INET, &me.sin_addr, out, (socklen_t)outlen);
	close(s);
}

/* The external address is the one discovery's answer gave. */
static void
natpmp_describe(int fam, struct mb_where *w)
{
	(void)fam;
	inet_ntop(AF_INET, &np_gw, w->gw, sizeof(w->gw));
	source_for(np_gw, w->lan, sizeof(w->lan));
	inet_ntop(AF_INET, &ext0, w->ext, sizeof(w->ext));
}

static int
natpmp_request(uint8_t proto, uint16_t port, uint32_t lease,
    struct mb_result *res)
{
	natpmpresp_t resp;
	int r;

	memset(res, 0, sizeof(*res));
	if (!np_open)
		return -1;
	r = sendnewportmappingrequest(&np, proto == IPPROTO_TCP ?
	    NATPMP_PROTOCOL_TCP : NATPMP_PROTOCOL_UDP, port, port, lease);
	if (r >= 0)
		r = wait_answer(&resp);
	if (r < 0) {
		/* An answer that says no, as opposed to none. */
		res->refused = r == NATPMP_ERR_NOTAUTHORIZED ||
		    r == NATPMP_ERR_OUTOFRESOURCES ||
		    r == NATPMP_ERR_NETWORKFAILURE ||
		    r == NATPMP_ERR_UNSUPPORTEDOPCODE;
		snprintf(res->err, sizeof(res->err), "NAT-PMP: %s",
		    r == NATPMP_TRYAGAIN ? "no answer" :
		    r == NATPMP_ERR_NOTAUTHORIZED ? "not authorized" :
		    r == NATPMP_ERR_OUTOFRESOURCES ? "out of resources" :
		    r == NATPMP_ERR_NETWORKFAILURE ? "network failure" :
		    "refused");
		return -1;
	}
	if (epoch_went_back(resp.epoch))
		reboot_seen = 1;	/* reported by natpmp_rebooted() */
	note_epoch(&resp);
	res->ext_port = resp.pnu.newportmapping.mappedpublicport;
	res->lease = resp.pnu.newportmapping.lifetime;
	if (lease != 0 && res->ext_port != port) {
		/* LiveKit advertises its local port: another one is useless. */
		res->conflict = 1;
		snprintf(res->other, sizeof(res->other), "the router granted "
		    "external port %u instead (%u is taken)", res->ext_port,
		    port);
	}
	return 0;
}

static int
natpmp_map(int fam, const struct map_fwd_conf *f, uint32_t lease,
    struct mb_hold *h, struct mb_result *res)
{
	(void)fam;
	(void)h;
	return natpmp_request(f->proto, f->port, lease, res);
}

static int
natpmp_unmap(int fam, uint8_t proto, uint16_t port, struct mb_hold *h)
{
	struct mb_result res;

	(void)fam;
	(void)h;
	/* Lifetime 0 deletes the mapping of this private port. */
	return natpmp_request(proto, port, 0, &res);
}

static int
natpmp_rebooted(int fam, char *ext, size_t extlen)
{
	natpmpresp_t resp;
	int back;

	if (fam != 0 || !np_open || sendpublicaddressrequest(&np) < 0 ||
	    wait_answer(&resp) < 0 ||
	    resp.type != NATPMP_RESPTYPE_PUBLICADDRESS)
		return -1;
	back = epoch_went_back(resp.epoch) || reboot_seen;
	reboot_seen = 0;
	note_epoch(&resp);
	ext0 = resp.pnu.publicaddress.addr;
	inet_ntop(AF_INET, &resp.pnu.publicaddress.addr, ext,
	    (socklen_t)extlen);
	return back;
}

static int
natpmp_announced(const unsigned char *buf, size_t len,
    const struct sockaddr *from, char *ext, size_t extlen)
{
	uint32_t epoch;
	struct in_addr addr;
	int back;

	/* version 0, opcode 128 (public address), result 0, epoch, address */
	if (!np_open || from->sa_family != AF_INET ||
	    ((const struct sockaddr_in *)from)->sin_addr.s_addr !=
	    np_gw.s_addr || len < 12 ||
	    buf[0] != 0 || buf[1] != 128 || buf[2] != 0 || buf[3] != 0)
		return 0;
	memcpy(&epoch, buf + 4, 4);
	epoch = ntohl(epoch);
	memcpy(&addr, buf + 8, 4);
	back = epoch_went_back(epoch);
	if (back)
		return 1;	/* the epoch is noted when the router is asked */
	if (addr.s_addr == ext0.s_addr)
		return 0;
	/* Only said: the caller asks the router (natpmp_rebooted). */
	inet_ntop(AF_INET, &addr, ext, (socklen_t)extlen);
	return 2;
}

static void
natpmp_close(void)
{
	if (np_open)
		closenatpmp(&np);
	np_open = 0;
	have_epoch = 0;
}

const struct map_backend mb_natpmp = {
	.name = "NAT-PMP",
	.fams = 1,		/* IPv4 only */
	.no_answer = "NAT-PMP: no answer",
	.reboot_news = "the NAT-PMP epoch went back (router reboot)",
	.discover = natpmp_discover,
	.discovered = natpmp_discovered,
	.describe = natpmp_describe,
	.unchosen = natpmp_close,
	.map = natpmp_map,
	.unmap = natpmp_unmap,
	.rebooted = natpmp_rebooted,
	.announced = natpmp_announced,
	.close = natpmp_close,
};
