/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_proc.c: the mapper process, the child side of the mapper. It
 * asks the upstream router for the forwards the daemon wants through the
 * backend the discovery burst chose (mapper_backend.h: PCP, NAT-PMP or
 * UPnP IGD for IPv4; IGDv2 or PCP pinholes for IPv6), renews them at half
 * life, notices a router that rebooted or forgot (epochs, announcements,
 * SSDP NOTIFY with a new BOOTID.UPNP.ORG, a mapping gone at renewal) and
 * maps everything again, and removes everything when told to stop. It
 * runs without privileges; it knows the daemon only through the records
 * of mapper_proto.h, and the daemon sees only the reports it sends.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mapper_backend.h"
#include "pcp.h"
#include "seccomp.h"
#include "ssdp.h"
#include "untrusted.h"

#define PCP_ANNOUNCE_BUF	(PCP_MAX_LEN + 4)

#define RETRY_MIN	1
#define RETRY_MAX	300
#define NEWS_GAP_MIN	2	/* seconds between two remaps the router's news causes */
#define RENEW_MIN	10	/* a lease of a second is renewed every 10 s, not in a loop */
#define V4		0
#define V6		1

static int pfd = -1, ssdp_fd = -1, pmp_fd = -1;
static struct map_conf mc;
static struct map_report rep;
static struct {
	struct mb_hold h;		/* what the backend keeps */
	time_t	next[2];		/* monotonic: renew or retry; 0 none */
	int	tries[2];
} fx[MAP_MAX_FWD];
static time_t next_discover;
static int discover_tries;
static struct disc dsc;
static char bootid[SSDP_ID_MAX];
static char igd_location[SSDP_URL_MAX];	/* the IGD in use, "" none */
static int router_down;
static char gw_host[INET6_ADDRSTRLEN];
static time_t last_news;		/* a remap the router's news caused */
static long news_gap = NEWS_GAP_MIN;
static int news_pending;		/* one is scheduled (next_discover) */
static time_t refused_at[CONF_MAX_METHODS];	/* refused a mapping */
static time_t ext_checked;		/* an announced address, verified */
static time_t next_check;		/* a byebye: is the router still there? */
static time_t last_check;
static long check_gap = NEWS_GAP_MIN;	/* doubles while checks fail but it answers */

static time_t
mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

static void mlog(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
mlog(int level, const char *fmt, ...)
{
	struct map_log m;
	va_list ap;

	memset(&m, 0, sizeof(m));
	m.level = (uint32_t)level;
	va_start(ap, fmt);
	(void)vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	(void)mapper_send(pfd, MAPMSG_LOG, &m, sizeof(m));
}

/*
 * A field of the report quoted in another, cut to len whole: the
 * router's text in it was escaped where it came in (mapper_upnp.c), and
 * a cut in the middle of a character or an escape would hand the daemon
 * text that is not clean.
 */
static const char *
part(char *buf, size_t len, const char *s)
{
	(void)ut_copy(buf, len, s, MAP_STR);
	return buf;
}

static void stop(void) __attribute__((noreturn));

/* A daemon that no longer listens is gone: remove what we hold, exit. */
static void
report(void)
{
	if (mapper_send(pfd, MAPMSG_REPORT, &rep, sizeof(rep)) == -1)
		stop();
}

/* Not globally routable: the router is itself behind NAT, unless proven. */
static int
reserved4(const char *s)
{
	static const struct { const char *net; int len; } r[] = {
		{ "0.0.0.0", 8 }, { "10.0.0.0", 8 }, { "100.64.0.0", 10 },
		{ "127.0.0.0", 8 }, { "169.254.0.0", 16 }, { "172.16.0.0", 12 },
		{ "192.0.0.0", 24 }, { "192.0.2.0", 24 }, { "192.168.0.0", 16 },
		{ "198.18.0.0", 15 }, { "198.51.100.0", 24 },
		{ "203.0.113.0", 24 }, { "240.0.0.0", 4 },
	};
	struct in_addr a, n;
	size_t i;
	uint32_t mask;

	if (inet_pton(AF_INET, s, &a) != 1)
		return 0;
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		inet_pton(AF_INET, r[i].net, &n);
		mask = htonl(~0u << (32 - r[i].len));
		if ((a.s_addr & mask) == n.s_addr)
			return 1;
	}
	return 0;
}

static void
set_ext4(const char *ext)
{
	if (ext[0] == '\0' || strcmp(ext, rep.ext4) == 0)
		return;
	if (rep.ext4[0] != '\0')
		mlog(1, "the router's external address changed from %s to %s",
		    rep.ext4, ext);
	snprintf(rep.ext4, sizeof(rep.ext4), "%s", ext);
	rep.ext4_reserved = (uint32_t)reserved4(ext);
	if (rep.ext4_reserved)
		mlog(1, "the router's external address %s is not globally "
		    "routable: double NAT (carrier-grade NAT?) unless a probe "
		    "from outside proves otherwise", ext);
}

/* Host part of "http://host:port/..." into gw_host (announcements come from it). */
static void
note_gw_host(const char *url)
{
	const char *p = strstr(url, "://"), *e;
	size_t n;

	gw_host[0] = '\0';
	if (p == NULL)
		return;
	p += 3;
	if (*p == '[')
		return;		/* the IPv4 session is what announces */
	e = strpbrk(p, ":/");
	n = e ? (size_t)(e - p) : strlen(p);
	if (n < sizeof(gw_host)) {
		memcpy(gw_host, p, n);
		gw_host[n] = '\0';
	}
}

static int
keep_mapping(uint8_t proto, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < mc.nfwd; i++)
		if (mc.fwd[i].proto == proto && mc.fwd[i].port == port &&
		    mc.fwd[i].port == mc.fwd[i].port_end &&
		    (mc.fwd[i].families & FAM_IPV4))
			return 1;
	return 0;
}

static int
needs_pinholes(void)
{
	uint32_t i;

	for (i = 0; i < mc.nfwd; i++)
		if ((mc.fwd[i].families & FAM_IPV6) &&
		    mc.fwd[i].port == mc.fwd[i].port_end)
			return 1;
	return 0;
}

/* A gap twice as long, up to RETRY_MAX. */
static long
doubled(long gap)
{
	return gap * 2 > RETRY_MAX ? RETRY_MAX : gap * 2;
}

/* A remap the router's news caused happens now: the next waits longer. */
static void
news_taken(time_t now)
{
	news_gap = last_news != 0 && now - last_news < RETRY_MAX ?
	    doubled(news_gap) : NEWS_GAP_MIN;
	last_news = now;
	news_pending = 0;
}

/* Ask again later, each time twice as late (up to RETRY_MAX). */
static void
schedule_discover(void)
{
	long d = discover_tries < 9 ? (long)RETRY_MIN << discover_tries :
	    RETRY_MAX;

	discover_tries++;
	next_discover = mono() + (d > RETRY_MAX ? RETRY_MAX : d);
}

/* IPv4: what the burst found with method m (-1: nothing). */
static void
use_v4(int m)
{
	struct mb_where w;
	int i;

	rep.have_method = m >= 0;
	igd_location[0] = '\0';
	if (dsc.st[CONF_METHOD_UPNP][0] == DISC_OK) {
		mb_get(CONF_METHOD_UPNP)->location(igd_location,
		    sizeof(igd_location));
		note_gw_host(igd_location);
	}
	if (m < 0) {
		disc_why(&dsc, 0, rep.err, sizeof(rep.err));
		return;
	}
	rep.err[0] = '\0';
	rep.method = (uint32_t)m;
	/* What is not used is not listened to (forged announcements). */
	for (i = 0; i < CONF_MAX_METHODS; i++)
		if (i != m && mb_get((uint32_t)i)->unchosen != NULL)
			mb_get((uint32_t)i)->unchosen();
	memset(&w, 0, sizeof(w));
	mb_get(rep.method)->describe(0, &w);
	snprintf(rep.lan4, sizeof(rep.lan4), "%s", w.lan);
	set_ext4(w.ext);
	snprintf(rep.gateway, sizeof(rep.gateway), "%s", w.gw);
	if (igd_location[0] == '\0')
		snprintf(gw_host, sizeof(gw_host), "%.*s",
		    (int)sizeof(gw_host) - 1, w.gw);
}

/* IPv6 pinholes: with method m (-1: none can). */
static void
use_v6(int m)
{
	struct mb_where w;

	rep.pinholes = m >= 0;
	rep.pinhole_method = m >= 0 ? (uint32_t)m : 0;
	if (m < 0)
		return;
	memset(&w, 0, sizeof(w));
	mb_get(rep.pinhole_method)->describe(1, &w);
	snprintf(rep.lan6, sizeof(rep.lan6), "%s", w.lan);
}

static void map_all(int fam);
static void remap_all(const char *why);

/* Old mappings of ours the profile no longer has (after a crash). */
static void
sweep(void)
{
	const struct map_backend *b;
	int m, n;

	for (m = 0; m < CONF_MAX_METHODS; m++) {
		b = mb_get((uint32_t)m);
		if (b->sweep == NULL || dsc.st[m][0] != DISC_OK)
			continue;
		n = b->sweep(keep_mapping);
		if (n > 0)
			mlog(0, "removed %d old mapping%s of portward's that the "
			    "profile no longer has", n, n == 1 ? "" : "s");
	}
}

/*
 * Find the router in one burst (mapper_disc.c) and map everything:
 * IPv4 as soon as a method for it is known, then the pinholes.
 */
static void
discover_and_map(void)
{
	time_t now = mono();
	int want6 = needs_pinholes();

	unsigned skip = 0;
	int m;

	if (news_pending)
		news_taken(now);
	next_discover = 0;
	rep.have_method = 0;
	rep.pinholes = 0;
	/* A method that refused a mapping is left out for a while. */
	for (m = 0; m < CONF_MAX_METHODS; m++)
		if (refused_at[m] != 0 && now - refused_at[m] < RETRY_MAX)
			skip |= 1u << m;
	disc_start(&dsc, &mc, want6, skip);
	use_v4(disc_pick(&dsc, &mc, 0));
	map_all(V4);
	report();
	/* Pinholes from a router that answered nothing for IPv4: no. */
	if (want6 && rep.have_method)
		use_v6(disc_pick(&dsc, &mc, 1));
	map_all(V6);
	disc_end(&dsc);
	if (!rep.have_method) {
		schedule_discover();
		mlog(1, "no router answered (%s); asking again in %lds",
		    rep.err, (long)(next_discover - mono()));
	} else
		mlog(0, "router found: %s via %s, external address %s%s%s",
		    rep.gateway, mb_get(rep.method)->name,
		    rep.ext4[0] ? rep.ext4 : "not known yet",
		    rep.pinholes ? ", IPv6 pinholes via " : "",
		    rep.pinholes ? mb_get(rep.pinhole_method)->name : "");
	sweep();
	report();
}

static void
retry_later(uint32_t i, int fam)
{
	int t = fx[i].tries[fam]++;
	long d = t < 9 ? (long)RETRY_MIN << t : RETRY_MAX;

	fx[i].next[fam] = mono() + (d > RETRY_MAX ? RETRY_MAX : d);
}

static void
schedule_renew(uint32_t i, int fam, uint32_t lease)
{
	long half = (long)(lease ? lease : mc.lease) / 2;

	fx[i].tries[fam] = 0;
	/* A permanent mapping is verified as often as a leased one is renewed. */
	fx[i].next[fam] = mono() + (half < RENEW_MIN ? RENEW_MIN : half);
}

/* A state, and since when it holds (status: fresher evidence wins). */
static void
fam_set(struct map_fam_state *st, enum map_state s)
{
	if (st->state != (uint32_t)s || st->since == 0)
		st->since = (int64_t)time(NULL);
	st->state = s;
}

/*
 * The router does not answer. A forward it granted may still work until
 * its lease ends: that is degraded, not gone.
 */
static void
stale_or_error(struct map_fam_state *st, const char *why)
{
	int64_t now = (int64_t)time(NULL);
	char w[41];

	if ((st->state == MAP_OK || st->state == MAP_STALE) &&
	    (st->expires == 0 || st->expires > now)) {
		fam_set(st, MAP_STALE);
		snprintf(st->err, sizeof(st->err), "the router stopped answering "
		    "(%s); the forward may hold until its lease ends",
		    part(w, sizeof(w), why));
		return;
	}
	fam_set(st, MAP_ERROR);
	snprintf(st->err, sizeof(st->err), "%s", why);
}

/*
 * The router did not map it. A grant that has not ended may still work;
 * a router that stopped answering is looked for again, later each time
 * (it may have gone away while shutting down).
 */
static void
not_mapped(uint32_t i, int fam, const struct mb_result *res)
{
	uint32_t m = rep.method;

	stale_or_error(&rep.fwd[i].fam[fam], res->err);
	if (fam == V4 && res->refused && mc.nmethods > 1 &&
	    (refused_at[m] == 0 || mono() - refused_at[m] >= RETRY_MAX)) {
		/* Refused, not lost: the next method, at once. */
		refused_at[m] = mono();
		mlog(1, "%s refused the mapping (%s): asking with the "
		    "next method", mb_get(m)->name, res->err);
		next_discover = mono();
	} else if (next_discover == 0)
		schedule_discover();
	retry_later(i, fam);
}

/* Another host holds the port, or the router granted another one. */
static void
conflict(uint32_t i, int fam, const struct mb_result *res)
{
	struct map_fwd_conf *f = &mc.fwd[i];
	struct map_fam_state *st = &rep.fwd[i].fam[fam];
	char o[91];

	fam_set(st, MAP_CONFLICT);
	snprintf(st->other, sizeof(st->other), "%s", res->other);
	snprintf(st->err, sizeof(st->err), fam == V4 ? "external port %u/%s "
	    "is not free: %s" : "the pinhole for %u/%s was refused: %s",
	    f->port, prof_proto_name(f->proto),
	    part(o, sizeof(o), res->other));
	/* Never keep a different port: release it. */
	if (fam == V4 && res->ext_port != 0 && res->ext_port != f->port)
		(void)mb_get(rep.method)->unmap(V4, f->proto, f->port,
		    &fx[i].h);
	retry_later(i, fam);
}

static void
granted(uint32_t i, int fam, const struct mb_result *res)
{
	struct map_fam_state *st = &rep.fwd[i].fam[fam];

	fam_set(st, MAP_OK);
	if (fam == V4)
		discover_tries = 0;
	st->err[0] = st->other[0] = '\0';
	if (fam == V6) {
		st->ext_port = mc.fwd[i].port;
		st->lease = res->lease;
	}
	st->expires = res->lease ? (int64_t)time(NULL) + res->lease : 0;
	schedule_renew(i, fam, res->lease);
}

/* No method for pinholes: 1 when that is what the state now says. */
static int
no_pinholes(struct map_fam_state *st)
{
	uint32_t m;
	int can = 0;

	if (rep.pinholes)
		return 0;
	if (!rep.have_method && (st->state == MAP_OK ||
	    st->state == MAP_STALE)) {
		stale_or_error(st, rep.err);
		return 1;
	}
	for (m = 0; m < CONF_MAX_METHODS; m++)
		if ((mb_get(m)->fams & (1u << V6)) && mapper_wants(&mc, m))
			can = 1;
	fam_set(st, MAP_UNSUPPORTED);
	snprintf(st->err, sizeof(st->err), "%s", can ?
	    "the router offers no IPv6 firewall control (neither PCP "
	    "nor UPnP IGDv2 WANIPv6FirewallControl)" : "NAT-PMP "
	    "cannot open IPv6 pinholes: add \"pcp\" or \"upnp\" to "
	    "mapping.methods");
	return 1;
}

/* Ask for forward i on family fam (renewed: the backend renewed it). */
static void
map_fam(uint32_t i, int fam, int renewed)
{
	struct map_fam_state *st = &rep.fwd[i].fam[fam];
	struct mb_result res;
	uint32_t m;

	if (fam == V4 && !rep.have_method) {
		stale_or_error(st, rep.err);
		return;
	}
	if (fam == V6 && no_pinholes(st))
		return;
	m = fam == V4 ? rep.method : rep.pinhole_method;
	st->method = m;
	if (renewed) {
		st->expires = (int64_t)time(NULL) + st->lease;
		schedule_renew(i, fam, st->lease);
		return;
	}
	if (mb_get(m)->map(fam, &mc.fwd[i], mc.lease, &fx[i].h, &res) == -1) {
		not_mapped(i, fam, &res);
		return;
	}
	if (fam == V4) {
		if (res.ext[0] != '\0')
			set_ext4(res.ext);
		st->ext_port = res.ext_port;
		st->lease = res.lease;
	}
	if (res.conflict)
		conflict(i, fam, &res);
	else
		granted(i, fam, &res);
}

/* Forward i for family fam (V4, V6), or both (-1). */
static void
map_one(uint32_t i, int only)
{
	struct map_fwd_conf *f = &mc.fwd[i];
	struct map_fwd_state *s = &rep.fwd[i];
	int fam;

	snprintf(s->name, sizeof(s->name), "%s", f->name);
	s->proto = f->proto;
	s->port = f->port;
	s->port_end = f->port_end;
	for (fam = V4; fam <= V6; fam++) {
		struct map_fam_state *st = &s->fam[fam];

		if (only != -1 && fam != only)
			continue;
		fx[i].next[fam] = 0;
		if (!(f->families & (fam == V4 ? FAM_IPV4 : FAM_IPV6))) {
			fam_set(st, MAP_NOT_SERVED);
			continue;
		}
		if (f->port != f->port_end) {
			fam_set(st, MAP_RANGE);
			snprintf(st->err, sizeof(st->err), "a port range cannot "
			    "be forwarded port by port: run portward in router "
			    "mode on the router, or use one UDP mux port");
			continue;
		}
		map_fam(i, fam, 0);
	}
}

static void
map_all(int fam)
{
	uint32_t i;

	for (i = 0; i < mc.nfwd; i++)
		map_one(i, fam);
	rep.nfwd = mc.nfwd;
}

/* Remove what forward i holds; the number of removals that failed. */
static int
unmap_one(uint32_t i)
{
	struct map_fwd_state *s = &rep.fwd[i];
	int failed = 0, fam;

	for (fam = V4; fam <= V6; fam++) {
		struct map_fam_state *st = &s->fam[fam];

		/* Stale: granted, then the router stopped answering; may be there. */
		if ((st->state == MAP_OK || st->state == MAP_STALE) &&
		    mb_get(st->method)->unmap(fam, s->proto, s->port,
		    &fx[i].h) == -1)
			failed++;
	}
	memset(&s->fam, 0, sizeof(s->fam));
	memset(&fx[i], 0, sizeof(fx[i]));
	return failed;
}

static int
unmap_all(void)
{
	uint32_t i;
	int failed = 0;

	for (i = 0; i < rep.nfwd; i++)
		failed += unmap_one(i);
	return failed;
}

/*
 * The router says it changed (SSDP, PCP or NAT-PMP): map everything
 * again, but never sooner than news_gap after the last remap such news
 * caused. The gap doubles (up to RETRY_MAX) while news keeps coming and
 * is back to NEWS_GAP_MIN only after RETRY_MAX of quiet: a flood of forged
 * announcements, however paced, costs few remaps. Failed rediscoveries do
 * not touch it (they have their own backoff), so a router that comes
 * back is believed at once.
 */
static void
remap_all(const char *why)
{
	time_t now = mono(), at = last_news + news_gap;

	if (last_news != 0 && now < at) {
		if (next_discover == 0 || next_discover > at)
			next_discover = at;
		if (!news_pending)
			mlog(1, "%s: mapping everything again in %lds", why,
			    (long)(next_discover - now));
		news_pending = 1;
		return;
	}
	mlog(1, "%s: mapping everything again", why);
	news_pending = 1;
	discover_and_map();
}

/*
 * Forward i on fam is due: renewed or asked again. -1 when the router
 * lost it and everything is being mapped again.
 */
static int
renew_one(uint32_t i, int fam)
{
	struct map_fam_state *st = &rep.fwd[i].fam[fam];
	const struct map_backend *b = mb_get(st->method);
	char why[MAP_STR];
	int r = MB_REMAP;

	if (st->state == MAP_OK && b->renew != NULL)
		r = b->renew(fam, &mc.fwd[i], mc.lease, &fx[i].h);
	if (r == MB_GONE) {
		snprintf(why, sizeof(why), "a %s mapping vanished from the "
		    "router", b->name);
		remap_all(why);
		return -1;
	}
	map_fam(i, fam, r == MB_RENEWED);
	return 0;
}

/*
 * After renewals: a reboot shows in an epoch (PCP, RFC 6887 8.5;
 * NAT-PMP), and the external address is read again. Methods in burst
 * order, IPv4 before IPv6. -1 when everything is being mapped again.
 */
static int
check_router(void)
{
	char ext[INET6_ADDRSTRLEN];
	const struct map_backend *b;
	int i, fam, r;

	for (i = 0; i < CONF_MAX_METHODS; i++) {
		b = mb_get(mb_order[i]);
		for (fam = V4; b->rebooted != NULL && fam <= V6; fam++) {
			if (fam == V4 ? !rep.have_method ||
			    rep.method != mb_order[i] : !rep.pinholes ||
			    rep.pinhole_method != mb_order[i])
				continue;
			ext[0] = '\0';
			if ((r = b->rebooted(fam, ext, sizeof(ext))) >= 0 &&
			    fam == V4)
				set_ext4(ext);
			if (r == 1) {
				remap_all(b->reboot_news);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * After a byebye: the method in use is asked for the external address.
 * No answer: the router is gone, and the rediscovery says so (forwards
 * router-unreachable, asked again with backoff). An answer: it is still
 * there or already back, so one forward is renewed, which finds out
 * whether it forgot (a restart whose alive was lost).
 */
static int
verify_router(void)
{
	char ext[INET6_ADDRSTRLEN];
	const struct map_backend *b = mb_get(rep.method);
	uint32_t i;

	next_check = 0;
	last_check = mono();
	/*
	 * Not found yet, or looked for already; a remap for news, spaced
	 * out, does not wait for a router that is gone.
	 */
	if (!rep.have_method || (next_discover != 0 && !news_pending) ||
	    b->rebooted == NULL)
		return 0;
	ext[0] = '\0';
	switch (b->rebooted(V4, ext, sizeof(ext))) {
	case -1:
		mlog(1, "the router said goodbye (SSDP) and does not answer: "
		    "looking for it again");
		/* Not news: the gap stays, the remap it spaced is this one. */
		news_pending = 0;
		discover_and_map();
		/* Found after all (it answered with an error): ask less often. */
		check_gap = rep.have_method ? doubled(check_gap) : NEWS_GAP_MIN;
		return -1;
	case 1:
		remap_all(b->reboot_news);
		return -1;
	}
	check_gap = NEWS_GAP_MIN;
	set_ext4(ext);
	for (i = 0; i < rep.nfwd; i++)
		if (rep.fwd[i].fam[V4].state == MAP_OK) {
			if (renew_one(i, V4) == -1)
				return -1;
			break;
		}
	report();
	return 0;
}

/* Renewals and retries that are due. */
static void
run_due(void)
{
	time_t now = mono();
	uint32_t i;
	int done = 0, fam;

	if (next_discover != 0 && next_discover <= now) {
		discover_and_map();
		return;
	}
	if (next_check != 0 && next_check <= now && verify_router() == -1)
		return;
	for (fam = V4; fam <= V6; fam++)
		for (i = 0; i < rep.nfwd; i++) {
			if (fx[i].next[fam] == 0 || fx[i].next[fam] > now)
				continue;
			if (renew_one(i, fam) == -1)
				return;
			done = 1;
		}
	if (done && check_router() == 0)
		report();
}

static time_t
next_due(void)
{
	time_t n = next_discover;
	uint32_t i;
	int fam;

	if (next_check != 0 && (n == 0 || next_check < n))
		n = next_check;

	for (i = 0; i < rep.nfwd; i++)
		for (fam = V4; fam <= V6; fam++)
			if (fx[i].next[fam] != 0 && (n == 0 || fx[i].next[fam] < n))
				n = fx[i].next[fam];
	return n;
}

static int
same_fwd(const struct map_fwd_conf *a, const struct map_fwd_conf *b)
{
	return strcmp(a->name, b->name) == 0 && a->proto == b->proto &&
	    a->port == b->port && a->port_end == b->port_end &&
	    a->families == b->families;
}

/* A new configuration: change only what differs. */
static void
apply_conf(const struct map_conf *nc)
{
	static struct map_report old;
	uint32_t i, j;
	int general;

	general = nc->nmethods != mc.nmethods || memcmp(nc->methods,
	    mc.methods, sizeof(mc.methods)) != 0 || nc->lease != mc.lease ||
	    nc->has_gateway != mc.has_gateway ||
	    nc->gateway.s_addr != mc.gateway.s_addr ||
	    strcmp(nc->igd_url, mc.igd_url) != 0;
	if (general) {
		(void)unmap_all();
		mc = *nc;
		discover_and_map();
		return;
	}
	old = rep;
	for (i = 0; i < rep.nfwd; i++) {
		for (j = 0; j < nc->nfwd; j++)
			if (same_fwd(&mc.fwd[i], &nc->fwd[j]))
				break;
		if (j == nc->nfwd)
			(void)unmap_one(i);
	}
	/* Keep the state of forwards that did not change, map the new ones. */
	{
		static struct map_conf prev;
		typeof(fx) fxold;

		prev = mc;
		memcpy(fxold, fx, sizeof(fx));
		mc = *nc;
		memset(rep.fwd, 0, sizeof(rep.fwd));
		memset(fx, 0, sizeof(fx));
		rep.nfwd = mc.nfwd;
		for (j = 0; j < mc.nfwd; j++) {
			for (i = 0; i < prev.nfwd; i++)
				if (same_fwd(&prev.fwd[i], &mc.fwd[j]))
					break;
			if (i < prev.nfwd) {
				rep.fwd[j] = old.fwd[i];
				fx[j] = fxold[i];
			} else
				map_one(j, -1);
		}
	}
	report();
}

static int
open_listener(uint16_t port, const char *group)
{
	struct sockaddr_in sin;
	struct ip_mreq mr;
	int s, one = 1;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(s);
		return -1;
	}
	memset(&mr, 0, sizeof(mr));
	inet_pton(AF_INET, group, &mr.imr_multiaddr);
	(void)setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr));
	return s;
}

/*
 * SSDP NOTIFYs from the gateway's address (anyone on the LAN can forge
 * that): only an alive after a byebye, a new BOOTID.UPNP.ORG or a new
 * location of the IGD in use means the router restarted, and remap_all()
 * spaces out what follows. A byebye is not news but a question: a second
 * later (at most one every check_gap) the router is asked one cheap
 * thing, and only a router that does not answer is looked for again.
 */
static void
on_ssdp(void)
{
	char buf[2048];
	char from[INET_ADDRSTRLEN];
	struct sockaddr_in sin;
	struct ssdp_msg m;
	socklen_t sl = sizeof(sin);
	ssize_t n;
	int changed = 0;

	while ((n = recvfrom(ssdp_fd, buf, sizeof(buf), 0,
	    (struct sockaddr *)&sin, &sl)) > 0) {
		sl = sizeof(sin);
		inet_ntop(AF_INET, &sin.sin_addr, from, sizeof(from));
		if (gw_host[0] == '\0' || strcmp(from, gw_host) != 0 ||
		    ssdp_parse(buf, (size_t)n, &m) == -1 || !m.notify)
			continue;
		if (!m.alive) {
			/*
			 * Going away: asked whether it still answers. Each
			 * goodbye, so that one forged earlier cannot hide it;
			 * the alive that follows is what says it restarted.
			 */
			if (next_check == 0) {
				next_check = mono() + RETRY_MIN;
				if (last_check != 0 &&
				    next_check < last_check + check_gap)
					next_check = last_check + check_gap;
			}
			router_down = 1;
			continue;
		}
		if (router_down || (bootid[0] && m.bootid[0] &&
		    strcmp(m.bootid, bootid) != 0))
			changed = 1;
		router_down = 0;
		if (m.igd && igd_location[0] && m.location[0] &&
		    strcmp(m.location, igd_location) != 0)
			changed = 1;
		if (m.bootid[0])
			snprintf(bootid, sizeof(bootid), "%s", m.bootid);
	}
	if (changed)
		remap_all("the router announced a restart (SSDP)");
}

/*
 * Announcements to all nodes on port 5350: NAT-PMP (version 0) and PCP
 * (version 2) ANNOUNCE, each read by its backend. A new epoch that went
 * back remaps; a new external address is only noted (the forwards stay).
 */
static void
on_natpmp_announce(void)
{
	unsigned char buf[PCP_ANNOUNCE_BUF];
	char ext[INET6_ADDRSTRLEN];
	const struct map_backend *b = NULL;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	ssize_t n;
	int lost = 0, r, i;

	while ((n = recvfrom(pmp_fd, buf, sizeof(buf), 0,
	    (struct sockaddr *)&sin, &sl)) > 0) {
		sl = sizeof(sin);
		for (i = 0, r = 0; i < CONF_MAX_METHODS && r == 0; i++) {
			b = mb_get(mb_order[i]);
			if (b->announced != NULL)
				r = b->announced(buf, (size_t)n,
				    (struct sockaddr *)&sin, ext, sizeof(ext));
		}
		if (r == 1)
			lost = 1;
		else if (r == 2 && mono() - ext_checked >= NEWS_GAP_MIN * 5) {
			/* A datagram can be forged: ask the router itself. */
			ext_checked = mono();
			if (b->rebooted(V4, ext, sizeof(ext)) == 0) {
				set_ext4(ext);
				report();
			}
		}
	}
	if (lost)
		remap_all("the router announced a new epoch (NAT-PMP/PCP)");
}

/*
 * Every way out goes through here, so that no forward outlives the
 * mapper: the daemon's MAPMSG_STOP, its socket closing, a SIGTERM once
 * the daemon is gone (PR_SET_PDEATHSIG), a report nobody reads.
 */
static void
stop(void)
{
	struct map_stopped st;

	uint32_t i, f;

	memset(&st, 0, sizeof(st));
	/*
	 * A mapper started after another died cannot vouch for what that
	 * one held unless it reached the router for it itself.
	 */
	for (i = 0; mc.inherited && i < rep.nfwd; i++)
		for (f = 0; f < 2; f++)
			if (rep.fwd[i].fam[f].state == MAP_PENDING ||
			    rep.fwd[i].fam[f].state == MAP_ERROR)
				st.unknown++;
	st.left = (uint32_t)unmap_all();
	if (st.left > 0)
		mlog(1, "%u forward%s could not be removed: the router did not "
		    "answer or refused; it keeps them until their lease ends",
		    st.left,
		    st.left == 1 ? "" : "s");
	for (i = 0; i < CONF_MAX_METHODS; i++)
		mb_get(mb_order[i])->close();
	(void)mapper_send(pfd, MAPMSG_STOPPED, &st, sizeof(st));
	_exit(st.left > 0 || st.unknown > 0);
}

static volatile sig_atomic_t got_term;

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

/*
 * SIGTERM is only taken while waiting (ppoll), never inside a call to
 * the router. While the daemon lives it is ignored: systemd's
 * KillMode=control-group (or kill -TERM -PGID) signals us together with
 * the daemon, and the daemon tells us to stop over the socket once it
 * is ready for it. A SIGTERM after the daemon is gone means: clean up.
 */
static void
signals(sigset_t *wait_mask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGTERM);
}

/*
 * Everything the daemon sent, at once: a STOP wins over any
 * configuration still queued, and of several configurations (a burst
 * of reloads) only the last is applied.
 */
static void
read_daemon(void *buf)
{
	static struct map_conf last;
	uint32_t type, len;
	int n, have = 0;

	for (;;) {
		n = mapper_recv(pfd, &type, buf, sizeof(struct map_conf), &len);
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0)
			stop();		/* the daemon is gone, or mad */
		if (type == MAPMSG_STOP)
			stop();
		if (type == MAPMSG_CONF && len == sizeof(last)) {
			memcpy(&last, buf, sizeof(last));
			have = 1;
		}
	}
	if (have)
		apply_conf(&last);
}

/*
 * The first configuration, the announcement listeners, then the seccomp
 * filter: from here on the mapper only talks, to the router and the
 * daemon. in receives what the daemon sends.
 */
static void
setup(struct map_conf *in)
{
	struct pollfd w = { pfd, POLLIN, 0 };
	uint32_t type, len;
	int n;

	while (poll(&w, 1, -1) == -1 && errno == EINTR)
		;
	n = mapper_recv(pfd, &type, in, sizeof(*in), &len);
	if (n != 1 || len != sizeof(struct map_conf) || type != MAPMSG_CONF)
		_exit(n == 0 ? 0 : 1);
	mc = *in;
	ssdp_fd = open_listener(1900, "239.255.255.250");
	pmp_fd = open_listener(5350, "224.0.0.1");
	if (ssdp_fd == -1 || pmp_fd == -1)
		mlog(1, "cannot listen for router announcements (%s); reboots "
		    "are noticed at renewal only", strerror(errno));
	if (sc_install(SC_MAPPER) == -1) {
		int limit = errno == ENOSYS || errno == EINVAL;

		/* Nothing is mapped yet: failing closed leaves nothing behind. */
		mlog(1, "seccomp filter not installed (%s): %s", strerror(errno),
		    limit ? "the mapper runs without its system call "
		    "allow-list" : "exiting");
		if (!limit)
			_exit(1);
	}
}

/* Wait for the daemon, an announcement or the next due time. */
static void
wait_event(struct pollfd *p, int *np, const sigset_t *wait_mask)
{
	struct timespec ts;
	time_t due;
	int n;

	*np = 0;
	p[(*np)++] = (struct pollfd){ pfd, POLLIN, 0 };
	if (ssdp_fd != -1)
		p[(*np)++] = (struct pollfd){ ssdp_fd, POLLIN, 0 };
	if (pmp_fd != -1)
		p[(*np)++] = (struct pollfd){ pmp_fd, POLLIN, 0 };
	due = next_due();
	ts.tv_sec = due == 0 ? 3600 : due <= mono() ? 0 : due - mono();
	ts.tv_nsec = 0;
	if (ppoll(p, (nfds_t)*np, &ts, wait_mask) == -1) {
		if (errno != EINTR)
			stop();
		for (n = 0; n < *np; n++)
			p[n].revents = 0;
	}
}

void
mapper_child(int fd)
{
	struct map_conf *in;
	struct pollfd p[3];
	sigset_t wait_mask;
	pid_t parent = getppid();
	int n, np;

	pfd = fd;
	signals(&wait_mask);
	if ((in = malloc(sizeof(*in))) == NULL)
		_exit(1);
	setup(in);
	discover_and_map();
	for (;;) {
		wait_event(p, &np, &wait_mask);
		if (got_term) {
			got_term = 0;
			if (getppid() != parent)
				stop();		/* the daemon died */
		}
		if (p[0].revents)
			read_daemon(in);
		for (n = 1; n < np; n++) {
			if (!p[n].revents)
				continue;
			if (p[n].fd == ssdp_fd)
				on_ssdp();
			else
				on_natpmp_announce();
		}
		run_due();
	}
}
