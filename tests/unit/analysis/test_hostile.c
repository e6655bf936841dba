// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the series against crafted recordings: absurd intervals and spans are refused, memory follows the data.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "analysis/analysis.h"
#include "analysis/series.h"
#include "mem_recording.h"
#include "recording/recording.h"
#include "stderr_capture.h"

#define T0	1000000000000ull	/* 1000 s */
#define MS	1000000ull
#define DAY	(86400ull * 1000 * MS)

/* One tx record of flow @cookie at @ts on CPU 0. */
static void put_tx(struct mem_rec *r, uint64_t cookie, uint64_t ts)
{
	struct tsl_rec_events e = { .n_records = 1, .unused = TSL_REC_UNUSED,
		.mono_ns = ts, .real_ns = 1795482123000000000ull };
	struct tsl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = ts;
	ev.kind = TSL_EV_TX;
	ev.cookie = cookie;
	ev.tx.len = 1000;
	assert_int_equal(tsl_rec_write_events(r->w, &e, &ev), 0);
}

/* A SAMPLE at @ts that says it covers @iv before it, with no entries. */
static void put_sample(struct mem_rec *r, uint64_t ts, uint64_t iv)
{
	struct tsl_rec_sample s = { .version = TSL_SAMPLE_VERSION,
		.entry_size = sizeof(struct tsl_rec_sample_entry),
		.mono_ns = ts, .interval_ns = iv,
		.sources = 1u << TSL_SRC_CPU };

	assert_int_equal(tsl_rec_write_sample(r->w, &s, NULL), 0);
}

/* The recording finished, in a file; its descriptor. */
static int rec_file(struct mem_rec *r)
{
	int fd;

	mem_rec_finish(r);
	fd = mem_rec_file(r);
	free(r->image);
	return fd;
}

/* The report of @fd with the recording's interval (@iv_ns 0) or @iv_ns; its result. */
static int report(int fd, uint64_t iv_ns, struct tsl_report *out)
{
	struct tsl_report_opts o;

	tsl_report_opts_default(&o);
	o.iv_ns = iv_ns;
	return tsl_report_build(fd, "t.rec", &o, out);
}

/*
 * U1: a SAMPLE's interval of 1 ns, with the records a few years apart,
 * made the report size its rows with a count that wrapped, and fill past
 * them. The interval the file gives is out of range: one line, -EINVAL.
 */
static void test_tiny_sample_interval(void **state)
{
	static const uint64_t ivs[] = { 1, 99999, 86400000000001ull, UINT64_MAX };
	struct tsl_report r;
	char want[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ivs) / sizeof(ivs[0]); i++) {
		struct mem_rec w;
		off_t at;
		int fd;

		mem_rec_open(&w, T0);
		put_tx(&w, 1, T0);
		at = sizeof(struct tsl_rec_header) + 8 + sizeof(struct tsl_rec_start) +
		     8 + sizeof(struct tsl_rec_events) + TSL_EVENT_SIZE;
		put_sample(&w, T0 + 100 * MS, ivs[i]);
		put_tx(&w, 1, T0 + (1ull << 62));
		fd = rec_file(&w);
		stderr_begin();
		assert_int_equal(report(fd, 0, &r), -EINVAL);
		snprintf(want, sizeof(want), "t.rec: sample interval of %llu ns out of range at byte %lld",
			 (unsigned long long)ivs[i], (long long)at);
		assert_string_equal(stderr_line(), want);
		tsl_report_free(&r);
		close(fd);
	}
}

/*
 * U1 and U2 in the series themselves, whatever the interval they are
 * given. One SAMPLE 2^61 ns after the start, at 1 ns: 2^61 host rows, whose
 * size in bytes wrapped to 0 while the NAN fill ran on past the buffer
 * (valgrind: invalid writes, the report crashed). At 2^63 + 5 ns: the
 * doubling of the capacity wrapped to 0 and spun forever. Now refused,
 * quickly (an alarm fails the test if it hangs), before any row.
 */
static void test_absurd_span(void **state)
{
	static const uint64_t spans[] = { 1ull << 61, 1ull << 62,
					  (1ull << 63) + 5, UINT64_MAX - T0 };
	size_t i;
	int with_tx;

	(void)state;
	alarm(60);
	for (with_tx = 0; with_tx < 2; with_tx++) {
		for (i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
			struct tsl_iter_index ix;
			struct tsl_an_model m;
			struct mem_rec w;
			int fd;

			mem_rec_open(&w, T0);
			if (with_tx)
				put_tx(&w, 1, T0);
			put_sample(&w, T0 + spans[i], 1);
			if (with_tx)
				put_tx(&w, 2, T0 + spans[i]);
			fd = rec_file(&w);
			assert_int_equal(tsl_iter_index_build(fd, "t.rec", &ix, true), 0);
			stderr_begin();
			assert_int_equal(tsl_an_model_build(fd, "t.rec", &ix, 1, &m), -EINVAL);
			assert_non_null(strstr(stderr_line(), " intervals of 1e-06 ms over "));
			assert_true(m.mem_used <= m.mem_budget);
			assert_int_equal(m.host_cap, 0);	/* refused before any row */
			tsl_an_model_free(&m);
			tsl_iter_index_free(&ix);
			close(fd);
		}
	}
	alarm(0);
}

/*
 * U3: a recording of a few hundred bytes that claims 30 days at 100 ms
 * (26 M intervals, 7.9 GB of host rows alone and as much per flow) is
 * refused with one line, before any row is allocated.
 */
static void test_month_of_nothing(void **state)
{
	struct tsl_report r;
	struct mem_rec w;
	int fd;

	(void)state;
	mem_rec_open(&w, T0);
	put_tx(&w, 1, T0);
	put_sample(&w, T0 + 100 * MS, 100 * MS);
	put_sample(&w, T0 + 30 * DAY, 100 * MS);
	put_tx(&w, 1, T0 + 30 * DAY);
	fd = rec_file(&w);
	assert_true(w.len < 1000);
	stderr_begin();
	assert_int_equal(report(fd, 0, &r), -EINVAL);
	assert_string_equal(stderr_line(),
			    "t.rec: 25920001 intervals of 100 ms over 2592000 s are more than its 2 records and 0 sample entries can fill; try a longer --interval");
	assert_int_equal(r.m.host_cap, 0);
	assert_int_equal(r.m.mem_used, 0);
	tsl_report_free(&r);
	/* at intervals long enough, the same recording is analysed */
	assert_int_equal(report(fd, 60000 * MS, &r), 0);
	assert_int_equal(r.m.n_intervals, 43201);
	assert_int_equal(r.n_flows, 1);
	assert_int_equal(r.flows[0].f->n_rows, 43201);
	assert_true(r.m.mem_used <= r.m.mem_budget);
	tsl_report_free(&r);
	close(fd);
}

/*
 * U3, the flows: an hour at 100 ms is 36001 host rows (11 MB), but 300
 * flows each with a record at either end would take 300 times that
 * (3.3 GB). Refused part way, the rows never over the recording's budget.
 */
static void test_many_long_flows(void **state)
{
	struct tsl_report r;
	struct mem_rec w;
	uint64_t k;
	int fd;

	(void)state;
	mem_rec_open(&w, T0);
	for (k = 0; k < 300; k++)
		put_tx(&w, k + 1, T0);
	for (k = 0; k < 300; k++)
		put_tx(&w, k + 1, T0 + 3600000 * MS);
	fd = rec_file(&w);
	stderr_begin();
	assert_int_equal(report(fd, 0, &r), -EINVAL);
	assert_string_equal(stderr_line(),
			    "t.rec: 36001 intervals of 100 ms over 3600 s are more than its 600 records and 0 sample entries can fill; try a longer --interval");
	assert_true(r.m.mem_used <= r.m.mem_budget);
	assert_int_equal(r.m.mem_budget, tsl_an_budget(&r.ix));
	assert_true(r.m.mem_budget < (256ull << 20) + 600 * 16 * 304 + 1);
	tsl_report_free(&r);
	close(fd);
}

/* A sparse recording that fits: an hour, one flow, two records; rows as before. */
static void test_sparse_fits(void **state)
{
	struct tsl_report r;
	struct mem_rec w;
	int fd;

	(void)state;
	mem_rec_open(&w, T0);
	put_tx(&w, 1, T0);
	put_tx(&w, 1, T0 + 3600000 * MS);
	fd = rec_file(&w);
	assert_int_equal(report(fd, 0, &r), 0);
	assert_int_equal(r.m.n_intervals, 36001);
	assert_int_equal(r.n_flows, 1);
	assert_int_equal(r.flows[0].f->n_rows, 36001);
	assert_int_equal(r.flows[0].f->t.tx, 2);
	tsl_report_free(&r);
	close(fd);
}

/* No records, no samples: no flows to sort, no rows, a report. */
static void test_empty(void **state)
{
	struct tsl_report r;
	struct mem_rec w;
	int fd;

	(void)state;
	mem_rec_open(&w, T0);
	fd = rec_file(&w);
	assert_int_equal(report(fd, 0, &r), 0);
	assert_int_equal(r.n_flows, 0);
	assert_int_equal(r.m.n_intervals, 0);
	tsl_report_free(&r);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_sample_interval),
		cmocka_unit_test(test_absurd_span),
		cmocka_unit_test(test_month_of_nothing),
		cmocka_unit_test(test_many_long_flows),
		cmocka_unit_test(test_sparse_fits),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
