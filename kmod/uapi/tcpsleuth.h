/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* tcpsleuth wire format: generic netlink family, attributes and event records. */
#ifndef _UAPI_TCPSLEUTH_H
#define _UAPI_TCPSLEUTH_H

#include <linux/types.h>

/*
 * This header only grows: new commands, attributes, event kinds and fields
 * are appended; nothing is renumbered or resized. A value that was named
 * but never used stays reserved (in an enum, as __TSL_*_RESERVED_<value>).
 */

#define TSL_GENL_NAME		"tcpsleuth"
/*
 * 2: the filter travels in START (TSL_A_FILTER); SET_FILTER is refused
 * (EOPNOTSUPP). 1: SET_FILTER, then START.
 */
#define TSL_GENL_VERSION	2

/*
 * Commands. Every one needs CAP_NET_ADMIN over the initial user namespace.
 * A sender outside the initial network namespace (or, were that permission
 * ever lifted, without it) is confined: it records only its own network
 * namespace's sockets, and INFO shows it nothing of another's recording.
 */
enum tsl_cmd {
	TSL_CMD_UNSPEC,
	TSL_CMD_INFO,		/* request: none; reply: TSL_A_* (to a confined sender,
				 * no hook hits, and no flows, CPU counters or
				 * filter unless the recording is one confined to
				 * its own namespace) */
	TSL_CMD_SET_FILTER,	/* refused (EOPNOTSUPP) since family version 2:
				 * the filter goes with START */
	TSL_CMD_START,		/* request: TSL_A_FILTER (nested; absent: every socket
				 * and kind), installed with the start; the sender's
				 * socket receives the stream. A confined sender's
				 * filter gets its namespace as TSL_FILTER_A_NETNS;
				 * naming another is refused (EPERM) */
	TSL_CMD_STOP,		/* request: none; drains, sends TSL_CMD_END, detaches */
	TSL_CMD_EVENTS,		/* module -> reader: one batch of records of one CPU */
	TSL_CMD_END,		/* module -> reader: the stream ended: TSL_A_END_REASON,
				 * TSL_A_FLOWS_REFUSED, the clock pair and final
				 * TSL_A_CPUS counters (nothing is queued then) */
	TSL_CMD_CPU_STATS,	/* module -> reader: TSL_A_CPUS that did not fit in
				 * one message: the stream's (sequence 0) come just
				 * before END, the rest of whose counters they are;
				 * an INFO request's (its sequence) come after the
				 * INFO reply, before the ACK */
	__TSL_CMD_MAX,
};
#define TSL_CMD_MAX (__TSL_CMD_MAX - 1)

/* Top-level attributes. */
enum tsl_attr {
	TSL_A_UNSPEC,
	TSL_A_PAD,
	TSL_A_VERSION,		/* u32: module version, (major << 16) | (minor << 8) | patch */
	TSL_A_KERNEL,		/* string: release of the running kernel */
	TSL_A_ACTIVE,		/* u8: 1 while a reader is attached */
	TSL_A_BUF_RECORDS,	/* u32: records per CPU ring */
	TSL_A_RECORD_SIZE,	/* u32: sizeof(struct tsl_event) */
	TSL_A_MAX_FLOWS,	/* u32 */
	TSL_A_FLOWS_IN_USE,	/* u32 */
	TSL_A_FLOWS_REFUSED,	/* u64: events not recorded because their flow found
				 * no room in the flow table (max_flows) */
	TSL_A_HOOKS,		/* nested: TSL_A_HOOK (nested TSL_HOOK_A_*) per hook */
	TSL_A_HOOK,
	TSL_A_CPUS,		/* nested: TSL_A_CPU_STATS (nested TSL_CPU_A_*) per CPU,
				 * in CPU order; a CPU whose ring produced no record
				 * is left out (all its counters are 0) */
	TSL_A_CPU_STATS,
	TSL_A_FILTER,		/* nested: TSL_FILTER_A_* */
	TSL_A_CPU,		/* u32: CPU a batch comes from */
	TSL_A_SEQ,		/* u64: records of this CPU delivered before this batch (0 at START) */
	TSL_A_PRODUCED,		/* u64: records this CPU produced so far (delivered + dropped + queued) */
	TSL_A_DROPPED,		/* u64: records this CPU dropped so far (ring full) */
	TSL_A_RECORDS,		/* binary: an array of struct tsl_event */
	TSL_A_MONO_NS,		/* u64: CLOCK_MONOTONIC when the message was built */
	TSL_A_REAL_NS,		/* u64: CLOCK_REALTIME at the same instant */
	TSL_A_END_REASON,	/* u32: enum tsl_end_reason */
	__TSL_A_RESERVED_23,	/* value 23: never sent; unused, do not reuse */
	TSL_A_CYCLES,		/* u64: the TSC at the instant of TSL_A_MONO_NS; in an
				 * EVENTS message, says its records' ts_ns are TSC
				 * cycles, to convert through such pairs */
	TSL_A_TSC_KHZ,		/* u32: the TSC's rate (kernel's calibration); with
				 * TSL_A_CYCLES, and in INFO when records are (or the
				 * next recording's would be) timed by the TSC */
	TSL_A_NR_CPUS,		/* u32: in INFO, the possible CPUs (nr_cpu_ids): each
				 * has a ring */
	__TSL_A_MAX,
};
#define TSL_A_MAX (__TSL_A_MAX - 1)

/* Per hook, in TSL_A_HOOK. */
enum tsl_hook_attr {
	TSL_HOOK_A_UNSPEC,
	TSL_HOOK_A_EVENT,	/* string: event it feeds ("tx", "ack_rx", ...) */
	TSL_HOOK_A_TYPE,	/* u8: enum tsl_hook_type */
	TSL_HOOK_A_TARGET,	/* string: tracepoint or function name */
	TSL_HOOK_A_FALLBACK,	/* u8: 1 when the preferred hook was not available */
	TSL_HOOK_A_ATTACHED,	/* u8: 1 while registered */
	TSL_HOOK_A_HITS,	/* u64: times the hook ran while attached */
	__TSL_HOOK_A_MAX,
};
#define TSL_HOOK_A_MAX (__TSL_HOOK_A_MAX - 1)

enum tsl_hook_type {
	TSL_HOOK_NONE,		/* not available on this kernel */
	TSL_HOOK_TRACEPOINT,
	TSL_HOOK_KPROBE,
	TSL_HOOK_FTRACE,	/* ftrace_ops callback at function entry */
	TSL_HOOK_DIRECT,	/* direct call from the function's fentry site */
};

/* Per CPU, in TSL_A_CPU_STATS. */
enum tsl_cpu_attr {
	TSL_CPU_A_UNSPEC,
	TSL_CPU_A_PAD,
	TSL_CPU_A_CPU,		/* u32 */
	TSL_CPU_A_PRODUCED,	/* u64 */
	TSL_CPU_A_DELIVERED,	/* u64 */
	TSL_CPU_A_DROPPED,	/* u64 */
	TSL_CPU_A_QUEUED,	/* u32: records in the ring now */
	TSL_CPU_A_DROPPED_KIND,	/* binary: u64[TSL_EV_MAX + 1], drops per event kind */
	__TSL_CPU_A_MAX,
};
#define TSL_CPU_A_MAX (__TSL_CPU_A_MAX - 1)

/*
 * Filter, in TSL_A_FILTER. Entries of one attribute type are alternatives
 * (OR); different types must all match (AND); an absent type matches all.
 */
enum tsl_filter_attr {
	TSL_FILTER_A_UNSPEC,
	TSL_FILTER_A_PORT,	/* u16 (host order): local or remote port */
	TSL_FILTER_A_LPORT,	/* u16: local port */
	TSL_FILTER_A_RPORT,	/* u16: remote port */
	TSL_FILTER_A_ADDR,	/* nested TSL_PREFIX_A_*: local or remote address */
	TSL_FILTER_A_NETNS,	/* u32: network namespace inode number */
	TSL_FILTER_A_KINDS,	/* u32: bit (1 << TSL_EV_x) per event kind to record;
				 * keep TSL_EV_FLOW set to learn flows' addresses */
	__TSL_FILTER_A_MAX,
};
#define TSL_FILTER_A_MAX (__TSL_FILTER_A_MAX - 1)
#define TSL_FILTER_MAX_ENTRIES	16	/* per attribute type */

enum tsl_prefix_attr {
	TSL_PREFIX_A_UNSPEC,
	TSL_PREFIX_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	TSL_PREFIX_A_ADDR,	/* binary: 4 or 16 bytes, network order */
	TSL_PREFIX_A_LEN,	/* u8: prefix length, <= 32 or <= 128 */
	__TSL_PREFIX_A_MAX,
};
#define TSL_PREFIX_A_MAX (__TSL_PREFIX_A_MAX - 1)

enum tsl_end_reason {
	TSL_END_STOPPED,	/* TSL_CMD_STOP */
	TSL_END_UNLOAD,		/* the module is being removed */
	__TSL_END_RESERVED_2,	/* value 2: never sent; unused, do not reuse */
};

/* Event kinds. */
enum tsl_event_kind {
	TSL_EV_NONE,
	TSL_EV_FLOW,		/* a flow's identity, before its first event */
	TSL_EV_TX,
	TSL_EV_ACK_RX,
	TSL_EV_DATA_RX,
	TSL_EV_READ,
	TSL_EV_ACK_TX,
	TSL_EV_RETRANS,
	TSL_EV_RTO,
	TSL_EV_STATE,
	TSL_EV_DROP,
	__TSL_EV_MAX,
};
#define TSL_EV_MAX (__TSL_EV_MAX - 1)
#define TSL_EV_ALL (((1u << __TSL_EV_MAX) - 1) & ~1u)

/* tsl_event.flags */
#define TSL_F_RETRANS	0x01	/* tx: the segment was sent before */
#define TSL_F_OFO	0x02	/* data_rx: seq != rcv_nxt (out of order or duplicate) */
#define TSL_F_IPV6	0x04	/* flow: an AF_INET6 socket */
#define TSL_F_DELAYED	0x08	/* ack_rx: the kernel thinks the ACK was delayed */
/* 0x10: never set; unused, do not reuse */
#define TSL_F_UNSEEN	0x20	/* data_rx: payload found queued that no hook saw
				 * arrive (seq..seq+len); the time is when it was
				 * found, at the next arrival or read */
#define TSL_F_DERIVE	0x40	/* read, ack_tx: res_first_us, res_last_us (read)
				 * and delay_us (ack_tx) are 0 from the module: the
				 * reader works them out from the flow's data_rx
				 * records (read.seq names the first byte read) */

/* ack_tx reasons */
enum tsl_ack_reason {
	TSL_ACK_OTHER,
	TSL_ACK_TIMER,		/* the delayed-ACK timer sent it */
	TSL_ACK_QUICK,		/* a pure ACK for new data, sent at once */
	TSL_ACK_PIGGYBACK,	/* carried by a data segment */
	TSL_ACK_WINDOW,		/* a pure ACK acknowledging nothing new (window update, dup) */
};

#define TSL_COMM_LEN 16

struct tsl_ev_flow {
	__u8	saddr[16];	/* IPv4 in the first 4 bytes; network order */
	__u8	daddr[16];
	__u16	sport;		/* host order */
	__u16	dport;
	__u32	netns;		/* namespace inode number */
};

struct tsl_ev_tx {
	__u32	seq;
	__u32	end_seq;
	__u32	len;		/* payload bytes */
	__u32	segs;		/* GSO segments */
	__u32	cwnd;
	__u32	in_flight;	/* packets in flight before this one */
	__u32	sndq;		/* write_seq - snd_una: unacknowledged + unsent bytes */
	__u32	snd_wnd;
};

struct tsl_ev_ack_rx {
	__u32	ack;		/* snd_una after the ACK */
	__u32	acked;		/* bytes newly acknowledged */
	__s32	rtt_us;		/* the kernel's RTT sample for this ACK, -1 if none */
	__u32	srtt_us;
	__u32	rttvar_us;
	__u32	rto_us;
	__u32	cwnd;
	__u32	ssthresh;
	__u32	snd_wnd;
	__u8	ca_state;	/* TCP_CA_Open ... TCP_CA_Loss */
	__u8	pad[3];
};

struct tsl_ev_data_rx {
	__u32	seq;
	__u32	len;
	__u32	rcv_nxt;	/* before this segment */
	__u32	rcvq;		/* rcv_nxt - copied_seq: bytes not yet read */
	__u32	rcv_wnd;	/* window currently advertised */
	__u32	rcvbuf;		/* sk_rcvbuf */
};

struct tsl_ev_read {
	__u32	bytes;		/* consumed by this read */
	__u32	rcvq;		/* still queued after it */
	__u32	res_first_us;	/* time the first consumed byte spent queued */
	__u32	res_last_us;	/* time the last consumed byte spent queued */
	__u32	pid;		/* thread group id of the reader */
	char	comm[TSL_COMM_LEN];
	__u32	seq;		/* first byte consumed (with TSL_F_DERIVE) */
};

struct tsl_ev_ack_tx {
	__u32	ack;		/* rcv_nxt acknowledged */
	__u32	delay_us;	/* since the oldest data it acknowledges arrived */
	__u32	rcv_wnd;
	__u32	bytes;		/* bytes newly acknowledged */
	__u8	reason;		/* enum tsl_ack_reason */
	__u8	pad[3];
};

struct tsl_ev_retrans {
	__u32	seq;
	__u32	end_seq;
	__u32	segs;		/* segments retransmitted */
	__u32	total_retrans;	/* tcp_sock total_retrans after this one */
	__u8	ca_state;
	__u8	pad[3];
};

struct tsl_ev_rto {
	__u32	rto_us;
	__u32	snd_una;
	__u32	packets_out;
	__u8	retransmits;	/* icsk_retransmits before this expiry */
	__u8	backoff;
	__u8	pad[2];
};

struct tsl_ev_state {
	__u8	oldstate;	/* TCP_ESTABLISHED ... */
	__u8	newstate;
	__u8	pad[2];
	__u32	pid;		/* 0 when not in task context */
	char	comm[TSL_COMM_LEN];
};

struct tsl_ev_drop {
	__u32	count;		/* sk_drops increase since the last look */
	__u32	total;		/* sk_drops now */
	__u32	rcvq;
	__u32	rcvbuf;
};

/* One record; 64 bytes, fixed. */
struct tsl_event {
	__u64	ts_ns;		/* CLOCK_MONOTONIC; TSC cycles in an EVENTS message with TSL_A_CYCLES */
	__u64	cookie;		/* socket cookie, as sock_diag and ss show it */
	__u16	cpu;		/* the ring's CPU: 0 from the module, which names it in the
				 * EVENTS message (TSL_A_CPU); the reader fills it in */
	__u8	kind;		/* enum tsl_event_kind */
	__u8	flags;		/* TSL_F_* */
	__u32	pad;
	union {
		struct tsl_ev_flow	flow;
		struct tsl_ev_tx	tx;
		struct tsl_ev_ack_rx	ack_rx;
		struct tsl_ev_data_rx	data_rx;
		struct tsl_ev_read	read;
		struct tsl_ev_ack_tx	ack_tx;
		struct tsl_ev_retrans	retrans;
		struct tsl_ev_rto	rto;
		struct tsl_ev_state	state;
		struct tsl_ev_drop	drop;
		__u8			raw[40];
	};
};

#define TSL_EVENT_SIZE 64

#endif /* _UAPI_TCPSLEUTH_H */
