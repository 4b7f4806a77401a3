/*
 * supervise.h: the SFU/TURN process portward protects, as a small state
 * machine in the manner of s6-supervise: started after the rules, ready
 * when its listeners are seen, restarted with backoff, stopped cleanly.
 *
 *   stopped --start--> starting --listeners seen / timeout--> running
 *   starting|running --exit--> backoff --timer--> starting
 *   starting --exec failed--> failed (not a crash loop: not restarted)
 *   any --stop--> (SIGTERM, SIGKILL after stop_timeout) --exit--> stopped
 */
#ifndef PORTWARD_SUPERVISE_H
#define PORTWARD_SUPERVISE_H

#include <sys/types.h>

#include "conf.h"

enum sup_state {
	SUP_STOPPED, SUP_STARTING, SUP_RUNNING, SUP_BACKOFF, SUP_FAILED
};

struct sup_status {
	enum sup_state	state;
	pid_t		pid;		/* 0 when none */
	unsigned	restarts;
	char		last_exit[64];	/* "exit 1", "signal 9", "" */
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
void	sup_init(const struct conf *c, sup_ready_fn ready, sup_event_fn on_ready);
/* Start the child (state starting); 0 or -1. */
int	sup_start(void);
/* Stop it: SIGTERM, SIGKILL after stop_timeout; done() once it is gone. */
void	sup_stop(void (*done)(void));
/* A child that exited (from SIGCHLD); returns 1 if it was ours. */
int	sup_exited(pid_t pid, int status);
/* Whether a reload changes what runs (command, user, environment...). */
int	sup_differs(const struct conf *a, const struct conf *b);
/* The current state, for status. */
void	sup_get(struct sup_status *s);
/* "stopped", "starting"... as DESIGN names them. */
const char *sup_state_name(enum sup_state s);

#endif
