/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test_loop.c: the event loop (loop.c) hands callbacks the event, and
 * drains timers itself: a callback that never reads its timerfd is not
 * called again and again, a timer re-armed before its turn calls
 * nothing, and a readable descriptor's callback gets that descriptor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"

static int calls, stop_after;
static struct loop_event last;

static void
count(const struct loop_event *ev, void *arg)
{
	(void)arg;
	calls++;
	last = *ev;
	if (calls >= stop_after)
		loop_exit();
}

/* A guard: ends the run whatever happens (a loop that spins, or waits). */
static void
guard(const struct loop_event *ev, void *arg)
{
	(void)ev;
	*(int *)arg = 1;
	loop_exit();
}

static int
setup(void **st)
{
	(void)st;
	calls = 0;
	stop_after = 1000;
	memset(&last, 0, sizeof(last));
	return loop_init();
}

static int
teardown(void **st)
{
	(void)st;
	loop_fini();
	return 0;
}

/* The callback does not read its timerfd: called once, not forever. */
static void
timer_drained_by_the_loop(void **st)
{
	int t, g, guarded = 0;

	(void)st;
	assert_int_not_equal(t = loop_timer(count, NULL), -1);
	assert_int_not_equal(g = loop_timer(guard, &guarded), -1);
	assert_int_equal(loop_timer_set(t, 1), 0);
	assert_int_equal(loop_timer_set(g, 200), 0);
	assert_int_equal(loop_run(), 0);
	assert_int_equal(guarded, 1);
	assert_int_equal(calls, 1);
	assert_int_equal(last.fd, t);
	assert_true(last.timer);
	assert_true(last.expirations >= 1);
	close(t);
	close(g);
}

/* Disarmed after it fired but before its turn: no call. */
static void
timer_disarmed_before_its_turn_not_called(void **st)
{
	int t, g, guarded = 0;
	struct timespec ms5 = { 0, 5 * 1000000L };

	(void)st;
	assert_int_not_equal(t = loop_timer(count, NULL), -1);
	assert_int_not_equal(g = loop_timer(guard, &guarded), -1);
	assert_int_equal(loop_timer_set(t, 1), 0);
	nanosleep(&ms5, NULL);		/* expired, so epoll will report it */
	assert_int_equal(loop_timer_set(t, 0), 0);
	assert_int_equal(loop_timer_set(g, 50), 0);
	assert_int_equal(loop_run(), 0);
	assert_int_equal(guarded, 1);
	assert_int_equal(calls, 0);
	close(t);
	close(g);
}

/*
 * Both timers have expired when epoll_wait returns, so both are in one
 * batch of events; whichever is called first disarms the other, which
 * then has no expiration left and must not be called. (Disarming before
 * loop_run, as above, only shows that epoll never reports a disarmed
 * timerfd: it passes whether or not the loop checks its read.)
 */
static int pair[2];

static void
disarm_other(const struct loop_event *ev, void *arg)
{
	(void)arg;
	calls++;
	assert_int_equal(loop_timer_set(ev->fd == pair[0] ? pair[1] : pair[0],
	    0), 0);
}

static void
timer_disarmed_in_the_same_batch_not_called(void **st)
{
	int g, guarded = 0;
	struct timespec ms5 = { 0, 5 * 1000000L };

	(void)st;
	assert_int_not_equal(pair[0] = loop_timer(disarm_other, NULL), -1);
	assert_int_not_equal(pair[1] = loop_timer(disarm_other, NULL), -1);
	assert_int_not_equal(g = loop_timer(guard, &guarded), -1);
	assert_int_equal(loop_timer_set(pair[0], 1), 0);
	assert_int_equal(loop_timer_set(pair[1], 1), 0);
	nanosleep(&ms5, NULL);		/* both expired: one epoll batch */
	assert_int_equal(loop_timer_set(g, 50), 0);
	assert_int_equal(loop_run(), 0);
	assert_int_equal(guarded, 1);
	assert_int_equal(calls, 1);
	close(pair[0]);
	close(pair[1]);
	close(g);
}

/* A readable descriptor: its callback gets it, not a timer's fields. */
static void
readable_fd_passed_in_the_event(void **st)
{
	int p[2];

	(void)st;
	assert_int_equal(pipe(p), 0);
	stop_after = 1;
	assert_int_equal(loop_add(p[0], count, NULL), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run(), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(last.fd, p[0]);
	assert_false(last.timer);
	assert_int_equal(last.expirations, 0);
	loop_del(p[0]);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(timer_drained_by_the_loop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    timer_disarmed_before_its_turn_not_called, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    timer_disarmed_in_the_same_batch_not_called, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(readable_fd_passed_in_the_event,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
