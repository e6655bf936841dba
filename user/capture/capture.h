// SPDX-License-Identifier: GPL-2.0-or-later
// Capture: the trace filter, the module's state, and a recording made from its event stream (the one header other parts include).
#ifndef TSL_CAPTURE_H
#define TSL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tcpsleuth.h>

/* ---- the trace filter ---- */

struct tsl_prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* prefix length */
	uint8_t addr[16];	/* network order, host bits cleared */
};

struct tsl_filter {
	uint16_t port[TSL_FILTER_MAX_ENTRIES];
	uint16_t lport[TSL_FILTER_MAX_ENTRIES];
	uint16_t rport[TSL_FILTER_MAX_ENTRIES];
	struct tsl_prefix addr[TSL_FILTER_MAX_ENTRIES];
	uint32_t netns[TSL_FILTER_MAX_ENTRIES];
	unsigned int n_port, n_lport, n_rport, n_addr, n_netns;
	uint32_t kinds;		/* 0: every kind */
};

/*
 * Apply one option ("port", "lport", "rport", "host", "netns", "events")
 * to @f. 0, or -EINVAL after one line naming the option and what was
 * wrong with @arg.
 */
int tsl_filter_parse(struct tsl_filter *f, const char *opt, const char *arg);

/*
 * @f in words, as `status` shows it: "port 5201, host 10.0.0.0/8; events
 * tx,read" or "every socket; every event". Truncated to @len.
 */
void tsl_filter_format(const struct tsl_filter *f, char *buf, size_t len);

/* ---- the module ---- */

/* TSL_VERSION_CODE() is not in the uapi header; assume KERNEL_VERSION's layout. */
#define TSL_VERSION_MAJOR(v)	(((v) >> 16) & 0xff)
#define TSL_VERSION_MINOR(v)	(((v) >> 8) & 0xff)
#define TSL_VERSION_PATCH(v)	((v) & 0xff)
/* The oldest module this reader records from: 0.2.0 takes the filter with START. */
#define TSL_MODULE_VERSION_MIN	((0 << 16) | (2 << 8) | 0)

struct tsl_hook_info {
	char event[32];
	char target[128];
	uint8_t type;		/* enum tsl_hook_type */
	uint8_t fallback;
	uint8_t attached;
	bool has_hits;		/* not shown to a reader confined to its namespace */
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
	uint32_t nr_cpus;	/* possible CPUs, 0 if not sent (modules before 0.2) */
	struct tsl_cpu_stats *cpus;	/* those whose rings produced records */
	unsigned int n_cpus;
};

struct tsl_nl;

/*
 * Functions returning int give 0 or a negative errno, after one line saying
 * why ("tcpsleuth: kernel module not loaded (modprobe tcpsleuth)").
 */
int tsl_nl_open(struct tsl_nl **out);
void tsl_nl_close(struct tsl_nl *nl);
int tsl_nl_info(struct tsl_nl *nl, struct tsl_info *info);
void tsl_info_free(struct tsl_info *info);

/* ---- a capture into a recording ---- */

#define TSL_CAPTURE_INTERVAL_MS	100	/* system samples, by default */

struct tsl_capture_opts {
	struct tsl_filter filter;
	double duration;	/* seconds; 0: until SIGINT or SIGTERM */
	unsigned int interval_ms;	/* system samples; 0: none */
	int icmp_interval_ms;	/* peer probes; 0: none, -1: every sample */
	bool quiet;		/* no progress line */
	bool countdown;		/* the progress line shows the time left */
};

/* Every socket and event, samples every TSL_CAPTURE_INTERVAL_MS, no end. */
void tsl_capture_opts_default(struct tsl_capture_opts *o);

struct tsl_capture;

/* NULL when out of memory (printed). */
struct tsl_capture *tsl_capture_new(const struct tsl_capture_opts *o);
/*
 * START with the filter, record the event stream and the system samples
 * into @bin until the duration, a signal or the module's END, then STOP and
 * wait for END. 0, or a negative errno after one line saying why; a
 * capture that started leaves a readable recording either way.
 */
int tsl_capture_run(struct tsl_capture *cap, struct tsl_nl *nl, FILE *bin,
		    const char *bin_name);
/* START was accepted, so @bin holds a recording. */
bool tsl_capture_started(const struct tsl_capture *cap);
/*
 * The closing line ("recorded N events ...") and the loss check against the
 * module's final counters: 0, or -EPROTO (each problem printed) when
 * records were lost uncounted. Nothing when the stream never ended.
 */
int tsl_capture_summary(const struct tsl_capture *cap, const struct tsl_nl *nl);
void tsl_capture_free(struct tsl_capture *cap);

#endif /* TSL_CAPTURE_H */
