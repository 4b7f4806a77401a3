/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * supfsm.c: the supervisor's table (supfsm.h). One row per state, one
 * column per event; read a row to know everything a state can do.
 * A reload while stopping changes nothing here: the driver remembers it
 * and feeds SEV_RELOAD again once the old process is gone (stopped).
 */
#include "supfsm.h"

#define C(s, a)	{ SUP_##s, SACT_##a }

static const struct sup_cell table[SUP_NSTATES][SUP_NEVENTS] = {
	/*		  started		ready			exited			start-failed		timer			stop			reload */
	[SUP_STOPPED] =	{ C(STOPPED, NONE),	C(STOPPED, NONE),	C(STOPPED, NONE),	C(STOPPED, NONE),	C(STOPPED, NONE),	C(STOPPED, DISARM),	C(STARTING, SPAWN) },
	[SUP_STARTING] = { C(STARTING, POLL_READY), C(RUNNING, NOTIFY_READY), C(BACKOFF, ARM_BACKOFF), C(FAILED, ARM_RETRY), C(STARTING, POLL_READY), C(STOPPING, TERM), C(STOPPING, TERM) },
	[SUP_RUNNING] =	{ C(RUNNING, NONE),	C(RUNNING, NONE),	C(BACKOFF, ARM_BACKOFF), C(RUNNING, NONE),	C(RUNNING, NONE),	C(STOPPING, TERM),	C(STOPPING, TERM) },
	[SUP_BACKOFF] =	{ C(BACKOFF, NONE),	C(BACKOFF, NONE),	C(BACKOFF, NONE),	C(BACKOFF, NONE),	C(STARTING, SPAWN),	C(STOPPED, DISARM),	C(STARTING, SPAWN) },
	[SUP_STOPPING] = { C(STOPPING, NONE),	C(STOPPING, NONE),	C(STOPPED, DISARM),	C(STOPPING, NONE),	C(STOPPING, KILL),	C(STOPPING, NONE),	C(STOPPING, NONE) },
	[SUP_FAILED] =	{ C(FAILED, NONE),	C(FAILED, NONE),	C(FAILED, NONE),	C(FAILED, NONE),	C(STARTING, SPAWN),	C(STOPPED, DISARM),	C(STARTING, SPAWN) },
};

struct sup_cell
sup_next(enum sup_state s, enum sup_event e)
{
	if ((unsigned)s >= SUP_NSTATES || (unsigned)e >= SUP_NEVENTS)
		return (struct sup_cell)C(STOPPED, NONE);
	return table[s][e];
}

const char *
sup_state_name(enum sup_state s)
{
	static const char *const n[SUP_NSTATES] = { "stopped", "starting",
	    "running", "backoff", "stopping", "failed" };

	return (unsigned)s < SUP_NSTATES ? n[s] : "unknown";
}

const char *
sup_event_name(enum sup_event e)
{
	static const char *const n[SUP_NEVENTS] = { "started", "ready",
	    "exited", "start-failed", "timer", "stop", "reload" };

	return (unsigned)e < SUP_NEVENTS ? n[e] : "unknown";
}

const char *
sup_action_name(enum sup_action a)
{
	static const char *const n[] = { "none", "spawn", "poll-ready",
	    "notify-ready", "arm-backoff", "arm-retry", "term", "kill",
	    "disarm" };

	return (unsigned)a < sizeof(n) / sizeof(n[0]) ? n[a] : "unknown";
}
