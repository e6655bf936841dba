// SPDX-License-Identifier: GPL-2.0-or-later
// Recording files: a header, then length-prefixed chunks, written and read as streams.
#ifndef TSL_RECORDING_H
#define TSL_RECORDING_H

#include <stdint.h>
#include <stdio.h>

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

#define TSL_REC_NO_DELIVERED	UINT64_MAX

struct tsl_rec_events {
	uint32_t cpu;
	uint32_t n_records;
	uint64_t seq;		/* per-CPU index of the first record */
	uint64_t produced;
	uint64_t dropped;
	uint64_t delivered;	/* TSL_REC_NO_DELIVERED when not sent */
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
};

/* tsl_rec_sample_entry.flags */
#define TSL_SAMPLE_DELTA	0x01	/* increase since the previous sample */
#define TSL_SAMPLE_CENTI	0x02	/* value in hundredths (percentages) */

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
struct tsl_rec_reader;

/* Writer on @fp (not closed by it); @name is used in messages. */
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
/* Flush and free; 0, or -1 after printing why any write failed. */
int tsl_rec_writer_finish(struct tsl_rec_writer *w);

/* Reader with pread() on @fd, so several can share one file. */
struct tsl_rec_reader *tsl_rec_reader_new(int fd, const char *name);
/* 1: a chunk; 0: end of file; -1: bad file, see tsl_rec_error(). */
int tsl_rec_next(struct tsl_rec_reader *r, struct tsl_rec_chunk *c);
int tsl_rec_read_at(struct tsl_rec_reader *r, uint64_t offset,
		    struct tsl_rec_chunk *c);
/*
 * Skimming: the header of the chunk at @offset into @c (type, len, offset,
 * next; no views) and the first @len bytes of its payload into @head (zeros
 * past the payload's end), with one read and no check of the payload.
 * 1, 0 at end of file, -1.
 */
int tsl_rec_peek(struct tsl_rec_reader *r, uint64_t offset,
		 struct tsl_rec_chunk *c, void *head, size_t len);
/* "FILE: reason at byte N" */
const char *tsl_rec_error(const struct tsl_rec_reader *r);
void tsl_rec_reader_free(struct tsl_rec_reader *r);

#endif /* TSL_RECORDING_H */
