// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-recording: write a synthetic recording for the offline-analysis
 * benchmark, through the recording writer (user/recording/chunks.c).
 *
 * usage: gen-recording -n EVENTS [-f FLOWS] [-b RECORDS] [-s STEP_NS] -o FILE
 *
 * FLOWS bulk flows (default 4) on 2 CPUs, each with its identity (FLOW)
 * first, then round after round of: tx of 1448 bytes (cwnd 10..40, in flight,
 * send queue), the ACK for it (rtt_us 150..350, with srtt/rttvar smoothed
 * like the kernel does), data_rx of 1448 bytes (receive queue, window),
 * the ACK sent back (quick or delayed), and a read every second data
 * segment; the ACKs' delays and the reads' residence are left to the reader
 * (TSL_F_DERIVE), as the module leaves them. One retransmission every 5000
 * rounds.
 * Events are STEP_NS apart in time (default 10000: 100 k events per second
 * over all flows).
 * EVENTS chunks hold RECORDS records each (default 128, one netlink message
 * of a busy reader); every 100 ms of event time a SAMPLE chunk with CPU,
 * softirq, SNMP and per-socket entries, as `tcpsleuth record` writes them.
 * The output is deterministic (fixed seed).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tcpsleuth.h>

#include "recording.h"

#define MONO0	1000000000000ull	/* 1000 s */
#define REAL0	1795482123000000000ull
#define SAMPLE_NS 100000000ull
#define NCPU	2
#define MAX_FLOWS 64

static uint32_t rng = 12345;
static uint32_t rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return ((rng >> 8) & 0xffffff) % n;
}

struct flow {
	uint64_t cookie;
	uint32_t snd_nxt, snd_una, rcv_nxt, copied, cwnd, srtt, rttvar;
	uint32_t total_retrans, rcvq;
};

static struct tsl_rec_writer *w;
static struct tsl_event *buf[NCPU];
static uint32_t n_buf[NCPU], batch = 128;
static uint64_t seq[NCPU], written, target;
static uint64_t now = MONO0, step_ns = 10000;

static void flush(unsigned int cpu)
{
	struct tsl_rec_events e = { .cpu = cpu, .n_records = n_buf[cpu],
		.seq = seq[cpu], .produced = seq[cpu] + n_buf[cpu],
		.unused = TSL_REC_UNUSED, .mono_ns = now,
		.real_ns = REAL0 + (now - MONO0) };

	if (!n_buf[cpu])
		return;
	if (tsl_rec_write_events(w, &e, buf[cpu]))
		exit(1);
	seq[cpu] += n_buf[cpu];
	n_buf[cpu] = 0;
}

static struct tsl_event *ev(const struct flow *f, unsigned int cpu, uint8_t kind)
{
	struct tsl_event *e;

	if (n_buf[cpu] == batch)
		flush(cpu);
	e = &buf[cpu][n_buf[cpu]++];
	memset(e, 0, sizeof(*e));
	now += step_ns;
	e->ts_ns = now;
	e->cookie = f->cookie;
	e->cpu = cpu;
	e->kind = kind;
	written++;
	return e;
}

static const char *names[] = { "user", "system", "softirq", "idle", "NET_RX",
	"Tcp.OutSegs", "Tcp.InSegs", "Tcp.RetransSegs", "rtt_us", "cwnd",
	"recv_q", "send_q" };
#define N_NAMES (sizeof(names) / sizeof(names[0]))

static void sample(struct flow *fl, unsigned int n_flows, uint64_t t, uint64_t iv)
{
	static int names_done;
	struct tsl_rec_sample_entry e[8 + 4 * MAX_FLOWS];
	struct tsl_rec_sample s = { .version = TSL_SAMPLE_VERSION,
		.entry_size = sizeof(e[0]), .mono_ns = t, .interval_ns = iv,
		.sources = (1u << TSL_SRC_SNMP) | (1u << TSL_SRC_SOFTIRQ) |
			   (1u << TSL_SRC_CPU) | (1u << TSL_SRC_SOCK) };
	uint32_t n = 0, i;

	if (!names_done) {
		char data[512];
		size_t len = 0;

		for (i = 0; i < N_NAMES; i++) {
			memcpy(data + len, names[i], strlen(names[i]) + 1);
			len += strlen(names[i]) + 1;
		}
		if (tsl_rec_write_names(w, 0, N_NAMES, data, len))
			exit(1);
		names_done = 1;
	}
#define ENT(src, fl_, k_, id_, v) e[n++] = (struct tsl_rec_sample_entry){ \
	.source = src, .flags = fl_, .key = k_, .id = id_, .value = v }
	ENT(TSL_SRC_CPU, TSL_SAMPLE_CENTI, 0, TSL_SAMPLE_ALL, 1000 + rnd(500));
	ENT(TSL_SRC_CPU, TSL_SAMPLE_CENTI, 1, TSL_SAMPLE_ALL, 1500 + rnd(500));
	ENT(TSL_SRC_CPU, TSL_SAMPLE_CENTI, 2, TSL_SAMPLE_ALL, 300 + rnd(200));
	ENT(TSL_SRC_CPU, TSL_SAMPLE_CENTI, 3, TSL_SAMPLE_ALL, 6500 + rnd(500));
	ENT(TSL_SRC_SOFTIRQ, TSL_SAMPLE_DELTA, 4, 0, 2000 + rnd(200));
	ENT(TSL_SRC_SNMP, TSL_SAMPLE_DELTA, 5, 0, 4000 + rnd(100));
	ENT(TSL_SRC_SNMP, TSL_SAMPLE_DELTA, 6, 0, 4000 + rnd(100));
	for (i = 0; i < n_flows; i++) {
		ENT(TSL_SRC_SOCK, 0, 8, fl[i].cookie, fl[i].srtt);
		ENT(TSL_SRC_SOCK, 0, 9, fl[i].cookie, fl[i].cwnd);
		ENT(TSL_SRC_SOCK, 0, 10, fl[i].cookie, fl[i].rcvq);
		ENT(TSL_SRC_SOCK, 0, 11, fl[i].cookie, fl[i].snd_nxt - fl[i].snd_una);
	}
	s.n_entries = n;
	if (tsl_rec_write_sample(w, &s, e))
		exit(1);
}

static void round_(struct flow *f, unsigned int cpu, uint64_t r)
{
	struct tsl_event *e;
	int32_t rtt = 150 + rnd(200);

	e = ev(f, cpu, TSL_EV_TX);
	e->tx = (struct tsl_ev_tx){ .seq = f->snd_nxt, .end_seq = f->snd_nxt + 1448,
		.len = 1448, .segs = 1, .cwnd = f->cwnd,
		.in_flight = (f->snd_nxt - f->snd_una) / 1448,
		.sndq = 262144 + rnd(65536), .snd_wnd = 3 << 20 };
	f->snd_nxt += 1448;
	e = ev(f, cpu, TSL_EV_ACK_RX);
	f->snd_una += 1448;
	f->rttvar = (3 * f->rttvar + (uint32_t)abs(rtt - (int32_t)f->srtt)) / 4;
	f->srtt = (7 * f->srtt + rtt) / 8;
	f->cwnd = 10 + (r / 64) % 31;
	e->ack_rx = (struct tsl_ev_ack_rx){ .ack = f->snd_una, .acked = 1448,
		.rtt_us = rtt, .srtt_us = f->srtt, .rttvar_us = f->rttvar,
		.rto_us = 200000 + f->srtt + 4 * f->rttvar, .cwnd = f->cwnd,
		.ssthresh = 0x7fffffff, .snd_wnd = 3 << 20 };
	e = ev(f, cpu, TSL_EV_DATA_RX);
	f->rcvq += 1448;
	e->data_rx = (struct tsl_ev_data_rx){ .seq = f->rcv_nxt, .len = 1448,
		.rcv_nxt = f->rcv_nxt, .rcvq = f->rcvq, .rcv_wnd = 1 << 20,
		.rcvbuf = 6 << 20 };
	f->rcv_nxt += 1448;
	/* delay and residence left to the reader, as the module does */
	e = ev(f, cpu, TSL_EV_ACK_TX);
	e->flags = TSL_F_DERIVE;
	e->ack_tx = (struct tsl_ev_ack_tx){ .ack = f->rcv_nxt,
		.rcv_wnd = 1 << 20, .bytes = 1448,
		.reason = r % 2 ? TSL_ACK_TIMER : TSL_ACK_QUICK };
	if (r % 2) {
		e = ev(f, cpu, TSL_EV_READ);
		e->flags = TSL_F_DERIVE;
		e->read = (struct tsl_ev_read){ .bytes = f->rcvq, .rcvq = 0,
			.pid = 4242, .comm = "server", .seq = f->copied };
		f->copied += f->rcvq;
		f->rcvq = 0;
	}
	if (r % 5000 == 4999) {
		e = ev(f, cpu, TSL_EV_RETRANS);
		f->total_retrans++;
		e->retrans = (struct tsl_ev_retrans){ .seq = f->snd_una,
			.end_seq = f->snd_una + 1448, .segs = 1,
			.total_retrans = f->total_retrans };
	}
}

int main(int argc, char **argv)
{
	struct tsl_rec_start st = { .module_version = 0x000100,
		.record_size = TSL_EVENT_SIZE, .buf_records = 4096,
		.max_flows = 512, .mono_ns = MONO0, .real_ns = REAL0,
		.kernel = "6.1.0-synthetic" };
	struct tsl_rec_end end = { .reason = TSL_END_STOPPED, .n_cpus = NCPU };
	struct tsl_rec_cpu cpus[NCPU];
	struct flow fl[MAX_FLOWS];
	unsigned int n_flows = 4, i;
	const char *path = NULL;
	uint64_t next_sample = MONO0 + SAMPLE_NS, r;
	FILE *fp;
	int c;

	while ((c = getopt(argc, argv, "n:f:b:s:o:")) != -1) {
		switch (c) {
		case 's': step_ns = strtoull(optarg, NULL, 0); break;
		case 'n': target = strtoull(optarg, NULL, 0); break;
		case 'f': n_flows = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'o': path = optarg; break;
		default: goto usage;
		}
	}
	if (!path || !target || !n_flows || n_flows > MAX_FLOWS || !batch || !step_ns) {
usage:
		fprintf(stderr, "usage: gen-recording -n EVENTS [-f FLOWS] [-b RECORDS] [-s STEP_NS] -o FILE\n");
		return 2;
	}
	for (i = 0; i < NCPU; i++)
		buf[i] = calloc(batch, sizeof(struct tsl_event));
	fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		return 1;
	}
	w = tsl_rec_writer_new(fp, path);
	if (!w || tsl_rec_write_start(w, &st, NULL, 0))
		return 1;
	for (i = 0; i < n_flows; i++) {
		struct tsl_event *e;

		memset(&fl[i], 0, sizeof(fl[i]));
		fl[i].cookie = 0x1000 + i;
		fl[i].snd_nxt = fl[i].snd_una = 1000000u * (i + 1);
		fl[i].rcv_nxt = fl[i].copied = 7000000u * (i + 1);
		fl[i].cwnd = 10;
		fl[i].srtt = 250;
		fl[i].rttvar = 50;
		e = ev(&fl[i], i % NCPU, TSL_EV_FLOW);
		inet_pton(AF_INET, "10.0.0.1", e->flow.saddr);
		inet_pton(AF_INET, "10.0.0.2", e->flow.daddr);
		e->flow.sport = 5201;
		e->flow.dport = 40000 + i;
		e->flow.netns = 4026531840u;
	}
	for (r = 0; written < target; r++) {
		for (i = 0; i < n_flows && written < target; i++)
			round_(&fl[i], i % NCPU, r);
		if (now >= next_sample) {
			for (i = 0; i < NCPU; i++)
				flush(i);
			sample(fl, n_flows, next_sample,
			       next_sample == MONO0 + SAMPLE_NS ? 0 : SAMPLE_NS);
			next_sample += SAMPLE_NS;
		}
	}
	for (i = 0; i < NCPU; i++) {
		flush(i);
		cpus[i] = (struct tsl_rec_cpu){ .cpu = i, .produced = seq[i],
			.delivered = seq[i] };
	}
	if (tsl_rec_write_end(w, &end, cpus) || tsl_rec_writer_finish(w) || fclose(fp))
		return 1;
	printf("events %llu\n", (unsigned long long)written);
	return 0;
}
