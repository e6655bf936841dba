// SPDX-License-Identifier: GPL-2.0-or-later
// Generic netlink to the module: its commands, its event stream, and the parsers of its messages.
#ifndef TSL_NL_H
#define TSL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tcpsleuth.h>
#include "capture.h"

struct nlmsghdr;

/* One TSL_CMD_EVENTS message; records point into the message. */
struct tsl_batch {
	uint32_t cpu;
	uint64_t seq;
	uint64_t produced;
	uint64_t dropped;
	uint64_t mono_ns;
	uint64_t real_ns;
	bool has_cycles;	/* records' ts_ns are TSC cycles (before tsl_nl_pump converts them) */
	uint64_t cycles;	/* the TSC at mono_ns */
	uint32_t tsc_khz;
	void *records;		/* n_records * TSL_EVENT_SIZE bytes, unaligned */
	uint32_t n_records;
};

/* One TSL_CMD_END message. */
struct tsl_end {
	uint32_t reason;	/* enum tsl_end_reason */
	uint64_t flows_refused;	/* 0 if not sent */
	struct tsl_cpu_stats *cpus;
	unsigned int n_cpus;
};

/* Receivers of the stream; each returns 0, or a negative errno (printed) to end the capture. */
struct tsl_stream_ops {
	int (*events)(void *arg, const struct tsl_batch *b);
	int (*end)(void *arg, const struct tsl_end *e);
};

/*
 * Functions returning int give 0 or a negative errno, after one line
 * saying why ("tcpsleuth: start: another reader is attached").
 */
/* START with the filter @f in the same message (the module installs both at once). */
int tsl_nl_start(struct tsl_nl *nl, const struct tsl_filter *f,
		 const struct tsl_stream_ops *ops, void *arg);
int tsl_nl_stop(struct tsl_nl *nl);
/*
 * Wait up to @timeout_ms for stream messages and hand them to the ops.
 * -ECANCELED: an op failed or a message was malformed (it said why).
 */
int tsl_nl_pump(struct tsl_nl *nl, int timeout_ms);
/* Netlink receive-buffer overruns seen (messages the kernel could not queue). */
unsigned long tsl_nl_overruns(const struct tsl_nl *nl);

/*
 * Message parsers, also used by the unit tests: 0, or -EINVAL after one
 * line naming the message and what was wrong with it (-ENOMEM: printed).
 */
int tsl_nl_parse_info(struct nlmsghdr *nlh, struct tsl_info *info);
int tsl_nl_parse_events(struct nlmsghdr *nlh, struct tsl_batch *b);
int tsl_nl_parse_end(struct nlmsghdr *nlh, struct tsl_end *e);
/* CPU_STATS: the counters that END or an INFO reply had no room for; *@cpus to free(). */
int tsl_nl_parse_cpu_stats(struct nlmsghdr *nlh, struct tsl_cpu_stats **cpus,
			   unsigned int *n);
/* The extended ACK message of an NLMSG_ERROR, or "" if it has none. */
void tsl_nl_extack(const struct nlmsghdr *nlh, char *out, size_t size);
void tsl_end_free(struct tsl_end *e);

#endif /* TSL_NL_H */
