/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * verdict.c: the verdict per endpoint and family, from what was measured,
 * stage by stage in the order a client's packets meet them (verdict.h),
 * so that the reason named is the first place traffic stops. Version
 * knowledge only explains (the hints); a cell is `reachable` only once
 * something proved it, and `unknown` until then.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verdict.h"

/* One table: the name in the status JSON, the verdict, the stage, the fix. */
const struct reason_info reasons[R_COUNT] = {
	[R_NONE] = { "", V_REACHABLE, ST_NONE, "" },
	[R_PROFILE_EXCLUDES_FAMILY] = { "profile-excludes-family", V_BLOCKED,
	    ST_SFU, "fix the profile (livekit_version, turn.bind_addresses)" },
	[R_TURN_BIND_ADDRESSES] = { "turn-bind-addresses", V_IMPOSSIBLE,
	    ST_SFU, "add this host's address of the family to "
	    "turn.bind_addresses, or remove the key" },
	[R_RTC_IPS_EXCLUDES_FAMILY] = { "rtc-ips-excludes-family",
	    V_IMPOSSIBLE, ST_SFU, "widen rtc.ips" },
	[R_LIVEKIT_TURN_IPV4_ONLY] = { "livekit-turn-ipv4-only", V_IMPOSSIBLE,
	    ST_SFU, "upgrade LiveKit to 1.10.1 or later, or a dual-stack TLS "
	    "proxy on 443 with turn.external_tls: true" },
	[R_NOT_SERVED] = { "not-served", V_IMPOSSIBLE, ST_SFU,
	    "fix the profile if the SFU serves it" },
	[R_FAMILY_DISABLED] = { "family-disabled", V_IMPOSSIBLE, ST_SFU,
	    "add the family to families" },
	[R_CLIENT_PORT_NOT_SERVED] = { "client-port-not-served", V_BLOCKED,
	    ST_SFU, "turn.tls_port: 443, or a proxy on 443 routing SNI "
	    "turn.domain to TURN" },
	[R_NO_IPV6_ADDRESS] = { "no-ipv6-address", V_BLOCKED, ST_ADDRESS,
	    "get a global prefix (SLAAC, DHCPv6-PD)" },
	[R_NO_IPV6_ROUTE] = { "no-ipv6-route", V_BLOCKED, ST_ADDRESS,
	    "fix the router advertisements or the route" },
	[R_NO_FORWARD_YET] = { "no-forward-yet", V_UNKNOWN, ST_FORWARD,
	    "wait for the mapper" },
	[R_HOLE_PUNCHING_ONLY] = { "hole-punching-only", V_DEGRADED,
	    ST_FORWARD, "open the port, or get the forward" },
	[R_FORWARD_CONFLICT] = { "forward-conflict", V_BLOCKED, ST_FORWARD,
	    "free the port on the router, or move LiveKit's port" },
	[R_NO_FORWARD] = { "no-forward", V_BLOCKED, ST_FORWARD,
	    "router mode on the router, or one UDP mux port" },
	[R_ROUTER_UNREACHABLE] = { "router-unreachable", V_DEGRADED,
	    ST_FORWARD, "check the router; the forward is renewed when it "
	    "answers" },
	[R_NO_IPV6_FIREWALL_CONTROL] = { "no-ipv6-firewall-control",
	    V_BLOCKED, ST_FORWARD, "open the port in the router's IPv6 "
	    "firewall, or add upnp" },
	[R_NEEDS_ROOT] = { "needs-root", V_UNKNOWN, ST_FIREWALL,
	    "run as root" },
	[R_NO_RULE] = { "no-rule", V_BLOCKED, ST_FIREWALL,
	    "start portwardd, or portwardctl apply" },
	[R_DROPPED_BY_OTHER_TABLE] = { "dropped-by-other-table", V_BLOCKED,
	    ST_FIREWALL, "open the port there, or nft.attach" },
	[R_MAYBE_DROPPED_BY_OTHER_TABLE] = { "maybe-dropped-by-other-table",
	    V_UNKNOWN, ST_FIREWALL, "configure probe.reflectors, or open the "
	    "port there" },
	[R_NO_LISTENER] = { "no-listener", V_BLOCKED, ST_SOCKET,
	    "start the SFU" },
	[R_LISTENER_IPV4_ONLY] = { "listener-ipv4-only", V_BLOCKED, ST_SOCKET,
	    "bind dual-stack" },
	[R_LISTENER_IPV6_ONLY] = { "listener-ipv6-only", V_BLOCKED, ST_SOCKET,
	    "bind dual-stack" },
	[R_ADDRESS_NOT_SERVED] = { "address-not-served", V_DEGRADED,
	    ST_SOCKET, "restart the SFU (supervise.restart_on_address_change)" },
	[R_PROBE_FAILED] = { "probe-failed", V_BLOCKED, ST_PROBE,
	    "look between the router and this host (ISP, upstream NAT)" },
	[R_REFLECTOR_FAILED] = { "reflector-failed", V_UNKNOWN, ST_PROBE,
	    "check probe.reflectors" },
	[R_NOT_MEASURED] = { "not-measured", V_UNKNOWN, ST_PROBE,
	    "configure probe.reflectors" },
	[R_ROUTER_NO_HAIRPIN] = { "router-no-hairpin", V_BLOCKED, ST_PROBE,
	    "turn on NAT loopback on the router, or router mode on it" },
	[R_HAIRPIN_NOT_MEASURED] = { "hairpin-not-measured", V_UNKNOWN,
	    ST_PROBE, "wait for the probe round" },
};

const char *
verdict_name(enum pw_verdict v)
{
	static const char *const n[] = { "reachable", "blocked", "impossible",
	    "degraded", "unknown" };

	return (unsigned)v < sizeof(n) / sizeof(n[0]) ? n[v] : "unknown";
}

const char *
stage_name(enum pw_stage s)
{
	static const char *const n[] = { "", "sfu", "address", "forward",
	    "firewall", "socket", "probe" };

	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "";
}

static void
set(struct cell *c, enum pw_reason r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set(struct cell *c, enum pw_reason r, const char *fmt, ...)
{
	va_list ap;

	c->reason = r;
	c->verdict = reasons[r].verdict;
	va_start(ap, fmt);
	(void)vsnprintf(c->hint, sizeof(c->hint), fmt, ap);
	va_end(ap);
}

static const struct map_fwd_state *
find_fwd(const struct map_report *m, const struct prof_endpoint *e)
{
	uint32_t i;

	for (i = 0; m != NULL && i < m->nfwd; i++)
		if (strcmp(m->fwd[i].name, e->name) == 0 &&
		    m->fwd[i].proto == e->proto && m->fwd[i].port == e->port)
			return &m->fwd[i];
	return NULL;
}

static void
set_dropped(struct cell *c, const struct nft_conflict *x)
{
	set(c, R_DROPPED_BY_OTHER_TABLE, "table %s %s, chain %s "
	    "(%s) drops it: open the port there, or set nft.attach to that "
	    "table and chain", x->family, x->table, x->chain, x->why);
}

static int conflict_covers(const struct nft_conflict *,
    const struct prof_endpoint *, unsigned);

/*
 * The firewall stage: another table drops the packet (certain, or also
 * the uncertain drops once a probe failed). A stateless drop anywhere
 * blocks whatever else is stateful; ICE over UDP through a stateful drop
 * connects for every client the SFU's own checks reach first.
 */
static int
conflicts_stop(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, int with_uncertain, struct cell *c)
{
	const struct nft_conflict *x = NULL;
	int i;

	for (i = 0; i < in->nconflicts; i++) {
		if (!conflict_covers(&in->conflicts[i], e, fam) ||
		    (in->conflicts[i].uncertain && !with_uncertain))
			continue;
		if (!in->conflicts[i].stateful) {
			set_dropped(c, &in->conflicts[i]);
			return 1;
		}
		if (x == NULL)
			x = &in->conflicts[i];
	}
	if (x == NULL)
		return 0;
	if (e->proto == IPPROTO_UDP && strncmp(e->name, "turn", 4) != 0)
		set(c, R_HOLE_PUNCHING_ONLY, "table %s %s, chain %s "
		    "(%s) drops datagrams nobody asked for, after accepting "
		    "established ones: calls connect only when the SFU's own "
		    "ICE checks reach the client first (a public address, or a "
		    "NAT that maps endpoint-independently), not from clients "
		    "behind symmetric NAT (they fall back to TURN); open the "
		    "port there, or set nft.attach to that table and chain",
		    x->family, x->table, x->chain, x->why);
	else
		set_dropped(c, x);
	return 1;
}

/* Does another table's chain drop this endpoint on this family? */
static int
conflict_covers(const struct nft_conflict *c, const struct prof_endpoint *e,
    unsigned fam)
{
	char want[NFT_NAME_MAX];

	(void)snprintf(want, sizeof(want), "%s %s", e->name, fam == FAM_IPV4 ?
	    "ipv4" : "ipv6");
	return c->fam == fam && strcmp(c->endpoint, want) == 0;
}

/* The endpoint LiveKit serves behind what clients are told, or NULL. */
static const struct prof_endpoint *
backend_of(const struct profile *p, const struct prof_endpoint *e)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!(p->ep[i].flags & PROF_EP_CLIENT) &&
		    p->ep[i].client_port == e->port &&
		    p->ep[i].proto == e->proto)
			return &p->ep[i];
	return NULL;
}

/*
 * What clients are told (turns:DOMAIN:443) when LiveKit listens elsewhere:
 * portward neither opens nor forwards it (the proxy's port), so only a
 * listener and a probe from outside can say whether clients get through.
 */
static void
verdict_client(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	const struct prof_endpoint *b = backend_of(in->prof, e);
	const char *fname = fam == FAM_IPV4 ? "IPv4" : "IPv6";
	unsigned served = 0;
	int i;

	if (!(in->conf->families & fam)) {
		set(c, R_FAMILY_DISABLED, "families in %s leaves "
		    "out %s", in->conf->file, fam == FAM_IPV4 ? "ipv4" : "ipv6");
		return;
	}
	for (i = 0; i < (int)in->nprobes; i++)
		if (strcmp(in->probes[i].name, e->name) == 0 &&
		    in->probes[i].fam == fam && in->probes[i].ok) {
			set(c, R_NONE, "clients are told %s:%u; reached "
			    "from %s: %s", e->client_host, e->port,
			    in->probes[i].reflector, in->probes[i].detail);
			return;
		}
	if (in->have_lsn && in->conf->mode == CONF_MODE_HOST) {
		served = lsn_families(in->lsn, in->nlsn, e->proto, e->port,
		    e->port_end);
		if (served == 0) {
			set(c, R_CLIENT_PORT_NOT_SERVED, "LiveKit "
			    "tells clients turns:%s:%u, but nothing listens on "
			    "%u/tcp here: set turn.tls_port: %u, or route SNI %s "
			    "on %u to TURN on %u (a TLS proxy, with "
			    "turn.external_tls: true if it terminates TLS)",
			    e->client_host, e->port, e->port, e->port,
			    e->client_host, e->port, b ? b->port : 0);
			return;
		}
		if (!(served & fam)) {
			set(c, fam == FAM_IPV6 ? R_LISTENER_IPV4_ONLY :
			    R_LISTENER_IPV6_ONLY, "what listens on %u/tcp (told "
			    "to clients as %s:%u) serves %s only: %s clients "
			    "are refused", e->port, e->client_host, e->port,
			    fam == FAM_IPV6 ? "IPv4" : "IPv6", fname);
			return;
		}
	}
	for (i = 0; i < (int)in->nprobes; i++)
		if (strcmp(in->probes[i].name, e->name) == 0 &&
		    in->probes[i].fam == fam) {
			set(c, R_PROBE_FAILED, "clients are told %s:%u; "
			    "not reached from %s: %s (portward does not open or "
			    "forward %u: it is the TLS proxy's)", e->client_host,
			    e->port, in->probes[i].reflector,
			    in->probes[i].detail, e->port);
			return;
		}
	set(c, R_NOT_MEASURED, "clients are told %s:%u%s; portward "
	    "does not open or forward it (the TLS proxy's); no probe from "
	    "outside has proved it yet", e->client_host, e->port,
	    served & fam ? ", and something listens there" : "");
}

/*
 * The last stage of a relayed IPv4 call behind the router: LiveKit's TURN
 * relays from this host to the SFU's candidates, which carry the router's
 * address, so the packets must come back through the router's forward
 * (hairpin NAT). The probe helper measures it (probe.c hairpin()); a TURN
 * cell reached from outside is only reachable for calls if it held.
 */
static int
hairpin_matters(const struct status_in *in)
{
	uint32_t i;

	if (!in->mapping_on || in->map == NULL || in->map->ext4[0] == '\0')
		return 0;
	for (i = 0; i < in->map->nfwd && i < MAP_MAX_FWD; i++)
		if (in->map->fwd[i].fam[0].state == MAP_OK)
			return 1;
	return 0;
}

static void
verdict_hairpin(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	const struct prof_endpoint *b = (e->flags & PROF_EP_CLIENT) ?
	    backend_of(in->prof, e) : e;
	const struct probe_result *r = NULL;
	unsigned rf;
	size_t i;
	int testable = 0;

	if (c->verdict != V_REACHABLE ||
	    strncmp(e->name, "turn", 4) != 0 || !hairpin_matters(in))
		return;
	/* The family this client family's relays are at: IPv4 goes out. */
	rf = b == NULL ? fam : fam == FAM_IPV6 ?
	    ((b->flags & PROF_EP_RELAY4_FOR_V6) ? FAM_IPV4 : FAM_IPV6) :
	    ((b->flags & PROF_EP_RELAY6_FOR_V4) ? FAM_IPV6 : FAM_IPV4);
	if (rf != FAM_IPV4)
		return;
	/* Measured at the ICE/UDP port, where relays go (probe.c). */
	for (i = 0; i < in->prof->n; i++)
		if (strncmp(in->prof->ep[i].name, "turn", 4) != 0 &&
		    in->prof->ep[i].proto == IPPROTO_UDP &&
		    in->prof->ep[i].port == in->prof->ep[i].port_end &&
		    (in->prof->ep[i].families & FAM_IPV4))
			testable = 1;
	for (i = 0; i < in->nprobes; i++)
		if (strcmp(in->probes[i].name, PROBE_HAIRPIN) == 0 &&
		    in->probes[i].fam == FAM_IPV4 &&
		    strcmp(in->probes[i].kind, "none") != 0)
			r = &in->probes[i];
	if (r != NULL && r->ok)
		return;
	if (r != NULL)
		set(c, R_ROUTER_NO_HAIRPIN, "TURN is reached from "
		    "outside, but its relays cannot reach the SFU: %sLiveKit "
		    "advertises the router's address %s, and %s. Turn on NAT "
		    "loopback (hairpin NAT, with masquerade) for the forwarded "
		    "ports on the router", fam == FAM_IPV6 ? "it relays IPv6 "
		    "clients at its IPv4 address (turn.bind_addresses 0.0.0.0 "
		    "serves both families; to relay them at IPv6, list this "
		    "host's addresses, one per family, or \"::\" alone), " :
		    "", in->map->ext4, r->detail);
	else
		set(c, R_HAIRPIN_NOT_MEASURED, "TURN is reached "
		    "from outside; whether its relays reach the SFU through "
		    "the router's address %s (hairpin NAT) is %s",
		    in->map->ext4, testable ? "not measured yet" : "not "
		    "measured: the ICE UDP port is a range, which the router "
		    "does not forward");
}

/* "7881/tcp", "50000-60000/udp" */
static const char *
ports_of(const struct prof_endpoint *e, char *buf, size_t len)
{
	char ctx[96];

	(void)snprintf(buf, len, "%s/%s", prof_ports_str(e, ctx, sizeof(ctx)),
	    prof_proto_name(e->proto));
	return buf;
}

/* The families something listens on for e (host mode), 0: not known. */
static unsigned
served_of(const struct status_in *in, const struct prof_endpoint *e)
{
	if (!in->have_lsn || in->conf->mode != CONF_MODE_HOST)
		return 0;
	return lsn_families(in->lsn, in->nlsn, e->proto, e->port, e->port_end);
}

/* Listeners are measured, on this host, for one port (not a range). */
static int
lsn_known(const struct status_in *in, const struct prof_endpoint *e)
{
	return in->have_lsn && in->conf->mode == CONF_MODE_HOST &&
	    e->port == e->port_end;
}

static const char *
fam_name(unsigned fam)
{
	return fam == FAM_IPV4 ? "IPv4" : "IPv6";
}

/*
 * Something listens on a family the profile says the SFU does not serve:
 * portward opened nothing for it, whatever a probe says.
 */
static int
excluded_but_served(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	char ports[112];

	if ((e->families & fam) || !(served_of(in, e) & fam))
		return 0;
	set(c, R_PROFILE_EXCLUDES_FAMILY, "something listens on %s over %s, "
	    "but the profile says the SFU serves %s over %s only, so portward "
	    "opens nothing for it: if your LiveKit serves it, fix the profile "
	    "(for a livekit.yaml: livekit_version, turn.bind_addresses)",
	    ports_of(e, ports, sizeof(ports)), fam_name(fam), e->name,
	    fam_name(fam == FAM_IPV4 ? FAM_IPV6 : FAM_IPV4));
	return 1;
}

int
stage_proven(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	const struct map_fwd_state *fw;
	const struct map_fam_state *st;
	size_t i;
	int q;

	/*
	 * A probe from outside is a measurement: it settles the question,
	 * unless what was observed since says otherwise. The listeners
	 * measured now say nothing serves the port on this family (the
	 * success is older than the SFU's death); another table began to
	 * drop it since (a certain drop: fwpath.c), or portward's own rules
	 * are gone (the daemon could not repair them) and one drops it; the
	 * forward was lost.
	 */
	for (i = 0; i < in->nprobes; i++) {
		const struct probe_result *r = &in->probes[i];
		char when[32];
		time_t at = (time_t)r->at;

		if (strcmp(r->name, e->name) != 0 || r->fam != fam || !r->ok)
			continue;
		if (lsn_known(in, e) && !(served_of(in, e) & fam))
			continue;
		/*
		 * A drop read rule by rule with certainty outweighs a count:
		 * a chain at the last priority created before portward's
		 * `seen` runs after it, and datagrams counted there may die
		 * in it. A handshake (TCP, STUN, TURN) outweighs the reading.
		 */
		for (q = 0; q < in->nconflicts; q++)
			if ((r->at <= in->fw_changed ||
			    strcmp(r->kind, "datagram") == 0 ||
			    (!in->rules_ok && !in->doctor)) &&
			    !in->conflicts[q].uncertain &&
			    conflict_covers(&in->conflicts[q], e, fam))
				break;
		if (q < in->nconflicts)
			continue;
		if (in->mapping_on && in->map != NULL &&
		    (fw = find_fwd(in->map, e)) != NULL) {
			st = &fw->fam[fam == FAM_IPV4 ? 0 : 1];
			if (st->since > r->at && st->state != MAP_OK &&
			    st->state != MAP_NOT_SERVED)
				continue;
		}
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&at));
		set(c, R_NONE, "reached from %s at %s: %s", r->reflector, when,
		    r->detail);
		return 1;
	}
	return 0;
}

int
stage_sfu(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	const char *fname = fam_name(fam);

	if (!(e->families & fam)) {
		if (e->famwhy == PROF_WHY_TURN_BIND)
			set(c, R_TURN_BIND_ADDRESSES, "LiveKit %s serves TURN on "
			    "turn.bind_addresses only, and %s lists no %s "
			    "address: add this host's %s address (a wildcard "
			    "next to another address does not start), or remove "
			    "the key (its default, 0.0.0.0, is dual-stack)",
			    in->prof->lk_version, in->prof->source, fname, fname);
		else if (e->famwhy == PROF_WHY_RTC_IPS)
			set(c, R_RTC_IPS_EXCLUDES_FAMILY, "rtc.ips in %s leaves "
			    "%s out of ICE: LiveKit binds no socket and offers "
			    "no candidate there; widen rtc.ips to serve it",
			    in->prof->source, fname);
		else if (fam == FAM_IPV6 && (e->famwhy == PROF_WHY_TURN_V4ONLY ||
		    strncmp(e->name, "turn", 4) == 0))
			set(c, R_LIVEKIT_TURN_IPV4_ONLY, "LiveKit %s binds TURN "
			    "to IPv4 only (udp4/tcp4, as every release up to "
			    "1.10.0): upgrade to 1.10.1 or later (TURN then "
			    "follows turn.bind_addresses, dual-stack by "
			    "default), or for TURN/TLS put a dual-stack TLS "
			    "proxy on 443 with turn.external_tls: true",
			    in->prof->lk_version[0] ? in->prof->lk_version :
			    "up to 1.10.0");
		else
			set(c, R_NOT_SERVED, "the SFU does not serve %s on %s "
			    "(profile %s)", e->name, fname, in->prof->source);
		return 1;
	}
	if (!(in->conf->families & fam)) {
		set(c, R_FAMILY_DISABLED, "families in %s leaves out %s",
		    in->conf->file, fam == FAM_IPV4 ? "ipv4" : "ipv6");
		return 1;
	}
	return 0;
}

int
stage_address(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	(void)e;
	if (fam != FAM_IPV6 || !in->have_v6 || in->conf->mode != CONF_MODE_HOST)
		return 0;
	if (!in->v6.global) {
		set(c, R_NO_IPV6_ADDRESS, "this host has no global IPv6 "
		    "address%s: IPv6 clients outside cannot reach it; get a "
		    "global prefix from the router (SLAAC or DHCPv6-PD)",
		    in->v6.ula ? " (unique-local fd00::/8 only)" : "");
		return 1;
	}
	if (!in->v6.default_route) {
		set(c, R_NO_IPV6_ROUTE, "this host has no IPv6 default route: "
		    "answers to IPv6 clients outside have no way back");
		return 1;
	}
	return 0;
}

/*
 * ICE over UDP without a forward or pinhole: the SFU's own checks
 * go out through the router first and open its NAT or IPv6
 * firewall for that client (hole punching).
 */
static int
hole_punching(const struct prof_endpoint *e, unsigned fam,
    const struct map_fam_state *st, struct cell *c)
{
	if (e->proto == IPPROTO_UDP && strncmp(e->name, "turn", 4) != 0 &&
	    (st->state == MAP_CONFLICT || st->state == MAP_ERROR ||
	    st->state == MAP_RANGE || st->state == MAP_UNSUPPORTED)) {
		set(c, R_HOLE_PUNCHING_ONLY, "no %s on the router (%s): calls "
		    "connect only when the SFU's own ICE checks, going out "
		    "first, open the router for that client (a public address, "
		    "or a NAT that maps endpoint-independently), not from "
		    "clients behind symmetric NAT (they fall back to TURN); %s",
		    fam == FAM_IPV4 ? "forward" : "pinhole", st->err,
		    st->state == MAP_CONFLICT ? "free the port on the router or "
		    "give LiveKit another one" : st->state == MAP_RANGE ? "use "
		    "one UDP mux port (rtc.udp_port), or router mode on the "
		    "router" : "forward or open it on the router by hand");
		return 1;
	}
	return 0;
}

int
stage_forward(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	const struct map_fwd_state *fw;
	const struct map_fam_state *st;

	if (!in->mapping_on)
		return 0;
	if (in->map == NULL && in->mapproc != NULL &&
	    in->mapproc->state == MAPPROC_BACKOFF) {
		set(c, R_NO_FORWARD_YET, "the mapper exited (%s) and is being "
		    "restarted: every forward is asked for again",
		    in->mapproc->last_exit);
		return 1;
	}
	if (in->map == NULL) {
		set(c, R_NO_FORWARD_YET, "the mapper has not reported yet");
		return 1;
	}
	fw = find_fwd(in->map, e);
	st = fw ? &fw->fam[fam == FAM_IPV4 ? 0 : 1] : NULL;
	if (st == NULL || st->state == MAP_PENDING) {
		set(c, R_NO_FORWARD_YET, "the forward is being asked for");
		return 1;
	}
	if (hole_punching(e, fam, st, c))
		return 1;
	switch (st->state) {
	case MAP_CONFLICT:
		set(c, R_FORWARD_CONFLICT, "%s; free it on the router or give "
		    "LiveKit another port", st->err);
		return 1;
	case MAP_ERROR:
		set(c, R_NO_FORWARD, "the router did not forward it: %s",
		    st->err);
		return 1;
	case MAP_STALE:
		set(c, R_ROUTER_UNREACHABLE, "%s", st->err);
		return 1;
	case MAP_RANGE:
		set(c, R_NO_FORWARD, "%s", st->err);
		return 1;
	case MAP_UNSUPPORTED:
		set(c, R_NO_IPV6_FIREWALL_CONTROL, "%s; open %u/%s for this host "
		    "in the router's IPv6 firewall", st->err, e->port,
		    prof_proto_name(e->proto));
		return 1;
	default:
		return 0;
	}
}

/*
 * Without the ruleset, nothing can be said about the firewall: say so,
 * never guess. Without portward's rules, a packet is dropped only where
 * a base chain on the hook drops it (the conflicts); an empty ruleset
 * accepts everything. Attached to another table's chain, that chain is
 * the one the rules belong in. Then every other table's chains, as read
 * rule by rule (fwpath.c); a drop behind a rule portward cannot read
 * waits for the probe (stage_probe).
 */
int
stage_firewall(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	int i;

	if (!in->fw_read) {
		set(c, R_NEEDS_ROOT, "the firewall (nftables) could not be "
		    "read: run as root");
		return 1;
	}
	if (!in->rules_ok && in->conf->nft.attach.present) {
		set(c, R_NO_RULE, "portward's rules are not in place in %s %s, "
		    "chain %s (nft.attach): is portwardd running? (portwardctl "
		    "apply installs them once)", in->conf->nft.attach.family,
		    in->conf->nft.attach.table, in->conf->nft.attach.chain);
		return 1;
	}
	if (!in->rules_ok)
		for (i = 0; i < in->nconflicts; i++)
			if (conflict_covers(&in->conflicts[i], e, fam) &&
			    !in->conflicts[i].uncertain) {
				set(c, R_NO_RULE, "portward's rules are not in "
				    "place, and table %s %s, chain %s (%s) drops "
				    "it: is portwardd running? (portwardctl apply "
				    "installs them once; if that chain still "
				    "drops, set nft.attach to it)",
				    in->conflicts[i].family,
				    in->conflicts[i].table,
				    in->conflicts[i].chain, in->conflicts[i].why);
				return 1;
			}
	return conflicts_stop(in, e, fam, 0, c);
}

int
stage_socket(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	unsigned served = served_of(in, e);
	char ports[112], a6[INET6_ADDRSTRLEN];
	size_t k;

	if (!lsn_known(in, e))
		return 0;
	ports_of(e, ports, sizeof(ports));
	if (!(served & fam)) {
		if (served == 0)
			set(c, R_NO_LISTENER, "nothing listens on %s: is the SFU "
			    "running (child %s)?", ports, in->child &&
			    in->conf->supervise.enabled ?
			    sup_state_name(in->child->state) : "not supervised");
		else
			set(c, fam == FAM_IPV6 ? R_LISTENER_IPV4_ONLY :
			    R_LISTENER_IPV6_ONLY, "%s listens on %s only (a "
			    "socket bound to one family, or IPV6_V6ONLY): %s "
			    "clients are refused", ports,
			    fam_name(fam == FAM_IPV4 ? FAM_IPV6 : FAM_IPV4),
			    fam_name(fam));
		return 1;
	}
	/* The ICE UDP mux binds one socket per address, once, at start. */
	if (fam != FAM_IPV6 || !in->have_v6 || e->proto != IPPROTO_UDP)
		return 0;
	for (k = 0; k < in->v6.naddrs; k++)
		if (!lsn_serves_addr6(in->lsn, in->nlsn, e->proto, e->port,
		    &in->v6.addrs[k])) {
			inet_ntop(AF_INET6, &in->v6.addrs[k], a6, sizeof(a6));
			set(c, R_ADDRESS_NOT_SERVED, "%s has no socket on %s: the "
			    "UDP mux binds each address once, at start, so an "
			    "address that appeared later is not served until "
			    "the SFU restarts (supervise.restart_on_address_"
			    "change: true does it)", ports, a6);
			return 1;
		}
	return 0;
}

int
stage_probe(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	const struct nft_conflict *x = NULL;
	const struct probe_result *none = NULL;
	size_t i;
	int q;

	/*
	 * A drop behind a rule portward cannot read (a source address, an
	 * interface on a host): the probe from outside decides.
	 */
	for (q = 0; q < in->nconflicts && x == NULL; q++)
		if (conflict_covers(&in->conflicts[q], e, fam))
			x = &in->conflicts[q];
	for (i = 0; i < in->nprobes; i++) {
		const struct probe_result *r = &in->probes[i];

		if (strcmp(r->name, e->name) != 0 || r->fam != fam || r->ok)
			continue;
		/*
		 * The reflector itself failed (unreachable, refused, rate
		 * limited): nothing was measured, nothing blocked.
		 */
		if (strcmp(r->kind, "none") == 0) {
			none = r;
			break;
		}
		if (x != NULL && conflicts_stop(in, e, fam, 1, c))
			return 1;
		set(c, R_PROBE_FAILED, "not reached from %s: %s", r->reflector,
		    r->detail);
		return 1;
	}
	if (x != NULL) {
		set(c, R_MAYBE_DROPPED_BY_OTHER_TABLE, "table %s %s, chain %s "
		    "drops it (%s); no probe from outside has said whether that "
		    "rule lets it in", x->family, x->table, x->chain, x->why);
		return 1;
	}
	if (none != NULL) {
		set(c, R_REFLECTOR_FAILED, "no measurement: %s", none->detail);
		return 1;
	}
	set(c, R_NOT_MEASURED, "%s%s%s; no probe from outside has proved it "
	    "yet", lsn_known(in, e) ? "listening, " : "",
	    in->conf->mode == CONF_MODE_HOST ? "rules in place" :
	    "DNAT and forward rules in place", in->mapping_on ?
	    ", forwarded by the router" : "");
	return 1;
}

void
verdict_cell(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	static int (*const stages[])(const struct status_in *,
	    const struct prof_endpoint *, unsigned, struct cell *) = {
		stage_sfu, stage_address, stage_forward, stage_firewall,
		stage_socket, stage_probe,
	};
	size_t i;

	memset(c, 0, sizeof(*c));
	if (e->flags & PROF_EP_CLIENT)
		verdict_client(in, e, fam, c);
	else if (!excluded_but_served(in, e, fam, c) &&
	    !stage_proven(in, e, fam, c))
		for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
			if (stages[i](in, e, fam, c))
				break;
	verdict_hairpin(in, e, fam, c);
}
