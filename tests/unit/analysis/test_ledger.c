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
#include "mem_recording.h"
#include "recording/recording.h"

#define T0	1000000000000ull	/* 1000 s */
#define US	1000ull
#define MS	1000000ull
#define COOKIE	0x77
#define MSS	1000

struct seq {
	struct mem_rec m;
	uint64_t n;		/* records written */
};

static void seq_open(struct seq *s)
{
	memset(s, 0, sizeof(*s));
	mem_rec_open(&s->m, T0);
}

/* One record, in its own EVENTS chunk (time order is the file's). */
static void put(struct seq *s, struct tsl_event ev)
{
	struct tsl_rec_events e = { .cpu = 0, .n_records = 1, .seq = s->n,
		.produced = s->n + 1, .unused = TSL_REC_UNUSED, .mono_ns = ev.ts_ns,
		.real_ns = 1795482123000000000ull + (ev.ts_ns - T0) };

	ev.cookie = COOKIE;
	assert_int_equal(tsl_rec_write_events(s->m.w, &e, &ev), 0);
	s->n++;
}

static void tx(struct seq *s, uint64_t t, uint32_t seq, uint32_t len,
	       uint32_t in_flight, uint32_t cwnd, uint32_t snd_wnd)
{
	struct tsl_event ev = { .ts_ns = T0 + t, .kind = TSL_EV_TX };

	ev.tx = (struct tsl_ev_tx){ .seq = seq, .end_seq = seq + len, .len = len,
		.segs = 1, .cwnd = cwnd, .in_flight = in_flight, .sndq = len,
		.snd_wnd = snd_wnd };
	put(s, ev);
}

static void ack(struct seq *s, uint64_t t, uint32_t ack, uint32_t acked,
		int32_t rtt_us, uint32_t snd_wnd)
{
	struct tsl_event ev = { .ts_ns = T0 + t, .kind = TSL_EV_ACK_RX };

	ev.ack_rx = (struct tsl_ev_ack_rx){ .ack = ack, .acked = acked,
		.rtt_us = rtt_us, .srtt_us = rtt_us > 0 ? rtt_us : 1000,
		.cwnd = 10, .snd_wnd = snd_wnd };
	put(s, ev);
}

static void rx(struct seq *s, uint64_t t, uint32_t seq, uint32_t len,
	       uint32_t rcv_nxt)
{
	struct tsl_event ev = { .ts_ns = T0 + t, .kind = TSL_EV_DATA_RX };

	ev.flags = seq != rcv_nxt ? TSL_F_OFO : 0;
	ev.data_rx = (struct tsl_ev_data_rx){ .seq = seq, .len = len,
		.rcv_nxt = rcv_nxt, .rcv_wnd = 65535, .rcvbuf = 131072 };
	put(s, ev);
}

/* A read of @bytes from @seq: the reader works out their residence from the arrivals. */
static void rd(struct seq *s, uint64_t t, uint32_t seq, uint32_t bytes)
{
	struct tsl_event ev = { .ts_ns = T0 + t, .kind = TSL_EV_READ,
				.flags = TSL_F_DERIVE };

	ev.read = (struct tsl_ev_read){ .bytes = bytes, .seq = seq, .pid = 4242 };
	memcpy(ev.read.comm, "reader", 7);
	put(s, ev);
}

static void retrans(struct seq *s, uint64_t t, uint32_t seq, uint32_t len)
{
	struct tsl_event ev = { .ts_ns = T0 + t, .kind = TSL_EV_RETRANS };

	ev.retrans = (struct tsl_ev_retrans){ .seq = seq, .end_seq = seq + len, .segs = 1 };
	put(s, ev);
}

/* Analyse the sequence; the one flow's ledger in @out. */
static void analyse(struct seq *s, struct tsl_ledger *out)
{
	struct tsl_report_opts o;
	struct tsl_report r;
	int fd;

	mem_rec_finish(&s->m);
	fd = mem_rec_file(&s->m);
	tsl_report_opts_default(&o);
	assert_int_equal(tsl_report_build(fd, "ledger.rec", &o, &r), 0);
	assert_int_equal(r.n_flows, 1);
	*out = r.flows[0].f->lg;
	out->hole_us = NULL;
	tsl_report_free(&r);
	close(fd);
	free(s->m.image);
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
