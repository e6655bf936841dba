// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the series against crafted recordings: absurd intervals are refused, memory follows the data present, not the span.
#include <errno.h>
#include <math.h>
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

/* The names put_full_sample()'s entries use: ids 0, 1, 2. */
static void put_names(struct mem_rec *r)
{
	static const char names[] = "idle\0state\0recv_q";

	assert_int_equal(tsl_rec_write_names(r->w, 0, 3, names, sizeof(names)), 0);
}

/* A SAMPLE at @ts covering @iv: CPU 0's idle, a process's state, a socket's recv_q. */
static void put_full_sample(struct mem_rec *r, uint64_t ts, uint64_t iv,
			    uint64_t cookie)
{
	struct tsl_rec_sample s = { .version = TSL_SAMPLE_VERSION,
		.entry_size = sizeof(struct tsl_rec_sample_entry),
		.mono_ns = ts, .interval_ns = iv, .n_entries = 3,
		.sources = (1u << TSL_SRC_CPU) | (1u << TSL_SRC_PROC) |
			   (1u << TSL_SRC_SOCK) };
	struct tsl_rec_sample_entry e[3];

	memset(e, 0, sizeof(e));
	e[0] = (struct tsl_rec_sample_entry){ .source = TSL_SRC_CPU, .key = 0,
					      .id = 0, .value = 50 };
	e[1] = (struct tsl_rec_sample_entry){ .source = TSL_SRC_PROC, .key = 1,
					      .id = 77, .value = 'S' };
	e[2] = (struct tsl_rec_sample_entry){ .source = TSL_SRC_SOCK, .key = 2,
					      .id = cookie, .value = 1000 };
	assert_int_equal(tsl_rec_write_sample(r->w, &s, e), 0);
}

/*
 * U3: a recording of a few hundred bytes that claims 30 days at 100 ms
 * (26 M intervals: 7.9 GB of host rows alone, and as much per flow, if
 * every interval had a row). Only the intervals that hold data take a row:
 * it is analysed in a few KiB.
 */
static void test_month_of_nothing(void **state)
{
	const struct tsl_an_flow *f;
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
	assert_int_equal(report(fd, 0, &r), 0);
	assert_int_equal(r.m.n_intervals, 25920001);
	assert_int_equal(r.n_flows, 1);
	f = r.flows[0].f;
	assert_int_equal(tsl_an_span(f), 25920001);
	/* the records' intervals, and the samples' (filed at their middle) */
	assert_int_equal(f->n_rows, 3);
	assert_int_equal(f->iv[0], 0);
	assert_int_equal(f->iv[1], 25919999);
	assert_int_equal(f->iv[2], 25920000);
	assert_int_equal(r.m.n_host, 2);
	assert_true(r.m.mem_used < 16 * 1024);
	assert_int_equal(f->t.tx, 2);
	tsl_report_free(&r);
	/* at intervals of a minute, the same */
	assert_int_equal(report(fd, 60000 * MS, &r), 0);
	assert_int_equal(r.m.n_intervals, 43201);
	assert_int_equal(r.n_flows, 1);
	assert_int_equal(tsl_an_span(r.flows[0].f), 43201);
	assert_true(r.flows[0].f->n_rows <= 3);
	tsl_report_free(&r);
	close(fd);
}

/*
 * A monitor that sampled for a minute at the start and a minute 30 days
 * later: two minutes of records and samples at 100 ms, analysed in memory
 * for those 1200 intervals, far below the 26 M intervals of the span. An
 * interval between has no row, and reads as no value in every column.
 */
static void test_month_gap(void **state)
{
	const uint64_t starts[] = { T0, T0 + 30 * DAY };
	const struct tsl_an_flow *f;
	struct tsl_report r;
	struct mem_rec w;
	size_t k, n_rtt = 0;
	double *rtt;
	uint64_t i;
	int fd, j;

	(void)state;
	mem_rec_open(&w, T0);
	put_names(&w);
	for (j = 0; j < 2; j++)
		for (i = 0; i < 600; i++) {
			put_tx(&w, 1, starts[j] + i * 100 * MS + 10 * MS);
			put_full_sample(&w, starts[j] + (i + 1) * 100 * MS,
					100 * MS, 1);
		}
	fd = rec_file(&w);
	assert_int_equal(report(fd, 0, &r), 0);
	assert_int_equal(r.n_flows, 1);
	f = r.flows[0].f;
	assert_int_equal(tsl_an_span(f), 25920000 + 600);
	assert_int_equal(f->n_rows, 1200);
	assert_int_equal(r.m.n_host, 1200);
	/* dense, the flow's and the host's rows alone: 2 x 26 M x 304 bytes */
	assert_true(r.m.mem_used < 4u << 20);
	for (k = 0; k < f->n_rows; k++) {
		const float *row = tsl_an_row(f, k);

		/* every row joined: its process, its socket, its CPU */
		assert_true(k < 600 ? f->iv[k] == (int64_t)k :
				      f->iv[k] == (int64_t)(25920000 + k - 600));
		assert_float_equal(row[TSL_AN_TX], 1, 0);
		assert_float_equal(row[TSL_AN_SD_RECV_Q], 1000, 0);
		assert_float_equal(row[TSL_AN_APP_S], 1, 0);
		assert_float_equal(row[TSL_AN_H_IDLE], 0, 0);	/* sampled, no total */
	}
	rtt = tsl_an_series(f, TSL_AN_SD_RECV_Q);
	assert_non_null(rtt);
	for (k = 0; k < f->n_rows; k++)
		n_rtt += !isnan(rtt[k]);
	assert_int_equal(n_rtt, 1200);
	free(rtt);
	tsl_report_free(&r);
	close(fd);
}

/*
 * Intervals without data inside a flow's span take no row, and read as no
 * value: a flow with records in intervals 0..9 and 20..29 and no samples
 * has 20 rows over 30 intervals, and its series have nothing between.
 */
static void test_gap_no_row(void **state)
{
	const struct tsl_an_flow *f;
	struct tsl_report r;
	struct mem_rec w;
	uint64_t i;
	size_t k;
	int fd;

	(void)state;
	mem_rec_open(&w, T0);
	for (i = 0; i < 30; i++)
		if (i < 10 || i >= 20)
			put_tx(&w, 1, T0 + i * 100 * MS);
	fd = rec_file(&w);
	assert_int_equal(report(fd, 100 * MS, &r), 0);
	f = r.flows[0].f;
	assert_int_equal(tsl_an_span(f), 30);
	assert_int_equal(f->n_rows, 20);
	for (k = 0; k < f->n_rows; k++) {
		assert_int_equal(tsl_an_pos(f, k), k < 10 ? k : k + 10);
		assert_float_equal(tsl_an_row(f, k)[TSL_AN_TX], 1, 0);
	}
	assert_int_equal(r.m.n_host, 0);
	tsl_report_free(&r);
	close(fd);
}

/*
 * The bound on hostile input: 300 flows with a record at either end of an
 * hour take two rows each; but with the host sampled every 100 ms, each
 * flow's rows take the host's columns in every sampled interval of its
 * span (36001 x 300 rows, 3.4 GB). Refused part way, the rows never over
 * the recording's budget.
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
	assert_int_equal(report(fd, 0, &r), 0);
	assert_int_equal(r.n_flows, 300);
	for (k = 0; k < 300; k++) {
		assert_int_equal(r.flows[k].f->n_rows, 2);
		assert_int_equal(tsl_an_span(r.flows[k].f), 36001);
	}
	assert_true(r.m.mem_used < 2u << 20);
	tsl_report_free(&r);
	close(fd);

	mem_rec_open(&w, T0);
	for (k = 0; k < 300; k++)
		put_tx(&w, k + 1, T0);
	for (k = 1; k <= 36000; k++)
		put_sample(&w, T0 + k * 100 * MS, 100 * MS);
	for (k = 0; k < 300; k++)
		put_tx(&w, k + 1, T0 + 3600000 * MS);
	fd = rec_file(&w);
	stderr_begin();
	assert_int_equal(report(fd, 0, &r), -EINVAL);
	assert_string_equal(stderr_line(),
			    "t.rec: 36001 intervals of 100 ms over 3600 s are more than its 600 records and 0 sample entries can fill; try a longer --interval");
	assert_true(r.m.mem_used <= r.m.mem_budget);
	assert_int_equal(r.m.mem_budget, tsl_an_budget(&r.ix));
	assert_true(r.m.mem_budget < (256ull << 20) + 36600 * TSL_AN_MEM_PER_ITEM + 1);
	tsl_report_free(&r);
	close(fd);
}

/*
 * Samples filed far back, each into an interval without a row before the
 * later records' rows (their period says they cover the 12 hours before
 * them): rows come out of order, are found again, and end up in interval
 * order, in time linear in the rows (an alarm fails the test if not).
 */
static void test_rows_out_of_order(void **state)
{
	enum { N = 5000 };
	static const char names[] = "recv_q";
	const struct tsl_an_flow *f;
	struct tsl_report r;
	struct mem_rec w;
	uint64_t i;
	size_t k;
	int fd;

	(void)state;
	alarm(60);
	mem_rec_open(&w, T0);
	assert_int_equal(tsl_rec_write_names(w.w, 0, 1, names, sizeof(names)), 0);
	for (i = 0; i < N; i++)		/* intervals 0, 2, 4, ... */
		put_tx(&w, 1, T0 + 2 * i * 100 * MS + 1);
	for (i = 0; i < N; i++) {	/* then 1, 3, 5, ..., twice each */
		uint64_t at = T0 + (2 * i + 1) * 100 * MS + 50 * MS;
		uint64_t ts = T0 + 2 * N * 100 * MS + 1000 + i;
		struct tsl_rec_sample s = { .version = TSL_SAMPLE_VERSION,
			.entry_size = sizeof(struct tsl_rec_sample_entry),
			.mono_ns = ts, .interval_ns = 2 * (ts - at), .n_entries = 2,
			.sources = 1u << TSL_SRC_SOCK };
		struct tsl_rec_sample_entry e[2] = {
			{ .source = TSL_SRC_SOCK, .key = 0, .id = 1, .value = 5 },
			{ .source = TSL_SRC_SOCK, .key = 0, .id = 1, .value = 7 },
		};

		assert_int_equal(tsl_rec_write_sample(w.w, &s, e), 0);
	}
	fd = rec_file(&w);
	assert_int_equal(report(fd, 100 * MS, &r), 0);
	f = r.flows[0].f;
	assert_int_equal(f->n_rows, 2 * N);
	assert_int_equal(r.m.n_host, N);
	for (k = 0; k < f->n_rows; k++) {
		const float *row = tsl_an_row(f, k);

		assert_int_equal(f->iv[k], k);
		assert_int_equal(r.m.host_iv[k / 2], k / 2 * 2 + 1);
		if (k % 2) {
			assert_true(isnan(row[TSL_AN_TX]));
			assert_float_equal(row[TSL_AN_SD_RECV_Q], 7, 0);
		} else {
			assert_float_equal(row[TSL_AN_TX], 1, 0);
			assert_true(isnan(row[TSL_AN_SD_RECV_Q]));
		}
	}
	assert_null(f->row_tab);
	tsl_report_free(&r);
	close(fd);
	alarm(0);
}

/* A sparse recording: an hour, one flow, two records; two rows. */
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
	assert_int_equal(r.flows[0].f->n_rows, 2);
	assert_int_equal(tsl_an_span(r.flows[0].f), 36001);
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
		cmocka_unit_test(test_month_gap),
		cmocka_unit_test(test_gap_no_row),
		cmocka_unit_test(test_rows_out_of_order),
		cmocka_unit_test(test_many_long_flows),
		cmocka_unit_test(test_sparse_fits),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
