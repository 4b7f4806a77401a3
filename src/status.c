/*
 * status.c: the verdict per endpoint and family, from what was measured,
 * checked from the outside in (the router's forward, the firewalls, the
 * listener), so that the reason named is the first place traffic stops.
 * Version knowledge only explains (the hints); a cell is `reachable` only
 * once something proved it, and `unknown` until then.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "status.h"

struct cell {
	const char	*verdict;
	const char	*reason;
	char		 hint[320];
};

static void
set(struct cell *c, const char *verdict, const char *reason, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
set(struct cell *c, const char *verdict, const char *reason, const char *fmt,
    ...)
{
	va_list ap;

	c->verdict = verdict;
	c->reason = reason;
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
	set(c, "blocked", "dropped-by-other-table", "table %s %s, chain %s "
	    "(%s) drops it: open the port there, or set nft.attach to that "
	    "table and chain", x->family, x->table, x->chain, x->why);
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
		set(c, "impossible", "family-disabled", "families in %s leaves "
		    "out %s", in->conf->file, fam == FAM_IPV4 ? "ipv4" : "ipv6");
		return;
	}
	for (i = 0; i < (int)in->nprobes; i++)
		if (strcmp(in->probes[i].name, e->name) == 0 &&
		    in->probes[i].fam == fam && in->probes[i].ok) {
			set(c, "reachable", "", "clients are told %s:%u; reached "
			    "from %s: %s", e->client_host, e->port,
			    in->probes[i].reflector, in->probes[i].detail);
			return;
		}
	if (in->have_lsn && in->conf->mode == CONF_MODE_HOST) {
		served = lsn_families(in->lsn, in->nlsn, e->proto, e->port,
		    e->port_end);
		if (served == 0) {
			set(c, "blocked", "client-port-not-served", "LiveKit "
			    "tells clients turns:%s:%u, but nothing listens on "
			    "%u/tcp here: set turn.tls_port: %u, or route SNI %s "
			    "on %u to TURN on %u (a TLS proxy, with "
			    "turn.external_tls: true if it terminates TLS)",
			    e->client_host, e->port, e->port, e->port,
			    e->client_host, e->port, b ? b->port : 0);
			return;
		}
		if (!(served & fam)) {
			set(c, "blocked", fam == FAM_IPV6 ? "listener-ipv4-only" :
			    "listener-ipv6-only", "what listens on %u/tcp (told "
			    "to clients as %s:%u) serves %s only: %s clients "
			    "are refused", e->port, e->client_host, e->port,
			    fam == FAM_IPV6 ? "IPv4" : "IPv6", fname);
			return;
		}
	}
	for (i = 0; i < (int)in->nprobes; i++)
		if (strcmp(in->probes[i].name, e->name) == 0 &&
		    in->probes[i].fam == fam) {
			set(c, "blocked", "probe-failed", "clients are told %s:%u; "
			    "not reached from %s: %s (portward does not open or "
			    "forward %u: it is the TLS proxy's)", e->client_host,
			    e->port, in->probes[i].reflector,
			    in->probes[i].detail, e->port);
			return;
		}
	set(c, "unknown", "not-measured", "clients are told %s:%u%s; portward "
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

	if (strcmp(c->verdict, "reachable") != 0 ||
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
		set(c, "blocked", "router-no-hairpin", "TURN is reached from "
		    "outside, but its relays cannot reach the SFU: %sLiveKit "
		    "advertises the router's address %s, and %s. Turn on NAT "
		    "loopback (hairpin NAT, with masquerade) for the forwarded "
		    "ports on the router", fam == FAM_IPV6 ? "it relays IPv6 "
		    "clients at its IPv4 address (turn.bind_addresses 0.0.0.0 "
		    "serves both families; to relay them at IPv6, list this "
		    "host's addresses, one per family, or \"::\" alone), " :
		    "", in->map->ext4, r->detail);
	else
		set(c, "unknown", "hairpin-not-measured", "TURN is reached "
		    "from outside; whether its relays reach the SFU through "
		    "the router's address %s (hairpin NAT) is %s",
		    in->map->ext4, testable ? "not measured yet" : "not "
		    "measured: the ICE UDP port is a range, which the router "
		    "does not forward");
}

static void
verdict(const struct status_in *in, const struct prof_endpoint *e,
    unsigned fam, struct cell *c)
{
	const char *fname = fam == FAM_IPV4 ? "IPv4" : "IPv6";
	const struct map_fwd_state *fw;
	const struct map_fam_state *st;
	int i;

	const char *other = fam == FAM_IPV4 ? "IPv6" : "IPv4";
	int single = e->port == e->port_end;
	unsigned served = 0;
	char ports[16], ctx[96];

	if (e->flags & PROF_EP_CLIENT) {
		verdict_client(in, e, fam, c);
		return;
	}
	(void)snprintf(ports, sizeof(ports), "%s/%s", prof_ports_str(e, ctx,
	    sizeof(ctx)), prof_proto_name(e->proto));
	/* Listeners are measured on this host only: host mode. */
	if (in->have_lsn && in->conf->mode == CONF_MODE_HOST)
		served = lsn_families(in->lsn, in->nlsn, e->proto, e->port,
		    e->port_end);
	if (!(e->families & fam) && (served & fam)) {
		set(c, "blocked", "profile-excludes-family", "something listens "
		    "on %s over %s, but the profile says the SFU serves %s over "
		    "%s only, so portward opens nothing for it: if your "
		    "LiveKit serves it, fix the profile (for a livekit.yaml: "
		    "livekit_version, turn.bind_addresses)", ports, fname,
		    e->name, other);
		return;
	}
	/*
	 * A probe from outside is a measurement: it settles the question,
	 * unless the listeners measured now say nothing serves the port on
	 * this family. Then the success is older than the SFU's death, or
	 * it is datagrams counted by our rule, which prove the packet passed
	 * one chain, not that anything received it.
	 */
	for (i = 0; i < (int)in->nprobes; i++) {
		const struct probe_result *r = &in->probes[i];
		char when[32];
		time_t at = (time_t)r->at;

		if (strcmp(r->name, e->name) != 0 || r->fam != fam || !r->ok)
			continue;
		if (in->have_lsn && in->conf->mode == CONF_MODE_HOST &&
		    single && !(served & fam))
			continue;
		/* Fresher evidence wins: a forward lost after the probe. */
		if (in->mapping_on && in->map != NULL &&
		    (fw = find_fwd(in->map, e)) != NULL) {
			st = &fw->fam[fam == FAM_IPV4 ? 0 : 1];
			if (st->since > r->at && st->state != MAP_OK &&
			    st->state != MAP_NOT_SERVED)
				continue;
		}
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&at));
		set(c, "reachable", "", "reached from %s at %s: %s",
		    r->reflector, when, r->detail);
		return;
	}
	if (!(e->families & fam)) {
		if (e->famwhy == PROF_WHY_TURN_BIND)
			set(c, "impossible", "turn-bind-addresses", "LiveKit %s "
			    "serves TURN on turn.bind_addresses only, and %s "
			    "lists no %s address: add this host's %s address "
			    "(a wildcard next to another address does not "
			    "start), or remove the key (its default, 0.0.0.0, "
			    "is dual-stack)", in->prof->lk_version,
			    in->prof->source, fname, fname);
		else if (e->famwhy == PROF_WHY_RTC_IPS)
			set(c, "impossible", "rtc-ips-excludes-family", "rtc.ips "
			    "in %s leaves %s out of ICE: LiveKit binds no socket "
			    "and offers no candidate there; widen rtc.ips to "
			    "serve it", in->prof->source, fname);
		else if (fam == FAM_IPV6 && (e->famwhy == PROF_WHY_TURN_V4ONLY ||
		    strncmp(e->name, "turn", 4) == 0))
			set(c, "impossible", "livekit-turn-ipv4-only", "LiveKit "
			    "%s binds TURN to IPv4 only (udp4/tcp4, as every "
			    "release up to 1.10.0): upgrade to 1.10.1 or later "
			    "(TURN then follows turn.bind_addresses, dual-stack "
			    "by default), or for TURN/TLS put a dual-stack TLS "
			    "proxy on 443 with turn.external_tls: true",
			    in->prof->lk_version[0] ? in->prof->lk_version :
			    "up to 1.10.0");
		else
			set(c, "impossible", "not-served", "the SFU does not serve "
			    "%s on %s (profile %s)", e->name, fname,
			    in->prof->source);
		return;
	}
	if (!(in->conf->families & fam)) {
		set(c, "impossible", "family-disabled", "families in %s leaves "
		    "out %s", in->conf->file, fam == FAM_IPV4 ? "ipv4" : "ipv6");
		return;
	}
	if (fam == FAM_IPV6 && in->have_v6 && in->conf->mode == CONF_MODE_HOST) {
		if (!in->v6.global) {
			set(c, "blocked", "no-ipv6-address", "this host has no "
			    "global IPv6 address%s: IPv6 clients outside cannot "
			    "reach it; get a global prefix from the router "
			    "(SLAAC or DHCPv6-PD)", in->v6.ula ? " (unique-local "
			    "fd00::/8 only)" : "");
			return;
		}
		if (!in->v6.default_route) {
			set(c, "blocked", "no-ipv6-route", "this host has no IPv6 "
			    "default route: answers to IPv6 clients outside have "
			    "no way back");
			return;
		}
	}
	/*
	 * Without the ruleset, nothing can be said about the firewall: say
	 * so, never guess. Without portward's rules, a packet is dropped
	 * only where a base chain on the hook drops it (the conflicts
	 * below); an empty ruleset accepts everything. Attached to another
	 * table's chain, that chain is the one the rules belong in.
	 */
	if (!in->fw_read) {
		set(c, "unknown", "needs-root", "the firewall (nftables) could "
		    "not be read: run as root");
		return;
	}
	if (!in->rules_ok && in->conf->attach.present) {
		set(c, "blocked", "no-rule", "portward's rules are not in "
		    "place in %s %s, chain %s (nft.attach): is portwardd "
		    "running? (portwardctl apply installs them once)",
		    in->conf->attach.family, in->conf->attach.table,
		    in->conf->attach.chain);
		return;
	}
	if (!in->rules_ok) {
		for (i = 0; i < in->nconflicts; i++)
			if (conflict_covers(&in->conflicts[i], e, fam))
				break;
		if (i < in->nconflicts) {
			set(c, "blocked", "no-rule", "portward's rules are not "
			    "in place, and table %s %s, chain %s (%s) drops "
			    "it: is portwardd running? (portwardctl apply "
			    "installs them once; if that chain still drops, "
			    "set nft.attach to it)", in->conflicts[i].family,
			    in->conflicts[i].table, in->conflicts[i].chain,
			    in->conflicts[i].why);
			return;
		}
	}
	if (in->mapping_on) {
		if (in->map == NULL && in->mapproc != NULL &&
		    in->mapproc->state == MAPPROC_BACKOFF) {
			set(c, "unknown", "no-forward-yet", "the mapper exited "
			    "(%s) and is being restarted: every forward is asked "
			    "for again", in->mapproc->last_exit);
			return;
		}
		if (in->map == NULL) {
			set(c, "unknown", "no-forward-yet", "the mapper has not "
			    "reported yet");
			return;
		}
		fw = find_fwd(in->map, e);
		st = fw ? &fw->fam[fam == FAM_IPV4 ? 0 : 1] : NULL;
		if (st == NULL || st->state == MAP_PENDING) {
			set(c, "unknown", "no-forward-yet", "the forward is being "
			    "asked for");
			return;
		}
		/*
		 * ICE over UDP without a forward or pinhole: the SFU's own
		 * checks go out through the router first and open its NAT
		 * or IPv6 firewall for that client (hole punching).
		 */
		if (e->proto == IPPROTO_UDP && strncmp(e->name, "turn", 4) != 0 &&
		    (st->state == MAP_CONFLICT || st->state == MAP_ERROR ||
		    st->state == MAP_RANGE || st->state == MAP_UNSUPPORTED)) {
			set(c, "degraded", "hole-punching-only", "no %s on the "
			    "router (%s): calls connect only when the SFU's own "
			    "ICE checks, going out first, open the router for "
			    "that client (a public address, or a NAT that maps "
			    "endpoint-independently), not from clients behind "
			    "symmetric NAT (they fall back to TURN); %s",
			    fam == FAM_IPV4 ? "forward" : "pinhole", st->err,
			    st->state == MAP_CONFLICT ? "free the port on the "
			    "router or give LiveKit another one" :
			    st->state == MAP_RANGE ? "use one UDP mux port "
			    "(rtc.udp_port), or router mode on the router" :
			    "forward or open it on the router by hand");
			return;
		}
		switch (st->state) {
		case MAP_CONFLICT:
			set(c, "blocked", "forward-conflict", "%s; free it on the "
			    "router or give LiveKit another port", st->err);
			return;
		case MAP_ERROR:
			set(c, "blocked", "no-forward", "the router did not "
			    "forward it: %s", st->err);
			return;
		case MAP_STALE:
			set(c, "degraded", "router-unreachable", "%s", st->err);
			return;
		case MAP_RANGE:
			set(c, "blocked", "no-forward", "%s", st->err);
			return;
		case MAP_UNSUPPORTED:
			set(c, "blocked", "no-ipv6-firewall-control", "%s; open "
			    "%u/%s for this host in the router's IPv6 firewall",
			    st->err, e->port, prof_proto_name(e->proto));
			return;
		default:
			break;
		}
	}
	/* A stateless drop anywhere blocks, whatever else is stateful. */
	for (i = 0; i < in->nconflicts; i++)
		if (conflict_covers(&in->conflicts[i], e, fam) &&
		    !in->conflicts[i].stateful) {
			set_dropped(c, &in->conflicts[i]);
			return;
		}
	for (i = 0; i < in->nconflicts; i++)
		if (conflict_covers(&in->conflicts[i], e, fam) &&
		    e->proto == IPPROTO_UDP &&
		    strncmp(e->name, "turn", 4) != 0) {
			/*
			 * The SFU's own connectivity checks go out first and
			 * open the way: ICE over UDP through a stateful drop
			 * connects for every client its checks can reach.
			 */
			set(c, "degraded", "hole-punching-only", "table %s %s, "
			    "chain %s (%s) drops datagrams nobody asked for, "
			    "after accepting established ones: calls connect "
			    "only when the SFU's own ICE checks reach the client "
			    "first (a public address, or a NAT that maps "
			    "endpoint-independently), not from clients behind "
			    "symmetric NAT (they fall back to TURN); open the "
			    "port there, or set nft.attach to that table and "
			    "chain", in->conflicts[i].family,
			    in->conflicts[i].table, in->conflicts[i].chain,
			    in->conflicts[i].why);
			return;
		} else if (conflict_covers(&in->conflicts[i], e, fam)) {
			set_dropped(c, &in->conflicts[i]);
			return;
		}
	if (in->have_lsn && in->conf->mode == CONF_MODE_HOST && single &&
	    !(served & fam)) {
		if (served == 0)
			set(c, "blocked", "no-listener", "nothing listens on %s: "
			    "is the SFU running (child %s)?", ports,
			    in->child && in->conf->supervise ?
			    sup_state_name(in->child->state) : "not supervised");
		else
			set(c, "blocked", fam == FAM_IPV6 ? "listener-ipv4-only" :
			    "listener-ipv6-only", "%s listens on %s only (a "
			    "socket bound to one family, or IPV6_V6ONLY): %s "
			    "clients are refused", ports, other, fname);
		return;
	}
	/* The ICE UDP mux binds one socket per address, once, at start. */
	if (fam == FAM_IPV6 && in->have_lsn && in->have_v6 && single &&
	    e->proto == IPPROTO_UDP && in->conf->mode == CONF_MODE_HOST) {
		char a6[INET6_ADDRSTRLEN];
		size_t k;

		for (k = 0; k < in->v6.naddrs; k++)
			if (!lsn_serves_addr6(in->lsn, in->nlsn, e->proto, e->port,
			    &in->v6.addrs[k])) {
				inet_ntop(AF_INET6, &in->v6.addrs[k], a6, sizeof(a6));
				set(c, "degraded", "address-not-served", "%s has no "
				    "socket on %s: the UDP mux binds each address "
				    "once, at start, so an address that appeared "
				    "later is not served until the SFU restarts "
				    "(supervise.restart_on_address_change: true "
				    "does it)", ports, a6);
				return;
			}
	}
	for (i = 0; i < (int)in->nprobes; i++)
		if (strcmp(in->probes[i].name, e->name) == 0 &&
		    in->probes[i].fam == fam && !in->probes[i].ok) {
			/*
			 * The reflector itself failed (unreachable, refused,
			 * rate limited): nothing was measured, nothing blocked.
			 */
			if (strcmp(in->probes[i].kind, "none") == 0) {
				set(c, "unknown", "reflector-failed", "no "
				    "measurement: %s", in->probes[i].detail);
				return;
			}
			set(c, "blocked", "probe-failed", "not reached from %s: "
			    "%s", in->probes[i].reflector, in->probes[i].detail);
			return;
		}
	set(c, "unknown", "not-measured", "%s%s%s; no probe from outside has "
	    "proved it yet", in->have_lsn && in->conf->mode == CONF_MODE_HOST &&
	    single ? "listening, " : "", in->conf->mode == CONF_MODE_HOST ?
	    "rules in place" : "DNAT and forward rules in place",
	    in->mapping_on ? ", forwarded by the router" : "");
}

static json_t *
cell_json(const struct cell *c)
{
	return json_pack("{s:s, s:s, s:s}", "verdict", c->verdict, "reason",
	    strcmp(c->verdict, "reachable") == 0 ? "" : c->reason, "hint",
	    c->hint);
}

static json_t *
mapping_json(const struct status_in *in)
{
	static const char *famname[2] = { "ipv4", "ipv6" };
	const struct map_report *m = in->map;
	json_t *o, *fw, *ext;
	time_t now = time(NULL);
	uint32_t i, f;

	o = json_object();
	json_object_set_new(o, "enabled", json_boolean(in->mapping_on));
	if (in->mapping_on && in->mapproc != NULL) {
		const struct map_proc_status *ps = in->mapproc;

		json_object_set_new(o, "process", json_pack("{s:s, s:o, s:i, "
		    "s:I, s:o}", "state", mapper_proc_state_name(ps->state),
		    "pid", ps->pid > 0 ? json_integer(ps->pid) : json_null(),
		    "restarts", (int)ps->restarts,
		    "backoff_ms", (json_int_t)ps->backoff_ms,
		    "last_exit", ps->last_exit[0] ?
		    json_string(ps->last_exit) : json_null()));
	}
	if (!in->mapping_on || m == NULL)
		return o;
	json_object_set_new(o, "method", m->have_method ?
	    json_string(conf_method_name(m->method)) : json_null());
	json_object_set_new(o, "gateway", json_string(m->gateway));
	ext = json_array();
	if (m->ext4[0] != '\0')
		json_array_append_new(ext, json_string(m->ext4));
	json_object_set_new(o, "external_addresses", ext);
	json_object_set_new(o, "external_reserved",
	    json_boolean(m->ext4_reserved));
	json_object_set_new(o, "ipv6_pinholes", json_boolean(m->pinholes));
	/* NAT loopback, as this host measured it (probe.c hairpin()). */
	for (i = 0; i < in->nprobes; i++)
		if (strcmp(in->probes[i].name, PROBE_HAIRPIN) == 0)
			json_object_set_new(o, "hairpin", json_pack("{s:b, s:s}",
			    "ok", (int)in->probes[i].ok, "detail",
			    in->probes[i].detail));
	if (m->err[0] != '\0')
		json_object_set_new(o, "error", json_string(m->err));
	fw = json_array();
	for (i = 0; i < m->nfwd; i++)
		for (f = 0; f < 2; f++) {
			const struct map_fam_state *st = &m->fwd[i].fam[f];

			if (st->state == MAP_NOT_SERVED)
				continue;
			json_array_append_new(fw, json_pack(
			    "{s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:i, s:I, s:s, s:s}",
			    "name", m->fwd[i].name,
			    "proto", prof_proto_name(m->fwd[i].proto),
			    "port", (int)m->fwd[i].port,
			    "family", famname[f],
			    "state", mapper_state_name(st->state),
			    "method", st->state == MAP_OK ?
			    conf_method_name(st->method) : "",
			    "external_port", (int)st->ext_port,
			    "lease_seconds", (int)st->lease,
			    "lease_left", (json_int_t)(st->state == MAP_OK &&
			    st->expires ? (st->expires > now ? st->expires - now :
			    0) : 0),
			    "error", st->err, "holder", st->other));
		}
	json_object_set_new(o, "forwards", fw);
	return o;
}

char *
status_json(const struct status_in *in)
{
	static const unsigned fams[2] = { FAM_IPV4, FAM_IPV6 };
	json_t *root, *eps, *ep, *conf, *child;
	struct cell c;
	char *s;
	size_t i, k;
	int j;

	root = json_object();
	eps = json_array();
	for (i = 0; i < in->prof->n; i++) {
		const struct prof_endpoint *e = &in->prof->ep[i];

		ep = json_pack("{s:s, s:s, s:i, s:i}", "name", e->name, "proto",
		    prof_proto_name(e->proto), "port", (int)e->port, "port_end",
		    (int)e->port_end);
		/* What LiveKit tells clients, when it is not this port. */
		if (e->client_port != 0) {
			json_object_set_new(ep, "client_host",
			    json_string(e->client_host));
			json_object_set_new(ep, "client_port",
			    json_integer(e->client_port));
		}
		if (e->flags & PROF_EP_CLIENT)
			json_object_set_new(ep, "client_only", json_true());
		for (k = 0; k < 2; k++) {
			verdict(in, e, fams[k], &c);
			verdict_hairpin(in, e, fams[k], &c);
			json_object_set_new(ep, k == 0 ? "ipv4" : "ipv6",
			    cell_json(&c));
		}
		json_array_append_new(eps, ep);
	}
	json_object_set_new(root, "endpoints", eps);
	json_object_set_new(root, "mapping", mapping_json(in));
	conf = json_array();
	for (j = 0; j < in->nconflicts; j++)
		json_array_append_new(conf, json_pack("{s:s, s:s, s:s, s:s, s:b, "
		    "s:s}", "family", in->conflicts[j].family, "table",
		    in->conflicts[j].table, "chain", in->conflicts[j].chain,
		    "why", in->conflicts[j].why, "stateful",
		    in->conflicts[j].stateful, "drops", in->conflicts[j].endpoint));
	{
		json_t *ctr = json_array();
		char epname[NFT_NAME_MAX], fam[8];

		for (j = 0; j < in->ncounters; j++) {
			const struct nft_counter *nc = &in->counters[j];

			/* The comment is "<endpoint> <family>". */
			if (sscanf(nc->comment, "%63s %7s", epname, fam) != 2)
				continue;
			json_array_append_new(ctr, json_pack("{s:s, s:s, s:s, "
			    "s:I, s:I}", "chain", nc->chain, "endpoint", epname,
			    "family", fam, "packets", (json_int_t)nc->packets,
			    "bytes", (json_int_t)nc->bytes));
		}
		json_object_set_new(root, "rules", json_pack("{s:s, s:b, s:o, "
		    "s:o, s:o}", "table", in->conf->nft_table, "in_place",
		    in->rules_ok, "dropped_by", conf, "counters", ctr,
		    "last_repair", in->last_repair ?
		    json_integer(in->last_repair) : json_null()));
	}
	if (in->child != NULL && in->conf->supervise) {
		const struct sup_status *cs = in->child;

		child = json_pack("{s:s, s:o, s:i, s:i, s:o, s:I, s:b, s:b, s:b, "
		    "s:s}", "state", sup_state_name(cs->state),
		    "pid", cs->pid > 0 ? json_integer(cs->pid) : json_null(),
		    "restarts", (int)cs->restarts,
		    "start_failures", (int)cs->start_failures,
		    "last_exit", cs->last_exit[0] ? json_string(cs->last_exit) :
		    json_null(), "backoff_ms", (json_int_t)cs->backoff_ms,
		    "ready", cs->ready, "ready_timed_out", cs->ready_timed_out,
		    "configured", 1, "command", cs->command);
	} else
		child = json_pack("{s:s, s:n, s:i, s:n, s:b}", "state", "stopped",
		    "pid", "restarts", 0, "last_exit", "configured", 0);
	if (in->doctor) {
		json_decref(child);
		json_object_set_new(root, "doctor", json_true());
	} else {
		json_object_set_new(root, "child", child);
		json_object_set_new(root, "ready", json_boolean(in->ready));
	}
	s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(root);
	return s;
}

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

int
status_exit_code(const char *text)
{
	static const char *fk[2] = { "ipv4", "ipv6" };
	json_t *root, *eps, *ep, *c;
	size_t i;
	int rc = 0, k;

	if ((root = json_loads(text, 0, NULL)) == NULL ||
	    !json_is_array(eps = json_object_get(root, "endpoints"))) {
		json_decref(root);
		return 2;
	}
	json_array_foreach(eps, i, ep)
		for (k = 0; k < 2; k++) {
			c = json_object_get(ep, fk[k]);
			if (strcmp(str(c, "verdict"), "blocked") == 0 ||
			    strcmp(str(c, "verdict"), "degraded") == 0)
				rc = 1;
		}
	json_decref(root);
	return rc;
}

int
status_print(FILE *f, const char *text)
{
	json_t *root, *eps, *ep, *m, *fw, *x, *child;
	json_error_t err;
	size_t i;
	int rc = 0, k;
	char cell[2][64], port[64];
	static const char *fk[2] = { "ipv4", "ipv6" };

	if ((root = json_loads(text, 0, &err)) == NULL ||
	    !json_is_array(eps = json_object_get(root, "endpoints"))) {
		json_decref(root);
		return 2;
	}
	rc = status_exit_code(text);
	fprintf(f, "%-12s %-16s %-32s %s\n", "ENDPOINT", "PORT", "IPV4", "IPV6");
	json_array_foreach(eps, i, ep) {
		json_int_t p = json_integer_value(json_object_get(ep, "port"));
		json_int_t pe = json_integer_value(json_object_get(ep,
		    "port_end"));

		if (pe > p)
			snprintf(port, sizeof(port), "%lld-%lld/%s", (long long)p,
			    (long long)pe, str(ep, "proto"));
		else
			snprintf(port, sizeof(port), "%lld/%s", (long long)p,
			    str(ep, "proto"));
		for (k = 0; k < 2; k++) {
			json_t *c = json_object_get(ep, fk[k]);

			if (str(c, "reason")[0] != '\0')
				snprintf(cell[k], sizeof(cell[k]), "%s (%s)",
				    str(c, "verdict"), str(c, "reason"));
			else
				snprintf(cell[k], sizeof(cell[k]), "%s",
				    str(c, "verdict"));
		}
		fprintf(f, "%-12s %-16s %-32s %s\n", str(ep, "name"), port,
		    cell[0], cell[1]);
	}
	fprintf(f, "\n");
	json_array_foreach(eps, i, ep)
		for (k = 0; k < 2; k++) {
			json_t *c = json_object_get(ep, fk[k]);

			if (strcmp(str(c, "verdict"), "reachable") != 0)
				fprintf(f, "%s %s: %s\n", str(ep, "name"), fk[k],
				    str(c, "hint"));
		}
	m = json_object_get(root, "mapping");
	if (json_is_true(json_object_get(root, "doctor"))) {
		fprintf(f, "\n(doctor: measured without the daemon; forwards and "
		    "the supervised process are the daemon's, see "
		    "portwardctl status)\n");
		json_decref(root);
		return rc;
	}
	if (json_is_true(json_object_get(m, "enabled"))) {
		x = json_object_get(m, "external_addresses");
		fprintf(f, "\nforwards: %s via %s, external address %s%s\n",
		    str(m, "gateway")[0] ? str(m, "gateway") : "no router",
		    json_is_string(json_object_get(m, "method")) ?
		    str(m, "method") : "nothing",
		    json_array_size(x) ? json_string_value(json_array_get(x, 0))
		    : "unknown", json_is_true(json_object_get(m,
		    "external_reserved")) ? " (not globally routable: double "
		    "NAT?)" : "");
		json_array_foreach(json_object_get(m, "forwards"), i, fw) {
			json_int_t left = json_integer_value(json_object_get(fw,
			    "lease_left"));

			fprintf(f, "  %-10s %5lld/%s %s  %s", str(fw, "name"),
			    (long long)json_integer_value(json_object_get(fw,
			    "port")), str(fw, "proto"), str(fw, "family"),
			    str(fw, "state"));
			if (strcmp(str(fw, "state"), "forwarded") == 0)
				fprintf(f, " by %s, %s", str(fw, "method"), left ?
				    "lease left " : "permanent");
			if (strcmp(str(fw, "state"), "forwarded") == 0 && left)
				fprintf(f, "%llds", (long long)left);
			if (str(fw, "error")[0])
				fprintf(f, ": %s", str(fw, "error"));
			fprintf(f, "\n");
		}
		x = json_object_get(m, "process");
		if (x != NULL)
			fprintf(f, "mapper: %s, pid %lld, %lld restart%s%s%s\n",
			    str(x, "state"), (long long)json_integer_value(
			    json_object_get(x, "pid")), (long long)
			    json_integer_value(json_object_get(x, "restarts")),
			    json_integer_value(json_object_get(x, "restarts")) ==
			    1 ? "" : "s", str(x, "last_exit")[0] ? ", last " : "",
			    str(x, "last_exit"));
	} else
		fprintf(f, "\nforwards: off\n");
	child = json_object_get(root, "child");
	if (json_is_true(json_object_get(child, "configured")))
		fprintf(f, "child: %s, pid %lld, %lld restart%s%s%s%s\n",
		    str(child, "state"), (long long)json_integer_value(
		    json_object_get(child, "pid")), (long long)json_integer_value(
		    json_object_get(child, "restarts")), json_integer_value(
		    json_object_get(child, "restarts")) == 1 ? "" : "s",
		    str(child, "last_exit")[0] ? ", last " : "",
		    str(child, "last_exit"), json_is_true(json_object_get(child,
		    "ready_timed_out")) ? ", NOT READY (listeners missing)" : "");
	else
		fprintf(f, "child: nothing to supervise\n");
	fprintf(f, "ready: %s\n", json_is_true(json_object_get(root, "ready")) ?
	    "yes" : "no");
	json_decref(root);
	return rc;
}
