/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_names.c: the mapper's states as status and metrics name them;
 * apart so that portwardctl, which renders them, does not link the
 * mapper itself.
 */
#include "mapper.h"

const char *
mapper_state_name(enum map_state s)
{
	switch (s) {
	case MAP_PENDING: return "pending";
	case MAP_OK: return "forwarded";
	case MAP_CONFLICT: return "forward-conflict";
	case MAP_ERROR: return "no-forward";
	case MAP_RANGE: return "range-not-forwarded";
	case MAP_UNSUPPORTED: return "no-ipv6-firewall-control";
	case MAP_NOT_SERVED: return "not-served";
	case MAP_STALE: return "router-unreachable";
	}
	return "unknown";
}

const char *
mapper_proc_state_name(enum map_proc_state st)
{
	switch (st) {
	case MAPPROC_STOPPED: return "stopped";
	case MAPPROC_RUNNING: return "running";
	case MAPPROC_BACKOFF: return "backoff";
	}
	return "unknown";
}
