// SPDX-License-Identifier: GPL-2.0-or-later
// Capture over generic netlink: commands to the module and its event stream.
#ifndef TSL_NL_H
#define TSL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tcpsleuth.h>
#include "filter.h"

struct nlmsghdr;
struct tsl_filter;

/* TSL_VERSION_CODE() is not in the uapi header; assume KERNEL_VERSION's layout. */
#define TSL_VERSION_MAJOR(v)	(((v) >> 16) & 0xff)
#define TSL_VERSION_MINOR(v)	(((v) >> 8) & 0xff)
#define TSL_VERSION_PATCH(v)	((v) & 0xff)

struct tsl_hook_info {
	char event[32];
	char target[128];
	uint8_t type;		/* enum tsl_hook_type */
	uint8_t fallback;
	uint8_t attached;
	uint64_t hits;
};

struct tsl_cpu_stats {
	uint32_t cpu;
	uint64_t produced;
	uint64_t delivered;
	uint64_t dropped;
	uint32_t queued;
	uint64_t dropped_kind[TSL_EV_MAX + 1];
};

struct tsl_info {
	uint32_t version;
	char kernel[128];
	uint8_t active;
	uint32_t buf_records;
	uint32_t record_size;
	uint32_t max_flows;
	uint32_t flows_in_use;
	uint64_t flows_refused;
	uint32_t tsc_khz;	/* records timed by the TSC at this rate; 0: CLOCK_MONOTONIC */
	bool has_filter;
	struct tsl_filter filter;	/* the module's (the recording's, while active) */
	struct tsl_hook_info *hooks;
	unsigned int n_hooks;
	struct tsl_cpu_stats *cpus;
	unsigned int n_cpus;
};

/* One TSL_CMD_EVENTS message; records point into the message. */
struct tsl_batch {
	uint32_t cpu;
	uint64_t seq;
	uint64_t produced;
	uint64_t dropped;
	uint64_t delivered;
	bool has_delivered;
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

/* Receivers of the stream; each returns 0, or -1 to abort the capture. */
struct tsl_stream_ops {
	int (*events)(void *arg, const struct tsl_batch *b);
	int (*end)(void *arg, const struct tsl_end *e);
};

struct tsl_nl;

/* Functions returning int give 0 or a negative errno; tsl_nl_perror() explains. */
int tsl_nl_open(struct tsl_nl **out);
void tsl_nl_close(struct tsl_nl *nl);
int tsl_nl_info(struct tsl_nl *nl, struct tsl_info *info);
int tsl_nl_set_filter(struct tsl_nl *nl, const struct tsl_filter *f);
int tsl_nl_start(struct tsl_nl *nl, const struct tsl_stream_ops *ops,
		 void *arg);
int tsl_nl_stop(struct tsl_nl *nl);
/*
 * Wait up to @timeout_ms for stream messages and hand them to the ops.
 * -ECANCELED: an op failed or a message was malformed (already reported).
 */
int tsl_nl_pump(struct tsl_nl *nl, int timeout_ms);
/* Netlink receive-buffer overruns seen (messages the kernel could not queue). */
unsigned long tsl_nl_overruns(const struct tsl_nl *nl);
/* Print "tcpsleuth: <what>: <reason>" for an error of the functions above. */
void tsl_nl_perror(const struct tsl_nl *nl, const char *what, int err);

/* Message parsers, also used by the unit tests; 0, or -1 with @err set. */
int tsl_nl_parse_info(struct nlmsghdr *nlh, struct tsl_info *info,
		      char *err, size_t errlen);
int tsl_nl_parse_events(struct nlmsghdr *nlh, struct tsl_batch *b,
			char *err, size_t errlen);
int tsl_nl_parse_end(struct nlmsghdr *nlh, struct tsl_end *e,
		     char *err, size_t errlen);
/* The extended ACK message of an NLMSG_ERROR, or "" if it has none. */
void tsl_nl_extack(const struct nlmsghdr *nlh, char *out, size_t size);
void tsl_info_free(struct tsl_info *info);
void tsl_end_free(struct tsl_end *e);

#endif /* TSL_NL_H */
