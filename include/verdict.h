/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * verdict.h: the verdict pipeline (docs/design.md, docs/status.md). For
 * each endpoint and family, the stages a packet from a client meets, in
 * that order, each a pure function over what was observed (status_in):
 *
 *   sfu       the SFU serves this family (the LiveKit model, the profile)
 *   address   this host has an address and a route for it
 *   forward   the router forwards it (NAT-PMP, UPnP: host mode)
 *   firewall  portward's rules, then every base chain of every other
 *             table on the hook (fwpath.c), in priority order
 *   socket    something listens for this family and address
 *   probe     a reflector outside reached it
 *
 * A stage that stops the packet sets the cell and returns 1; the reason
 * names that stage. A fresh success from outside settles the question
 * first (verdict_cell), unless a later observation contradicts it.
 * Verdicts and reasons are enums with one table (reasons[]): the name
 * in the status JSON, the stage, what to do; docs/status.md lists them
 * all (tests/unit/test_verdict.c checks it).
 */
#ifndef PORTWARD_VERDICT_H
#define PORTWARD_VERDICT_H

#include "status.h"

enum pw_verdict { V_REACHABLE, V_BLOCKED, V_IMPOSSIBLE, V_DEGRADED, V_UNKNOWN };
enum pw_stage { ST_NONE, ST_SFU, ST_ADDRESS, ST_FORWARD, ST_FIREWALL,
    ST_SOCKET, ST_PROBE };

enum pw_reason {
	R_NONE,
	/* sfu */
	R_PROFILE_EXCLUDES_FAMILY, R_TURN_BIND_ADDRESSES,
	R_RTC_IPS_EXCLUDES_FAMILY, R_LIVEKIT_TURN_IPV4_ONLY, R_NOT_SERVED,
	R_FAMILY_DISABLED, R_CLIENT_PORT_NOT_SERVED,
	/* address */
	R_NO_IPV6_ADDRESS, R_NO_IPV6_ROUTE,
	/* forward */
	R_NO_FORWARD_YET, R_HOLE_PUNCHING_ONLY, R_FORWARD_CONFLICT,
	R_NO_FORWARD, R_ROUTER_UNREACHABLE, R_NO_IPV6_FIREWALL_CONTROL,
	/* firewall */
	R_NEEDS_ROOT, R_NO_RULE, R_DROPPED_BY_OTHER_TABLE,
	R_MAYBE_DROPPED_BY_OTHER_TABLE,
	/* socket */
	R_NO_LISTENER, R_LISTENER_IPV4_ONLY, R_LISTENER_IPV6_ONLY,
	R_ADDRESS_NOT_SERVED,
	/* probe */
	R_PROBE_FAILED, R_REFLECTOR_FAILED, R_NOT_MEASURED,
	R_ROUTER_NO_HAIRPIN, R_HAIRPIN_NOT_MEASURED,
	R_COUNT
};

struct reason_info {
	const char	*name;		/* in the status JSON, "" for none */
	enum pw_verdict	 verdict;
	enum pw_stage	 stage;
	const char	*todo;		/* what the operator does about it */
};

extern const struct reason_info reasons[R_COUNT];

struct cell {
	enum pw_reason	 reason;
	enum pw_verdict	 verdict;	/* reasons[reason].verdict */
	char		 hint[512];
};

const char	*verdict_name(enum pw_verdict);
const char	*stage_name(enum pw_stage);

/* The whole pipeline for one cell. */
void	verdict_cell(const struct status_in *, const struct prof_endpoint *,
	    unsigned fam, struct cell *);

/* The stages, in the order packets meet them (1: stopped here). */
int	stage_sfu(const struct status_in *, const struct prof_endpoint *,
	    unsigned fam, struct cell *);
int	stage_address(const struct status_in *, const struct prof_endpoint *,
	    unsigned fam, struct cell *);
int	stage_forward(const struct status_in *, const struct prof_endpoint *,
	    unsigned fam, struct cell *);
int	stage_firewall(const struct status_in *, const struct prof_endpoint *,
	    unsigned fam, struct cell *);
int	stage_socket(const struct status_in *, const struct prof_endpoint *,
	    unsigned fam, struct cell *);
int	stage_probe(const struct status_in *, const struct prof_endpoint *,
	    unsigned fam, struct cell *);
/* A fresh success from outside that nothing observed later contradicts. */
int	stage_proven(const struct status_in *, const struct prof_endpoint *,
	    unsigned fam, struct cell *);

#endif
