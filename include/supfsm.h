/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * supfsm.h: the supervisor's state x event table, in the manner of
 * s6-supervise. Pure: no process, no timer; supervise.c performs the
 * actions. Every state has a way out (unit-tested): a failed start is
 * retried with backoff, a crash restarts with backoff, a stop always
 * ends in stopped, a reload restarts whatever is there.
 *
 *            stop                         exited
 *   running ------> stopping ----------------------> stopped
 *     ^ ready          ^ stop/reload                 | reload (start)
 *     |                |                             v
 *   starting <-----------------------------------------
 *     | exited          ^ timer       | start-failed  ^ timer
 *     v                 |             v               |
 *   backoff ------------           failed -------------
 */
#ifndef PORTWARD_SUPFSM_H
#define PORTWARD_SUPFSM_H

enum sup_state {
	SUP_STOPPED, SUP_STARTING, SUP_RUNNING, SUP_BACKOFF, SUP_STOPPING,
	SUP_FAILED
};
#define SUP_NSTATES	6

enum sup_event {
	SEV_STARTED,		/* the process exists and exec succeeded */
	SEV_READY,		/* its listeners are there (or the ready timeout) */
	SEV_EXITED,		/* it exited (reaped) */
	SEV_START_FAILED,	/* pipe, fork, setuid or exec failed */
	SEV_TIMER,		/* the one timer fired */
	SEV_STOP,		/* stop it and stay down */
	SEV_RELOAD		/* (re)start with the current configuration */
};
#define SUP_NEVENTS	7

enum sup_action {
	SACT_NONE,		/* nothing to do (a stale or duplicate event) */
	SACT_SPAWN,		/* fork and exec now */
	SACT_POLL_READY,	/* arm the readiness poll */
	SACT_NOTIFY_READY,	/* tell the daemon: ready */
	SACT_ARM_BACKOFF,	/* count a restart, arm the backoff timer */
	SACT_ARM_RETRY,		/* count a failed start, arm the retry timer */
	SACT_TERM,		/* SIGTERM, arm the stop timeout */
	SACT_KILL,		/* the stop timeout passed: SIGKILL */
	SACT_DISARM		/* disarm the timer, tell the daemon: stopped */
};

struct sup_cell {
	enum sup_state	next;
	enum sup_action	action;
};

/* The cell for (state, event). */
struct sup_cell	sup_next(enum sup_state s, enum sup_event e);
const char *sup_state_name(enum sup_state s);
const char *sup_event_name(enum sup_event e);
const char *sup_action_name(enum sup_action a);

#endif
