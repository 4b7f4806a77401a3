/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.c: what portwardd would do, in words, for -n. */
#include <arpa/inet.h>
#include <stdio.h>

#include "plan.h"

unsigned
plan_families(const struct conf *c, const struct prof_endpoint *e)
{
	/* What clients are told (turns:DOMAIN:443) is probed, not opened. */
	if (e->flags & PROF_EP_CLIENT)
		return 0;
	return c->families & e->families;
}

static const char *
fam_str(unsigned fam)
{
	switch (fam & FAM_ALL) {
	case FAM_ALL: return "ipv4+ipv6";
	case FAM_IPV4: return "ipv4";
	case FAM_IPV6: return "ipv6";
	}
	return "none";
}

/* "7881/tcp" or "50000-60000/udp" into buf. */
static const char *
port_proto(const struct prof_endpoint *e, char *buf, size_t len)
{
	char ports[16];
	int n;

	n = snprintf(buf, len, "%s/%s", prof_ports_str(e, ports,
	    sizeof(ports)), prof_proto_name(e->proto));
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';
	return buf;
}

static void
print_endpoints(FILE *f, const struct conf *c, const struct profile *p)
{
	char pp[32];
	size_t i;

	fprintf(f, "endpoints (profile %s, %s):\n", p->source,
	    p->kind == PROF_SRC_LIVEKIT ? "LiveKit configuration" :
	    c->profile_default ? "shipped reference profile" :
	    "portward profile");
	if (p->lk_version[0] != '\0')
		fprintf(f, "  LiveKit %s (%s)\n", p->lk_version,
		    p->lk_version_from);
	for (i = 0; i < p->n; i++) {
		const struct prof_endpoint *e = &p->ep[i];
		unsigned fam = plan_families(c, e);

		if (e->flags & PROF_EP_CLIENT) {
			fprintf(f, "  %-12s %-16s not opened: what clients are "
			    "told (%s:%u); probed and judged only\n", e->name,
			    port_proto(e, pp, sizeof(pp)), e->client_host,
			    e->client_port);
			continue;
		}
		fprintf(f, "  %-12s %-16s %-9s", e->name,
		    port_proto(e, pp, sizeof(pp)), fam_str(fam));
		if ((e->families & FAM_IPV6) == 0 && e->famwhy ==
		    PROF_WHY_TURN_V4ONLY)
			fprintf(f, "  (LiveKit %s serves it over IPv4 only)",
			    p->lk_version[0] ? p->lk_version : "<= 1.10.0");
		else if ((e->families & FAM_IPV6) == 0)
			fprintf(f, "  (the SFU serves it over IPv4 only)");
		else if (fam != e->families)
			fprintf(f, "  (families leaves out %s)",
			    fam_str(e->families & ~fam));
		fprintf(f, "\n");
	}
	for (i = 0; i < p->nnotes; i++)
		fprintf(f, "  note: %s\n", p->notes[i]);
}

static void
print_firewall(FILE *f, const struct conf *c)
{
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];

	if (c->mode == CONF_MODE_HOST)
		fprintf(f, "firewall: table inet %s, input: accept each endpoint "
		    "on the families above\n", c->nft.table);
	else {
		fprintf(f, "firewall: table inet %s, from %s:\n", c->nft.table,
		    c->router.wan_if);
		if (c->router.has_lan4 && (c->families & FAM_IPV4))
			fprintf(f, "  ipv4: DNAT to %s, same port; forward "
			    "accept\n", inet_ntop(AF_INET, &c->router.lan4, a4,
			    sizeof(a4)));
		if (c->router.has_lan6 && (c->families & FAM_IPV6))
			fprintf(f, "  ipv6: forward accept to %s (no NAT)\n",
			    inet_ntop(AF_INET6, &c->router.lan6, a6, sizeof(a6)));
	}
	if (c->nft.attach.present)
		fprintf(f, "  attached to %s %s, chain %s: one jump at its top\n",
		    c->nft.attach.family, c->nft.attach.table, c->nft.attach.chain);
	fprintf(f, "  on exit: %s\n", c->nft.keep_on_exit ? "rules kept" :
	    "rules removed");
}

static void
print_forwards(FILE *f, const struct conf *c, const struct profile *p)
{
	char pp[32], gw[INET_ADDRSTRLEN];
	size_t i;

	if (c->mode == CONF_MODE_ROUTER) {
		fprintf(f, "forwards: none asked for (this machine is the "
		    "router)\n");
		return;
	}
	if (c->mapping.nmethods == 0) {
		fprintf(f, "forwards: off (mapping.methods is [])\n");
		return;
	}
	fprintf(f, "forwards: ask the upstream router with");
	for (i = 0; i < c->mapping.nmethods; i++)
		fprintf(f, "%s%s", i ? ", then " : " ",
		    conf_method_name(c->mapping.methods[i]));
	fprintf(f, "; lease %lds, renewed at half life", c->mapping.lease_seconds);
	if (c->mapping.has_gateway)
		fprintf(f, "; gateway %s", inet_ntop(AF_INET, &c->mapping.gateway, gw,
		    sizeof(gw)));
	if (c->mapping.igd_url[0] != '\0')
		fprintf(f, "; IGD %s", c->mapping.igd_url);
	fprintf(f, "; mapper runs as %s\n", c->mapping.user);
	for (i = 0; i < p->n; i++) {
		const struct prof_endpoint *e = &p->ep[i];
		unsigned fam = plan_families(c, e);

		if (e->flags & PROF_EP_CLIENT)
			continue;
		fprintf(f, "  %-12s %-16s ", e->name,
		    port_proto(e, pp, sizeof(pp)));
		if (e->port != e->port_end)
			fprintf(f, "not forwarded: a range cannot be mapped "
			    "port by port; run portward in router mode on the "
			    "router, or use a single UDP mux port\n");
		else
			fprintf(f, "%s%s%s\n",
			    (fam & FAM_IPV4) ? "ipv4 port mapping, same port" : "",
			    fam == FAM_ALL ? "; " : "",
			    (fam & FAM_IPV6) ? "ipv6 pinhole" : "");
	}
}

void
plan_print(FILE *f, const struct conf *c, const struct profile *p)
{
	size_t i;

	fprintf(f, "configuration %s: valid\n", c->file);
	fprintf(f, "mode: %s\n", c->mode == CONF_MODE_HOST ?
	    "host (open the ports on this host, ask the upstream router for "
	    "forwards)" : "router (DNAT and forward to the LiveKit host)");
	fprintf(f, "families: %s\n", fam_str(c->families));
	print_endpoints(f, c, p);
	print_firewall(f, c);
	print_forwards(f, c, p);
	if (c->supervise.enabled) {
		fprintf(f, "supervise:");
		for (i = 0; i < c->supervise.argc; i++)
			fprintf(f, " %s", c->supervise.argv[i]);
		fprintf(f, "\n  as %s; started after the rules, ready when its "
		    "listeners are seen (timeout %lds), stopped with SIGTERM "
		    "(SIGKILL after %lds)\n", c->supervise.user[0] ? c->supervise.user :
		    "the daemon's user", c->supervise.ready_timeout, c->supervise.stop_timeout);
	} else
		fprintf(f, "supervise: nothing started; ready once the rules "
		    "are in place\n");
	fprintf(f, "probe: every %lds, %zu reflector%s\n", c->probe.interval,
	    c->probe.nreflectors, c->probe.nreflectors == 1 ? "" : "s");
	fprintf(f, "control socket: %s\n", c->control_socket);
	if (c->metrics_file[0] != '\0')
		fprintf(f, "metrics: %s\n", c->metrics_file);
	fprintf(f, "never opened: LiveKit's signal port (7880/tcp by default; "
	    "API and WebSocket) and its Prometheus port: they belong behind "
	    "your reverse proxy or inside\n");
}

int
plan_summary(char *buf, size_t len, const struct conf *c,
    const struct profile *p)
{
	size_t i, nopen = 0;
	int n;

	for (i = 0; i < p->n; i++)
		if (plan_families(c, &p->ep[i]) != 0)
			nopen++;
	n = snprintf(buf, len, "mode %s, %s, %zu endpoint%s from %s%s%s%s, "
	    "%s, %zu reflector%s (the whole plan: portwardd -n -c %s)",
	    c->mode == CONF_MODE_HOST ? "host" : "router", fam_str(c->families),
	    nopen, nopen == 1 ? "" : "s", p->source,
	    p->lk_version[0] != '\0' ? " (LiveKit " : "", p->lk_version,
	    p->lk_version[0] != '\0' ? ")" : "",
	    c->supervise.enabled ? "supervising the SFU" : "nothing supervised",
	    c->probe.nreflectors, c->probe.nreflectors == 1 ? "" : "s", c->file);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
