// SPDX-License-Identifier: GPL-2.0-or-later
// The time ledger: each wait worked out from a short, exact sequence of events.
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "analysis/analysis.h"
#include "ev_seq.h"

#define MS	SEQ_MS
#define US	SEQ_US
#define MSS	SEQ_MSS
#define tx	seq_tx
#define ack	seq_ack
#define rx	seq_rx
#define rd	seq_read
#define retrans	seq_retrans

/* Analyse the sequence; the one flow's ledger in @out. */
static void analyse(struct seq *s, struct tsl_ledger *out)
{
	struct tsl_report r;

	seq_report(s, &r);
	assert_int_equal(r.n_flows, 1);
	*out = r.flows[0].f->lg;
	out->hole_us = NULL;
	tsl_report_free(&r);
}

#define assert_us(got, want) assert_true(fabs((got) - (want)) < 1)

/*
 * Unread: a read that took data 50 ms old counts 49 ms (the 1 ms a prompt
 * reader is granted); a second read 10 ms later of data that arrived before
 * the first read adds only the 10 ms the first did not count.
 */
static void test_unread(void **state)
{
	struct tsl_ledger l;
	struct seq s;

	(void)state;
	seq_open(&s);
	rx(&s, 0, 0, MSS, 0);
	rx(&s, 1 * MS, MSS, MSS, MSS);
	rd(&s, 50 * MS, 0, MSS);		/* 50 ms old */
	rd(&s, 60 * MS, MSS, MSS);		/* 59 ms old, 50 of them counted */
	rx(&s, 69500 * US, 2 * MSS, 10, 2 * MSS);
	rd(&s, 70 * MS, 2 * MSS, 10);		/* prompt: nothing */
	analyse(&s, &l);
	assert_us(l.us[TSL_LG_UNREAD], 49000 + 10000);
}

/*
 * Holes: behind a 10 ms floor, a hole filled after 30 ms needed a
 * retransmission (loss); one filled after 2 ms was reordering.
 */
static void test_holes(void **state)
{
	struct tsl_ledger l;
	struct seq s;

	(void)state;
	seq_open(&s);
	tx(&s, 0, 0, 100, 0, 10, 65535);
	ack(&s, 10 * MS, 100, 100, 10000, 65535);	/* the floor: 10 ms */
	rx(&s, 20 * MS, 2 * MSS, MSS, MSS);		/* MSS..2*MSS missing */
	rx(&s, 50 * MS, MSS, MSS, MSS);			/* filled 30 ms later */
	rx(&s, 60 * MS, 4 * MSS, MSS, 3 * MSS);
	rx(&s, 62 * MS, 3 * MSS, MSS, 3 * MSS);		/* filled 2 ms later */
	rx(&s, 70 * MS, MSS, MSS, 5 * MSS);		/* again, below rcv_nxt */
	analyse(&s, &l);
	assert_int_equal(l.holes, 2);
	assert_int_equal(l.holes_reorder, 1);
	assert_int_equal(l.dup_segs, 1);
	assert_us(l.us[TSL_LG_HOLE_LOSS], 30000);
	assert_us(l.us[TSL_LG_HOLE_REORDER], 2000);
}

/* Recovery: from the first retransmission to the ACK of all sent before it. */
static void test_recovery(void **state)
{
	struct tsl_ledger l;
	struct seq s;

	(void)state;
	seq_open(&s);
	tx(&s, 0, 0, MSS, 0, 10, 65535);
	tx(&s, 1 * MS, MSS, MSS, 1, 10, 65535);
	retrans(&s, 5 * MS, 0, MSS);
	ack(&s, 15 * MS, MSS, MSS, -1, 65535);		/* partial: still in recovery */
	ack(&s, 25 * MS, 2 * MSS, MSS, -1, 65535);
	analyse(&s, &l);
	assert_int_equal(l.recoveries, 1);
	assert_us(l.us[TSL_LG_RECOVERY], 20000);
}

/*
 * Windows: a transmission that fills the peer's window waits until an ACK
 * frees it; one that fills cwnd, likewise, with that ACK's RTT kept; a
 * closed window waits until it opens.
 */
static void test_windows(void **state)
{
	struct tsl_ledger l;
	struct seq s;

	(void)state;
	seq_open(&s);
	tx(&s, 0, 0, MSS, 0, 10, 65535);
	ack(&s, 1 * MS, MSS, MSS, 1000, 65535);
	tx(&s, 2 * MS, MSS, MSS, 1, 10, 2 * MSS);	/* (1 + 1) * MSS + MSS >= 2 MSS */
	ack(&s, 12 * MS, 2 * MSS, MSS, 10000, 65535);	/* rwnd: 10 ms */
	tx(&s, 20 * MS, 2 * MSS, MSS, 9, 10, 65535);	/* cwnd full */
	ack(&s, 27 * MS, 3 * MSS, MSS, 7000, 65535);	/* cwnd: 7 ms, RTT 7 ms */
	tx(&s, 30 * MS, 3 * MSS, MSS, 0, 10, 0);	/* window closed */
	ack(&s, 31 * MS, 3 * MSS, 0, -1, 0);
	ack(&s, 45 * MS, 4 * MSS, MSS, -1, 65535);	/* opens: 15 ms */
	analyse(&s, &l);
	assert_us(l.us[TSL_LG_RWND], 10000);
	assert_us(l.us[TSL_LG_CWND], 7000);
	assert_us(l.cwnd_rtt_us, 7000);
	assert_us(l.us[TSL_LG_RWND_ZERO], 15000);
	assert_us(l.floor_us, 1000);
}

/*
 * Nagle: a small segment, alone in flight, that leaves as soon as the ACK
 * of the one before comes back 40 ms late (the floor is 0.5 ms) waited for
 * that ACK; a request/response client waits from its request to the answer.
 */
static void test_nagle_turn(void **state)
{
	struct tsl_ledger l;
	struct seq s;

	(void)state;
	seq_open(&s);
	tx(&s, 0, 0, 100, 0, 10, 65535);
	ack(&s, 500 * US, 100, 100, 500, 65535);
	tx(&s, 10 * MS, 100, 50, 0, 10, 65535);		/* first half */
	ack(&s, 50 * MS, 150, 50, 40000, 65535);	/* its ACK, delayed */
	tx(&s, 50 * MS + 300 * US, 150, 50, 0, 10, 65535);	/* second half */
	rx(&s, 51 * MS, 0, 200, 0);			/* the answer */
	analyse(&s, &l);
	assert_int_equal(l.ack_waits, 1);
	assert_us(l.us[TSL_LG_ACK_WAIT], 40000 - 500);
	assert_true(l.turns >= 1);
	assert_true(l.us[TSL_LG_TURN] >= 700 - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unread),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_recovery),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_nagle_turn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
