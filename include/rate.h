/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rate.h: a token bucket, for what a peer may make the daemon do (log a
 * line, build a status) however fast it asks. Pure: the caller gives the
 * time.
 */
#ifndef PORTWARD_RATE_H
#define PORTWARD_RATE_H

struct rate {
	double		tokens;
	long long	last_ms;	/* 0: never used (full) */
	unsigned long	dropped;	/* refused since the caller last reset it */
};

/*
 * 1 if one more event at now_ms (monotonic, > 0) fits per_s events a
 * second with bursts of burst; else 0, counted in dropped.
 */
int	rate_allow(struct rate *r, long long now_ms, double per_s, double burst);
/* Milliseconds since boot (CLOCK_MONOTONIC), never 0. */
long long rate_now_ms(void);

#endif
