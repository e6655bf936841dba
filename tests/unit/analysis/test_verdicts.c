// SPDX-License-Identifier: GPL-2.0-or-later
// Verdicts: each cause from a recording that shows its mechanism, event by event, and what it says of itself.
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "analysis/analysis.h"
#include "ev_seq.h"

#define MS	SEQ_MS
#define US	SEQ_US
#define MSS	SEQ_MSS

/* The verdict of @cat, or NULL. */
static const struct tsl_verdict *find(const struct tsl_report *r, const char *cat)
{
	size_t k;

	for (k = 0; k < r->n_verdicts; k++)
		if (!strcmp(tsl_category_names[r->verdicts[k].cat], cat))
			return &r->verdicts[k];
	return NULL;
}

/* The top verdict is @cat; it is returned. */
static const struct tsl_verdict *expect_top(const struct tsl_report *r, const char *cat)
{
	const struct tsl_verdict *v;

	if (!r->n_verdicts)
		fail_msg("no verdicts, expected %s", cat);
	v = &r->verdicts[0];
	if (strcmp(tsl_category_names[v->cat], cat))
		fail_msg("top verdict %s (%.2f), expected %s; second %s",
			 tsl_category_names[v->cat], v->confidence, cat,
			 r->n_verdicts > 1 ? tsl_category_names[r->verdicts[1].cat] : "none");
	assert_true(v->summary[0]);
	return v;
}

/*
 * A receiver: a segment every 10 ms for 2 s, read 200 us after it
 * arrives, except while @stalled(t) says the reader is away; then the
 * next read takes all that waited.
 */
static void receiver(struct seq *s, bool (*stalled)(uint64_t t))
{
	uint32_t unread = 0, i;

	for (i = 0; i < 200; i++) {
		uint64_t t = (uint64_t)i * 10 * MS;

		seq_rx(s, t, i * MSS, MSS, i * MSS);
		if (stalled && stalled(t))
			continue;
		seq_read(s, t + 200 * US, unread, (i + 1) * MSS - unread);
		unread = (i + 1) * MSS;
	}
}

/* Away for the first 400 ms of every second. */
static bool away(uint64_t t)
{
	return t % (1000 * MS) < 400 * MS;
}

static void test_healthy(void **state)
{
	const struct tsl_verdict *v;
	struct tsl_report r;
	struct seq s;

	(void)state;
	seq_open(&s);
	receiver(&s, NULL);
	seq_report(&s, &r);
	v = expect_top(&r, "healthy");
	assert_true(v->confidence >= 0.9);
	assert_true(isnan(v->explains));
	tsl_report_free(&r);
}

/*
 * The reader away 400 ms of every second, asleep: the data that waited is
 * nearly all the flow's held-up time.
 */
static void test_app_not_reading(void **state)
{
	const struct tsl_verdict *v;
	struct tsl_report r;
	struct seq s;

	(void)state;
	seq_open(&s);
	receiver(&s, away);
	seq_report(&s, &r);
	v = expect_top(&r, "app_not_reading");
	assert_true(v->explains > 0.9);
	assert_true(v->stalled_s > 0.5 && v->stalled_s < 0.9);
	assert_true(v->confidence > 0.8);
	assert_non_null(strstr(v->summary, "did not read"));
	tsl_report_free(&r);
}

/* The same stalls, with what the reader's process did every 100 ms. */
static void owner_stalls(struct tsl_report *r, char st, uint32_t cpu_ms,
			 uint32_t run_delay_ms)
{
	struct seq s;
	uint64_t t;

	seq_open(&s);
	for (t = 100 * MS; t <= 2000 * MS; t += 100 * MS)
		seq_proc(&s, t, 100 * MS, st, cpu_ms, run_delay_ms);
	receiver(&s, away);
	seq_report(&s, r);
}

/* Waiting on a run queue 70 % of the time: contention. */
static void test_cpu_contention(void **state)
{
	struct tsl_report r;

	(void)state;
	owner_stalls(&r, 'R', 30, 70);
	expect_top(&r, "cpu_contention");
	tsl_report_free(&r);
}

/* Running flat out: the reader's own work. */
static void test_app_cpu_bound(void **state)
{
	struct tsl_report r;

	(void)state;
	owner_stalls(&r, 'R', 100, 0);
	expect_top(&r, "app_cpu_bound");
	tsl_report_free(&r);
}

/* Asleep with data waiting: not reading, whatever the process state says. */
static void test_owner_asleep(void **state)
{
	struct tsl_report r;

	(void)state;
	owner_stalls(&r, 'S', 1, 0);
	expect_top(&r, "app_not_reading");
	tsl_report_free(&r);
}

/*
 * A sender held back by a small window that never grows (4 KB): each
 * round fills it and waits 10 ms for the ACK.
 */
static void test_rcvbuf_limited(void **state)
{
	struct tsl_report r;
	struct seq s;
	uint32_t i, k, seq = 0;

	(void)state;
	seq_open(&s);
	for (i = 0; i < 150; i++) {
		uint64_t t = (uint64_t)i * 11 * MS;

		for (k = 0; k < 4; k++)
			seq_tx(&s, t + k * US, seq + k * MSS, MSS, k, 10, 4 * MSS);
		seq_ack(&s, t + 10 * MS, seq + 4 * MSS, 4 * MSS, 10000, 4 * MSS);
		seq += 4 * MSS;
	}
	seq_report(&s, &r);
	expect_top(&r, "rcvbuf_limited");
	tsl_report_free(&r);
}

/* The peer's window shut for 50 ms every round: its reader lags. */
static void test_peer_not_reading(void **state)
{
	struct tsl_report r;
	struct seq s;
	uint32_t i, k, seq = 0;

	(void)state;
	seq_open(&s);
	for (i = 0; i < 30; i++) {
		uint64_t t = (uint64_t)i * 60 * MS;

		for (k = 0; k < 4; k++)
			seq_tx(&s, t + k * US, seq + k * MSS, MSS, k, 40, 262144);
		seq_ack(&s, t + 1 * MS, seq + 4 * MSS, 4 * MSS, 1000, 262144);
		seq += 4 * MSS;
		seq_tx(&s, t + 2 * MS, seq, MSS, 0, 40, 0);
		seq_ack(&s, t + 52 * MS, seq + MSS, MSS, -1, 262144);
		seq += MSS;
	}
	seq_report(&s, &r);
	expect_top(&r, "app_not_reading");
	tsl_report_free(&r);
}

/*
 * A sender over a 10 ms path that loses a segment every fifth round and
 * gets out of recovery 60 ms later.
 */
static void test_path_loss(void **state)
{
	struct tsl_report r;
	struct seq s;
	uint32_t i, k, seq = 0;
	uint64_t t = 0;

	(void)state;
	seq_open(&s);
	for (i = 0; i < 60; i++) {
		for (k = 0; k < 10; k++)
			seq_tx(&s, t + k * US, seq + k * MSS, MSS, k, 20, 262144);
		if (i % 5 == 4) {
			seq_retrans(&s, t + 30 * MS, seq, MSS);
			seq_ack(&s, t + 60 * MS, seq + 10 * MSS, 10 * MSS, -1, 262144);
			t += 61 * MS;
		} else {
			seq_ack(&s, t + 10 * MS, seq + 10 * MSS, 10 * MSS, 10000, 262144);
			t += 11 * MS;
		}
		seq += 10 * MSS;
	}
	seq_report(&s, &r);
	expect_top(&r, "path_loss");
	tsl_report_free(&r);
}

/*
 * A receiver (10 ms round trip) whose every other segment comes 4 ms
 * after the one behind it: holes filled well within a round trip.
 */
static void test_reordering(void **state)
{
	struct tsl_report r;
	struct seq s;
	uint32_t i;

	(void)state;
	seq_open(&s);
	seq_tx(&s, 0, 0, 100, 0, 10, 65535);
	seq_ack(&s, 10 * MS, 100, 100, 10000, 65535);
	for (i = 0; i < 100; i++) {
		uint64_t t = 20 * MS + (uint64_t)i * 10 * MS;
		uint32_t base = 2 * i * MSS;

		seq_rx(&s, t, base + MSS, MSS, base);		/* ahead: a hole */
		seq_rx(&s, t + 4 * MS, base, MSS, base);	/* fills it */
		seq_read(&s, t + 4 * MS + 100 * US, base, 2 * MSS);
	}
	seq_report(&s, &r);
	expect_top(&r, "reordering");
	assert_null(find(&r, "path_loss"));
	tsl_report_free(&r);
}

/*
 * A request/response client: requests written in two halves; the second
 * leaves when the first's ACK comes back after the peer's 40 ms timer
 * (the path: 0.5 ms).
 */
static void test_nagle_delack(void **state)
{
	struct tsl_report r;
	struct seq s;
	uint32_t i, seq = 0, rseq = 0;
	uint64_t t;

	(void)state;
	seq_open(&s);
	seq_tx(&s, 0, seq, 100, 0, 10, 65535);
	seq_ack(&s, 500 * US, seq + 100, 100, 500, 65535);
	seq += 100;
	for (i = 0; i < 40; i++) {
		t = MS + (uint64_t)i * 42 * MS;
		seq_tx(&s, t, seq, 50, 0, 10, 65535);
		seq_ack(&s, t + 40 * MS, seq + 50, 50, 40000, 65535);
		seq_tx(&s, t + 40 * MS + 200 * US, seq + 50, 50, 0, 10, 65535);
		seq_rx(&s, t + 41 * MS, rseq, 200, rseq);
		seq_read(&s, t + 41 * MS + 50 * US, rseq, 200);
		seq += 100;
		rseq += 200;
	}
	seq_report(&s, &r);
	expect_top(&r, "nagle_delack");
	tsl_report_free(&r);
}

/* A request/response client over a 40 ms path, back to back. */
static void test_path_latency(void **state)
{
	struct tsl_report r;
	struct seq s;
	uint32_t i, seq = 0, rseq = 0;

	(void)state;
	seq_open(&s);
	for (i = 0; i < 40; i++) {
		uint64_t t = (uint64_t)i * 41 * MS;

		seq_tx(&s, t, seq, 100, 0, 10, 65535);
		seq_ack(&s, t + 40 * MS, seq + 100, 100, 40000, 65535);
		seq_rx(&s, t + 40 * MS + 10 * US, rseq, 2000, rseq);
		seq_read(&s, t + 40 * MS + 100 * US, rseq, 2000);
		seq += 100;
		rseq += 2000;
	}
	seq_report(&s, &r);
	expect_top(&r, "path_latency");
	tsl_report_free(&r);
}

/* Too few segments to judge: said so, and nothing else. */
static void test_insufficient_data(void **state)
{
	struct tsl_report r;
	struct seq s;
	uint32_t i;

	(void)state;
	seq_open(&s);
	for (i = 0; i < 10; i++) {
		seq_tx(&s, (uint64_t)i * 300 * MS, i * MSS, MSS, 0, 10, 65535);
		seq_ack(&s, (uint64_t)i * 300 * MS + MS, (i + 1) * MSS, MSS, 1000, 65535);
	}
	seq_report(&s, &r);
	expect_top(&r, "insufficient_data");
	assert_int_equal(r.n_verdicts, 1);
	tsl_report_free(&r);
}

/*
 * A small flow whose reader stalls beside a busy, healthy one: its
 * verdict weighs by its bytes, and stays below the bar of a finding.
 */
static void test_weighed_by_bytes(void **state)
{
	const struct tsl_verdict *v;
	struct tsl_report r;
	struct seq s;
	uint32_t i;

	(void)state;
	seq_open(&s);
	s.cookie = 1;
	receiver(&s, away);		/* 200 segments */
	s.cookie = 2;
	for (i = 0; i < 4000; i++) {	/* 4000 segments, read at once */
		uint64_t t = (uint64_t)i * 500 * US;

		seq_rx(&s, t, i * MSS, MSS, i * MSS);
		seq_read(&s, t + 100 * US, i * MSS, MSS);
	}
	seq_report(&s, &r);
	v = find(&r, "app_not_reading");
	assert_non_null(v);
	assert_int_equal(v->flow->cookie, 1);
	assert_true(v->confidence < 0.6);
	tsl_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_app_not_reading),
		cmocka_unit_test(test_cpu_contention),
		cmocka_unit_test(test_app_cpu_bound),
		cmocka_unit_test(test_owner_asleep),
		cmocka_unit_test(test_rcvbuf_limited),
		cmocka_unit_test(test_peer_not_reading),
		cmocka_unit_test(test_path_loss),
		cmocka_unit_test(test_reordering),
		cmocka_unit_test(test_nagle_delack),
		cmocka_unit_test(test_path_latency),
		cmocka_unit_test(test_insufficient_data),
		cmocka_unit_test(test_weighed_by_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
