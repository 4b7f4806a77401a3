/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * loop.h: the daemon's one event loop (epoll). Modules register a file
 * descriptor with a callback; timers and signals are descriptors too
 * (timerfd, signalfd), so nothing polls and nothing blocks the loop.
 */
#ifndef PORTWARD_LOOP_H
#define PORTWARD_LOOP_H

#include <time.h>

#include <stdint.h>

/*
 * What the loop hands a callback: the descriptor that is ready, and for a
 * timer how many times it expired (the loop has read the timerfd, so no
 * callback drains one; a timer re-armed before its callback ran is not
 * due and calls nothing).
 */
struct loop_event {
	int		fd;
	int		timer;		/* from loop_timer() */
	uint64_t	expirations;	/* timers: at least 1 */
};

typedef void (*loop_cb)(const struct loop_event *ev, void *arg);

/* Create the loop; 0 or -1. */
int	loop_init(void);
void	loop_fini(void);
/* Call cb(ev, arg) whenever fd is readable. */
int	loop_add(int fd, loop_cb cb, void *arg);
void	loop_del(int fd);
/*
 * A one-shot timer descriptor calling cb when it fires (the loop reads
 * the expiration and passes it in the event); -1 on error.
 */
int	loop_timer(loop_cb cb, void *arg);
/* Arm (ms > 0) or disarm (ms == 0) a timer from loop_timer(). */
int	loop_timer_set(int tfd, long ms);
/* Milliseconds since t0 (CLOCK_MONOTONIC); also outside the loop. */
long	loop_ms_since(const struct timespec *t0);
/* Run until loop_exit(); 0, or -1 when epoll itself fails. */
int	loop_run(void);
void	loop_exit(void);

#endif
