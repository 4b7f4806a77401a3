/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * status.h: the status model. Everything the daemon knows, as docs/status.md's
 * status JSON; the CLI (portwardctl status), later the metrics and the
 * logs render it and compute no truth of their own.
 */
#ifndef PORTWARD_STATUS_H
#define PORTWARD_STATUS_H

#include <stdio.h>

#include "conf.h"
#include "fight.h"
#include "listeners.h"
#include "mapper.h"
#include "netstate.h"
#include "nft.h"
#include "probe.h"
#include "profile.h"
#include "supervise.h"

struct status_in {
	const struct conf		*conf;
	const struct profile		*prof;
	int				 rules_ok;	/* the last converge held */
	const struct nft_conflict	*conflicts;
	int				 nconflicts;
	int				 fw_read;	/* conflicts read: the ruleset is known */
	long long			 fw_changed;	/* unix time the conflicts last changed */
	int				 mapping_on;	/* host mode, methods set */
	const struct map_report		*map;		/* NULL: no report yet */
	const struct map_proc_status	*mapproc;	/* NULL: not the daemon */
	const struct sup_status		*child;		/* NULL: none */
	int				 ready;
	int				 doctor;	/* no daemon: no child, no forwards */
	const struct nft_counter	*counters;	/* portward's rules */
	int				 ncounters;
	long long			 last_repair;	/* unix time, 0: never */
	const struct fight		*fight;		/* NULL: not the daemon */
	const struct probe_result	*probes;	/* from outside */
	size_t				 nprobes;
	/* This host's IPv6 (host mode), when it could be read. */
	int				 have_v6;
	struct ns_ipv6			 v6;
	/* This host's listeners (host mode), when they could be read. */
	int				 have_lsn;
	const struct lsn		*lsn;
	size_t				 nlsn;
};

/* The status as a JSON document (a string to free), or NULL. */
char	*status_json(const struct status_in *in);
/*
 * Print a status document as the operator's table: endpoints down,
 * IPv4 and IPv6 across, then the hints, the forwards and the child.
 * Returns the exit code docs/man/portwardctl.1 gives (0, or 1 when something expected
 * to be reachable is blocked), or 2 when the document is not a status.
 */
int	status_print(FILE *f, const char *json);
/* The same exit code, without printing anything. */
int	status_exit_code(const char *json);

#endif
