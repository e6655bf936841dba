// SPDX-License-Identifier: GPL-2.0-or-later
// A recording read in time order: an index pass, then a k-way merge of the CPUs' events and the system samples.
#ifndef TSL_REC_ITER_H
#define TSL_REC_ITER_H

#include <stdbool.h>
#include <stdint.h>
#include <tcpsleuth.h>

#include "recording.h"

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
	uint64_t n_records;		/* flow identities included */
	uint64_t n_sample_chunks;
};

/*
 * First pass: validate the whole file and index it. 0, or -1 after printing
 * one line ("tcpsleuth: FILE: reason at byte N"). @quiet: no warning for a
 * recording without an END chunk.
 */
int tsl_iter_index_build(int fd, const char *name, struct tsl_iter_index *ix,
			 bool quiet);
void tsl_iter_index_free(struct tsl_iter_index *ix);
const struct tsl_iter_flow *tsl_iter_find_flow(const struct tsl_iter_index *ix,
					       uint64_t cookie);
/* CLOCK_REALTIME (ns) at the monotonic instant @mono, from the nearest pair; -1 if unknown. */
int64_t tsl_iter_wall_ns(const struct tsl_iter_index *ix, uint64_t mono);
/* "2026-11-24T01:02:03.000000Z" into @buf (>= 32 bytes); empty if unknown. */
void tsl_iter_wall_str(const struct tsl_iter_index *ix, uint64_t mono,
		       char *buf, size_t len);
/* Name of sample key @key, "" if out of range. */
const char *tsl_iter_name(const struct tsl_iter_index *ix, uint32_t key);

struct tsl_iter_ops {
	/* A record, in time order across CPUs (lower CPU first on ties). */
	int (*event)(void *arg, const struct tsl_event *ev);
	/* A SAMPLE chunk, placed by its mono_ns among the records. */
	int (*sample)(void *arg, const struct tsl_rec_chunk *c);
};

/*
 * Second pass: call @ops for everything in time order; 0, or -1 (printed) /
 * a callback's non-zero. One forward scan of the file finds the CPUs'
 * chunks, each CPU queueing the offsets found ahead of its need: about
 * TSL_ITER_GAP_NS plus the recorder's delivery lag worth of chunks.
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

#endif /* TSL_REC_ITER_H */
