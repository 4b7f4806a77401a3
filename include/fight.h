/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fight.h: when to repair portward's table after another program changed
 * it. A change is undone at once, unless changes keep coming: after
 * FIGHT_REPAIRS repairs within FIGHT_WINDOW_MS it is a fight, and each
 * repair waits twice as long as the one before (up to FIGHT_MAX_MS), so
 * two programs that each want the table their way cost a few log lines a
 * minute, not thousands of repairs a second. The fight is over when a
 * repair has held for FIGHT_CALM_MS. Pure: the caller gives the time.
 */
#ifndef PORTWARD_FIGHT_H
#define PORTWARD_FIGHT_H

#define FIGHT_REPAIRS	5
#define FIGHT_WINDOW_MS	10000
#define FIGHT_FIRST_MS	1000
#define FIGHT_MAX_MS	60000
#define FIGHT_CALM_MS	15000

struct fight {
	long long	 at[FIGHT_REPAIRS];	/* the last repairs (ring, ms) */
	unsigned	 n, head;
	int		 on;
	long		 backoff_ms;		/* the wait before the next repair */
	long long	 since;			/* unix time the fight began */
	long long	 last_change_ms, last_repair_ms;
	unsigned long	 changes;		/* foreign changes, this fight */
	unsigned long	 repairs_total;		/* repairs after foreign changes */
	unsigned long	 fights_total;
	char		 who[64];		/* the last program named, or "" */
	char		 what[48];		/* the last kind of change, or "" */
};

/*
 * Another program changed the table at now_ms (monotonic), unix time
 * wall; who and what describe it (may be ""). Returns the milliseconds to
 * wait before repairing, 0 for at once; *began is set to 1 when this
 * change started a fight (to be said once).
 */
long	fight_change(struct fight *f, long long now_ms, long long wall,
	    const char *who, const char *what, int *began);
/* A repair after a foreign change was made at now_ms. */
void	fight_repaired(struct fight *f, long long now_ms);
/*
 * Called FIGHT_CALM_MS after a repair in a fight: 1 once, when the fight
 * ended (the repair held), else 0.
 */
int	fight_calm(struct fight *f, long long now_ms);

#endif
