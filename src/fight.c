/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fight.c: repair at once, or back off from a fight (fight.h). */
#include <stdio.h>
#include <string.h>

#include "fight.h"

/* Repairs within the window before now_ms. */
static unsigned
recent(const struct fight *f, long long now_ms)
{
	unsigned i, k = 0;

	for (i = 0; i < f->n; i++)
		if (now_ms - f->at[i] < FIGHT_WINDOW_MS)
			k++;
	return k;
}

long
fight_change(struct fight *f, long long now_ms, long long wall,
    const char *who, const char *what, int *began)
{
	*began = 0;
	f->last_change_ms = now_ms;
	/* Keep the last program named: "" says nothing new. */
	if (who[0] != '\0')
		(void)snprintf(f->who, sizeof(f->who), "%s", who);
	if (what[0] != '\0')
		(void)snprintf(f->what, sizeof(f->what), "%s", what);
	if (f->on) {
		f->changes++;
		return f->backoff_ms;
	}
	if (recent(f, now_ms) + 1 < FIGHT_REPAIRS)
		return 0;
	f->on = 1;
	f->since = wall;
	f->changes = 1;
	f->fights_total++;
	f->backoff_ms = FIGHT_FIRST_MS;
	*began = 1;
	return f->backoff_ms;
}

void
fight_repaired(struct fight *f, long long now_ms)
{
	f->at[f->head] = now_ms;
	f->head = (f->head + 1) % FIGHT_REPAIRS;
	if (f->n < FIGHT_REPAIRS)
		f->n++;
	f->last_repair_ms = now_ms;
	f->repairs_total++;
	if (f->on) {
		f->backoff_ms *= 2;
		if (f->backoff_ms > FIGHT_MAX_MS)
			f->backoff_ms = FIGHT_MAX_MS;
	}
}

int
fight_calm(struct fight *f, long long now_ms)
{
	if (!f->on || f->last_change_ms >= f->last_repair_ms ||
	    now_ms - f->last_repair_ms < FIGHT_CALM_MS)
		return 0;
	f->on = 0;
	f->backoff_ms = 0;
	f->n = f->head = 0;
	f->changes = 0;
	return 1;
}
