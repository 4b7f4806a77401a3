/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c: the daemon's side of outside probes (see probe.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "addr.h"
#include "log.h"
#include "loop.h"
#include "privsep.h"
#include "probe.h"
#include "untrusted.h"
#include "reflector.h"
#include "seccomp.h"
#include "untrusted.h"
#include "nft.h"

#define MAX_RESULTS	(PROF_MAX_ENDPOINTS * 2)
#define ANSWER_MS	45000

static int pfd = -1;
static pid_t hpid = -1;
static struct probe_result results[MAX_RESULTS], pending[MAX_RESULTS];
static size_t nresults, npending;
static struct {
	char		name[PROF_NAME_MAX];
	unsigned	fam;
	long long	packets;
} snap[MAX_RESULTS + 1];
static size_t nsnap;
static probe_counter_fn counter_fn;
static void (*done_cb)(void);

int
probe_running(void)
{
	return pfd != -1;
}

void
probe_on_done(void (*cb)(void))
{
	done_cb = cb;
}

size_t
probe_results(const struct probe_result **out)
{
	*out = results;
	return nresults;
}

void
probe_reset(void)
{
	nresults = 0;
}

static const char *
kind_of(const struct prof_endpoint *e)
{
	/* TURN over TLS: the handshake with SNI turn.domain, then Allocate. */
	if (e->flags & PROF_EP_TURN_TLS)
		return "turn-tls";
	if (e->flags & PROF_EP_TURN_TCP)
		return "turn-tcp";
	if (e->proto == IPPROTO_TCP)
		return "tcp";
	/*
	 * TURN proves itself: an Allocate without credentials gets a 401
	 * with realm and nonce (any STUN server answers a Binding). The ICE
	 * mux answers nothing without credentials.
	 */
	return strncmp(e->name, "turn", 4) == 0 ? "turn-udp" : "datagram";
}

/* ---- the helper (child) ---- */


static void
fill(struct probe_result *r, const char *name, unsigned fam, const char *kind,
    int ok, const char *detail, const char *refl)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->fam = fam;
	r->ok = (uint32_t)ok;
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	snprintf(r->detail, sizeof(r->detail), "%s", detail);
	snprintf(r->reflector, sizeof(r->reflector), "%s", refl);
}

static void
send_result(int out, struct probe_result *r)
{
	r->at = (int64_t)time(NULL);
	/* < PIPE_BUF: atomic. A lost result stays unmeasured in the daemon. */
	if (write(out, r, sizeof(*r)) != (ssize_t)sizeof(*r))
		log_debug("probe: the daemon did not take the %s result",
		    r->name);
}

static void
emit(int out, const char *name, unsigned fam, const char *kind, int ok,
    const char *detail, const char *refl)
{
	struct probe_result r;

	fill(&r, name, fam, kind, ok, detail, refl);
	send_result(out, &r);
}

/* Endpoint e is asked of a reflector of family fam: one port, served. */
static int
asked(unsigned families, const struct prof_endpoint *e, unsigned fam)
{
	return (e->families & families & fam) && e->port == e->port_end;
}

/* Every endpoint asked, not measured: why in err. */
static size_t
none_for_all(unsigned families, const struct profile *p, unsigned fam,
    const char *err, const char *refl, struct probe_result *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < p->n && n < max; i++)
		if (asked(families, &p->ep[i], fam))
			fill(&out[n++], p->ep[i].name, fam, "none", 0, err, refl);
	return n;
}

/* The profile's endpoint a reflector's result names, if it was asked. */
static const struct prof_endpoint *
asked_named(unsigned families, const struct profile *p, unsigned fam,
    const char *name)
{
	size_t k;

	for (k = 0; name != NULL && k < p->n; k++)
		if (strcmp(p->ep[k].name, name) == 0 && asked(families, &p->ep[k], fam))
			return &p->ep[k];
	return NULL;
}

size_t
probe_parse_answer(const char *buf, size_t len, unsigned families,
    const struct profile *p, unsigned fam, const char *refl,
    struct probe_result *out, size_t max)
{
	/* The reflector's word is untrusted: parsed here, without privileges. */
	json_t *ans = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, NULL);
	json_t *res = json_object_get(ans, "results"), *x;
	const char *s;
	char why[160], err[sizeof(why) + 80];
	size_t i, n = 0;

	if (!json_is_array(res)) {
		s = json_string_value(json_object_get(ans, "error"));
		(void)ut_clean(why, sizeof(why), s ? s : "no answer",
		    s ? strlen(s) : 9);
		snprintf(err, sizeof(err), "reflector %s: %s", refl, why);
		json_decref(ans);
		return none_for_all(families, p, fam, err, refl, out, max);
	}
	json_array_foreach(res, i, x) {
		const struct prof_endpoint *e = asked_named(families, p, fam,
		    json_string_value(json_object_get(x, "name")));

		/*
		 * Only what was asked, and of the kind we asked: a reflector
		 * that answers "tcp, ok" for a UDP port proves nothing.
		 */
		if (e == NULL || n == max)
			continue;
		fill(&out[n], e->name, fam, kind_of(e),
		    json_is_true(json_object_get(x, "ok")), "", refl);
		s = json_string_value(json_object_get(x, "detail"));
		if (s != NULL)
			(void)ut_clean(out[n].detail, sizeof(out[n].detail), s,
			    strlen(s));
		n++;
	}
	json_decref(ans);
	return n;
}

/*
 * Router mode, IPv6: this router's own address in the LAN host's /64, to
 * ask the reflector from, with the host as "target" (refl_target: the
 * reflector probes only inside the requester's /64). 0, or -1: none.
 */
static int
own_addr_in_64(const struct in6_addr *host, struct sockaddr_storage *out)
{
	struct ifaddrs *ifa, *i;
	int rc = -1;

	if (getifaddrs(&ifa) == -1)
		return -1;
	for (i = ifa; i != NULL && rc == -1; i = i->ifa_next) {
		const struct sockaddr_in6 *a = (const void *)i->ifa_addr;

		if (a == NULL || a->sin6_family != AF_INET6 ||
		    memcmp(&a->sin6_addr, host, 8) != 0 ||
		    memcmp(&a->sin6_addr, host, 16) == 0)
			continue;
		memset(out, 0, sizeof(*out));
		memcpy(out, a, sizeof(*a));
		((struct sockaddr_in6 *)out)->sin6_port = 0;
		rc = 0;
	}
	freeifaddrs(ifa);
	return rc;
}

/* The request line: every endpoint asked of a reflector of family fam. */
static char *
request(const struct probe_scope *sc, const struct profile *p, unsigned fam,
    struct sockaddr_storage *src, const struct sockaddr_storage **from)
{
	json_t *req = json_object(), *probes = json_array(), *x;
	char a[INET6_ADDRSTRLEN], *line;
	size_t i;
	int nprobes = 0;

	for (i = 0; i < p->n && nprobes < REFL_MAX_PROBES; i++) {
		const struct prof_endpoint *e = &p->ep[i];

		if (!asked(sc->families, e, fam))
			continue;
		x = json_pack("{s:s, s:s, s:i}", "name", e->name, "kind",
		    kind_of(e), "port", (int)e->port);
		if ((e->flags & PROF_EP_TURN_TLS) && e->client_host[0] != '\0')
			json_object_set_new(x, "sni", json_string(e->client_host));
		json_array_append_new(probes, x);
		nprobes++;
	}
	json_object_set_new(req, "probes", probes);
	if (fam == FAM_IPV6 && sc->has_target6 &&
	    own_addr_in_64(&sc->target6, src) == 0) {
		inet_ntop(AF_INET6, &sc->target6, a, sizeof(a));
		json_object_set_new(req, "target", json_string(a));
		*from = src;
	}
	line = nprobes > 0 ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	return line;
}

static void
ask(int out, const struct probe_scope *sc, const struct profile *p, size_t ri)
{
	const struct sockaddr_storage *rs = &sc->conf.reflectors[ri], *from = NULL;
	struct sockaddr_storage src;
	unsigned fam = rs->ss_family == AF_INET ? FAM_IPV4 : FAM_IPV6;
	char refl[64], a[INET6_ADDRSTRLEN], buf[65536], err[160];
	struct probe_result r[PROF_MAX_ENDPOINTS];
	size_t i, n, len = 0;
	ssize_t got;
	struct pollfd pf;
	char *line;
	int s;

	if (fam == FAM_IPV4)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)rs)->sin_addr, a,
		    sizeof(a));
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)rs)->sin6_addr,
		    a, sizeof(a));
	snprintf(refl, sizeof(refl), fam == FAM_IPV4 ? "%s:%u" : "[%s]:%u", a,
	    ntohs(((const struct sockaddr_in *)rs)->sin_port));
	if ((line = request(sc, p, fam, &src, &from)) == NULL)
		return;
	if ((s = addr_connect_from(rs, from, 3000)) == -1) {
		snprintf(err, sizeof(err), "reflector %s unreachable: %s", refl,
		    strerror(errno));
		n = none_for_all(sc->families, p, fam, err, refl, r,
		    PROF_MAX_ENDPOINTS);
	} else {
		(void)send(s, line, strlen(line), MSG_NOSIGNAL);
		(void)send(s, "\n", 1, MSG_NOSIGNAL);
		pf.fd = s;
		pf.events = POLLIN;
		while (len < sizeof(buf) && poll(&pf, 1, ANSWER_MS) == 1 &&
		    (got = recv(s, buf + len, sizeof(buf) - len, 0)) > 0)
			len += (size_t)got;
		close(s);
		n = probe_parse_answer(buf, len, sc->families, p, fam, refl, r,
		    PROF_MAX_ENDPOINTS);
	}
	free(line);
	for (i = 0; i < n; i++)
		send_result(out, &r[i]);
}

/*
 * NAT loopback (hairpin) on the router, measured from this host. LiveKit
 * behind a NAT advertises the router's address (rtc.use_external_ip or
 * node_ip: mediatransportutil NewWebRTCConfig rewrites its IPv4 host
 * candidates to it), and its TURN relays from this host towards those
 * candidates (pkg/service/turn.go NewTurnServer: relay at rtc.node_ip),
 * so every relayed IPv4 call goes out to the router's address at the ICE
 * UDP port and must come back through the forward: hairpin NAT, with the
 * source rewritten too (else the SFU answers the relay directly, and the
 * relay drops it; a packet from our own address arriving from outside is
 * dropped as martian anyway). Datagrams marked NFT_HAIRPIN_MARKER are
 * sent there; the daemon counts them in its seen chain (finish()).
 */
static void
hairpin(int out, const struct profile *p, const char *ext4)
{
	struct sockaddr_in to;
	const struct prof_endpoint *e = NULL;
	char det[160];
	size_t i;
	int s, k, sent = 0;

	for (i = 0; i < p->n && e == NULL; i++)
		if (p->ep[i].proto == IPPROTO_UDP && p->ep[i].port ==
		    p->ep[i].port_end && (p->ep[i].families & FAM_IPV4) &&
		    !(p->ep[i].flags & PROF_EP_CLIENT) &&
		    strncmp(p->ep[i].name, "turn", 4) != 0)
			e = &p->ep[i];
	if (e == NULL)
		return;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(e->port);
	if (inet_pton(AF_INET, ext4, &to.sin_addr) != 1 ||
	    (s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	for (k = 0; k < 3; k++) {
		if (sendto(s, NFT_HAIRPIN_MARKER, 16, 0, (struct sockaddr *)&to,
		    sizeof(to)) == 16)
			sent++;
		(void)poll(NULL, 0, 50);
	}
	close(s);
	(void)poll(NULL, 0, 200);	/* the router's way back */
	snprintf(det, sizeof(det), "%s:%u/udp (ICE/UDP's forward)", ext4,
	    e->port);
	emit(out, PROBE_HAIRPIN, FAM_IPV4, "hairpin", sent > 0, det,
	    "this host");
}

/* In the helper, privileges already dropped: ask every reflector. */
static void __attribute__((noreturn))
helper(int out, const struct probe_scope *sc, const struct profile *p,
    const char *ext4)
{
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	/* Nothing to open: the filter goes on before the first stranger. */
	if (sc_install(SC_PROBE) == -1) {
		int limit = errno == ENOSYS || errno == EINVAL;

		log_warnx("probe: seccomp filter not installed (%s): %s",
		    strerror(errno), limit ? "the helper runs without its "
		    "system call allow-list" : "no probe");
		if (!limit)
			_exit(1);
	}
	if (ext4[0] != '\0')
		hairpin(out, p, ext4);
	for (i = 0; i < sc->conf.nreflectors; i++)
		ask(out, sc, p, i);
	_exit(0);
}

/* ---- the daemon's side ---- */

/* The count of name's packets for fam before the round, or -1. */
static long long
before(const char *name, unsigned fam)
{
	long long was = -1;
	size_t j;

	for (j = 0; j < nsnap; j++)
		if (strcmp(snap[j].name, name) == 0 && snap[j].fam == fam)
			was = snap[j].packets;
	return was;
}

/* The hairpin test: did this host's datagrams come back through NAT? */
static void
judge_hairpin(struct probe_result *r)
{
	long long was, now;
	char to[64];

	/* The reflector's address, cut to fit (GCC at -O0 asks). */
	snprintf(to, sizeof(to), "%.*s", (int)sizeof(to) - 1, r->detail);
	was = before(r->name, FAM_IPV4);
	now = counter_fn ? counter_fn(r->name, FAM_IPV4) : -1;
	if (was < 0 || now < 0 || !r->ok) {
		snprintf(r->kind, sizeof(r->kind), "none");
		snprintf(r->detail, sizeof(r->detail), "datagrams to %s could "
		    "not be counted here", to);
		r->ok = 0;
	} else if (now > was)
		snprintf(r->detail, sizeof(r->detail), "datagrams from this "
		    "host to %s came back through the router (hairpin NAT)", to);
	else {
		r->ok = 0;
		snprintf(r->detail, sizeof(r->detail), "datagrams from this "
		    "host to %s did not come back: no hairpin NAT", to);
	}
}

/*
 * A probe reached the host only if the count of what passed every chain
 * (nft.h NFT_SEEN_CHAIN) grew: that is the proof for a datagram, which
 * nothing answers, and the check of a reflector's word for the others.
 * Without that count (router mode) a datagram proves nothing and the
 * others stand on the reflector's word.
 */
static void
judge_counted(struct probe_result *r)
{
	int dgram = strcmp(r->kind, "datagram") == 0;
	long long was, now;

	if (!r->ok)
		return;
	was = before(r->name, r->fam);
	now = counter_fn ? counter_fn(r->name, r->fam) : -1;
	if (was >= 0 && now > was) {
		if (dgram)
			snprintf(r->detail, sizeof(r->detail), "the "
			    "reflector's datagrams passed every chain "
			    "(%lld counted), and no ICMP error came back",
			    now - was);
	} else if (dgram || (was >= 0 && now >= 0)) {
		r->ok = 0;
		snprintf(r->detail, sizeof(r->detail), dgram ? "the "
		    "reflector sent datagrams, but none passed every "
		    "chain here (portward's count did not move)" :
		    "the reflector says %s, but no packet of it "
		    "passed every chain here (portward's count did "
		    "not move)", r->kind);
	}
}

/* Keep the newest result per endpoint and family. */
static void
keep_newest(void)
{
	size_t i, j;

	for (i = 0; i < npending; i++) {
		for (j = 0; j < nresults; j++)
			if (strcmp(results[j].name, pending[i].name) == 0 &&
			    results[j].fam == pending[i].fam)
				break;
		if (j == nresults && nresults < MAX_RESULTS)
			nresults++;
		if (j < MAX_RESULTS)
			results[j] = pending[i];
	}
}

static void
finish(void)
{
	size_t i;

	for (i = 0; i < npending; i++) {
		if (strcmp(pending[i].name, PROBE_HAIRPIN) == 0)
			judge_hairpin(&pending[i]);
		else
			judge_counted(&pending[i]);
	}
	keep_newest();
	for (i = 0; i < npending; i++)
		log_info("probe: %s %s from %s: %s (%s)", pending[i].name,
		    pending[i].fam == FAM_IPV4 ? "ipv4" : "ipv6",
		    pending[i].reflector, pending[i].ok ? "reached" :
		    "NOT reached", pending[i].detail);
	npending = 0;
	if (done_cb != NULL)
		done_cb();
}

static void
on_record(const struct loop_event *ev, void *arg)
{
	struct probe_result r;
	ssize_t n;

	(void)arg;
	n = read(ev->fd, &r, sizeof(r));
	if (n == (ssize_t)sizeof(r)) {
		/*
		 * The helper talks to strangers (a reflector's detail, what
		 * came back through the router): its strings are escaped
		 * here unless they are clean, like the mapper's (mapper.c).
		 */
		(void)ut_copy(r.name, sizeof(r.name), r.name, sizeof(r.name));
		(void)ut_copy(r.kind, sizeof(r.kind), r.kind, sizeof(r.kind));
		(void)ut_copy(r.detail, sizeof(r.detail), r.detail,
		    sizeof(r.detail));
		(void)ut_copy(r.reflector, sizeof(r.reflector), r.reflector,
		    sizeof(r.reflector));
		if ((r.fam == FAM_IPV4 || r.fam == FAM_IPV6) &&
		    npending < MAX_RESULTS)
			pending[npending++] = r;
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	loop_del(ev->fd);
	close(ev->fd);
	pfd = -1;
	hpid = -1;
	finish();
}

/*
 * The one place the prober reads the whole configuration: its section,
 * the families asked for, router mode's LAN host (the reflector probes it
 * when it sits in the asker's /64) and the unprivileged user.
 */
void
probe_scope_from(const struct conf *c, struct probe_scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->conf = c->probe;
	sc->families = c->families;
	if (c->mode == CONF_MODE_ROUTER && c->router.has_lan6) {
		sc->has_target6 = 1;
		sc->target6 = c->router.lan6;
	}
	snprintf(sc->user, sizeof(sc->user), "%s", c->mapping.user);
}

/*
 * Counters before the reflector's datagrams, per endpoint and family:
 * before the fork, or a fast reflector's datagrams may be counted before
 * the snapshot (and the probe would see none).
 */
static void
snapshot(const struct profile *p, probe_counter_fn counter)
{
	size_t i, k;

	nsnap = 0;
	snprintf(snap[nsnap].name, sizeof(snap[nsnap].name), "%s",
	    PROBE_HAIRPIN);
	snap[nsnap].fam = FAM_IPV4;
	snap[nsnap].packets = counter ? counter(PROBE_HAIRPIN, FAM_IPV4) : -1;
	nsnap++;
	for (i = 0; i < p->n; i++)
		for (k = 0; k < 2 && nsnap < MAX_RESULTS + 1; k++) {
			snprintf(snap[nsnap].name, sizeof(snap[nsnap].name), "%s",
			    p->ep[i].name);
			snap[nsnap].fam = k == 0 ? FAM_IPV4 : FAM_IPV6;
			snap[nsnap].packets = counter ? counter(p->ep[i].name,
			    snap[nsnap].fam) : -1;
			nsnap++;
		}
}

int
probe_start(const struct probe_scope *sc, const struct profile *p,
    probe_counter_fn counter, const char *ext4)
{
	static struct probe_scope cc;
	static struct profile pp;
	static char hx[INET6_ADDRSTRLEN];
	struct ps_opts o;
	int fds[2];

	if (pfd != -1 || sc->conf.nreflectors == 0)
		return -1;
	cc = *sc;
	pp = *p;
	snprintf(hx, sizeof(hx), "%s", ext4 ? ext4 : "");
	counter_fn = counter;
	npending = 0;
	snapshot(p, counter);
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	/* It reads what reflectors answer: mapping.user, like the mapper. */
	memset(&o, 0, sizeof(o));
	o.user = cc.user;
	o.keep[o.nkeep++] = fds[1];
	o.err_fd = -1;
	o.pdeathsig = SIGKILL;
	o.name = "portward-probe";
	switch (hpid = ps_fork(&o)) {
	case -1:
		if (errno == ESRCH)
			log_warnx("probe: no user %s (mapping.user): no probe",
			    cc.user);
		close(fds[0]);
		close(fds[1]);
		return -1;
	case 0:
		helper(fds[1], &cc, &pp, hx);
	}
	close(fds[1]);
	pfd = fds[0];
	(void)fcntl(pfd, F_SETFL, O_NONBLOCK);
	if (loop_add(pfd, on_record, NULL) == -1) {
		close(pfd);
		pfd = -1;
		return -1;
	}
	return 0;
}
