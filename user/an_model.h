// SPDX-License-Identifier: GPL-2.0-or-later
// Interval series: per flow and host-wide values per interval, built from one time-ordered pass.
#ifndef TSL_AN_MODEL_H
#define TSL_AN_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <tcpsleuth.h>

#include "an_hist.h"
#include "rec_iter.h"

/*
 * Columns of a flow's interval row. NAN: no value in that interval. Counts
 * are per interval; rates (_ps) per second; percentages 0..100 of one CPU.
 * The owner process's and the host's columns are copied into every flow's
 * rows so that every series lines up with the flow's RTT.
 */
#define TSL_AN_COLUMNS(X) \
	X(RTT_P50, "rtt_p50_us") X(RTT_P90, "rtt_p90_us") \
	X(RTT_P99, "rtt_p99_us") X(RTT_MAX, "rtt_max_us") \
	X(RTT_N, "rtt_samples") X(SRTT, "srtt_us") X(RTTVAR, "rttvar_us") \
	X(ACKD_P50, "ack_delay_p50_us") X(ACKD_P90, "ack_delay_p90_us") \
	X(ACKS, "acks_sent") X(ACK_TIMER, "acks_timer") \
	X(ACK_QUICK, "acks_quick") X(ACK_PIGGYBACK, "acks_piggyback") \
	X(ACK_WINDOW, "acks_window") X(ACKS_RX, "acks_received") \
	X(DELAYED_RX, "acks_received_delayed") \
	X(RES_P50, "read_residence_p50_us") X(RES_P90, "read_residence_p90_us") \
	X(READ_BYTES, "bytes_read") X(READS, "reads") X(RCVQ, "rcvq_max") \
	X(SNDQ, "sndq_max") X(CWND, "cwnd") X(IN_FLIGHT, "in_flight_max") \
	X(SND_WND, "snd_wnd") X(RCV_WND, "rcv_wnd") X(RCVBUF, "rcvbuf") \
	X(ACKED_BYTES, "bytes_acked") X(RETRANS, "retrans_segs") \
	X(RTO, "rtos") X(DROPS, "sk_drops") X(OFO, "ofo_arrivals") \
	X(DATA_RX, "segments_received") X(TX, "segments_sent") \
	X(TX_SEGS, "gso_segments_sent") X(TX_LEN, "tx_len_mean") \
	X(SD_RECV_Q, "recv_q") X(SD_SEND_Q, "send_q") X(SD_RTT, "diag_rtt_us") \
	X(SD_RTTVAR, "diag_rttvar_us") X(SD_RB, "skmem_rb") \
	X(SD_TB, "skmem_tb") X(SD_WQ, "skmem_w") X(SD_DROPS, "skmem_d") \
	X(ICMP_RTT, "icmp_rtt_us") X(ICMP_LOST, "icmp_lost") \
	X(APP_CPU, "app_cpu_pct") X(APP_USER, "app_user_pct") \
	X(APP_SYS, "app_sys_pct") X(APP_R, "app_running") \
	X(APP_S, "app_sleeping") X(APP_D, "app_disk_wait") \
	X(APP_VCSW, "app_voluntary_cs_ps") X(APP_NVCSW, "app_involuntary_cs_ps") \
	X(APP_CPU_IDLE, "app_cpu_idle_pct") \
	X(APP_RUN_DELAY, "app_runqueue_wait_pct") X(APP_PROCESSOR, "app_processor") \
	X(H_USER, "host_user_pct") X(H_SYSTEM, "host_system_pct") \
	X(H_IOWAIT, "host_iowait_pct") X(H_IDLE, "host_idle_pct") \
	X(H_SOFTIRQ, "softirq_max_pct") X(H_STEAL, "steal_max_pct") \
	X(H_NET_RX, "net_rx_ps") X(H_NET_TX, "net_tx_ps") \
	X(H_RETRANS_SEGS, "Tcp.RetransSegs") X(H_OUT_SEGS, "Tcp.OutSegs") \
	X(H_DELAYED_ACKS, "TcpExt.DelayedACKs") \
	X(H_BACKLOG_DROP, "TcpExt.TCPBacklogDrop") \
	X(H_PRUNE, "TcpExt.PruneCalled") X(H_OFO_QUEUE, "TcpExt.TCPOFOQueue") \
	X(H_SACK_REORDER, "TcpExt.TCPSACKReorder") \
	X(H_LISTEN_DROPS, "TcpExt.ListenDrops") \
	X(H_TIMEOUTS, "TcpExt.TCPTimeouts") X(H_NIC_ERRORS, "nic_errors") \
	X(H_NIC_DROPS, "nic_drops")

#define TSL_AN_ENUM(id, name) TSL_AN_##id,
enum tsl_an_col {
	TSL_AN_COLUMNS(TSL_AN_ENUM)
	TSL_AN_NCOLS,
};
#undef TSL_AN_ENUM

#define TSL_AN_FIRST_APP	TSL_AN_APP_CPU
#define TSL_AN_FIRST_HOST	TSL_AN_H_USER

extern const char *const tsl_an_col_names[TSL_AN_NCOLS];

/* Whole-recording figures of one flow. */
struct tsl_an_totals {
	uint64_t events, tx, tx_segs, tx_bytes, retrans_segs, rtos, drops;
	uint64_t ofo, data_rx, acks_tx, ack_reason[TSL_ACK_WINDOW + 1];
	uint64_t acks_rx, delayed_rx, reads, read_bytes, acked_bytes;
	uint64_t icmp_samples, icmp_lost;
	uint32_t mss;		/* largest payload per segment sent or received */
};

struct tsl_an_flow {
	uint64_t cookie;
	bool has_id;
	struct tsl_iter_flow id;
	uint32_t pid;		/* owner, from read and state records; 0: unknown */
	char comm[TSL_COMM_LEN + 1];
	int64_t first;		/* interval of rows[0] */
	size_t n_rows, cap_rows;
	float *rows;		/* n_rows * TSL_AN_NCOLS */
	uint64_t first_ns, last_ns;
	struct tsl_an_totals t;
	/* whole-recording distributions */
	struct tsl_hist rtt, ackd, ackd_timer, res;
	/* the interval being filled */
	int64_t cur;
	struct tsl_hist cur_rtt, cur_ackd, cur_res;
	int read_cpu;		/* CPU of the latest read; -1 unknown */
};

struct tsl_an_pid;

struct tsl_an_model {
	uint64_t t0;		/* start of interval 0 (ns, monotonic) */
	uint64_t iv_ns;		/* interval length */
	size_t n_intervals;
	struct tsl_an_flow **flows;	/* by first appearance until sorted */
	size_t n_flows, cap_flows;
	void *flow_tab;		/* cookie -> flow */
	size_t flow_tab_cap;
	float *host;		/* n_intervals rows of TSL_AN_NCOLS; only host columns used */
	size_t host_cap;
	float **cpu_idle;	/* [cpu][interval] */
	unsigned int n_cpus;
	size_t cpu_idle_len;
	struct tsl_an_pid *pids;
	size_t n_pids;
	uint8_t *keymap;	/* sample key id -> what it is */
	uint32_t n_keys;
	uint64_t n_events, n_samples;
	const struct tsl_iter_index *ix;
};

/* Row @i (0 .. n_rows-1) of @f, and a value of it. */
static inline float *tsl_an_row(const struct tsl_an_flow *f, size_t i)
{
	return f->rows + i * TSL_AN_NCOLS;
}

/*
 * Read the recording indexed in @ix (open on @fd) once and build the
 * series with intervals of @iv_ns. 0, or -1 after printing why.
 */
int tsl_an_model_build(int fd, const char *name, const struct tsl_iter_index *ix,
		       uint64_t iv_ns, struct tsl_an_model *m);
void tsl_an_model_free(struct tsl_an_model *m);
/* Start (monotonic ns) of interval @i. */
uint64_t tsl_an_interval_start(const struct tsl_an_model *m, int64_t i);
/* A flow's column as doubles (NAN where missing), n_rows long; malloc'ed. */
double *tsl_an_series(const struct tsl_an_flow *f, enum tsl_an_col col);

#endif /* TSL_AN_MODEL_H */
