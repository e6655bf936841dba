// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the time-ordered merge: CPUs interleaved, idle, late, with empty chunks; small queues.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "recording/chunks.h"
#include "mem_recording.h"
#include "recording/recording.h"
#include "stderr_capture.h"

#define T0		1000000000000ull	/* 1000 s */
#define US		1000ull
#define MS		1000000ull
#define SAMPLES		UINT32_MAX		/* order of the samples: last on ties */
#define MAX_RECORDS	64

/* A record or a sample: when, whose, and its place in the file. */
struct item {
	uint64_t ts;
	uint32_t order;		/* CPU, or SAMPLES */
	size_t seq;
};

struct items {
	struct item *v;
	size_t n, cap;
};

/* A recording written to memory, what went into it, and what its merge gave. */
struct rec {
	struct mem_rec m;
	struct items want, got;
	struct tsl_iter_index ix;
	struct tsl_iter_stats st;
};

static void push(struct items *l, uint64_t ts, uint32_t order)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n] = (struct item){ ts, order, l->n };
	l->n++;
}

static void rec_open(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	mem_rec_open(&r->m, T0);
}

/* An EVENTS chunk of CPU @cpu: @n records from @ts, @step apart. */
static void put_chunk(struct rec *r, uint32_t cpu, uint64_t ts, uint64_t step,
		      uint32_t n)
{
	struct tsl_rec_events e = { .cpu = cpu, .n_records = n,
		.unused = TSL_REC_UNUSED, .mono_ns = ts,
		.real_ns = 1795482123000000000ull + (ts - T0) };
	struct tsl_event ev[MAX_RECORDS];
	uint32_t i;

	assert_true(n <= MAX_RECORDS);
	memset(ev, 0, sizeof(ev));
	for (i = 0; i < n; i++) {
		ev[i].ts_ns = ts + i * step;
		ev[i].cpu = cpu;
		ev[i].kind = TSL_EV_TX;
		push(&r->want, ev[i].ts_ns, cpu);
	}
	assert_int_equal(tsl_rec_write_events(r->m.w, &e, ev), 0);
}

static void put_sample(struct rec *r, uint64_t ts)
{
	struct tsl_rec_sample s = { .version = TSL_SAMPLE_VERSION,
		.entry_size = sizeof(struct tsl_rec_sample_entry),
		.mono_ns = ts };

	assert_int_equal(tsl_rec_write_sample(r->m.w, &s, NULL), 0);
	push(&r->want, ts, SAMPLES);
}

static int on_event(void *arg, const struct tsl_event *ev)
{
	push(arg, ev->ts_ns, ev->cpu);
	return 0;
}

static int on_sample(void *arg, const struct tsl_rec_chunk *c)
{
	push(arg, c->sample->mono_ns, SAMPLES);
	return 0;
}

/* Time order: lower CPU first on ties, samples last, then file order. */
static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void rec_finish(struct rec *r)
{
	mem_rec_finish(&r->m);
}

/* A file holding the finished recording. */
static int rec_file(const struct rec *r)
{
	return mem_rec_file(&r->m);
}

/* Index and merge the recording; everything comes out sorted by (ts, CPU). */
static void rec_check(struct rec *r)
{
	static const struct tsl_iter_ops ops = { .event = on_event,
		.sample = on_sample };
	size_t i;
	int fd;

	rec_finish(r);
	fd = rec_file(r);
	assert_int_equal(tsl_iter_index_build(fd, "t.rec", &r->ix, false), 0);
	assert_int_equal(tsl_iter_merge_stats(fd, "t.rec", &r->ix, &ops,
					      &r->got, &r->st), 0);
	close(fd);
	qsort(r->want.v, r->want.n, sizeof(*r->want.v), cmp_item);
	assert_int_equal(r->got.n, r->want.n);
	for (i = 0; i < r->want.n; i++) {
		if (r->got.v[i].ts != r->want.v[i].ts ||
		    r->got.v[i].order != r->want.v[i].order)
			fail_msg("item %zu: got ts %llu order %u, want ts %llu order %u",
				 i, (unsigned long long)r->got.v[i].ts,
				 r->got.v[i].order,
				 (unsigned long long)r->want.v[i].ts,
				 r->want.v[i].order);
	}
}

static void rec_free(struct rec *r)
{
	tsl_iter_index_free(&r->ix);
	free(r->want.v);
	free(r->got.v);
	free(r->m.image);
}

/* Two CPUs' chunks alternate and overlap in time, with ties between them and with samples. */
static void test_interleaved(void **state)
{
	struct rec r;
	uint64_t i;

	(void)state;
	rec_open(&r);
	for (i = 0; i < 40; i++) {
		uint64_t t = T0 + i * 80 * US;

		put_chunk(&r, 0, t, 10 * US, 8);
		put_chunk(&r, 1, t + 5 * US, 5 * US, 16);	/* ties at 10 us */
		if (i % 5 == 4)
			put_sample(&r, t + 30 * US);		/* a tie too */
	}
	rec_check(&r);
	assert_int_equal(r.ix.cpus[0].n_chunks, 40);
	assert_int_equal(r.ix.cpus[0].n_gaps, 0);
	assert_int_equal(r.ix.cpus[1].n_gaps, 0);
	assert_int_equal(r.st.jumps, 2);	/* the two first chunks */
	rec_free(&r);
}

/*
 * CPU 1 idles for 1.3 s while CPU 0 writes a chunk every 10 ms: the merge
 * jumps over the gap instead of queueing CPU 0's 130 chunks in between.
 */
static void test_idle_gap(void **state)
{
	struct rec r;
	uint64_t i;

	(void)state;
	rec_open(&r);
	for (i = 0; i < 200; i++) {
		uint64_t t = T0 + i * 10 * MS;

		put_chunk(&r, 0, t, MS, 4);
		if (i < 20 || i >= 150)
			put_chunk(&r, 1, t + 2 * MS, MS, 4);
	}
	rec_check(&r);
	assert_int_equal(r.ix.cpus[0].n_gaps, 0);
	assert_int_equal(r.ix.cpus[1].n_gaps, 1);
	assert_int_equal(r.ix.cpus[1].n_chunks, 70);
	assert_true(r.st.peak_queued <= 4);
	assert_int_equal(r.st.jumps, 3);
	rec_free(&r);
}

/*
 * Chunks without records, of active CPUs, in the middle of an idle stretch,
 * and of a CPU (2) that never records: none is indexed or read.
 */
static void test_empty_chunks(void **state)
{
	struct rec r;
	uint64_t i;

	(void)state;
	rec_open(&r);
	put_chunk(&r, 2, T0, 0, 0);
	put_chunk(&r, 1, T0, 0, 0);
	for (i = 0; i < 60; i++) {
		uint64_t t = T0 + i * 20 * MS;

		put_chunk(&r, 0, t, MS, i % 3 ? 5 : 0);
		put_chunk(&r, 2, t, 0, 0);
		if (i < 10 || i > 30 || i % 4 == 0)
			put_chunk(&r, 1, t + MS, 2 * MS, i < 10 || i > 30 ? 3 : 0);
		put_chunk(&r, 3, t + MS, MS, i % 2 ? 2 : 0);
	}
	rec_check(&r);
	assert_int_equal(r.ix.n_cpus, 4);
	assert_int_equal(r.ix.cpus[0].n_chunks, 40);
	assert_int_equal(r.ix.cpus[1].n_chunks, 39);
	assert_int_equal(r.ix.cpus[1].n_gaps, 1);
	assert_int_equal(r.ix.cpus[2].n_chunks, 0);
	assert_int_equal(r.ix.cpus[3].n_chunks, 30);
	rec_free(&r);
}

/*
 * CPU 1's chunks reach the file 30 chunks after CPU 0's of the same time,
 * and CPU 0 idles once: the chunk after its gap is already queued when it
 * is needed.
 */
static void test_skew(void **state)
{
	const unsigned int lag = 30, n = 100;
	struct rec r;
	unsigned int i;

	(void)state;
	rec_open(&r);
	for (i = 0; i < n + lag; i++) {
		uint64_t t = T0 + i * 10 * MS;

		if (i < n && (i < 40 || i >= 60))
			put_chunk(&r, 0, t, 3 * MS, 4);
		if (i >= lag)
			put_chunk(&r, 1, t - lag * 10 * MS + MS, 3 * MS, 4);
	}
	rec_check(&r);
	assert_int_equal(r.ix.cpus[0].n_gaps, 1);
	assert_int_equal(r.ix.cpus[1].n_gaps, 0);
	assert_int_equal(r.st.jumps, 2);	/* the gap's chunk was queued */
	assert_true(r.st.peak_queued <= lag + 1);	/* CPU 0's, over the lag */
	rec_free(&r);
}

/* All of CPU 1 comes after all of CPU 0 in the file. */
static void test_cpu_last_in_file(void **state)
{
	struct rec r;
	unsigned int cpu, i;

	(void)state;
	rec_open(&r);
	for (cpu = 0; cpu < 2; cpu++)
		for (i = 0; i < 50; i++)
			put_chunk(&r, cpu, T0 + i * MS + cpu * 100 * US, 50 * US, 20);
	put_sample(&r, T0 + 25 * MS);
	rec_check(&r);
	rec_free(&r);
}

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
	*seed = *seed * 1103515245u + 12345u;
	return ((*seed >> 8) & 0xffffff) % n;
}

/* A chunk waiting to be written, at the time the recorder would get it. */
struct pending {
	uint64_t deliver, ts, step;
	uint32_t cpu, n;
};

static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->deliver != y->deliver)
		return x->deliver < y->deliver ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* Four CPUs with random chunk sizes, idle stretches and delivery delays. */
static void test_random(void **state)
{
	enum { N_CPUS = 4, PER_CPU = 300 };
	struct pending *p = calloc(N_CPUS * PER_CPU, sizeof(*p));
	uint32_t seed = 7, cpu, i;
	struct rec r;

	(void)state;
	assert_non_null(p);
	rec_open(&r);
	for (cpu = 0; cpu < N_CPUS; cpu++) {
		uint64_t ts = T0, deliver = T0;

		for (i = 0; i < PER_CPU; i++) {
			struct pending *c = &p[cpu * PER_CPU + i];

			ts += rnd(&seed, 10) ? rnd(&seed, 5 * MS) : rnd(&seed, 400 * MS);
			*c = (struct pending){ .cpu = cpu, .ts = ts,
				.step = rnd(&seed, 3) * MS, .n = rnd(&seed, 6) };
			ts += c->step * (c->n ? c->n - 1 : 0);
			c->deliver = ts + rnd(&seed, 50 * MS);
			if (c->deliver < deliver)	/* in order per CPU */
				c->deliver = deliver;
			deliver = c->deliver;
		}
	}
	qsort(p, N_CPUS * PER_CPU, sizeof(*p), cmp_pending);
	for (i = 0; i < N_CPUS * PER_CPU; i++) {
		put_chunk(&r, p[i].cpu, p[i].ts, p[i].step, p[i].n);
		if (i % 50 == 0)
			put_sample(&r, p[i].deliver);
	}
	rec_check(&r);
	rec_free(&r);
	free(p);
}

/* Peak queued offsets of an interleaved two-CPU recording of @n chunks per CPU. */
static size_t peak_queued(unsigned int n)
{
	struct rec r;
	unsigned int i;
	size_t peak;

	rec_open(&r);
	for (i = 0; i < n; i++) {
		uint64_t t = T0 + i * 100 * US;

		put_chunk(&r, 0, t, 20 * US, 4);
		put_chunk(&r, 1, t + 10 * US, 30 * US, 3);
		if (i % 1000 == 0)
			put_sample(&r, t);
	}
	rec_check(&r);
	assert_int_equal(r.ix.cpus[1].n_chunks, n);
	peak = r.st.peak_queued;
	rec_free(&r);
	return peak;
}

/* The queues hold a few chunks, however long the recording. */
static void test_queues_stay_small(void **state)
{
	size_t short_peak = peak_queued(1000), long_peak = peak_queued(20000);

	(void)state;
	assert_true(long_peak <= 4);
	assert_int_equal(long_peak, short_peak);
}

/* Where the recording's @k-th EVENTS chunk of 4 records starts. */
static off_t chunk_at(unsigned int k)
{
	return sizeof(struct tsl_rec_header) + sizeof(struct tsl_rec_chunk_hdr) +
	       sizeof(struct tsl_rec_start) +
	       k * (sizeof(struct tsl_rec_chunk_hdr) +
		    sizeof(struct tsl_rec_events) + 4 * TSL_EVENT_SIZE);
}

static void cut(int fd, off_t len)
{
	assert_int_equal(ftruncate(fd, len / 2), 0);
}

/* CPU 0's first chunk, read by offset, now says CPU 1. */
static void move_first(int fd, off_t len)
{
	uint32_t cpu = 1;

	(void)len;
	assert_int_equal(pwrite(fd, &cpu, sizeof(cpu), chunk_at(0) +
				sizeof(struct tsl_rec_chunk_hdr)), sizeof(cpu));
}

/* One of CPU 1's chunks, to be found by the scan, is no longer EVENTS. */
static void hide_one(int fd, off_t len)
{
	uint32_t type = 77;

	(void)len;
	assert_int_equal(pwrite(fd, &type, sizeof(type), chunk_at(9)),
			 sizeof(type));
}

static int ignore_event(void *arg, const struct tsl_event *ev)
{
	(void)arg, (void)ev;
	return 0;
}

/* Without an event callback the merge reads the SAMPLE chunks alone: all of them, in time order. */
static void test_samples_only(void **state)
{
	static const struct tsl_iter_ops ops = { .sample = on_sample };
	struct tsl_iter_stats st;
	struct items got = { 0 };
	struct rec r;
	unsigned int i;
	int fd;

	(void)state;
	rec_open(&r);
	for (i = 0; i < 20; i++) {
		put_chunk(&r, 0, T0 + i * MS, 10 * US, 4);
		put_chunk(&r, 1, T0 + i * MS, 10 * US, 4);
		put_sample(&r, T0 + i * MS + 5 * US);
	}
	rec_finish(&r);
	fd = rec_file(&r);
	assert_int_equal(tsl_iter_index_build(fd, "t.rec", &r.ix, false), 0);
	assert_int_equal(tsl_iter_merge_stats(fd, "t.rec", &r.ix, &ops, &got,
					      &st), 0);
	close(fd);
	assert_int_equal(got.n, 20);
	for (i = 0; i < got.n; i++) {
		assert_int_equal(got.v[i].ts, T0 + i * MS + 5 * US);
		assert_int_equal(got.v[i].order, SAMPLES);
	}
	assert_int_equal(st.jumps, 0);		/* no EVENTS chunk read */
	assert_int_equal(st.peak_queued, 0);
	free(got.v);
	rec_free(&r);
}

/* A file changed after the index was built is an error, not a wrong merge. */
static void test_file_changed(void **state)
{
	static void (*const change[])(int fd, off_t len) = { cut, move_first,
							     hide_one };
	/* records are read only for an event callback */
	static const struct tsl_iter_ops ops = { .event = ignore_event };
	struct tsl_iter_stats st;
	struct rec r;
	unsigned int i;
	int fd;

	(void)state;
	rec_open(&r);
	for (i = 0; i < 20; i++) {
		put_chunk(&r, 0, T0 + i * MS, 10 * US, 4);
		put_chunk(&r, 1, T0 + i * MS, 10 * US, 4);
	}
	rec_finish(&r);
	for (i = 0; i < sizeof(change) / sizeof(change[0]); i++) {
		fd = rec_file(&r);
		assert_int_equal(tsl_iter_index_build(fd, "t.rec", &r.ix, false), 0);
		change[i](fd, r.m.len);
		assert_int_equal(tsl_iter_merge_stats(fd, "t.rec", &r.ix, &ops,
						      NULL, &st), -EINVAL);
		tsl_iter_index_free(&r.ix);
		close(fd);
	}
	rec_free(&r);
}

/* The scan's view of a chunk: its header and the start of its payload, no more. */
static void test_peek(void **state)
{
	struct tsl_rec_events e;
	struct tsl_rec_chunk c;
	struct tsl_rec_reader *rd;
	uint32_t head[8];
	struct rec r;
	size_t i;
	int fd;

	(void)state;
	rec_open(&r);
	assert_int_equal(tsl_rec_write_names(r.m.w, 0, 1, "a", 2), 0);
	put_chunk(&r, 3, T0, US, 2);
	rec_finish(&r);
	fd = rec_file(&r);
	rd = tsl_rec_reader_new(fd, "t.rec");
	assert_non_null(rd);
	assert_int_equal(tsl_rec_peek(rd, sizeof(struct tsl_rec_header), &c,
				      head, sizeof(head)), 1);
	assert_int_equal(c.type, TSL_REC_START);
	assert_int_equal(c.offset, sizeof(struct tsl_rec_header));
	assert_null(c.data);
	/* NAMES: 10 bytes of payload; the rest of @head is zeroed */
	memset(head, 0xff, sizeof(head));
	assert_int_equal(tsl_rec_peek(rd, c.next, &c, head, sizeof(head)), 1);
	assert_int_equal(c.type, TSL_REC_NAMES);
	assert_int_equal(c.len, 10);
	assert_int_equal(head[1], 1);
	assert_string_equal((const char *)&head[2], "a");
	for (i = 10; i < sizeof(head); i++)
		assert_int_equal(((const char *)head)[i], 0);
	assert_int_equal(tsl_rec_peek(rd, c.next, &c, &e,
				      offsetof(struct tsl_rec_events, seq)), 1);
	assert_int_equal(c.type, TSL_REC_EVENTS);
	assert_int_equal(c.len, sizeof(e) + 2 * TSL_EVENT_SIZE);
	assert_int_equal(e.cpu, 3);
	assert_int_equal(e.n_records, 2);
	assert_int_equal(tsl_rec_peek(rd, c.next, &c, head, sizeof(head)), 1);
	assert_int_equal(c.type, TSL_REC_END);
	assert_int_equal(c.next, r.m.len);
	assert_int_equal(tsl_rec_peek(rd, c.next, &c, head, sizeof(head)), 0);
	tsl_rec_reader_free(rd);
	close(fd);
	rec_free(&r);
}

static int on_read(void *arg, const struct tsl_event *ev)
{
	if (ev->kind == TSL_EV_READ)
		*(uint32_t *)arg = ev->read.res_first_us;
	return 0;
}

/*
 * A read on one CPU of data that arrived on another, its chunk first in the
 * file: the merge hands records over in time order with the residence the
 * read left to the reader worked out.
 */
static void test_derived(void **state)
{
	static const struct tsl_iter_ops ops = { .event = on_read };
	struct tsl_rec_events e = { .n_records = 1,
		.unused = TSL_REC_UNUSED, .mono_ns = T0,
		.real_ns = 1795482123000000000ull };
	struct tsl_event rd = { .ts_ns = T0 + 50 * US, .cookie = 7,
		.kind = TSL_EV_READ, .flags = TSL_F_DERIVE };
	struct tsl_event rx = { .ts_ns = T0, .cookie = 7, .cpu = 1,
		.kind = TSL_EV_DATA_RX };
	uint32_t res = UINT32_MAX;
	struct rec r;
	int fd;

	(void)state;
	rd.read.seq = 100;
	rd.read.bytes = 10;
	rx.data_rx.seq = 100;
	rx.data_rx.len = 10;
	rec_open(&r);
	assert_int_equal(tsl_rec_write_events(r.m.w, &e, &rd), 0);
	e.cpu = 1;
	assert_int_equal(tsl_rec_write_events(r.m.w, &e, &rx), 0);
	rec_finish(&r);
	fd = rec_file(&r);
	assert_int_equal(tsl_iter_index_build(fd, "t.rec", &r.ix, false), 0);
	assert_int_equal(tsl_iter_merge(fd, "t.rec", &r.ix, &ops, &res), 0);
	close(fd);
	assert_int_equal(res, 50);
	rec_free(&r);
}

/*
 * A NAMES chunk extends the name table from its next id: one that starts
 * anywhere else (a crafted first id would have the table span up to 2^32
 * entries, 32 GB) is a bad recording.
 */
static void test_names_continue(void **state)
{
	static const uint32_t firsts[] = { 2, 0, 0x7fffffff, UINT32_MAX };
	char want[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
		struct rec r;
		off_t at;
		int fd;

		rec_open(&r);
		assert_int_equal(tsl_rec_write_names(r.m.w, 0, 2, "a\0b", 4), 0);
		at = sizeof(struct tsl_rec_header) + sizeof(struct tsl_rec_chunk_hdr) +
		     sizeof(struct tsl_rec_start) + sizeof(struct tsl_rec_chunk_hdr) +
		     16;	/* names: 8 + "a\0b\0" = 12, padded to 16 */
		assert_int_equal(tsl_rec_write_names(r.m.w, firsts[i], 1, "c", 2), 0);
		rec_finish(&r);
		fd = rec_file(&r);
		stderr_begin();
		if (firsts[i] == 2) {	/* the next id */
			assert_int_equal(tsl_iter_index_build(fd, "t.rec", &r.ix, true), 0);
			assert_string_equal(stderr_line(), "");
			assert_int_equal(r.ix.n_names, 3);
			assert_string_equal(tsl_iter_name(&r.ix, 2), "c");
		} else {
			assert_int_equal(tsl_iter_index_build(fd, "t.rec", &r.ix, true), -EINVAL);
			snprintf(want, sizeof(want),
				 "t.rec: names chunk does not continue the name table at byte %lld",
				 (long long)at);
			assert_string_equal(stderr_line(), want);
		}
		close(fd);
		rec_free(&r);
	}
}

/* Clock pairs at the ends of their range: no signed overflow, an answer or -ENOENT. */
static void test_extreme_clocks(void **state)
{
	static const struct { uint64_t mono, real, ts; int64_t want; } c[] = {
		{ T0, INT64_MAX - 5, T0 + 5, INT64_MAX },
		{ T0, INT64_MAX - 5, T0 + 6, -ENOENT },
		{ T0, INT64_MAX - 5, UINT64_MAX, -ENOENT },
		{ T0, UINT64_MAX, T0, -ENOENT },
		{ T0, (uint64_t)INT64_MAX + 1, 0, INT64_MAX - T0 + 1 },
		{ UINT64_MAX, 0, 0, -ENOENT },
		{ UINT64_MAX, 7, UINT64_MAX - 7, 0 },
		{ 0, UINT64_MAX, UINT64_MAX, -ENOENT },
		{ 0, 0, UINT64_MAX, -ENOENT },
		{ 0, 0, INT64_MAX, INT64_MAX },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct tsl_iter_clock clk = { c[i].mono, c[i].real };
		struct tsl_iter_index ix = { .clocks = &clk, .n_clocks = 1 };
		char buf[40];

		if (tsl_iter_wall_ns(&ix, c[i].ts) != c[i].want)
			fail_msg("pair %zu: got %lld, want %lld", i,
				 (long long)tsl_iter_wall_ns(&ix, c[i].ts),
				 (long long)c[i].want);
		tsl_iter_wall_str(&ix, c[i].ts, buf, sizeof(buf));
	}
}

/* Pairs from the file as they come, one far from the other: indexed, no overflow. */
static void test_extreme_pairs(void **state)
{
	struct rec r;
	int fd;

	(void)state;
	rec_open(&r);
	{
		/* offsets (real - mono) INT64_MAX, then 3 << 62: differ by more than INT64_MAX */
		struct tsl_rec_events e = { .cpu = 0, .mono_ns = 0,
			.real_ns = INT64_MAX };
		struct tsl_rec_events f = { .cpu = 1, .mono_ns = 0,
			.real_ns = 3ull << 62 };
		struct tsl_rec_events g = { .cpu = 0, .mono_ns = UINT64_MAX,
			.real_ns = 0 };

		assert_int_equal(tsl_rec_write_events(r.m.w, &e, NULL), 0);
		assert_int_equal(tsl_rec_write_events(r.m.w, &f, NULL), 0);
		assert_int_equal(tsl_rec_write_events(r.m.w, &g, NULL), 0);
		assert_int_equal(tsl_rec_write_events(r.m.w, &g, NULL), 0);
	}
	rec_finish(&r);
	fd = rec_file(&r);
	assert_int_equal(tsl_iter_index_build(fd, "t.rec", &r.ix, true), 0);
	assert_int_equal(r.ix.n_clocks, 4);
	close(fd);
	rec_free(&r);
}

/* A file with no chunk at all: an error, and nothing sorted or read past. */
static void test_no_chunks(void **state)
{
	struct tsl_iter_index ix;
	struct rec r;
	int fd;

	(void)state;
	rec_open(&r);
	assert_int_equal(tsl_rec_writer_finish(r.m.w), 0);
	assert_int_equal(fclose(r.m.fp), 0);
	fd = memfd_create("recording", 0);
	assert_int_equal(write(fd, r.m.image, sizeof(struct tsl_rec_header)),
			 sizeof(struct tsl_rec_header));
	stderr_begin();
	assert_int_equal(tsl_iter_index_build(fd, "t.rec", &ix, true), -EINVAL);
	assert_string_equal(stderr_line(), "t.rec: no start chunk at byte 16");
	assert_int_equal(ix.n_clocks, 0);
	tsl_iter_index_free(&ix);
	close(fd);
	rec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_idle_gap),
		cmocka_unit_test(test_empty_chunks),
		cmocka_unit_test(test_skew),
		cmocka_unit_test(test_cpu_last_in_file),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_queues_stay_small),
		cmocka_unit_test(test_samples_only),
		cmocka_unit_test(test_file_changed),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_derived),
		cmocka_unit_test(test_names_continue),
		cmocka_unit_test(test_extreme_clocks),
		cmocka_unit_test(test_extreme_pairs),
		cmocka_unit_test(test_no_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
