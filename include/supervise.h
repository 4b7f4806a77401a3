/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * supervise.h: the SFU/TURN process portward protects, as a small state
 * machine in the manner of s6-supervise: started after the rules, ready
 * when its listeners are seen, restarted with backoff, stopped cleanly.
 *
 * The table itself is supfsm.c; this module performs its actions:
 * fork and exec through privsep.c, readiness polls, backoff timers,
 * SIGTERM then SIGKILL.
 */
#ifndef PORTWARD_SUPERVISE_H
#define PORTWARD_SUPERVISE_H

#include <sys/types.h>

#include "conf.h"
#include "supfsm.h"

struct sup_status {
	enum sup_state	state;
	pid_t		pid;		/* 0 when none */
	unsigned	restarts;	/* after exits */
	unsigned	start_failures;	/* pipe, fork, setuid or exec failed */
	char		last_exit[64];	/* "exit 1", "signal 9", "exec failed: ..." */
	long		backoff_ms;	/* the delay before the next start */
	int		ready;		/* listeners seen since the last start */
	int		ready_timed_out;
	char		command[CONF_ARG_MAX];
};

/* Listeners seen? Called while starting; the daemon checks the profile. */
typedef int (*sup_ready_fn)(void);
/* Called once per start, when ready (or the ready timeout passed). */
typedef void (*sup_event_fn)(int timed_out);

/* Remember what to run and how; no process yet. */
void	sup_init(const struct conf_supervise *c, sup_ready_fn ready,
	    sup_event_fn on_ready);
/*
 * Whether the next start gives the child CAP_NET_BIND_SERVICE as an
 * ambient capability (a port below 1024 to bind as supervise.user).
 */
void	sup_bind_low(int on);
/* Start the child (stopped -> starting); a failed start is retried. */
void	sup_start(void);
/* Stop it: SIGTERM, SIGKILL after stop_timeout; done() once it is gone. */
void	sup_stop(void (*done)(void));
/* A new configuration: stop what runs, start c's command. */
void	sup_reload(const struct conf_supervise *c);
/* A child that exited (from SIGCHLD); returns 1 if it was ours. */
int	sup_exited(pid_t pid, int status);
/* Whether a reload changes what runs (command, user, environment...). */
int	sup_differs(const struct conf_supervise *a,
	    const struct conf_supervise *b);
/* The current state, for status. */
void	sup_get(struct sup_status *s);
/* Feed one event to the table (supfsm.h) and act; for tests and callers. */
void	sup_event(enum sup_event e);

#endif
