// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of what the reader works out: read residence and ACK delay from data_rx records.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "recording/derive.h"

#define US	1000ull
#define T0	5000000000ull

static struct tsl_event record(uint8_t kind, uint64_t cookie, uint64_t ts,
			       uint8_t flags)
{
	return (struct tsl_event){ .ts_ns = ts, .cookie = cookie,
				   .kind = kind, .flags = flags };
}

static struct tsl_event data_rx(uint64_t cookie, uint64_t ts, uint32_t seq,
				uint32_t len, uint8_t flags)
{
	struct tsl_event ev = record(TSL_EV_DATA_RX, cookie, ts, flags);

	ev.data_rx.seq = seq;
	ev.data_rx.len = len;
	return ev;
}

/* A read of @bytes from @seq, its residence left to the reader. */
static struct tsl_event read_ev(uint64_t cookie, uint64_t ts, uint32_t seq,
				uint32_t bytes)
{
	struct tsl_event ev = record(TSL_EV_READ, cookie, ts, TSL_F_DERIVE);

	ev.read.seq = seq;
	ev.read.bytes = bytes;
	return ev;
}

static struct tsl_event ack_tx(uint64_t cookie, uint64_t ts, uint32_t bytes,
			       uint8_t reason)
{
	struct tsl_event ev = record(TSL_EV_ACK_TX, cookie, ts, TSL_F_DERIVE);

	ev.ack_tx.bytes = bytes;
	ev.ack_tx.reason = reason;
	return ev;
}

static struct tsl_event closed(uint64_t cookie, uint64_t ts)
{
	struct tsl_event ev = record(TSL_EV_STATE, cookie, ts, 0);

	ev.state.oldstate = 9;	/* TCP_LAST_ACK */
	ev.state.newstate = 7;	/* TCP_CLOSE */
	return ev;
}

static void feed(struct tsl_derive *d, struct tsl_event ev)
{
	assert_int_equal(tsl_derive_event(d, &ev), 0);
}

/* The read's (res_first_us, res_last_us). */
static void expect_read(struct tsl_derive *d, struct tsl_event ev,
			uint32_t first_us, uint32_t last_us)
{
	assert_int_equal(tsl_derive_event(d, &ev), 0);
	assert_int_equal(ev.read.res_first_us, first_us);
	assert_int_equal(ev.read.res_last_us, last_us);
}

static void expect_delay(struct tsl_derive *d, struct tsl_event ev,
			 uint32_t delay_us)
{
	assert_int_equal(tsl_derive_event(d, &ev), 0);
	assert_int_equal(ev.ack_tx.delay_us, delay_us);
}

/* Reads that take whole arrivals, part of one, and what is left of it. */
static void test_residence(void **state)
{
	struct tsl_derive *d = tsl_derive_new();

	(void)state;
	assert_non_null(d);
	feed(d, data_rx(1, T0, 1000, 100, 0));
	feed(d, data_rx(1, T0 + 10 * US, 1100, 100, 0));
	feed(d, data_rx(1, T0 + 30 * US, 1200, 100, 0));
	/* bytes 1000..1149: the first arrival and half the second */
	expect_read(d, read_ev(1, T0 + 50 * US, 1000, 150), 50, 40);
	/* the rest of the second arrival and all of the third */
	expect_read(d, read_ev(1, T0 + 80 * US, 1150, 150), 70, 50);
	/* nothing remembered any more */
	expect_read(d, read_ev(1, T0 + 90 * US, 1300, 10), 0, 0);
	/* a read that ends exactly where an arrival ends */
	feed(d, data_rx(1, T0 + 100 * US, 1300, 50, 0));
	feed(d, data_rx(1, T0 + 120 * US, 1350, 50, 0));
	expect_read(d, read_ev(1, T0 + 130 * US, 1300, 50), 30, 30);
	expect_read(d, read_ev(1, T0 + 131 * US, 1350, 50), 11, 11);
	tsl_derive_free(d);
}

/* Out-of-order and unseen payload leaves no arrival; a wrap of the sequence space. */
static void test_ofo_unseen_wrap(void **state)
{
	struct tsl_derive *d = tsl_derive_new();
	uint32_t s = UINT32_MAX - 49;

	(void)state;
	assert_non_null(d);
	feed(d, data_rx(2, T0, s, 100, 0));	/* ends past the wrap */
	feed(d, data_rx(2, T0 + 5 * US, s + 300, 100, TSL_F_OFO));
	feed(d, data_rx(2, T0 + 6 * US, s + 100, 200, 0));
	feed(d, data_rx(2, T0 + 7 * US, s + 400, 100, TSL_F_UNSEEN));
	expect_read(d, read_ev(2, T0 + 20 * US, s, 100), 20, 20);
	/* the hole's filler arrived at 6 us; what it brought in from the
	 * out-of-order queue and the unseen payload has no arrival */
	expect_read(d, read_ev(2, T0 + 26 * US, s + 100, 400), 20, 0);
	tsl_derive_free(d);
}

/* Every read and ack_tx is worked out, whatever its flags and fields say. */
static void test_always(void **state)
{
	struct tsl_derive *d = tsl_derive_new();
	struct tsl_event r = read_ev(3, T0 + 10 * US, 0, 10);
	struct tsl_event a = ack_tx(3, T0 + 10 * US, 10, TSL_ACK_QUICK);

	(void)state;
	assert_non_null(d);
	feed(d, data_rx(3, T0, 0, 10, 0));
	r.flags = 0;
	r.read.res_first_us = 77;
	r.read.res_last_us = 66;
	a.flags = 0;
	a.ack_tx.delay_us = 55;
	assert_true(tsl_derive_wants(&r));
	assert_true(tsl_derive_wants(&a));
	expect_read(d, r, 10, 10);
	expect_delay(d, a, 10);
	tsl_derive_free(d);
}

/* An ACK's delay runs from the oldest data it acknowledges; window updates have none. */
static void test_ack_delay(void **state)
{
	struct tsl_derive *d = tsl_derive_new();

	(void)state;
	assert_non_null(d);
	expect_delay(d, ack_tx(4, T0, 0, TSL_ACK_WINDOW), 0);
	feed(d, data_rx(4, T0 + 100 * US, 0, 10, 0));
	feed(d, data_rx(4, T0 + 140 * US, 10, 10, TSL_F_OFO));
	expect_delay(d, ack_tx(4, T0 + 150 * US, 0, TSL_ACK_WINDOW), 0);
	expect_delay(d, ack_tx(4, T0 + 190 * US, 20, TSL_ACK_TIMER), 90);
	/* acknowledged: the next one counts from the next arrival */
	expect_delay(d, ack_tx(4, T0 + 200 * US, 0, TSL_ACK_QUICK), 0);
	feed(d, data_rx(4, T0 + 300 * US, 20, 10, 0));
	expect_delay(d, ack_tx(4, T0 + 301 * US, 10, TSL_ACK_PIGGYBACK), 1);
	/* an ACK of an unknown flow */
	expect_delay(d, ack_tx(99, T0 + 301 * US, 10, TSL_ACK_QUICK), 0);
	tsl_derive_free(d);
}

/* More arrivals than remembered: the newest entry grows, keeping its time. */
static void test_full(void **state)
{
	struct tsl_derive *d = tsl_derive_new();
	uint32_t i;

	(void)state;
	assert_non_null(d);
	for (i = 0; i < 20; i++)
		feed(d, data_rx(5, T0 + i * US, i * 10, 10, 0));
	/* entries 0..14 as they came, the 16th from 15 us covers 150..199 */
	expect_read(d, read_ev(5, T0 + 100 * US, 0, 145), 100, 86);
	expect_read(d, read_ev(5, T0 + 100 * US, 145, 55), 86, 85);
	tsl_derive_free(d);
}

/* Flow @i's cookie: scattered, so that flows share home slots. */
static uint64_t cookie_of(uint64_t i)
{
	uint64_t z = i * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) | 1;
}

/*
 * Many flows opened and closed in a random order against a plain model: the
 * table grows and frees slots (moving entries back), and every flow keeps
 * its own arrivals.
 */
static void test_many_flows(void **state)
{
	enum { N = 3000 };
	struct tsl_derive *d = tsl_derive_new();
	static uint64_t when[N + 1];	/* last arrival's time; 0: closed */
	static uint32_t seq[N + 1];
	uint32_t rng = 12345, i, step;
	uint64_t t = T0;

	(void)state;
	assert_non_null(d);
	for (step = 0; step < 60000; step++) {
		uint64_t c;

		rng = rng * 1103515245u + 12345u;
		c = 1 + (rng >> 8) % N;
		t += US;
		switch ((rng >> 4) % 4) {
		case 0:
		case 1:
			/* an arrival, read at once or later */
			if (!when[c]) {
				feed(d, data_rx(cookie_of(c), t, seq[c], 10, 0));
				when[c] = t;
			}
			break;
		case 2:
			if (when[c]) {
				uint32_t us = (uint32_t)((t - when[c]) / US);

				expect_read(d, read_ev(cookie_of(c), t, seq[c], 10),
					    us, us);
				seq[c] += 10;
				when[c] = 0;
			}
			break;
		default:
			/* closed: a later flow with this cookie starts afresh */
			feed(d, closed(cookie_of(c), t));
			when[c] = 0;
			seq[c] += 1000;
			break;
		}
	}
	for (i = 1; i <= N; i++)
		if (when[i])
			expect_read(d, read_ev(cookie_of(i), t + US, seq[i], 10),
				    (uint32_t)((t + US - when[i]) / US),
				    (uint32_t)((t + US - when[i]) / US));
	tsl_derive_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_residence),
		cmocka_unit_test(test_ofo_unseen_wrap),
		cmocka_unit_test(test_always),
		cmocka_unit_test(test_ack_delay),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_many_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
