// SPDX-License-Identifier: GPL-2.0-or-later
// A crafted recording shared by the generator and the tests.
#include <arpa/inet.h>
#include <string.h>
#include <tcpsleuth.h>

#include "recording/recording.h"
#include "sample_recording.h"

static struct tsl_event ev(uint16_t cpu, uint8_t kind, uint64_t us,
			   uint64_t cookie)
{
	struct tsl_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = SAMPLE_MONO + us * SAMPLE_US;
	e.cookie = cookie;
	e.cpu = cpu;
	e.kind = kind;
	return e;
}

/*
 * CPU 0, first batch: events of the two flows, written to the file before
 * CPU 1's batch that holds the flows' identities.
 */
static void cpu0_first(struct tsl_event *r)
{
	r[0] = ev(0, TSL_EV_TX, 100, COOKIE_V4);
	r[0].flags = TSL_F_RETRANS;
	r[0].tx = (struct tsl_ev_tx){ .seq = 1000, .end_seq = 2448,
		.len = 1448, .segs = 1, .cwnd = 10, .in_flight = 2,
		.sndq = 5000, .snd_wnd = 65535 };
	r[1] = ev(0, TSL_EV_ACK_RX, 300, COOKIE_V6);
	r[1].flags = TSL_F_DELAYED;
	r[1].ack_rx = (struct tsl_ev_ack_rx){ .ack = 77, .acked = 1448,
		.rtt_us = -1, .srtt_us = 250, .rttvar_us = 50, .rto_us = 201000,
		.cwnd = 20, .ssthresh = 30, .snd_wnd = 1000, .ca_state = 3 };
	r[2] = ev(0, TSL_EV_STATE, 500, COOKIE_V4);
	r[2].state = (struct tsl_ev_state){ .oldstate = 1, .newstate = 4,
		.pid = 42, .comm = "curl" };
}

/*
 * CPU 0, second batch. The ACK's delay is the reader's (TSL_F_DERIVE): 40 us
 * since the 100 bytes before rcv_nxt 7 arrived, across the wrap of the
 * sequence space.
 */
static void cpu0_second(struct tsl_event *r)
{
	r[0] = ev(0, TSL_EV_DATA_RX, 560, COOKIE_V4);
	r[0].data_rx = (struct tsl_ev_data_rx){ .seq = 7u - 100u, .len = 100,
		.rcv_nxt = 7u - 100u, .rcvq = 100, .rcv_wnd = 512,
		.rcvbuf = 10 };
	r[1] = ev(0, TSL_EV_ACK_TX, 600, COOKIE_V4);
	r[1].flags = TSL_F_DERIVE;
	r[1].ack_tx = (struct tsl_ev_ack_tx){ .ack = 7, .rcv_wnd = 512,
		.bytes = 100, .reason = TSL_ACK_PIGGYBACK };
	r[2] = ev(0, TSL_EV_DATA_RX, 700, COOKIE_V4);
	r[2].flags = TSL_F_OFO;
	r[2].data_rx = (struct tsl_ev_data_rx){ .seq = 5, .len = 6,
		.rcv_nxt = 7, .rcvq = 8, .rcv_wnd = 9, .rcvbuf = 10 };
	r[3] = ev(0, TSL_EV_RETRANS, 800, COOKIE_V4);
	r[3].retrans = (struct tsl_ev_retrans){ .seq = 11, .end_seq = 12,
		.segs = 2, .total_retrans = 3, .ca_state = 4 };
	r[4] = ev(0, TSL_EV_RTO, 900, COOKIE_V4);
	r[4].rto = (struct tsl_ev_rto){ .rto_us = 400000, .snd_una = 13,
		.packets_out = 4, .retransmits = 1, .backoff = 2 };
	r[5] = ev(0, TSL_EV_DROP, 1000, COOKIE_V6);
	r[5].drop = (struct tsl_ev_drop){ .count = 1, .total = 5,
		.rcvq = 300, .rcvbuf = 400 };
}

static void cpu1_flows(struct tsl_event *r)
{
	r[0] = ev(1, TSL_EV_FLOW, 50, COOKIE_V4);
	inet_pton(AF_INET, "10.0.0.1", r[0].flow.saddr);
	inet_pton(AF_INET, "192.0.2.7", r[0].flow.daddr);
	r[0].flow.sport = 43210;
	r[0].flow.dport = 443;
	r[0].flow.netns = 4026531840u;
	r[1] = ev(1, TSL_EV_FLOW, 200, COOKIE_V6);
	r[1].flags = TSL_F_IPV6;
	inet_pton(AF_INET6, "2001:db8::1", r[1].flow.saddr);
	inet_pton(AF_INET6, "2001:db8::2:1", r[1].flow.daddr);
	r[1].flow.sport = 8080;
	r[1].flow.dport = 55000;
	r[1].flow.netns = 4026532000u;
	/* what the read takes: 2048 bytes at 280 us, 2048 at 370 us */
	r[2] = ev(1, TSL_EV_DATA_RX, 280, COOKIE_NOFLOW);
	r[2].data_rx = (struct tsl_ev_data_rx){ .seq = 1000, .len = 2048,
		.rcv_nxt = 1000, .rcvq = 2048, .rcv_wnd = 65535,
		.rcvbuf = 131072 };
	r[3] = ev(1, TSL_EV_DATA_RX, 370, COOKIE_NOFLOW);
	r[3].data_rx = (struct tsl_ev_data_rx){ .seq = 3048, .len = 2048,
		.rcv_nxt = 3048, .rcvq = 4096, .rcv_wnd = 65535,
		.rcvbuf = 131072 };
	/* residence the reader's (TSL_F_DERIVE): 120 us and 30 us */
	r[4] = ev(1, TSL_EV_READ, 400, COOKIE_NOFLOW);
	r[4].flags = TSL_F_DERIVE;
	r[4].read = (struct tsl_ev_read){ .bytes = 4096, .rcvq = 0,
		.pid = 4242, .seq = 1000 };
	memcpy(r[4].read.comm, "abcdefghijklmnop", TSL_COMM_LEN); /* no NUL */
}

static const struct tsl_rec_cpu end_cpus[] = {
	{ .cpu = 0, .produced = 9, .delivered = 9, .dropped = 0 },
	{ .cpu = 1, .produced = 6, .delivered = 5, .dropped = 1 },
};

int sample_write(FILE *fp)
{
	struct tsl_rec_writer *w = tsl_rec_writer_new(fp, "sample");
	struct tsl_rec_start s = { .module_version = 0x000100,
		.record_size = TSL_EVENT_SIZE, .buf_records = 4096,
		.max_flows = 1024, .mono_ns = SAMPLE_MONO,
		.real_ns = SAMPLE_REAL, .kernel = "6.1.0-test" };
	struct tsl_rec_events e0 = { .cpu = 0, .n_records = 3,
		.mono_ns = SAMPLE_MONO + 2000 * SAMPLE_US,
		.real_ns = SAMPLE_REAL + 2000 * SAMPLE_US,
		.produced = 3, .unused = TSL_REC_UNUSED };
	/* The wall clock stepped 7 ms ahead before this batch. */
	struct tsl_rec_events e1 = { .cpu = 1, .n_records = 5,
		.mono_ns = SAMPLE_MONO + 1000 * SAMPLE_US,
		.real_ns = SAMPLE_REAL + 8000 * SAMPLE_US,
		.produced = 6, .dropped = 1, .unused = TSL_REC_UNUSED };
	struct tsl_rec_events e2 = e0;
	struct tsl_rec_end end = { .reason = TSL_END_STOPPED, .n_cpus = 2 };
	struct tsl_event r0[3], r1[5], r2[6];
	static const char future[] = "a chunk type from a later version";

	if (!w)
		return -1;
	cpu0_first(r0);
	cpu0_second(r2);
	cpu1_flows(r1);
	e2.n_records = 6;
	e2.seq = 3;
	e2.produced = 9;
	tsl_rec_write_start(w, &s, NULL, 0);
	tsl_rec_write_events(w, &e0, r0);
	tsl_rec_write_chunk(w, SAMPLE_UNKNOWN_CHUNK, future, sizeof(future),
			    NULL, 0);
	tsl_rec_write_events(w, &e1, r1);
	tsl_rec_write_events(w, &e2, r2);
	tsl_rec_write_end(w, &end, end_cpus);
	return tsl_rec_writer_finish(w);
}
