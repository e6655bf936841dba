// SPDX-License-Identifier: GPL-2.0-or-later
// The analysis of one recording: interval series, episodes, correlations and verdicts, ready for output (the one header other parts include).
#ifndef TSL_ANALYSIS_H
#define TSL_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tcpsleuth.h>

#include "recording/recording.h"

/* ---- distributions (histogram.c) ---- */

/* Streaming quantiles: a log-linear histogram, no per-sample storage. */
struct tsl_hist {
	uint32_t *b;		/* NULL until the first value */
	uint32_t lo, hi;	/* buckets in use: [lo, hi] */
	uint64_t n;
	uint64_t min, max;
	double sum;
};

/* Nearest-rank quantile (0 <= q <= 1); 0 when empty. */
double tsl_hist_quantile(const struct tsl_hist *h, double q);

/* ---- correlation (correlation.c) ---- */

struct tsl_lag_corr {
	int lag;		/* y[t - lag] against x[t]: > 0, y leads x */
	double pearson, spearman;
	size_t n;		/* pairs used */
};

/* ---- interval series (series.c) ---- */

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
	X(UNREAD_MS, "unread_ms") \
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
	X(SD_MIN_RTT, "min_rtt_us") X(SD_BUSY, "busy_us") \
	X(SD_RWND_LIM, "rwnd_limited_us") X(SD_SNDBUF_LIM, "sndbuf_limited_us") \
	X(SD_APP_LIMITED, "app_limited") X(SD_NOTSENT, "notsent_bytes") \
	X(SD_DSACK, "dsack_dups") X(SD_REORD_SEEN, "reord_seen") \
	X(SD_BYTES_RETRANS, "bytes_retrans") \
	X(QD_BACKLOG, "qdisc_backlog_bytes") X(QD_DROPS, "qdisc_drops") \
	X(QD_SENT, "qdisc_sent_bytes") \
	X(APP_CPU, "app_cpu_pct") X(APP_USER, "app_user_pct") \
	X(APP_SYS, "app_sys_pct") X(APP_R, "app_running") \
	X(APP_S, "app_sleeping") X(APP_D, "app_disk_wait") \
	X(APP_VCSW, "app_voluntary_cs_ps") X(APP_NVCSW, "app_involuntary_cs_ps") \
	X(APP_CPU_IDLE, "app_cpu_idle_pct") \
	X(APP_RUN_DELAY, "app_runqueue_wait_pct") X(APP_PROCESSOR, "app_processor") \
	X(APP_THROTTLED, "app_throttled_us") \
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

/* ---- where a flow's time went (ledger.c; what each item is: ledger.h) ---- */

#define TSL_LEDGER_ITEMS(X) \
	X(UNREAD, "unread") X(HOLE_LOSS, "hole_loss") \
	X(HOLE_REORDER, "hole_reorder") X(RECOVERY, "recovery") \
	X(RWND_ZERO, "rwnd_zero") X(RWND, "rwnd") X(CWND, "cwnd") \
	X(CWND_LOSS, "cwnd_after_loss") \
	X(TURN, "turn") X(ACK_WAIT, "ack_wait") X(DELACK_TX, "delack_tx")

#define TSL_LG_ENUM(id, name) TSL_LG_##id,
enum tsl_ledger_item {
	TSL_LEDGER_ITEMS(TSL_LG_ENUM)
	TSL_LG_N,
};
#undef TSL_LG_ENUM

extern const char *const tsl_ledger_names[TSL_LG_N];

struct tsl_ledger {
	double us[TSL_LG_N];	/* time in each item, us */
	uint32_t rtt_min_us;	/* the flow's smallest RTT sample; 0: none */
	double floor_us;	/* the path's floor: min of RTT samples, ICMP, sock_diag's RTT */
	double cwnd_rtt_us;	/* mean RTT sample that ended a cwnd-limited wait */
	double turn_rtt_us;	/* mean RTT sample seen in a turn (client: its wait) */
	uint64_t turns, recoveries, holes, holes_reorder, ack_waits, delack_waits;
	uint64_t dup_segs;	/* data that arrived again, below rcv_nxt */
	double *hole_us;	/* each hole's duration, until sorted out at the end */
	size_t n_hole_us, cap_hole_us;
	/* ledger.c's own state while the events go by */
	uint64_t occ_end_ns, hole_start_ns, lim_since_ns, rec_start_ns;
	uint64_t last_ack_ns, last_tx_ns, last_rx_ns, turn_start_ns, turn_end_ns, timer_ack_ns;
	uint64_t cwnd_rtt_n, turn_rtt_n, last_ack_rtt_us, timer_ack_us;
	uint32_t high_seq, rec_high, hole_seq, cwnd_now, cwnd_at_loss;
	uint8_t lim, in_rec, hole_open, turn, role, last_ack_small, last_rx_small;
};

struct tsl_an_flow {
	uint64_t cookie;
	bool has_id;
	struct tsl_iter_flow id;
	uint32_t pid;		/* owner, from read and state records; 0: unknown */
	char comm[TSL_COMM_LEN + 1];
	/*
	 * The rows of the intervals that hold data (the flow's, or a sample),
	 * in interval order: row k is interval iv[k]. An interval between
	 * first and the last row without a row has no value in any column
	 * (NAN), and takes no memory.
	 */
	int64_t first;		/* interval of rows[0] */
	size_t n_rows, cap_rows;
	float *rows;		/* n_rows * TSL_AN_NCOLS */
	int64_t *iv;		/* n_rows intervals, ascending */
	size_t *row_tab, row_tab_cap;	/* while the rows are built: series.c */
	uint64_t first_ns, last_ns;
	struct tsl_an_totals t;
	/* whole-recording distributions */
	struct tsl_hist rtt, ackd, ackd_timer, res;
	/* the interval being filled */
	int64_t cur;
	struct tsl_hist cur_rtt, cur_ackd, cur_res;
	int read_cpu;		/* CPU of the latest read; -1 unknown */
	struct tsl_ledger lg;
};

struct tsl_an_pid;

/*
 * What the interval rows may take (bytes): TSL_AN_MEM_FLOOR, plus
 * TSL_AN_MEM_PER_ITEM per record, sample entry and sample chunk in the
 * recording (at most TSL_AN_MEM_MAX), so that memory follows the data
 * present, not the span its timestamps claim. A row (one interval of one
 * flow, of the host or of a process) is TSL_AN_NCOLS floats, 304 bytes,
 * and its interval, 8; only intervals that hold data have one.
 */
#define TSL_AN_MEM_FLOOR	(256ull << 20)
#define TSL_AN_MEM_PER_ITEM	(16ull * TSL_AN_NCOLS * sizeof(float))
#define TSL_AN_MEM_MAX		(1ull << 50)
/* Intervals past this are over the budget whatever it is. */
#define TSL_AN_MAX_INTERVAL	((int64_t)1 << 40)

/* The bytes the interval rows of the recording indexed in @ix may take. */
uint64_t tsl_an_budget(const struct tsl_iter_index *ix);

struct tsl_an_model {
	uint64_t t0;		/* start of interval 0 (ns, monotonic) */
	uint64_t iv_ns;		/* interval length */
	size_t n_intervals;
	struct tsl_an_flow **flows;	/* by first appearance until sorted */
	size_t n_flows, cap_flows;
	void *flow_tab;		/* cookie -> flow */
	size_t flow_tab_cap;
	/* the host's rows: the intervals with a sample, as a flow's rows */
	float *host;		/* n_host rows of TSL_AN_NCOLS; only host columns used */
	int64_t *host_iv;	/* n_host intervals, ascending */
	size_t n_host, host_cap;
	size_t *host_tab, host_tab_cap;	/* while the rows are built: series.c */
	float **cpu_idle;	/* [cpu][host row]; NULL: CPU not sampled */
	unsigned int n_cpus;
	/*
	 * A sample of the CPUs makes the idle of every CPU seen so far known
	 * (0) in its interval, below this one: 64, doubled past the latest
	 * interval with a CPU's idle value.
	 */
	int64_t cpu_idle_len;
	struct tsl_an_pid *pids;
	size_t n_pids;
	uint8_t *keymap;	/* sample key id -> what it is */
	uint32_t n_keys;
	uint64_t n_events, n_samples;
	uint64_t mem_budget, mem_used;	/* of the rows, bytes: tsl_an_budget() */
	bool too_big;			/* the rows would have taken more */
	const struct tsl_iter_index *ix;
	const char *name;	/* the recording, for messages */
};

/* Row @i (0 .. n_rows-1) of @f, and a value of it. */
static inline float *tsl_an_row(const struct tsl_an_flow *f, size_t i)
{
	return f->rows + i * TSL_AN_NCOLS;
}

/* Where row @i of @f is in its span: its interval less the first's. */
static inline size_t tsl_an_pos(const struct tsl_an_flow *f, size_t i)
{
	return f->iv[i] - f->first;
}

/* Intervals from @f's first row to its last, those without data too. */
static inline size_t tsl_an_span(const struct tsl_an_flow *f)
{
	return f->n_rows ? tsl_an_pos(f, f->n_rows - 1) + 1 : 0;
}

/* Start (monotonic ns) of interval @i. */
uint64_t tsl_an_interval_start(const struct tsl_an_model *m, int64_t i);
/*
 * A flow's column as doubles (NAN where missing), one per row (n_rows
 * long, row k at interval iv[k]); malloc'ed. NULL when out of memory (not
 * printed: the caller names the recording).
 */
double *tsl_an_series(const struct tsl_an_flow *f, enum tsl_an_col col);

/* ---- episodes (episodes.c) ---- */

/* The METHODOLOGY checklist, worst value inside the episode; NAN: not measured. */
struct tsl_checklist {
	double recv_q, send_q, app_cpu_pct, softirq_pct, retrans_segs;
	double icmp_rtt_us, nic_errors, ack_delay_p90_us, read_residence_p90_us;
};

/* The checklist's fields, in report order: JSON/CSV name, text label. */
struct tsl_checklist_field {
	const char *name, *label;
	size_t off;		/* of the double in struct tsl_checklist */
};
#define TSL_CHECKLIST_FIELDS	9
extern const struct tsl_checklist_field tsl_checklist_fields[TSL_CHECKLIST_FIELDS];

static inline double tsl_checklist_value(const struct tsl_checklist *c,
					 unsigned int i)
{
	return *(const double *)((const char *)c + tsl_checklist_fields[i].off);
}

struct tsl_episode {
	size_t start, end;	/* of the flow's span (tsl_an_pos()), inclusive */
	double peak_rtt_us;
	struct tsl_checklist c;
};

/* What episodes stand out in: a sender's RTT, else a receiver's read residence. */
enum tsl_episode_signal { TSL_EP_RTT, TSL_EP_RESIDENCE };

struct tsl_episodes {
	enum tsl_episode_signal signal;
	double median, mad, threshold;	/* of the signal's p90 per interval, us */
	size_t n_values;		/* intervals with an RTT */
	struct tsl_episode *v;
	size_t n;
};

/* ---- verdicts (verdicts.c) ---- */

enum tsl_category {
	TSL_V_HEALTHY, TSL_V_APP_NOT_READING, TSL_V_APP_CPU_BOUND,
	TSL_V_APP_BLOCKED, TSL_V_RCVBUF_LIMITED, TSL_V_SNDBUF_LIMITED,
	TSL_V_DELAYED_ACK, TSL_V_PATH_LATENCY, TSL_V_PATH_JITTER,
	TSL_V_PATH_LOSS, TSL_V_REORDERING, TSL_V_QUEUEING_DELAY,
	TSL_V_CPU_CONTENTION, TSL_V_SOFTIRQ_OVERLOAD, TSL_V_CPU_STEAL,
	TSL_V_NIC_ERRORS, TSL_V_CGROUP_THROTTLED, TSL_V_LOCAL_QUEUE,
	TSL_V_NAGLE_DELACK, TSL_V_INSUFFICIENT_DATA, TSL_V_NCATEGORIES,
};

extern const char *const tsl_category_names[TSL_V_NCATEGORIES];

struct tsl_evidence {
	const char *name;
	double value;
	double threshold;	/* NAN: none */
};

#define TSL_MAX_EVIDENCE 8

struct tsl_verdict {
	enum tsl_category cat;
	const struct tsl_an_flow *flow;	/* NULL: host-wide */
	double confidence;
	/*
	 * The share of the flow's stalled time (the time it waited for
	 * anything, stalled_s of its active_s) this cause explains; NAN for
	 * host-wide verdicts.
	 */
	double explains, stalled_s, active_s;
	char summary[384];	/* one sentence a person can act on */
	struct tsl_evidence sup[TSL_MAX_EVIDENCE], con[TSL_MAX_EVIDENCE];
	unsigned int n_sup, n_con;
	const char *layer;	/* Application, TCP stack, Network, Hardware */
	const char *confirm;	/* test to confirm */
	const char *expected;	/* expected outcome if the hypothesis is right */
};

/* ---- the report (report.c) ---- */

#define TSL_REPORT_VERSION	1	/* of the JSON schema, docs/report-schema.md */
#define TSL_REPORT_DEFAULT_IV_NS 100000000ull
/* A recording's sample interval, when it is the analysis': 100 us .. 1 day. */
#define TSL_REPORT_MIN_IV_NS	100000ull
#define TSL_REPORT_MAX_IV_NS	86400000000000ull
#define TSL_REPORT_MAX_LAG	5

struct tsl_report_opts {
	uint64_t iv_ns;		/* 0: the recording's sample interval, else 100 ms */
	double k;		/* episode threshold, MADs */
	double floor_us;	/* episode threshold floor */
	int max_lag;		/* correlation lags -max_lag..max_lag */
};

struct tsl_corr_entry {
	enum tsl_an_col col;
	struct tsl_lag_corr c;
};

struct tsl_flow_report {
	struct tsl_an_flow *f;
	struct tsl_episodes ep;
	struct tsl_corr_entry *corr;	/* by |pearson|, strongest first */
	size_t n_corr;
};

struct tsl_report {
	const char *name;
	struct tsl_report_opts o;
	struct tsl_iter_index ix;
	struct tsl_an_model m;
	struct tsl_flow_report *flows;	/* m.flows' order: most events first */
	size_t n_flows;
	struct tsl_verdict *verdicts;	/* by confidence, highest first */
	size_t n_verdicts;
};

void tsl_report_opts_default(struct tsl_report_opts *o);
/*
 * Analyse the recording open on @fd. 0, or a negative errno after one line
 * saying why: -EINVAL for a bad recording, -ENOMEM, or the -errno of a
 * failed read.
 */
int tsl_report_build(int fd, const char *name, const struct tsl_report_opts *o,
		     struct tsl_report *r);
void tsl_report_free(struct tsl_report *r);
/* "10.0.0.1:43210 -> 192.0.2.7:443" or "cookie 0x1111" into @buf. */
void tsl_report_flow_name(const struct tsl_an_flow *f, char *buf, size_t len);

#endif /* TSL_ANALYSIS_H */
