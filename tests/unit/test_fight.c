/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for repair backoff and fight detection (fight.c). */
#include "testutil.h"
#include "fight.h"

/* n changes, each repaired at once or after the wait; returns the waits. */
static long
change_and_repair(struct fight *f, long long *now, int *began)
{
	long w = fight_change(f, *now, 1700000000, "nft, pid 7",
	    "deleted a rule", began);

	*now += w;
	fight_repaired(f, *now);
	return w;
}

static void
fight__a_few_changes__repaired_at_once(void **state)
{
	struct fight f;
	long long now = 1000;
	int began, i;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < FIGHT_REPAIRS - 1; i++) {
		assert_int_equal(change_and_repair(&f, &now, &began), 0);
		assert_false(began);
		now += 100;
	}
	assert_false(f.on);
	assert_int_equal(f.repairs_total, FIGHT_REPAIRS - 1);
}

static void
fight__changes_spread_beyond_window__never_a_fight(void **state)
{
	struct fight f;
	long long now = 0;
	int began, i;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < 50; i++) {
		assert_int_equal(change_and_repair(&f, &now, &began), 0);
		now += FIGHT_WINDOW_MS / (FIGHT_REPAIRS - 1) + 1;
	}
	assert_false(f.on);
}

static void
fight__fifth_change_in_window__said_once_then_backoff_doubles_to_cap(void **state)
{
	struct fight f;
	long long now = 5000;
	long w, prev = 0;
	int began, said = 0, i;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < 40; i++) {
		w = change_and_repair(&f, &now, &began);
		said += began;
		if (i < FIGHT_REPAIRS - 1)
			assert_int_equal(w, 0);
		else if (i == FIGHT_REPAIRS - 1)
			assert_int_equal(w, FIGHT_FIRST_MS);
		else
			assert_int_equal(w, prev * 2 > FIGHT_MAX_MS ?
			    FIGHT_MAX_MS : prev * 2);
		prev = w;
		now += 1;	/* the other program undoes it at once */
	}
	assert_int_equal(said, 1);
	assert_true(f.on);
	assert_int_equal(f.backoff_ms, FIGHT_MAX_MS);
	assert_string_equal(f.who, "nft, pid 7");
	assert_string_equal(f.what, "deleted a rule");
	assert_int_equal(f.since, 1700000000);
	assert_int_equal(f.fights_total, 1);
}

static void
fight__repair_holds_calm_period__over_once_and_immediate_again(void **state)
{
	struct fight f;
	long long now = 0;
	int began, i;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (i = 0; i < FIGHT_REPAIRS + 2; i++, now++)
		(void)change_and_repair(&f, &now, &began);
	assert_true(f.on);
	/* Too early, then a change after the repair: not calm. */
	assert_false(fight_calm(&f, now + FIGHT_CALM_MS - 2));
	assert_int_equal(fight_change(&f, now, 0, "", "", &began),
	    f.backoff_ms);
	assert_false(fight_calm(&f, now + FIGHT_CALM_MS * 10));
	assert_string_equal(f.who, "nft, pid 7");	/* "" keeps the last */
	now += f.backoff_ms;
	fight_repaired(&f, now);
	assert_true(fight_calm(&f, now + FIGHT_CALM_MS));
	assert_false(f.on);
	assert_false(fight_calm(&f, now + FIGHT_CALM_MS * 2));	/* once */
	now += FIGHT_CALM_MS;
	assert_int_equal(change_and_repair(&f, &now, &began), 0);
	assert_false(began);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fight__a_few_changes__repaired_at_once),
		cmocka_unit_test(fight__changes_spread_beyond_window__never_a_fight),
		cmocka_unit_test(fight__fifth_change_in_window__said_once_then_backoff_doubles_to_cap),
		cmocka_unit_test(fight__repair_holds_calm_period__over_once_and_immediate_again),
	};

	return cmocka_run_group_tests_name("fight", tests, NULL, NULL);
}
