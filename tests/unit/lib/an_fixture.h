// SPDX-License-Identifier: GPL-2.0-or-later
// Recordings for the analysis tests, written through the recording writer: one flow, N intervals, knobs per interval.
#ifndef TSL_TEST_AN_FIXTURE_H
#define TSL_TEST_AN_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#define FX_MONO		5000000000000ull	/* 5000 s */
#define FX_REAL		1795482123000000000ull
#define FX_IV_NS	100000000ull		/* 100 ms */
#define FX_COOKIE	0xabcull
#define FX_PID		4242
#define FX_INTERVALS	60
#define FX_BAD_FROM	30
#define FX_BAD_TO	39

/* What one interval of the flow and the host looks like. */
struct fx_knobs {
	int n_tx;		/* segments sent, each acknowledged */
	unsigned int tx_len, cwnd, in_flight, sndq, snd_wnd;
	double rtt_us, rtt_jitter;	/* jitter: fraction, pseudo-random */
	unsigned int srtt_us, rttvar_us;
	bool delayed_rx;	/* ACKs received flagged delayed */
	int retrans;		/* segments retransmitted */
	int n_rx, ofo;		/* segments received, of them out of order */
	unsigned int rcvq, rcv_wnd, rcvbuf;
	int n_reads;
	unsigned int res_us;
	unsigned int ack_delay_us;
	int ack_reason;
	/* host, percentages */
	double user, system, iowait, idle, softirq0, steal0, idle0;
	int net_rx;
	int nic_errors, nic_drops, backlog_drop, sack_reorder, ofo_queue;
	/* owner process */
	char state;
	int utime_ms, stime_ms, vcsw, nvcsw;
	int run_delay_ms;	/* schedstat run_delay per interval; < 0: not sampled */
	/* sock_diag */
	int recv_q, send_q, tb, rb, skw;
	/* path prober */
	double icmp_us, icmp_jitter;
	int icmp_lost;
};

typedef void (*fx_tweak)(struct fx_knobs *k, int i);

/*
 * Write FX_INTERVALS intervals to @path: defaults (a healthy flow), then
 * @always for every interval, then @bad for FX_BAD_FROM..FX_BAD_TO.
 * 0 on success.
 */
int fx_write(const char *path, fx_tweak always, fx_tweak bad);
/* START then END, nothing between. */
int fx_write_empty(const char *path);
/* One event and one sample. */
int fx_write_one(const char *path);

#endif /* TSL_TEST_AN_FIXTURE_H */
