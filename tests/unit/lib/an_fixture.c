// SPDX-License-Identifier: GPL-2.0-or-later
// Recordings for the analysis tests, written through the recording writer: one flow, N intervals, knobs per interval.
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tcpsleuth.h>

#include "an_fixture.h"
#include "recording/recording.h"

#define MAX_EV		4096
#define MAX_NAMES	64
#define MAX_ENTRIES	64

struct fx {
	FILE *fp;
	struct tsl_rec_writer *w;
	struct tsl_event ev[MAX_EV];
	unsigned int n_ev;
	uint64_t seq;
	const char *names[MAX_NAMES];
	uint32_t n_names, names_written;
	struct tsl_rec_sample_entry e[MAX_ENTRIES];
	unsigned int n_e;
	uint32_t rng;
	uint32_t rcv_nxt, copied;	/* the flow's receive side */
	uint64_t rx_floor;		/* no receive event before this */
};

static double rnd(struct fx *x)
{
	x->rng = x->rng * 1103515245u + 12345u;
	return ((x->rng >> 8) & 0xffff) / 65536.0;	/* 0 .. 1 */
}

static int fx_open(struct fx *x, const char *path)
{
	struct tsl_rec_start s = { .module_version = 0x000100,
		.record_size = TSL_EVENT_SIZE, .buf_records = 4096,
		.max_flows = 1024, .mono_ns = FX_MONO, .real_ns = FX_REAL,
		.kernel = "6.1.0-fixture" };

	memset(x, 0, sizeof(*x));
	x->rng = 12345;
	x->fp = fopen(path, "w");
	if (!x->fp)
		return -1;
	x->w = tsl_rec_writer_new(x->fp, path);
	return x->w ? tsl_rec_write_start(x->w, &s, NULL, 0) : -1;
}

static void flush_events(struct fx *x)
{
	struct tsl_rec_events e = { .cpu = 0, .n_records = x->n_ev,
		.seq = x->seq, .produced = x->seq + x->n_ev,
		.unused = TSL_REC_UNUSED, .mono_ns = FX_MONO,
		.real_ns = FX_REAL };

	if (!x->n_ev)
		return;
	if (x->n_ev) {
		e.mono_ns = x->ev[x->n_ev - 1].ts_ns;
		e.real_ns = FX_REAL + (e.mono_ns - FX_MONO);
	}
	tsl_rec_write_events(x->w, &e, x->ev);
	x->seq += x->n_ev;
	x->n_ev = 0;
}

static struct tsl_event *ev(struct fx *x, uint64_t ts, uint8_t kind)
{
	struct tsl_event *e;

	if (x->n_ev == MAX_EV)
		flush_events(x);
	e = &x->ev[x->n_ev++];
	memset(e, 0, sizeof(*e));
	e->ts_ns = ts;
	e->cookie = FX_COOKIE;
	e->kind = kind;
	return e;
}

static int fx_close(struct fx *x)
{
	struct tsl_rec_cpu cpu = { .cpu = 0 };
	struct tsl_rec_end end = { .reason = TSL_END_STOPPED, .n_cpus = 1 };
	int ret;

	flush_events(x);
	cpu.produced = cpu.delivered = x->seq;
	tsl_rec_write_end(x->w, &end, &cpu);
	ret = tsl_rec_writer_finish(x->w);
	return fclose(x->fp) || ret ? -1 : 0;
}

/* ---- samples ---- */

static uint32_t key(struct fx *x, const char *name)
{
	uint32_t i;

	for (i = 0; i < x->n_names; i++)
		if (!strcmp(x->names[i], name))
			return i;
	x->names[x->n_names] = name;
	return x->n_names++;
}

static void ent(struct fx *x, uint16_t src, uint16_t flags, const char *name,
		uint64_t id, int64_t value)
{
	if (x->n_e < MAX_ENTRIES)
		x->e[x->n_e++] = (struct tsl_rec_sample_entry){ .source = src,
			.flags = flags, .key = key(x, name), .id = id,
			.value = value };
}

static void write_sample(struct fx *x, uint64_t mono, uint64_t iv,
			 uint32_t sources)
{
	struct tsl_rec_sample s = { .version = TSL_SAMPLE_VERSION,
		.entry_size = sizeof(struct tsl_rec_sample_entry),
		.n_entries = x->n_e, .mono_ns = mono, .interval_ns = iv,
		.sources = sources };
	char buf[2048];
	size_t len = 0;
	uint32_t i;

	for (i = x->names_written; i < x->n_names; i++) {
		size_t n = strlen(x->names[i]) + 1;

		memcpy(buf + len, x->names[i], n);
		len += n;
	}
	if (x->n_names > x->names_written)
		tsl_rec_write_names(x->w, x->names_written,
				    x->n_names - x->names_written, buf, len);
	x->names_written = x->n_names;
	tsl_rec_write_sample(x->w, &s, x->e);
	x->n_e = 0;
}

/* ---- one interval ---- */

static void defaults(struct fx_knobs *k)
{
	memset(k, 0, sizeof(*k));
	k->n_tx = 10;
	k->tx_len = 1448;
	k->cwnd = 10;
	k->in_flight = 4;
	k->sndq = 20000;
	k->snd_wnd = 1 << 20;
	k->rtt_us = 200;
	k->rtt_jitter = 0.1;
	k->srtt_us = 200;
	k->rttvar_us = 20;
	k->n_rx = 10;
	k->rcvq = 1000;
	k->rcv_wnd = 1 << 20;
	k->rcvbuf = 4 << 20;
	k->n_reads = 5;
	k->res_us = 50;
	k->ack_delay_us = 50;
	k->ack_reason = TSL_ACK_QUICK;
	k->user = 10;
	k->system = 5;
	k->idle = 85;
	k->idle0 = 85;
	k->softirq0 = 2;
	k->net_rx = 100;
	k->state = 'S';
	k->utime_ms = 1;
	k->run_delay_ms = 0;
	k->vcsw = 10;
	k->recv_q = 1000;
	k->send_q = 20000;
	k->tb = 4 << 20;
	k->rb = 4 << 20;
	k->icmp_us = 150;
	k->icmp_jitter = 0.1;
}

/* One interval's records, sorted by time (stable) before they are written. */
struct fx_iv {
	struct tsl_event ev[128];
	unsigned int n;
};

static struct tsl_event *iv_ev(struct fx_iv *v, uint64_t ts, uint8_t kind)
{
	struct tsl_event *e = &v->ev[v->n++];

	memset(e, 0, sizeof(*e));
	e->ts_ns = ts;
	e->cookie = FX_COOKIE;
	e->kind = kind;
	return e;
}

static void iv_flush(struct fx *x, struct fx_iv *v)
{
	unsigned int i, j;

	/* insertion sort: stable, so records of one instant keep their order */
	for (i = 1; i < v->n; i++) {
		struct tsl_event t = v->ev[i];

		for (j = i; j > 0 && v->ev[j - 1].ts_ns > t.ts_ns; j--)
			v->ev[j] = v->ev[j - 1];
		v->ev[j] = t;
	}
	for (i = 0; i < v->n; i++)
		*ev(x, v->ev[i].ts_ns, v->ev[i].kind) = v->ev[i];
	v->n = 0;
}

static void rx_seg(struct fx *x, struct fx_iv *v, const struct fx_knobs *k,
		   uint64_t ts, uint32_t seq, bool ofo)
{
	struct tsl_event *e = iv_ev(v, ts, TSL_EV_DATA_RX);

	e->flags = ofo ? TSL_F_OFO : 0;
	e->data_rx = (struct tsl_ev_data_rx){ .seq = seq, .len = 1448,
		.rcv_nxt = x->rcv_nxt, .rcvq = k->rcvq, .rcv_wnd = k->rcv_wnd,
		.rcvbuf = k->rcvbuf };
	if (!ofo)
		x->rcv_nxt = seq + 1448;
}

static void ack_seg(struct fx *x, struct fx_iv *v, const struct fx_knobs *k,
		    uint64_t ts, uint32_t bytes)
{
	struct tsl_event *e = iv_ev(v, ts, TSL_EV_ACK_TX);

	e->flags = TSL_F_DERIVE;
	e->ack_tx = (struct tsl_ev_ack_tx){ .ack = x->rcv_nxt,
		.rcv_wnd = k->rcv_wnd, .bytes = bytes, .reason = k->ack_reason };
}

static void read_seg(struct fx *x, struct fx_iv *v, const struct fx_knobs *k,
		     uint64_t ts)
{
	struct tsl_event *e = iv_ev(v, ts, TSL_EV_READ);

	e->flags = TSL_F_DERIVE;
	e->read = (struct tsl_ev_read){ .bytes = 2896, .rcvq = k->rcvq,
		.pid = FX_PID, .comm = "server", .seq = x->copied };
	x->copied += 2896;
}

#define US	1000ull

/*
 * ACKs that wait longer than the segments are apart (the delayed-ACK
 * timer): the pairs in batches, one ACK ack_delay_us after a batch's first
 * arrival for all of it; each read res_us after its first segment.
 */
static void rx_batched(struct fx *x, struct fx_iv *v, const struct fx_knobs *k,
		       uint64_t t0)
{
	uint64_t R = (uint64_t)k->res_us * US, D = (uint64_t)k->ack_delay_us * US;
	int pairs = k->n_reads, batches = (int)((FX_IV_NS - 10000 * US) / (D + US));
	int b, r = 0;

	if (batches < 1)
		batches = 1;
	if (batches > pairs)
		batches = pairs;
	for (b = 0; b < batches; b++) {
		uint64_t s = t0 + US + b * (D + US), first = s;
		int n = pairs / batches + (b < pairs % batches), j;
		uint32_t acked = x->rcv_nxt;

		if (first < x->rx_floor)
			first = x->rx_floor;
		for (j = 0; j < n; j++, r++) {
			uint64_t tx = first + j * US;

			rx_seg(x, v, k, tx, x->rcv_nxt, false);
			rx_seg(x, v, k, tx + R / 2, x->rcv_nxt, false);
			read_seg(x, v, k, tx + R);
		}
		ack_seg(x, v, k, first + D, x->rcv_nxt - acked);
		x->rx_floor = first + D + 1;
	}
}

/*
 * The receive side of one interval: read r at its place takes segments 2r
 * and 2r + 1 (2896 bytes). Segment 2r arrives res_us before the read, its
 * ACK ack_delay_us after it; segment 2r + 1 after that ACK and no later than
 * the read (out of order: before segment 2r), its ACK ack_delay_us after it.
 */
static void rx_events(struct fx *x, struct fx_iv *v, const struct fx_knobs *k,
		      uint64_t t0, uint64_t step)
{
	uint64_t R = (uint64_t)k->res_us * US, D = (uint64_t)k->ack_delay_us * US;
	int r;

	if (2 * D + 20 * US > 2 * step) {
		rx_batched(x, v, k, t0);
		return;
	}
	for (r = 0; r < k->n_reads; r++) {
		uint64_t t = t0 + (52 + 2 * r) * step, tx, ty, lo;
		uint32_t sx = x->rcv_nxt;

		lo = x->rx_floor > t0 ? x->rx_floor : t0;
		if (r < k->ofo) {
			/* segment 2r + 1 first, ahead of the hole */
			tx = t - R;
			ty = tx - D - US;
			if (ty < lo) {
				ty = lo;
				tx = ty + D + US;
			}
			rx_seg(x, v, k, ty, sx + 1448, true);
			ack_seg(x, v, k, ty + D, 1448);
			rx_seg(x, v, k, tx, sx, false);
			x->rcv_nxt = sx + 2896;
			ack_seg(x, v, k, tx + D, 1448);
			x->rx_floor = tx + D + 1;
			read_seg(x, v, k, t);
			continue;
		}
		if (R == D) {
			/* the first segment's ACK, the second segment and the read at one instant */
			t -= D;
			tx = t - R;
			ty = t;
		} else {
			tx = t - R;
			if (tx < lo)
				tx = lo;
			ty = tx + D + (R > D ? ((R - D) / 2 < 10 * US ? (R - D) / 2 : 10 * US) : 0);
		}
		rx_seg(x, v, k, tx, sx, false);
		ack_seg(x, v, k, tx + D, 1448);
		rx_seg(x, v, k, ty, sx + 1448, false);
		ack_seg(x, v, k, ty + D, 1448);
		x->rx_floor = ty + D + 1;
		read_seg(x, v, k, t > ty ? t : ty);
	}
}

static void flow_events(struct fx *x, const struct fx_knobs *k, uint64_t t0)
{
	uint64_t step = FX_IV_NS / 64;
	static struct fx_iv v;
	int j;

	for (j = 0; j < k->n_tx; j++) {
		struct tsl_event *e = iv_ev(&v, t0 + (2 * j + 1) * step, TSL_EV_TX);
		double rtt = k->rtt_us * (1 + k->rtt_jitter * (rnd(x) - 0.5));

		e->tx = (struct tsl_ev_tx){ .len = k->tx_len, .segs = 1,
			.cwnd = k->cwnd, .in_flight = k->in_flight,
			.sndq = k->sndq, .snd_wnd = k->snd_wnd };
		e = iv_ev(&v, t0 + (2 * j + 2) * step, TSL_EV_ACK_RX);
		e->flags = k->delayed_rx ? TSL_F_DELAYED : 0;
		e->ack_rx = (struct tsl_ev_ack_rx){ .acked = k->tx_len,
			.rtt_us = (int32_t)rtt, .srtt_us = k->srtt_us,
			.rttvar_us = k->rttvar_us, .cwnd = k->cwnd,
			.snd_wnd = k->snd_wnd };
	}
	for (j = 0; j < k->retrans; j++) {
		struct tsl_event *e = iv_ev(&v, t0 + (24 + j) * step, TSL_EV_RETRANS);

		e->retrans.segs = 1;
	}
	rx_events(x, &v, k, t0, step);
	iv_flush(x, &v);
}

#define ALL	TSL_SAMPLE_ALL
#define CENTI	TSL_SAMPLE_CENTI
#define DELTA	TSL_SAMPLE_DELTA

static void host_samples(struct fx *x, const struct fx_knobs *k, uint64_t t)
{
	double icmp = k->icmp_us * (1 + k->icmp_jitter * (rnd(x) - 0.5));

	ent(x, TSL_SRC_CPU, CENTI, "user", ALL, k->user * 100);
	ent(x, TSL_SRC_CPU, CENTI, "system", ALL, k->system * 100);
	if (k->iowait)
		ent(x, TSL_SRC_CPU, CENTI, "iowait", ALL, k->iowait * 100);
	ent(x, TSL_SRC_CPU, CENTI, "idle", ALL, k->idle * 100);
	ent(x, TSL_SRC_CPU, CENTI, "idle", 0, k->idle0 * 100);
	ent(x, TSL_SRC_CPU, CENTI, "softirq", 0, k->softirq0 * 100);
	if (k->steal0)
		ent(x, TSL_SRC_CPU, CENTI, "steal", 0, k->steal0 * 100);
	ent(x, TSL_SRC_SOFTIRQ, DELTA, "NET_RX", 0, k->net_rx);
	ent(x, TSL_SRC_SNMP, DELTA, "Tcp.OutSegs", 0, k->n_tx);
	if (k->retrans)
		ent(x, TSL_SRC_SNMP, DELTA, "Tcp.RetransSegs", 0, k->retrans);
	if (k->backlog_drop)
		ent(x, TSL_SRC_SNMP, DELTA, "TcpExt.TCPBacklogDrop", 0, k->backlog_drop);
	if (k->sack_reorder)
		ent(x, TSL_SRC_SNMP, DELTA, "TcpExt.TCPSACKReorder", 0, k->sack_reorder);
	if (k->ofo_queue)
		ent(x, TSL_SRC_SNMP, DELTA, "TcpExt.TCPOFOQueue", 0, k->ofo_queue);
	if (k->nic_errors) {
		ent(x, TSL_SRC_NIC, DELTA, "eth0.rx_errors", 2, k->nic_errors);
		ent(x, TSL_SRC_NIC, DELTA, "eth0.rx_crc_errors", 2, k->nic_errors);
	}
	if (k->nic_drops)
		ent(x, TSL_SRC_NIC, DELTA, "eth0.rx_dropped", 2, k->nic_drops);
	ent(x, TSL_SRC_PROC, 0, "state", FX_PID, k->state);
	if (k->utime_ms)
		ent(x, TSL_SRC_PROC, DELTA, "utime_ms", FX_PID, k->utime_ms);
	if (k->stime_ms)
		ent(x, TSL_SRC_PROC, DELTA, "stime_ms", FX_PID, k->stime_ms);
	if (k->vcsw)
		ent(x, TSL_SRC_PROC, DELTA, "voluntary_ctxt_switches", FX_PID, k->vcsw);
	if (k->nvcsw)
		ent(x, TSL_SRC_PROC, DELTA, "nonvoluntary_ctxt_switches", FX_PID, k->nvcsw);
	if (k->run_delay_ms >= 0) {
		ent(x, TSL_SRC_PROC, 0, "processor", FX_PID, 0);
		ent(x, TSL_SRC_PROC, DELTA, "run_delay_ns", FX_PID,
		    (int64_t)k->run_delay_ms * 1000000);
	}
	ent(x, TSL_SRC_SOCK, 0, "recv_q", FX_COOKIE, k->recv_q);
	ent(x, TSL_SRC_SOCK, 0, "send_q", FX_COOKIE, k->send_q);
	ent(x, TSL_SRC_SOCK, 0, "rtt_us", FX_COOKIE, k->srtt_us);
	ent(x, TSL_SRC_SOCK, 0, "skmem_rb", FX_COOKIE, k->rb);
	ent(x, TSL_SRC_SOCK, 0, "skmem_tb", FX_COOKIE, k->tb);
	ent(x, TSL_SRC_SOCK, 0, "skmem_w", FX_COOKIE, k->skw);
	if (k->icmp_lost)
		ent(x, TSL_SRC_ICMP, DELTA, "icmp_lost", FX_COOKIE, k->icmp_lost);
	else
		ent(x, TSL_SRC_ICMP, 0, "icmp_rtt_us", FX_COOKIE, (int64_t)icmp);
	write_sample(x, t, FX_IV_NS, 0xfe);
}

static void flow_identity(struct fx *x)
{
	struct tsl_event *e = ev(x, FX_MONO + 1, TSL_EV_FLOW);

	inet_pton(AF_INET, "10.0.0.1", e->flow.saddr);
	inet_pton(AF_INET, "10.0.0.2", e->flow.daddr);
	e->flow.sport = 5201;
	e->flow.dport = 40000;
}

int fx_write(const char *path, fx_tweak always, fx_tweak bad)
{
	struct fx *x = calloc(1, sizeof(*x));
	int i, ret;

	if (!x || fx_open(x, path)) {
		free(x);
		return -1;
	}
	flow_identity(x);
	for (i = 0; i < FX_INTERVALS; i++) {
		uint64_t t0 = FX_MONO + i * FX_IV_NS;
		struct fx_knobs k;

		defaults(&k);
		if (always)
			always(&k, i);
		if (bad && i >= FX_BAD_FROM && i <= FX_BAD_TO)
			bad(&k, i);
		flow_events(x, &k, t0);
		host_samples(x, &k, t0 + FX_IV_NS);
	}
	ret = fx_close(x);
	free(x);
	return ret;
}

int fx_write_empty(const char *path)
{
	struct fx *x = calloc(1, sizeof(*x));
	int ret;

	if (!x || fx_open(x, path)) {
		free(x);
		return -1;
	}
	ret = fx_close(x);
	free(x);
	return ret;
}

int fx_write_one(const char *path)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct fx_knobs k;
	struct tsl_event *e;
	int ret;

	if (!x || fx_open(x, path)) {
		free(x);
		return -1;
	}
	flow_identity(x);
	e = ev(x, FX_MONO + 1000, TSL_EV_ACK_RX);
	e->ack_rx.rtt_us = 300;
	e->ack_rx.acked = 100;
	e->ack_rx.cwnd = 10;
	e->ack_rx.snd_wnd = 1 << 20;
	defaults(&k);
	host_samples(x, &k, FX_MONO + 2000);
	ret = fx_close(x);
	free(x);
	return ret;
}
