// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the loss accounting against the module's final counters.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "recording/recording.h"
#include "recording/recording.h"

static struct tsl_event recs[8];

static int setup(void **state)
{
	unsigned int i;

	(void)state;
	memset(recs, 0, sizeof(recs));
	for (i = 0; i < 8; i++)
		recs[i].kind = i % 4 ? TSL_EV_TX : TSL_EV_FLOW;
	return 0;
}

/* CPU 0: 5 records in two batches; CPU 2: 3 records, 1 dropped. */
static void feed(struct tsl_acct *a, uint64_t second_seq)
{
	assert_int_equal(tsl_acct_batch(a, 0, 0, 3, 0, recs, 3), 0);
	assert_int_equal(tsl_acct_batch(a, 2, 0, 4, 1, recs, 3), 0);
	assert_int_equal(tsl_acct_batch(a, 0, second_seq, 5, 0, recs + 3, 2), 0);
}

/* Run the check; returns the problem count and the text printed. */
static unsigned int check(const struct tsl_acct *a,
			  const struct tsl_rec_cpu *cpus, unsigned int n,
			  char **text)
{
	size_t len;
	FILE *out = open_memstream(text, &len);
	unsigned int problems = tsl_acct_check(a, cpus, n, out);

	fclose(out);
	return problems;
}

static void test_consistent(void **state)
{
	const struct tsl_rec_cpu end[] = {
		{ .cpu = 0, .produced = 5, .delivered = 5, .dropped = 0 },
		{ .cpu = 2, .produced = 4, .delivered = 3, .dropped = 1 },
		{ .cpu = 3, .produced = 0, .delivered = 0, .dropped = 0 },
	};
	struct tsl_acct a = { 0 };
	uint64_t p, d, x;
	char *text;

	(void)state;
	feed(&a, 3);
	assert_int_equal(a.flows, 3);		/* recs 0, 4 and 0 again */
	assert_int_equal(a.events, 5);
	assert_int_equal(tsl_acct_dropped(&a), 1);
	assert_int_equal(check(&a, end, 3, &text), 0);
	assert_string_equal(text, "");
	tsl_acct_totals(end, 3, &p, &d, &x);
	assert_int_equal(p, 9);
	assert_int_equal(d, 8);
	assert_int_equal(x, 1);
	free(text);
	tsl_acct_free(&a);
}

static void test_produced_mismatch(void **state)
{
	const struct tsl_rec_cpu end[] = {
		{ .cpu = 0, .produced = 5, .delivered = 5, .dropped = 0 },
		{ .cpu = 2, .produced = 6, .delivered = 3, .dropped = 1, .queued = 2 },
	};
	struct tsl_acct a = { 0 };
	char *text;

	(void)state;
	feed(&a, 3);
	assert_int_equal(check(&a, end, 2, &text), 1);
	assert_string_equal(text,
		"tcpsleuth: cpu 2: produced 6 != delivered 3 + dropped 1 (queued 2)\n");
	free(text);
	tsl_acct_free(&a);
}

static void test_received_mismatch(void **state)
{
	const struct tsl_rec_cpu end[] = {
		{ .cpu = 0, .produced = 7, .delivered = 7, .dropped = 0 },
		{ .cpu = 2, .produced = 4, .delivered = 3, .dropped = 1 },
	};
	struct tsl_acct a = { 0 };
	char *text;

	(void)state;
	feed(&a, 3);
	assert_int_equal(check(&a, end, 2, &text), 1);
	assert_string_equal(text,
		"tcpsleuth: cpu 0: received 5 records, module delivered 7\n");
	free(text);
	tsl_acct_free(&a);
}

static void test_sequence_gap(void **state)
{
	const struct tsl_rec_cpu end[] = {
		{ .cpu = 0, .produced = 7, .delivered = 7, .dropped = 0 },
		{ .cpu = 2, .produced = 4, .delivered = 3, .dropped = 1 },
	};
	struct tsl_acct a = { 0 };
	char *text;

	(void)state;
	feed(&a, 5);	/* a batch of 2 records starting at 3 never came */
	assert_int_equal(check(&a, end, 2, &text), 2);
	assert_string_equal(text,
		"tcpsleuth: cpu 0: received 5 records, module delivered 7\n"
		"tcpsleuth: cpu 0: 1 sequence gaps (first: expected seq 3, got 5)\n");
	free(text);
	tsl_acct_free(&a);
}

static void test_cpu_missing_from_end(void **state)
{
	const struct tsl_rec_cpu end[] = {
		{ .cpu = 0, .produced = 5, .delivered = 5, .dropped = 0 },
	};
	struct tsl_acct a = { 0 };
	char *text;

	(void)state;
	feed(&a, 3);
	assert_int_equal(check(&a, end, 1, &text), 1);
	assert_string_equal(text,
		"tcpsleuth: cpu 2: received 3 records but the module sent no final counters for it\n");
	free(text);
	tsl_acct_free(&a);
}

static void test_bad_cpu(void **state)
{
	struct tsl_acct a = { 0 };

	(void)state;
	assert_int_equal(tsl_acct_batch(&a, TSL_ACCT_MAX_CPUS, 0, 0, 0, recs, 1), -EINVAL);
	assert_int_equal(tsl_acct_batch(&a, 1000, 0, 1, 0, recs, 1), 0);
	assert_true(a.n_cpus > 1000);
	tsl_acct_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_consistent),
		cmocka_unit_test(test_produced_mismatch),
		cmocka_unit_test(test_received_mismatch),
		cmocka_unit_test(test_sequence_gap),
		cmocka_unit_test(test_cpu_missing_from_end),
		cmocka_unit_test(test_bad_cpu),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
