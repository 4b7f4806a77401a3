/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for the token bucket (rate.c). */
#include "testutil.h"
#include "rate.h"

static void
rate__burst_then_refused_and_counted(void **state)
{
	struct rate r;
	int i;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < 30; i++)
		assert_true(rate_allow(&r, 1000, 1.0, 30));
	for (i = 0; i < 370; i++)
		assert_false(rate_allow(&r, 1000, 1.0, 30));
	assert_int_equal(r.dropped, 370);
}

static void
rate__refills_at_its_rate_never_beyond_burst(void **state)
{
	struct rate r;
	int i, n = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < 5; i++)
		assert_true(rate_allow(&r, 1, 10.0, 5));
	assert_false(rate_allow(&r, 1, 10.0, 5));
	assert_false(rate_allow(&r, 99, 10.0, 5));	/* 0.98 of a token */
	assert_true(rate_allow(&r, 101, 10.0, 5));	/* one more */
	/* An hour later: a burst again, not 36,000. */
	for (i = 0; i < 100; i++)
		n += rate_allow(&r, 3600 * 1000, 10.0, 5);
	assert_int_equal(n, 5);
}

static void
rate__clock_going_back__no_tokens_made(void **state)
{
	struct rate r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_true(rate_allow(&r, 5000, 1.0, 1));
	assert_false(rate_allow(&r, 1000, 1.0, 1));
	assert_false(rate_allow(&r, 5500, 1.0, 1));
	assert_true(rate_allow(&r, 6000, 1.0, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rate__burst_then_refused_and_counted),
		cmocka_unit_test(rate__refills_at_its_rate_never_beyond_burst),
		cmocka_unit_test(rate__clock_going_back__no_tokens_made),
	};

	return cmocka_run_group_tests_name("rate", tests, NULL, NULL);
}
