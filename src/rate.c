/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rate.c: a token bucket (rate.h). */
#include <time.h>

#include "rate.h"

int
rate_allow(struct rate *r, long long now_ms, double per_s, double burst)
{
	if (r->last_ms == 0)
		r->tokens = burst;
	else if (now_ms > r->last_ms)
		r->tokens += (double)(now_ms - r->last_ms) * per_s / 1000;
	if (r->tokens > burst)
		r->tokens = burst;
	if (now_ms > r->last_ms)
		r->last_ms = now_ms;
	if (r->tokens < 1) {
		r->dropped++;
		return 0;
	}
	r->tokens -= 1;
	return 1;
}

long long
rate_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}
