// SPDX-License-Identifier: GPL-2.0-or-later
// Recordings: the file format, its writer, reading in time order, and the loss accounting (the one header other parts include).
#ifndef TSL_RECORDING_H
#define TSL_RECORDING_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <tcpsleuth.h>

/*
 * File layout (integers in the byte order of the machine that recorded;
 * the header says which):
 *
 *   header   struct tsl_rec_header (16 bytes)
 *   chunk*   struct tsl_rec_chunk_hdr (8 bytes), then len bytes of payload,
 *            then zero padding to a multiple of 8 bytes (not counted in len)
 *
 * The first chunk is a START. Readers skip chunk types they do not know, so
 * new types (system samples, ...) can be added without a version change.
 */
#define TSL_REC_MAGIC		"TSLREC\0\n"
#define TSL_REC_VERSION		1
#define TSL_REC_BYTEORDER	0x01020304u
#define TSL_REC_MAX_CHUNK	(64u << 20)

struct tsl_rec_header {
	char magic[8];
	uint16_t version;
	uint16_t header_size;
	uint32_t byteorder;	/* TSL_REC_BYTEORDER as written */
};

struct tsl_rec_chunk_hdr {
	uint32_t type;
	uint32_t len;
};

enum tsl_rec_type {
	TSL_REC_START = 1,	/* struct tsl_rec_start, then the TSL_A_FILTER nest */
	TSL_REC_EVENTS = 2,	/* struct tsl_rec_events, then the records as received */
	TSL_REC_END = 3,	/* struct tsl_rec_end, then n_cpus struct tsl_rec_cpu */
	TSL_REC_NAMES = 4,	/* struct tsl_rec_names, then NUL-terminated strings */
	TSL_REC_SAMPLE = 5,	/* struct tsl_rec_sample, then its entries */
};

struct tsl_rec_start {
	uint32_t module_version;
	uint32_t record_size;	/* TSL_EVENT_SIZE */
	uint32_t buf_records;
	uint32_t max_flows;
	uint64_t mono_ns;	/* a CLOCK_MONOTONIC / CLOCK_REALTIME pair */
	uint64_t real_ns;
	char kernel[128];	/* release of the traced kernel */
};

#define TSL_REC_UNUSED		UINT64_MAX

struct tsl_rec_events {
	uint32_t cpu;
	uint32_t n_records;
	uint64_t seq;		/* per-CPU index of the first record */
	uint64_t produced;
	uint64_t dropped;
	uint64_t unused;	/* TSL_REC_UNUSED; readers ignore it */
	uint64_t mono_ns;	/* clock pair of the message */
	uint64_t real_ns;
};

struct tsl_rec_end {
	uint32_t reason;	/* enum tsl_end_reason */
	uint32_t n_cpus;
	uint64_t flows_refused;	/* flows not traced: the table was full */
};

struct tsl_rec_cpu {
	uint32_t cpu;
	uint32_t queued;
	uint64_t produced;
	uint64_t delivered;
	uint64_t dropped;
};

/*
 * System samples. A NAMES chunk gives the next @count names of the
 * recording's name table (ids @first ...); it precedes the first SAMPLE that
 * uses them. A SAMPLE is a list of (source, key, id, value) entries of
 * @entry_size bytes each (readers step by entry_size, so entries may grow):
 * key is a name id ("Tcp.RetransSegs", "NET_RX", "eth0.rx_dropped",
 * "rtt_us", ...), id the CPU, ifindex, pid or socket cookie the value is for.
 * DELTA entries hold the increase since the previous sample of the same
 * (source, key, id) and are left out when it is zero; every source in the
 * @sources mask was sampled.
 */
#define TSL_SAMPLE_VERSION	1
#define TSL_SAMPLE_ALL		UINT64_MAX	/* id of a total over all CPUs */

enum tsl_sample_source {
	TSL_SRC_SNMP = 1,	/* /proc/net/snmp, netstat: "Group.Name", id 0 */
	TSL_SRC_SOFTIRQ = 2,	/* /proc/softirqs NET_RX, NET_TX: id CPU */
	TSL_SRC_CPU = 3,	/* /proc/stat: "user" ... "steal", id CPU */
	TSL_SRC_PROC = 4,	/* /proc/PID: id pid */
	TSL_SRC_NIC = 5,	/* /sys/class/net: "IF.counter", id ifindex */
	TSL_SRC_SOCK = 6,	/* sock_diag: id socket cookie */
	TSL_SRC_ICMP = 7,	/* echo to a flow's peer: id socket cookie */
	TSL_SRC_CGROUP = 8,	/* cgroup v2 CPU bandwidth of a process: id pid */
	TSL_SRC_QDISC = 9,	/* root qdisc of a flow's egress device: id socket cookie */
};

/* tsl_rec_sample_entry.flags */
#define TSL_SAMPLE_DELTA	0x01	/* increase since the previous sample */
#define TSL_SAMPLE_CENTI	0x02	/* value in hundredths (percentages) */

/*
 * Sample keys with a fixed name: the samplers write them, the analysis
 * reads them, both through this one list. Composite keys are not in it:
 * SNMP counters are "Group.Name" ("Tcp.RetransSegs"), NIC counters
 * "IF.counter" with a counter of TSL_NIC_STATS ("eth0.rx_dropped").
 */
#define TSL_SAMPLE_KEYS(X) \
	/* TSL_SRC_CPU: share of the interval, TSL_SAMPLE_CENTI; /proc/stat's order */ \
	X(USER, "user") X(NICE, "nice") X(SYSTEM, "system") X(IDLE, "idle") \
	X(IOWAIT, "iowait") X(IRQ, "irq") X(SOFTIRQ, "softirq") \
	X(STEAL, "steal") \
	/* TSL_SRC_SOFTIRQ: softirqs raised */ \
	X(NET_RX, "NET_RX") X(NET_TX, "NET_TX") \
	/* TSL_SRC_PROC; "state" also for TSL_SRC_SOCK (the TCP state) */ \
	X(STATE, "state") X(UTIME, "utime_ms") X(STIME, "stime_ms") \
	X(VCSW, "voluntary_ctxt_switches") \
	X(NVCSW, "nonvoluntary_ctxt_switches") X(PROCESSOR, "processor") \
	X(RUN_DELAY, "run_delay_ns") X(RUN, "run_ns") \
	X(TIMESLICES, "timeslices") \
	/* TSL_SRC_SOCK: sock_diag's tcp_info and skmem (SK_MEMINFO_* order) */ \
	X(RECV_Q, "recv_q") X(SEND_Q, "send_q") X(RTT, "rtt_us") \
	X(RTTVAR, "rttvar_us") X(CWND, "cwnd") X(SSTHRESH, "ssthresh") \
	X(DELIVERY_RATE, "delivery_rate") X(TOTAL_RETRANS, "total_retrans") \
	X(SKMEM_R, "skmem_r") X(SKMEM_RB, "skmem_rb") X(SKMEM_T, "skmem_t") \
	X(SKMEM_TB, "skmem_tb") X(SKMEM_F, "skmem_f") X(SKMEM_W, "skmem_w") \
	X(SKMEM_O, "skmem_o") X(SKMEM_BL, "skmem_bl") X(SKMEM_D, "skmem_d") \
	/* TSL_SRC_ICMP */ \
	X(ICMP_RTT, "icmp_rtt_us") X(ICMP_LOST, "icmp_lost") \
	/* TSL_SRC_SOCK, more of tcp_info where the kernel's has it; the \
	 * cumulative ones (tcp_info.c's table) as TSL_SAMPLE_DELTA */ \
	X(MIN_RTT, "min_rtt_us") X(BUSY, "busy_us") \
	X(RWND_LIMITED, "rwnd_limited_us") \
	X(SNDBUF_LIMITED, "sndbuf_limited_us") X(APP_LIMITED, "app_limited") \
	X(NOTSENT, "notsent_bytes") X(REORD_SEEN, "reord_seen") \
	X(DSACK_DUPS, "dsack_dups") X(BYTES_RETRANS, "bytes_retrans") \
	X(BYTES_SENT, "bytes_sent") X(BYTES_ACKED, "bytes_acked") \
	X(BYTES_RECEIVED, "bytes_received") X(DATA_SEGS_OUT, "data_segs_out") \
	X(DATA_SEGS_IN, "data_segs_in") X(SND_WND, "snd_wnd") \
	X(RCV_WND, "rcv_wnd") X(REORDERING, "reordering") \
	X(RCV_SPACE, "rcv_space") X(RCV_RTT, "rcv_rtt_us") \
	X(CA_STATE, "ca_state") X(BACKOFF, "backoff") X(RTO, "rto_us") \
	X(ATO, "ato_us") X(SND_MSS, "snd_mss") X(RCV_MSS, "rcv_mss") \
	X(LOST, "lost") X(RETRANS, "retrans") X(UNACKED, "unacked") \
	X(SACKED, "sacked") X(PACING_RATE, "pacing_rate") \
	/* TSL_SRC_CGROUP: cpu.stat, cpu.stat.local (deltas), cpu.max (gauges) */ \
	X(NR_PERIODS, "nr_periods") X(NR_THROTTLED, "nr_throttled") \
	X(THROTTLED, "throttled_usec") X(USAGE, "usage_usec") \
	X(LOCAL_THROTTLED, "local_throttled_usec") \
	X(CPU_QUOTA, "cpu_max_quota_us") X(CPU_PERIOD, "cpu_max_period_us") \
	/* TSL_SRC_QDISC: the root qdisc of the flow's egress device; \
	 * ifindex, backlog_bytes, qlen gauges, the others deltas */ \
	X(QDISC_IFINDEX, "ifindex") X(BACKLOG, "backlog_bytes") X(QLEN, "qlen") \
	X(QDISC_DROPS, "drops") X(OVERLIMITS, "overlimits") \
	X(REQUEUES, "requeues") X(SENT_BYTES, "sent_bytes") \
	X(SENT_PACKETS, "sent_packets")

#define TSL_KEY_ENUM(id, name) TSL_KEY_##id,
enum tsl_sample_key {
	TSL_KEY_UNKNOWN,	/* a composite name, or one this reader does not know */
	TSL_SAMPLE_KEYS(TSL_KEY_ENUM)
	TSL_KEY_COUNT,
};
#undef TSL_KEY_ENUM

/* The counters of /sys/class/net/IF/statistics that are sampled. */
#define TSL_NIC_STATS(X) \
	X(RX_PACKETS, "rx_packets") X(TX_PACKETS, "tx_packets") \
	X(RX_BYTES, "rx_bytes") X(TX_BYTES, "tx_bytes") \
	X(RX_DROPPED, "rx_dropped") X(TX_DROPPED, "tx_dropped") \
	X(RX_ERRORS, "rx_errors") X(TX_ERRORS, "tx_errors") \
	X(RX_CRC_ERRORS, "rx_crc_errors") X(RX_FIFO_ERRORS, "rx_fifo_errors") \
	X(RX_MISSED_ERRORS, "rx_missed_errors")

#define TSL_NIC_ENUM(id, name) TSL_NIC_##id,
enum tsl_nic_stat {
	TSL_NIC_STATS(TSL_NIC_ENUM)
	TSL_NIC_NSTATS,
};
#undef TSL_NIC_ENUM

/* The name of @k ("" for TSL_KEY_UNKNOWN), and the key named @name. */
const char *tsl_sample_key_name(enum tsl_sample_key k);
enum tsl_sample_key tsl_sample_key_find(const char *name);
/* The file name of NIC counter @i, and the counter named @name (-ENOENT: none). */
const char *tsl_nic_stat_name(enum tsl_nic_stat i);
int tsl_nic_stat_find(const char *name);

struct tsl_rec_names {
	uint32_t first;
	uint32_t count;
};

struct tsl_rec_sample {
	uint16_t version;	/* TSL_SAMPLE_VERSION */
	uint16_t entry_size;	/* sizeof(struct tsl_rec_sample_entry) or more */
	uint32_t n_entries;
	uint64_t mono_ns;	/* CLOCK_MONOTONIC, as the events */
	uint64_t interval_ns;	/* since the previous sample, 0 for the first */
	uint32_t sources;	/* bit (1 << TSL_SRC_x) per source sampled */
	uint32_t pad;
};

struct tsl_rec_sample_entry {
	uint16_t source;	/* enum tsl_sample_source */
	uint16_t flags;		/* TSL_SAMPLE_* */
	uint32_t key;		/* name id */
	uint64_t id;
	int64_t value;
};

/* One chunk as read; pointers are valid until the next read on the reader. */
struct tsl_rec_chunk {
	uint32_t type;
	uint32_t len;
	uint64_t offset;	/* of the chunk header in the file */
	uint64_t next;		/* offset of the following chunk */
	const void *data;	/* the payload, 8-byte aligned */
	/* Views of the known types, checked against len. */
	const struct tsl_rec_start *start;
	const void *filter;	/* start: TSL_A_FILTER attribute, may be empty */
	uint32_t filter_len;
	const struct tsl_rec_events *events;
	const void *records;	/* events: n_records * TSL_EVENT_SIZE bytes */
	const struct tsl_rec_end *end;
	const struct tsl_rec_cpu *cpus;
	const struct tsl_rec_names *names;
	const char *name_data;	/* names: count strings, each NUL-terminated */
	uint32_t name_len;
	const struct tsl_rec_sample *sample;
	const void *entries;	/* sample: n_entries * entry_size bytes */
};

struct tsl_rec_writer;

/*
 * Writer on @fp (not closed by it); @name is used in messages. NULL after
 * printing that memory ran out.
 *
 * The writes return 0, or the negative errno of the first write that
 * failed (-EFBIG for a chunk over TSL_REC_MAX_CHUNK), every later one the
 * same; they print nothing: tsl_rec_writer_finish() says it, once.
 */
struct tsl_rec_writer *tsl_rec_writer_new(FILE *fp, const char *name);
int tsl_rec_write_chunk(struct tsl_rec_writer *w, uint32_t type,
			const void *head, size_t head_len,
			const void *body, size_t body_len);
int tsl_rec_write_start(struct tsl_rec_writer *w, const struct tsl_rec_start *s,
			const void *filter, size_t filter_len);
int tsl_rec_write_events(struct tsl_rec_writer *w,
			 const struct tsl_rec_events *e, const void *records);
int tsl_rec_write_end(struct tsl_rec_writer *w, const struct tsl_rec_end *e,
		      const struct tsl_rec_cpu *cpus);
int tsl_rec_write_names(struct tsl_rec_writer *w, uint32_t first,
			uint32_t count, const char *data, size_t len);
int tsl_rec_write_sample(struct tsl_rec_writer *w,
			 const struct tsl_rec_sample *s, const void *entries);
/* Flush and free; 0, or the negative errno after printing why a write failed. */
int tsl_rec_writer_finish(struct tsl_rec_writer *w);

/* Name of an event kind ("tx", ...), NULL when unknown. */
const char *tsl_kind_name(unsigned int kind);

/* ---- loss accounting: records received per CPU against the module's final counters ---- */

struct tsl_rec_cpu;

struct tsl_acct_cpu {
	bool seen;
	uint64_t received;	/* records received */
	uint64_t next_seq;	/* seq the next batch must start at */
	uint64_t gaps;		/* batches that did not start at next_seq */
	uint64_t gap_expected;	/* the first gap */
	uint64_t gap_seq;
	uint64_t produced;	/* as of the last batch */
	uint64_t dropped;
};

struct tsl_acct {
	struct tsl_acct_cpu *cpus;	/* indexed by CPU number */
	unsigned int n_cpus;
	uint64_t events;		/* records other than flow identities */
	uint64_t flows;			/* flow identity records */
};

#define TSL_ACCT_MAX_CPUS 65536

/*
 * Account one batch: 0; -EINVAL if the CPU number is absurd, -ENOMEM.
 * Nothing is printed: the caller names the message the batch came in.
 */
int tsl_acct_batch(struct tsl_acct *a, uint32_t cpu, uint64_t seq,
		   uint64_t produced, uint64_t dropped,
		   const void *records, uint32_t n_records);
/*
 * Compare with the final counters: per CPU produced == delivered + dropped,
 * records received == delivered, no sequence gap. Prints one line per
 * problem to @out and returns how many there were.
 */
unsigned int tsl_acct_check(const struct tsl_acct *a,
			    const struct tsl_rec_cpu *cpus, unsigned int n,
			    FILE *out);
void tsl_acct_totals(const struct tsl_rec_cpu *cpus, unsigned int n,
		     uint64_t *produced, uint64_t *delivered,
		     uint64_t *dropped);
/* Records dropped so far, from the latest batch of each CPU. */
uint64_t tsl_acct_dropped(const struct tsl_acct *a);
void tsl_acct_free(struct tsl_acct *a);

/* ---- reading in time order: an index pass, then a k-way merge of the CPUs' events and the system samples ---- */

struct tsl_iter_flow {
	uint64_t cookie;
	bool used;
	uint8_t flags;		/* TSL_F_IPV6 */
	struct tsl_ev_flow id;
};

struct tsl_iter_clock {
	uint64_t mono;
	uint64_t real;
};

struct tsl_iter_chunks {
	uint64_t *offs;		/* chunks of one stream, in time order */
	size_t n, cap;
};

/*
 * A CPU idle for longer than this between two of its chunks is a gap in the
 * index, and the merge jumps over it to the chunk after, by offset: scanning
 * the file up to that chunk would queue all the other CPUs recorded
 * meanwhile. 100 ms, the analysis' interval: the index holds at most one gap
 * per CPU per 100 ms recorded, as the analysis keeps state per interval
 * anyway, and the merge's queues at most about 100 ms of chunks.
 */
#define TSL_ITER_GAP_NS	100000000ull

struct tsl_iter_gap {
	uint64_t before, after;	/* offsets of the chunks either side */
};

/*
 * One CPU's EVENTS chunks that hold records (they are in time order in the
 * file): not each offset, only where they start and where they skip idle
 * stretches; the merge finds the rest by scanning.
 */
struct tsl_iter_cpu {
	uint64_t first;			/* offset of the first chunk */
	uint64_t n_chunks;
	struct tsl_iter_gap *gaps;	/* in file order */
	size_t n_gaps, gap_cap;
	uint64_t last, last_ts;		/* first pass: last chunk, its last record */
};

/*
 * What the first pass learns. Memory grows with flows, clock adjustments,
 * sample names, SAMPLE chunks (one per sampling interval) and the CPUs' gaps
 * (at most one per CPU per TSL_ITER_GAP_NS): with the recorded time, never
 * with the number of records or EVENTS chunks.
 */
struct tsl_iter_index {
	struct tsl_iter_flow *flows;	/* open addressing on the cookie */
	size_t flow_cap, n_flows;
	struct tsl_iter_clock *clocks;	/* sorted by mono */
	size_t n_clocks, clock_cap;
	struct tsl_iter_cpu *cpus;	/* EVENTS chunks, indexed by CPU number */
	unsigned int n_cpus;
	struct tsl_iter_chunks samples;	/* SAMPLE chunks */
	char **names;			/* sample key names; ids are indices */
	uint32_t n_names;
	bool has_start, has_end;
	struct tsl_rec_start start;
	struct tsl_rec_end end;
	struct tsl_rec_cpu *end_cpus;	/* end.n_cpus of them */
	uint64_t first_ns, last_ns;	/* of records and samples; 0 if none */
	uint64_t sample_interval_ns;	/* first non-zero SAMPLE interval */
	uint64_t sample_interval_at;	/* offset of its chunk */
	uint64_t n_records;		/* flow identities included */
	uint64_t n_sample_chunks;
	uint64_t n_sample_entries;
	uint64_t end_off;		/* end of the last whole chunk read */
	bool cut;			/* the file ends inside a chunk after it */
};

/*
 * First pass: validate the whole file and index it. 0, or a negative errno
 * after printing one line ("tcpsleuth: FILE: reason at byte N"): -EINVAL
 * for a bad recording, -ENOMEM, or the -errno of a failed read. @quiet: no
 * warning for a recording without an END chunk. A file cut short inside a
 * chunk (a full disk, a kill during a write) is indexed up to its last
 * whole chunk, with one line that says so ("tcpsleuth: FILE: cut at byte N
 * inside a chunk; read up to byte M"), whatever @quiet.
 */
int tsl_iter_index_build(int fd, const char *name, struct tsl_iter_index *ix,
			 bool quiet);
void tsl_iter_index_free(struct tsl_iter_index *ix);
const struct tsl_iter_flow *tsl_iter_find_flow(const struct tsl_iter_index *ix,
					       uint64_t cookie);
/* CLOCK_REALTIME (ns) at the monotonic instant @mono, from the nearest pair; -ENOENT if unknown. */
int64_t tsl_iter_wall_ns(const struct tsl_iter_index *ix, uint64_t mono);
/* "2026-11-24T01:02:03.000000Z" into @buf (>= 32 bytes); empty if unknown. */
void tsl_iter_wall_str(const struct tsl_iter_index *ix, uint64_t mono,
		       char *buf, size_t len);
/* Name of sample key @key, "" if out of range. */
const char *tsl_iter_name(const struct tsl_iter_index *ix, uint32_t key);

struct tsl_iter_ops {
	/* A record, in time order across CPUs (lower CPU first on ties). */
	int (*event)(void *arg, const struct tsl_event *ev);
	/*
	 * A SAMPLE chunk, placed by its mono_ns among the records. Without
	 * @event, the merge reads the SAMPLE chunks alone.
	 */
	int (*sample)(void *arg, const struct tsl_rec_chunk *c);
};

/*
 * Second pass: call @ops for everything in time order. 0; a negative errno
 * after printing one line (-EINVAL for a bad file or one that changed since
 * the index, -ENOMEM, the -errno of a failed read); or a callback's
 * non-zero, returned as it is (a callback that fails prints why itself).
 * One forward scan of the file finds the CPUs' chunks, each CPU queueing
 * the offsets found ahead of its need: about TSL_ITER_GAP_NS plus the
 * recorder's delivery lag worth of chunks.
 */
int tsl_iter_merge(int fd, const char *name, const struct tsl_iter_index *ix,
		   const struct tsl_iter_ops *ops, void *arg);

/* What a merge took: the tests check that it stays small. */
struct tsl_iter_stats {
	size_t peak_queued;	/* most chunk offsets queued at once, all CPUs */
	uint64_t jumps;		/* EVENTS chunks read by offset: firsts, after gaps */
};

/* tsl_iter_merge(), filling @st. */
int tsl_iter_merge_stats(int fd, const char *name,
			 const struct tsl_iter_index *ix,
			 const struct tsl_iter_ops *ops, void *arg,
			 struct tsl_iter_stats *st);

#endif /* TSL_RECORDING_H */
