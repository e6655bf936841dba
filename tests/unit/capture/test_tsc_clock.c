// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the TSC-to-CLOCK_MONOTONIC map the reader applies to records.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "capture/tsc_clock.h"

#define KHZ	2000000u	/* 2 cycles per ns */
#define MS	(KHZ)		/* cycles per ms */

/* Lines are 32.32 fixed point: a converted time may be 1 ns off. */
#define assert_ns(got, want)	assert_in_range((got), (want) - 1, (want) + 1)

static void test_empty(void **state)
{
	struct tsl_tscmap m;

	(void)state;
	tsl_tscmap_init(&m);
	assert_int_equal(tsl_tscmap_mono(&m, 12345), 0);
	assert_int_equal(tsl_tscmap_mono_fast(&m, 12345), 0);
	assert_int_equal(tsl_tscmap_mono_fast(&m, UINT64_MAX), 0);
	assert_int_equal(tsl_tscmap_add(&m, 1, 1, 0), -EINVAL);
	assert_int_equal(m.n, 0);
}

/* One pair: the nominal rate, on both sides of it. */
static void test_one_pair(void **state)
{
	struct tsl_tscmap m;

	(void)state;
	tsl_tscmap_init(&m);
	assert_int_equal(tsl_tscmap_add(&m, 10 * MS, 7000000, KHZ), 0);
	assert_int_equal(tsl_tscmap_mono(&m, 10 * MS), 7000000);
	assert_int_equal(tsl_tscmap_mono(&m, 10 * MS + 4000), 7002000);
	assert_int_equal(tsl_tscmap_mono(&m, 10 * MS - 2000), 6999000);
	assert_int_equal(tsl_tscmap_mono(&m, 7 * MS), 4000000);
	assert_int_equal(tsl_tscmap_mono_fast(&m, 10 * MS + 4000), 7002000);
	assert_int_equal(tsl_tscmap_mono_fast(&m, 7 * MS), 4000000);
	/* before the clock's zero: 0, not a wrapped value */
	assert_int_equal(tsl_tscmap_mono(&m, 0), 0);
}

/*
 * The pairs say the TSC runs 0.1 % slower than nominal: times between them
 * follow the pairs, not the nominal rate; past the newest, the last line.
 */
static void test_lines(void **state)
{
	struct tsl_tscmap m;

	(void)state;
	tsl_tscmap_init(&m);
	tsl_tscmap_add(&m, 0 + MS, 1000000, KHZ);
	/* 20 ms of cycles took 20.02 ms */
	tsl_tscmap_add(&m, 21 * MS, 21020000, KHZ);
	tsl_tscmap_add(&m, 41 * MS, 41040000, KHZ);
	assert_int_equal(m.n, 3);
	assert_ns(tsl_tscmap_mono(&m, 21 * MS), 21020000);
	assert_ns(tsl_tscmap_mono(&m, 11 * MS), 11010000);
	assert_ns(tsl_tscmap_mono(&m, 31 * MS), 31030000);
	assert_ns(tsl_tscmap_mono(&m, 51 * MS), 51050000);
	/* before the oldest pair: its line */
	assert_ns(tsl_tscmap_mono(&m, MS / 2), 499500);
}

/* A pair too close to the newest (< 1 ms), or not after it, is not kept. */
static void test_close_or_backwards(void **state)
{
	struct tsl_tscmap m;

	(void)state;
	tsl_tscmap_init(&m);
	tsl_tscmap_add(&m, 10 * MS, 5000000, KHZ);
	tsl_tscmap_add(&m, 10 * MS + MS / 2, 5250100, KHZ);
	assert_int_equal(m.n, 1);
	tsl_tscmap_add(&m, 9 * MS, 6000000, KHZ);
	assert_int_equal(m.n, 1);
	tsl_tscmap_add(&m, 12 * MS, 5000000, KHZ);
	assert_int_equal(m.n, 1);
	tsl_tscmap_add(&m, 12 * MS, 6000000, KHZ);
	assert_int_equal(m.n, 2);
}

/*
 * A time converted before a later pair arrives maps the same after it, and
 * times in order stay in order across the pairs, the oldest forgotten.
 */
static void test_stable_and_ordered(void **state)
{
	struct tsl_tscmap m;
	uint64_t before, prev = 0, t;
	unsigned int i;

	(void)state;
	tsl_tscmap_init(&m);
	for (i = 0; i < 3; i++)
		tsl_tscmap_add(&m, (uint64_t)(i + 1) * 20 * MS,
			       (uint64_t)(i + 1) * 10000000 + i * 37, KHZ);
	before = tsl_tscmap_mono(&m, 50 * MS);
	tsl_tscmap_add(&m, 80 * MS, 40000500, KHZ);
	assert_int_equal(tsl_tscmap_mono(&m, 50 * MS), before);

	for (i = 4; i < 3 * TSL_TSC_POINTS; i++)
		tsl_tscmap_add(&m, (uint64_t)(i + 1) * 20 * MS,
			       (uint64_t)(i + 1) * 10000000 + (i % 7) * 100, KHZ);
	assert_int_equal(m.n, TSL_TSC_POINTS);
	/* the shortcut for the newest line agrees to the ns, inside and out */
	for (t = (uint64_t)3 * TSL_TSC_POINTS * 20 * MS - 50 * MS;
	     t < (uint64_t)3 * TSL_TSC_POINTS * 20 * MS + 10 * MS; t += MS / 3 + 1)
		assert_int_equal(tsl_tscmap_mono_fast(&m, t), tsl_tscmap_mono(&m, t));
	for (t = 0; t < (uint64_t)3 * TSL_TSC_POINTS * 20 * MS; t += 3 * MS + 17) {
		uint64_t mono = tsl_tscmap_mono(&m, t);

		assert_true(mono >= prev);
		prev = mono;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_pair),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_close_or_backwards),
		cmocka_unit_test(test_stable_and_ordered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
