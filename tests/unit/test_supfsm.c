/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Units for the supervisor's table (supfsm.c): every cell, and the
 * invariants that matter more than any one cell: no state without a way
 * out, every failure re-arms a retry, a stop always ends in stopped.
 */
#include "testutil.h"
#include "supfsm.h"

/* The cells that do something; every other cell is "stay, do nothing". */
static const struct {
	enum sup_state	s;
	enum sup_event	e;
	enum sup_state	next;
	enum sup_action	act;
} spec[] = {
	{ SUP_STOPPED, SEV_STOP, SUP_STOPPED, SACT_DISARM },
	{ SUP_STOPPED, SEV_RELOAD, SUP_STARTING, SACT_SPAWN },
	{ SUP_STARTING, SEV_STARTED, SUP_STARTING, SACT_POLL_READY },
	{ SUP_STARTING, SEV_READY, SUP_RUNNING, SACT_NOTIFY_READY },
	{ SUP_STARTING, SEV_EXITED, SUP_BACKOFF, SACT_ARM_BACKOFF },
	{ SUP_STARTING, SEV_START_FAILED, SUP_FAILED, SACT_ARM_RETRY },
	{ SUP_STARTING, SEV_TIMER, SUP_STARTING, SACT_POLL_READY },
	{ SUP_STARTING, SEV_STOP, SUP_STOPPING, SACT_TERM },
	{ SUP_STARTING, SEV_RELOAD, SUP_STOPPING, SACT_TERM },
	{ SUP_RUNNING, SEV_EXITED, SUP_BACKOFF, SACT_ARM_BACKOFF },
	{ SUP_RUNNING, SEV_STOP, SUP_STOPPING, SACT_TERM },
	{ SUP_RUNNING, SEV_RELOAD, SUP_STOPPING, SACT_TERM },
	{ SUP_BACKOFF, SEV_TIMER, SUP_STARTING, SACT_SPAWN },
	{ SUP_BACKOFF, SEV_STOP, SUP_STOPPED, SACT_DISARM },
	{ SUP_BACKOFF, SEV_RELOAD, SUP_STARTING, SACT_SPAWN },
	{ SUP_STOPPING, SEV_EXITED, SUP_STOPPED, SACT_DISARM },
	{ SUP_STOPPING, SEV_TIMER, SUP_STOPPING, SACT_KILL },
	{ SUP_FAILED, SEV_TIMER, SUP_STARTING, SACT_SPAWN },
	{ SUP_FAILED, SEV_STOP, SUP_STOPPED, SACT_DISARM },
	{ SUP_FAILED, SEV_RELOAD, SUP_STARTING, SACT_SPAWN },
};

static void
supfsm__every_cell__as_specified(void **state)
{
	int s, e;
	size_t i;

	(void)state;
	for (s = 0; s < SUP_NSTATES; s++)
		for (e = 0; e < SUP_NEVENTS; e++) {
			struct sup_cell c = sup_next((enum sup_state)s,
			    (enum sup_event)e);
			enum sup_state want = (enum sup_state)s;
			enum sup_action act = SACT_NONE;

			for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++)
				if (spec[i].s == (enum sup_state)s &&
				    spec[i].e == (enum sup_event)e) {
					want = spec[i].next;
					act = spec[i].act;
				}
			if (c.next != want || c.action != act) {
				print_error("%s --%s-->: got %s/%s, want %s/%s\n",
				    sup_state_name((enum sup_state)s),
				    sup_event_name((enum sup_event)e),
				    sup_state_name(c.next),
				    sup_action_name(c.action),
				    sup_state_name(want), sup_action_name(act));
				fail();
			}
		}
}

/* States reachable from s through any events. */
static unsigned
reach(enum sup_state from)
{
	unsigned seen = 1u << from, before;
	int s, e;

	do {
		before = seen;
		for (s = 0; s < SUP_NSTATES; s++)
			if (seen & (1u << s))
				for (e = 0; e < SUP_NEVENTS; e++)
					seen |= 1u << sup_next((enum sup_state)s,
					    (enum sup_event)e).next;
	} while (seen != before);
	return seen;
}

static void
supfsm__every_state__can_reach_running_and_stopped(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < SUP_NSTATES; s++) {
		unsigned r = reach((enum sup_state)s);

		if (!(r & (1u << SUP_RUNNING)) || !(r & (1u << SUP_STOPPED))) {
			print_error("%s is a dead end\n",
			    sup_state_name((enum sup_state)s));
			fail();
		}
	}
}

/* A stop, then at most the child's exit and the stop timeout: stopped. */
static void
supfsm__stop__always_ends_stopped(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < SUP_NSTATES; s++) {
		enum sup_state st = sup_next((enum sup_state)s, SEV_STOP).next;

		if (st == SUP_STOPPING) {
			assert_int_equal(sup_next(st, SEV_TIMER).action,
			    SACT_KILL);
			st = sup_next(st, SEV_EXITED).next;
		}
		assert_int_equal(st, SUP_STOPPED);
	}
}

/* Every failure arms a timer that leads back to starting: no "down for good". */
static void
supfsm__failures__rearm_a_timer_that_starts_again(void **state)
{
	static const enum sup_event bad[] = { SEV_EXITED, SEV_START_FAILED };
	size_t i;
	int s;

	(void)state;
	for (s = 0; s < SUP_NSTATES; s++)
		for (i = 0; i < 2; i++) {
			struct sup_cell c = sup_next((enum sup_state)s, bad[i]);

			if (c.action != SACT_ARM_BACKOFF &&
			    c.action != SACT_ARM_RETRY)
				continue;
			assert_int_equal(sup_next(c.next, SEV_TIMER).next,
			    SUP_STARTING);
			assert_int_equal(sup_next(c.next, SEV_TIMER).action,
			    SACT_SPAWN);
		}
	/* And the two that matter are among them. */
	assert_int_equal(sup_next(SUP_RUNNING, SEV_EXITED).action,
	    SACT_ARM_BACKOFF);
	assert_int_equal(sup_next(SUP_STARTING, SEV_START_FAILED).action,
	    SACT_ARM_RETRY);
}

static void
supfsm__names__distinct_and_known(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < SUP_NSTATES; i++) {
		assert_string_not_equal(sup_state_name((enum sup_state)i),
		    "unknown");
		for (j = 0; j < i; j++)
			assert_string_not_equal(sup_state_name((enum sup_state)i),
			    sup_state_name((enum sup_state)j));
	}
	for (i = 0; i < SUP_NEVENTS; i++)
		assert_string_not_equal(sup_event_name((enum sup_event)i),
		    "unknown");
	assert_string_equal(sup_state_name((enum sup_state)99), "unknown");
	assert_int_equal(sup_next((enum sup_state)99, SEV_TIMER).action,
	    SACT_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(supfsm__every_cell__as_specified),
		cmocka_unit_test(supfsm__every_state__can_reach_running_and_stopped),
		cmocka_unit_test(supfsm__stop__always_ends_stopped),
		cmocka_unit_test(supfsm__failures__rearm_a_timer_that_starts_again),
		cmocka_unit_test(supfsm__names__distinct_and_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
