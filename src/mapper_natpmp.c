/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_natpmp.c: NAT-PMP (RFC 6886) with libnatpmp, in the mapper
 * process. Every request has its own deadline: libnatpmp's retry schedule
 * alone would wait more than a minute for a gateway that never answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <natpmp.h>

#include "loop.h"
#include "mapper.h"

#define DEADLINE_MS	2000

static natpmp_t np;
static int np_open;
static struct in_addr np_gw;
static uint32_t epoch0;
static time_t epoch0_at;
static int have_epoch;
static struct in_addr ext0;
static int reboot_seen;


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

int
mb_natpmp_open(int has_gw, struct in_addr gw, char *gwstr, size_t gwlen)
{
	if (np_open)
		mb_natpmp_close();
	if (initnatpmp(&np, has_gw, gw.s_addr) < 0)
		return -1;
	np_open = 1;
	np_gw.s_addr = np.gateway;
	inet_ntop(AF_INET, &np_gw, gwstr, (socklen_t)gwlen);
	/* Sent now, read by the discovery burst (mapper_disc.c). */
	if (sendpublicaddressrequest(&np) < 0) {
		mb_natpmp_close();
		return -1;
	}
	return 0;
}

int
mb_natpmp_fd(void)
{
	return np_open ? np.s : -1;
}

int
mb_natpmp_open_done(char *ext, size_t extlen, char *err, size_t errlen)
{
	natpmpresp_t resp;
	int r;

	if (!np_open)
		return -1;
	/* Never blocks: libnatpmp resends on its own schedule. */
	r = readnatpmpresponseorretry(&np, &resp);
	if (r == NATPMP_TRYAGAIN)
		return 0;
	if (r < 0 || resp.type != NATPMP_RESPTYPE_PUBLICADDRESS) {
		snprintf(err, errlen, "NAT-PMP: no answer from %s",
		    inet_ntoa(np_gw));
		mb_natpmp_close();
		return -1;
	}
	note_epoch(&resp);
	ext0 = resp.pnu.publicaddress.addr;
	inet_ntop(AF_INET, &ext0, ext, (socklen_t)extlen);
	return 1;
}

int
mb_natpmp_map(uint8_t proto, uint16_t port, uint32_t lease,
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
		reboot_seen = 1;	/* reported by mb_natpmp_rebooted() */
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

int
mb_natpmp_unmap(uint8_t proto, uint16_t port)
{
	struct mb_result res;

	/* Lifetime 0 deletes the mapping of this private port. */
	return mb_natpmp_map(proto, port, 0, &res);
}

int
mb_natpmp_rebooted(char *ext, size_t extlen)
{
	natpmpresp_t resp;
	int back;

	if (!np_open || sendpublicaddressrequest(&np) < 0 ||
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

int
mb_natpmp_announcement(const unsigned char *buf, size_t len,
    struct in_addr from, char *ext, size_t extlen)
{
	uint32_t epoch;
	struct in_addr addr;
	int back;

	/* version 0, opcode 128 (public address), result 0, epoch, address */
	if (!np_open || from.s_addr != np_gw.s_addr || len < 12 ||
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
	/* Only said: the caller asks the router (mb_natpmp_rebooted). */
	inet_ntop(AF_INET, &addr, ext, (socklen_t)extlen);
	return 2;
}

void
mb_natpmp_close(void)
{
	if (np_open)
		closenatpmp(&np);
	np_open = 0;
	have_epoch = 0;
}
