// SPDX-License-Identifier: GPL-2.0-or-later
// A recording read in time order: an index pass, then a k-way merge of the CPUs' events and the system samples.
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "derive.h"
#include "chunks.h"

/* ---- the index ---- */

static struct tsl_iter_flow *flow_slot(struct tsl_iter_flow *tab, size_t cap,
				       uint64_t cookie)
{
	size_t i = (cookie * 0x9e3779b97f4a7c15ull) & (cap - 1);

	while (tab[i].used && tab[i].cookie != cookie)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int flows_grow(struct tsl_iter_index *ix)
{
	size_t cap = ix->flow_cap ? ix->flow_cap * 2 : 256, i;
	struct tsl_iter_flow *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (i = 0; i < ix->flow_cap; i++)
		if (ix->flows[i].used)
			*flow_slot(tab, cap, ix->flows[i].cookie) = ix->flows[i];
	free(ix->flows);
	ix->flows = tab;
	ix->flow_cap = cap;
	return 0;
}

static int add_flow(struct tsl_iter_index *ix, const struct tsl_event *ev)
{
	struct tsl_iter_flow *f;

	if (ix->n_flows * 2 >= ix->flow_cap && flows_grow(ix))
		return -ENOMEM;
	f = flow_slot(ix->flows, ix->flow_cap, ev->cookie);
	if (f->used)
		return 0;
	f->used = true;
	f->cookie = ev->cookie;
	f->flags = ev->flags;
	f->id = ev->flow;
	ix->n_flows++;
	return 0;
}

const struct tsl_iter_flow *tsl_iter_find_flow(const struct tsl_iter_index *ix,
					       uint64_t cookie)
{
	const struct tsl_iter_flow *f;

	if (!ix->flow_cap)
		return NULL;
	f = flow_slot(ix->flows, ix->flow_cap, cookie);
	return f->used ? f : NULL;
}

/*
 * Keep a (monotonic, realtime) pair only when the offset between the two
 * clocks moved by more than 1 us since the last one kept: every EVENTS
 * chunk carries a pair, and keeping them all would make the index grow
 * with the number of events rather than with clock adjustments.
 */
#define CLOCK_SLACK_NS	1000

static int add_clock(struct tsl_iter_index *ix, uint64_t mono, uint64_t real)
{
	if (ix->n_clocks) {
		const struct tsl_iter_clock *last = &ix->clocks[ix->n_clocks - 1];
		/* modulo 2^64: any pair of clocks, however far apart */
		uint64_t moved = (real - mono) - (last->real - last->mono);

		if (moved + CLOCK_SLACK_NS <= 2 * CLOCK_SLACK_NS)
			return 0;
	}
	if (ix->n_clocks == ix->clock_cap) {
		size_t cap = ix->clock_cap ? ix->clock_cap * 2 : 64;
		void *p = realloc(ix->clocks, cap * sizeof(*ix->clocks));

		if (!p)
			return -ENOMEM;
		ix->clocks = p;
		ix->clock_cap = cap;
	}
	ix->clocks[ix->n_clocks++] = (struct tsl_iter_clock){ mono, real };
	return 0;
}

static int chunks_add(struct tsl_iter_chunks *c, uint64_t off)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		void *p = realloc(c->offs, cap * sizeof(*c->offs));

		if (!p)
			return -ENOMEM;
		c->offs = p;
		c->cap = cap;
	}
	c->offs[c->n++] = off;
	return 0;
}

static int cpus_grow(struct tsl_iter_index *ix, unsigned int n)
{
	void *p = realloc(ix->cpus, n * sizeof(*ix->cpus));

	if (!p)
		return -ENOMEM;
	ix->cpus = p;
	memset(ix->cpus + ix->n_cpus, 0, (n - ix->n_cpus) * sizeof(*ix->cpus));
	ix->n_cpus = n;
	return 0;
}

static int add_gap(struct tsl_iter_cpu *c, uint64_t before, uint64_t after)
{
	if (c->n_gaps == c->gap_cap) {
		size_t cap = c->gap_cap ? c->gap_cap * 2 : 16;
		void *p = realloc(c->gaps, cap * sizeof(*c->gaps));

		if (!p)
			return -ENOMEM;
		c->gaps = p;
		c->gap_cap = cap;
	}
	c->gaps[c->n_gaps++] = (struct tsl_iter_gap){ before, after };
	return 0;
}

/* Count CPU @cpu's chunk at @off, records @first_ts .. @last_ts, noting a gap before it. */
static int add_chunk(struct tsl_iter_index *ix, uint32_t cpu, uint64_t off,
		     uint64_t first_ts, uint64_t last_ts)
{
	struct tsl_iter_cpu *c;

	if (cpu >= ix->n_cpus && cpus_grow(ix, cpu + 1))
		return -ENOMEM;
	c = &ix->cpus[cpu];
	if (!c->n_chunks)
		c->first = off;
	else if (first_ts > c->last_ts && first_ts - c->last_ts > TSL_ITER_GAP_NS &&
		 add_gap(c, c->last, off))
		return -ENOMEM;
	c->n_chunks++;
	c->last = off;
	c->last_ts = last_ts;
	return 0;
}

void tsl_iter_index_free(struct tsl_iter_index *ix)
{
	unsigned int i;

	for (i = 0; i < ix->n_cpus; i++)
		free(ix->cpus[i].gaps);
	for (i = 0; i < ix->n_names; i++)
		free(ix->names[i]);
	free(ix->names);
	free(ix->cpus);
	free(ix->samples.offs);
	free(ix->flows);
	free(ix->clocks);
	free(ix->end_cpus);
	memset(ix, 0, sizeof(*ix));
}

static int cmp_clock(const void *a, const void *b)
{
	const struct tsl_iter_clock *x = a, *y = b;

	return x->mono < y->mono ? -1 : x->mono > y->mono;
}

static void seen_time(struct tsl_iter_index *ix, uint64_t ts)
{
	if (!ix->first_ns || ts < ix->first_ns)
		ix->first_ns = ts;
	if (ts > ix->last_ns)
		ix->last_ns = ts;
}

static int index_events(struct tsl_iter_index *ix, const struct tsl_rec_chunk *c,
			const char **why)
{
	const struct tsl_rec_events *e = c->events;
	struct tsl_event ev, first;
	uint32_t i;

	if (e->cpu >= TSL_ACCT_MAX_CPUS) {
		*why = "bad CPU number";
		return -EINVAL;
	}
	if (add_clock(ix, e->mono_ns, e->real_ns))
		return -ENOMEM;
	ix->n_records += e->n_records;
	for (i = 0; i < e->n_records; i++) {
		memcpy(&ev, (const char *)c->records + i * TSL_EVENT_SIZE,
		       sizeof(ev));
		seen_time(ix, ev.ts_ns);
		if (ev.kind == TSL_EV_FLOW && add_flow(ix, &ev))
			return -ENOMEM;
	}
	if (!e->n_records)
		return 0;
	memcpy(&first, c->records, sizeof(first));
	return add_chunk(ix, e->cpu, c->offset, first.ts_ns, ev.ts_ns);
}

/*
 * The names extend the table: ids from the next one on, each NUL-terminated
 * in the payload (the chunk reader checked it), so the table holds what the
 * file holds.
 */
static int index_names(struct tsl_iter_index *ix, const struct tsl_rec_chunk *c,
		       const char **why)
{
	uint32_t n = c->names->count, i;
	const char *p = c->name_data;
	char **t;

	if (c->names->first != ix->n_names || n > UINT32_MAX - ix->n_names) {
		*why = "names chunk does not continue the name table";
		return -EINVAL;
	}
	if (!n)
		return 0;
	t = realloc(ix->names, ((size_t)ix->n_names + n) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	ix->names = t;
	for (i = 0; i < n; i++) {
		t[ix->n_names] = strdup(p);
		if (!t[ix->n_names])
			return -ENOMEM;
		ix->n_names++;
		p += strlen(p) + 1;
	}
	return 0;
}

static int index_sample(struct tsl_iter_index *ix, const struct tsl_rec_chunk *c)
{
	if (!ix->sample_interval_ns && c->sample->interval_ns) {
		ix->sample_interval_ns = c->sample->interval_ns;
		ix->sample_interval_at = c->offset;
	}
	ix->n_sample_chunks++;
	ix->n_sample_entries += c->sample->n_entries;
	seen_time(ix, c->sample->mono_ns);
	return chunks_add(&ix->samples, c->offset);
}

static int index_end(struct tsl_iter_index *ix, const struct tsl_rec_chunk *c)
{
	size_t n = c->end->n_cpus;

	if (ix->has_end)
		return 0;
	ix->end = *c->end;
	ix->end_cpus = calloc(n ? n : 1, sizeof(*ix->end_cpus));
	if (!ix->end_cpus)
		return -ENOMEM;
	memcpy(ix->end_cpus, c->cpus, n * sizeof(*ix->end_cpus));
	ix->has_end = true;
	return 0;
}

/* Index chunk @c: 0; -EINVAL for a bad CPU number or name table (*@why says which), -ENOMEM. */
static int index_chunk(struct tsl_iter_index *ix, const struct tsl_rec_chunk *c,
		       const char **why)
{
	switch (c->type) {
	case TSL_REC_START:
		if (!ix->has_start) {
			ix->start = *c->start;
			ix->has_start = true;
		}
		return add_clock(ix, c->start->mono_ns, c->start->real_ns);
	case TSL_REC_EVENTS:
		return index_events(ix, c, why);
	case TSL_REC_END:
		return index_end(ix, c);
	case TSL_REC_NAMES:
		return index_names(ix, c, why);
	case TSL_REC_SAMPLE:
		return index_sample(ix, c);
	}
	return 0;
}

int tsl_iter_index_build(int fd, const char *name, struct tsl_iter_index *ix,
			 bool quiet)
{
	struct tsl_rec_reader *r = tsl_rec_reader_new(fd, name);
	struct tsl_rec_chunk c;
	uint64_t size, upto;
	int ret;

	memset(ix, 0, sizeof(*ix));
	if (!r)
		return -ENOMEM;
	ix->end_off = sizeof(struct tsl_rec_header);
	while ((ret = tsl_rec_next(r, &c)) > 0) {
		const char *why = "out of memory";

		ret = index_chunk(ix, &c, &why);
		if (ret) {
			fprintf(stderr, "tcpsleuth: %s: %s at byte %" PRIu64 "\n",
				name, why, c.offset);
			goto out;
		}
		ix->end_off = c.next;
	}
	if (ret < 0) {
		fprintf(stderr, "tcpsleuth: %s\n", tsl_rec_error(r));
	} else if (tsl_rec_cut(r, &size, &upto)) {
		/* interrupted too: this line says so */
		fprintf(stderr, "tcpsleuth: %s: cut at byte %" PRIu64 " inside a chunk; read up to byte %" PRIu64 "\n",
			name, size, upto);
		ix->cut = true;
	} else if (!ix->has_end && !quiet) {
		fprintf(stderr, "tcpsleuth: %s: no end chunk, the recording was interrupted\n",
			name);
	}
	if (ix->n_clocks)
		qsort(ix->clocks, ix->n_clocks, sizeof(*ix->clocks), cmp_clock);
out:
	tsl_rec_reader_free(r);
	return ret < 0 ? ret : 0;
}

int64_t tsl_iter_wall_ns(const struct tsl_iter_index *ix, uint64_t ts)
{
	const struct tsl_iter_clock *p;
	size_t lo = 0, hi = ix->n_clocks;

	if (!ix->n_clocks)
		return -ENOENT;
	while (lo < hi) {	/* first pair with mono >= ts */
		size_t mid = (lo + hi) / 2;

		if (ix->clocks[mid].mono < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ix->n_clocks ||
	    (lo > 0 && ts - ix->clocks[lo - 1].mono < ix->clocks[lo].mono - ts))
		lo--;
	p = &ix->clocks[lo];
	/* the clocks as a file gives them: any value, no signed overflow */
	if (ts >= p->mono) {
		uint64_t d = ts - p->mono;

		if (p->real > (uint64_t)INT64_MAX || d > (uint64_t)INT64_MAX - p->real)
			return -ENOENT;
		return (int64_t)(p->real + d);
	}
	if (p->mono - ts > p->real || p->real - (p->mono - ts) > (uint64_t)INT64_MAX)
		return -ENOENT;
	return (int64_t)(p->real - (p->mono - ts));
}

void tsl_iter_wall_str(const struct tsl_iter_index *ix, uint64_t mono,
		       char *buf, size_t len)
{
	int64_t real = tsl_iter_wall_ns(ix, mono);
	struct tm tm;
	time_t secs;

	if (len)
		buf[0] = '\0';
	if (real < 0 || len < 32)
		return;
	secs = real / 1000000000;
	gmtime_r(&secs, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + 19, len - 19, ".%06uZ",
		 (unsigned int)(real % 1000000000 / 1000));
}

const char *tsl_iter_name(const struct tsl_iter_index *ix, uint32_t key)
{
	return key < ix->n_names && ix->names[key] ? ix->names[key] : "";
}

/* ---- the merge ---- */

/* Offsets of a CPU's chunks the scan passed and its cursor has not read yet: a ring. */
struct queue {
	uint64_t *offs;
	size_t head, n, cap;	/* cap: 0 or a power of two */
};

/* One stream (a CPU's records, or the samples), one chunk in memory at a time. */
struct cursor {
	struct tsl_rec_reader *r;
	unsigned int order;	/* tie-break: CPU number; samples last */
	bool samples;
	uint64_t n_loaded;	/* chunks read so far; the last is in c */
	struct tsl_rec_chunk c;
	uint32_t rec;		/* current record in c */
	uint64_t ts;
	struct tsl_event ev;	/* a copy of the record, aligned */
	const struct tsl_iter_cpu *cpu;	/* events: where the chunks are */
	size_t gap;		/* events: next of cpu->gaps */
	/*
	 * Events: the last chunk read by offset rather than found by the scan.
	 * The CPU's chunks up to it have all been read, so the scan skips them.
	 */
	uint64_t jumped;
	struct queue q;
};

/* The streams, and one scan forward through the file that finds the CPUs' chunks. */
struct merge {
	const struct tsl_iter_index *ix;
	const char *name;
	struct cursor *cur;	/* ix->n_cpus CPUs, then the samples */
	struct cursor **heap;
	struct tsl_rec_reader *scan;
	uint64_t pos;		/* next chunk the scan looks at */
	size_t queued;		/* offsets in all the queues */
	struct tsl_iter_stats *st;
	struct tsl_derive *derive;	/* what records leave to the reader */
};

/* The file is no longer what the index says: -EINVAL, printed. */
static int changed(const char *name)
{
	fprintf(stderr, "tcpsleuth: %s: file changed while being read\n", name);
	return -EINVAL;
}

static int queue_grow(struct queue *q)
{
	size_t cap = q->cap ? q->cap * 2 : 16, i;
	uint64_t *offs = malloc(cap * sizeof(*offs));

	if (!offs)
		return -ENOMEM;
	for (i = 0; i < q->n; i++)
		offs[i] = q->offs[(q->head + i) & (q->cap - 1)];
	free(q->offs);
	q->offs = offs;
	q->head = 0;
	q->cap = cap;
	return 0;
}

/*
 * The scan found @cu's chunk at @off: queue it, unless already read by
 * offset, or one more than the index counted (the file changed since).
 */
static int enqueue(struct merge *m, struct cursor *cu, uint64_t off)
{
	struct queue *q = &cu->q;

	if (off <= cu->jumped || cu->n_loaded + q->n >= cu->cpu->n_chunks)
		return 0;
	if (q->n == q->cap && queue_grow(q)) {
		fprintf(stderr, "tcpsleuth: %s: out of memory\n", m->name);
		return -ENOMEM;
	}
	q->offs[(q->head + q->n++) & (q->cap - 1)] = off;
	if (++m->queued > m->st->peak_queued)
		m->st->peak_queued = m->queued;
	return 0;
}

static uint64_t dequeue(struct merge *m, struct cursor *cu)
{
	struct queue *q = &cu->q;
	uint64_t off = q->offs[q->head];

	q->head = (q->head + 1) & (q->cap - 1);
	q->n--;
	m->queued--;
	return off;
}

/*
 * Scan on until @cu's queue holds a chunk, queueing the other CPUs' chunks
 * passed. Only each chunk's header and the start of an EVENTS payload (its
 * CPU and record count) are read. 0, or a negative errno (printed, or the
 * scan's reader failed).
 */
static int scan_for(struct merge *m, struct cursor *cu)
{
	while (!cu->q.n) {
		struct tsl_rec_events e;
		struct tsl_rec_chunk c;
		int ret;

		if (m->pos >= m->ix->end_off)	/* where the index stopped */
			return changed(m->name);
		ret = tsl_rec_peek(m->scan, m->pos, &c, &e,
				   offsetof(struct tsl_rec_events, seq));
		if (ret < 0)
			return ret;
		if (!ret)
			return changed(m->name);
		m->pos = c.next;
		if (c.type == TSL_REC_EVENTS && e.n_records && e.cpu < m->ix->n_cpus) {
			ret = enqueue(m, &m->cur[e.cpu], c.offset);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * Offset of @cu's next chunk: the CPU's first, or the one after a gap, read
 * by offset unless the scan already queued it; else the next the scan finds.
 */
static int next_offset(struct merge *m, struct cursor *cu, uint64_t *off)
{
	const struct tsl_iter_cpu *cpu = cu->cpu;
	const struct tsl_iter_gap *gap = NULL;
	int ret;

	if (cu->n_loaded && cu->gap < cpu->n_gaps &&
	    cpu->gaps[cu->gap].before == cu->c.offset)
		gap = &cpu->gaps[cu->gap++];
	if (!cu->n_loaded || (gap && !cu->q.n)) {
		*off = gap ? gap->after : cpu->first;
		cu->jumped = *off;
		m->st->jumps++;
		return 0;
	}
	ret = scan_for(m, cu);
	if (ret)
		return ret;
	*off = dequeue(m, cu);
	return 0;
}

/* Whether chunk @c is of @cu's stream, as the index said. */
static bool ours(const struct cursor *cu, const struct tsl_rec_chunk *c)
{
	if (cu->samples)
		return c->type == TSL_REC_SAMPLE;
	return c->type == TSL_REC_EVENTS && c->events->cpu == cu->order &&
	       c->events->n_records;
}

static int load(const struct merge *m, struct cursor *cu, uint64_t off)
{
	int ret = tsl_rec_read_at(cu->r, off, &cu->c);

	if (ret > 0 && ours(cu, &cu->c))
		return 0;
	return ret < 0 ? ret : changed(m->name);
}

/* @cu's next chunk in: 1, 0 if its stream is done, a negative errno. */
static int next_chunk(struct merge *m, struct cursor *cu)
{
	uint64_t off;
	int ret;

	if (cu->samples) {
		if (cu->n_loaded == m->ix->samples.n)
			return 0;
		off = m->ix->samples.offs[cu->n_loaded];
	} else {
		if (cu->n_loaded == cu->cpu->n_chunks)
			return 0;
		ret = next_offset(m, cu, &off);
		if (ret)
			return ret;
	}
	ret = load(m, cu, off);
	if (ret)
		return ret;
	cu->n_loaded++;
	cu->rec = 0;
	return 1;
}

/* 1: the cursor holds the next item; 0: this stream is done; a negative errno. */
static int cursor_next(struct merge *m, struct cursor *cu)
{
	int ret;

	if (cu->samples) {
		ret = next_chunk(m, cu);
		if (ret > 0)
			cu->ts = cu->c.sample->mono_ns;
		return ret;
	}
	if (!cu->n_loaded || ++cu->rec >= cu->c.events->n_records) {
		ret = next_chunk(m, cu);
		if (ret <= 0)
			return ret;
	}
	memcpy(&cu->ev, (const char *)cu->c.records + cu->rec * TSL_EVENT_SIZE,
	       sizeof(cu->ev));
	cu->ts = cu->ev.ts_ns;
	return 1;
}

static bool before(const struct cursor *a, const struct cursor *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	return a->order < b->order;
}

static void sift_down(struct cursor **heap, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct cursor *t;

		if (l < n && before(heap[l], heap[m]))
			m = l;
		if (l + 1 < n && before(heap[l + 1], heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

/* The cursor's item to @ops; a record with what it left to the reader filled in. */
static int emit(struct merge *m, struct cursor *cu,
		const struct tsl_iter_ops *ops, void *arg)
{
	if (cu->samples)
		return ops->sample ? ops->sample(arg, &cu->c) : 0;
	if (tsl_derive_wants(&cu->ev) && tsl_derive_event(m->derive, &cu->ev)) {
		fprintf(stderr, "tcpsleuth: %s: out of memory\n", m->name);
		return -ENOMEM;
	}
	return ops->event ? ops->event(arg, &cu->ev) : 0;
}

/*
 * Readers for the scan and the streams; the streams at their first items,
 * in the heap (@n). Without an event callback, only the samples' stream.
 */
static int merge_open(struct merge *m, int fd, bool events, size_t *n)
{
	unsigned int i, n_cur = m->ix->n_cpus + 1;
	int ret;

	m->cur = calloc(n_cur, sizeof(*m->cur));
	m->heap = calloc(n_cur, sizeof(*m->heap));
	m->derive = tsl_derive_new();
	if (!m->cur || !m->heap || !m->derive) {
		fprintf(stderr, "tcpsleuth: %s: out of memory\n", m->name);
		return -ENOMEM;
	}
	m->scan = tsl_rec_reader_new(fd, m->name);
	if (!m->scan)
		return -ENOMEM;
	m->pos = sizeof(struct tsl_rec_header);
	for (i = 0; i < n_cur; i++) {
		struct cursor *cu = &m->cur[i];

		cu->samples = i == m->ix->n_cpus;
		cu->cpu = cu->samples ? NULL : &m->ix->cpus[i];
		cu->order = i;
		if (cu->samples ? !m->ix->samples.n :
				  !cu->cpu->n_chunks || !events)
			continue;
		cu->r = tsl_rec_reader_new(fd, m->name);
		if (!cu->r)
			return -ENOMEM;
		ret = cursor_next(m, cu);
		if (ret < 0)
			return ret;
		if (ret)
			m->heap[(*n)++] = cu;
	}
	for (i = *n / 2; i-- > 0;)
		sift_down(m->heap, *n, i);
	return 0;
}

static void merge_close(struct merge *m, bool failed)
{
	unsigned int i;

	if (failed && m->scan && tsl_rec_error(m->scan)[0])
		fprintf(stderr, "tcpsleuth: %s\n", tsl_rec_error(m->scan));
	tsl_rec_reader_free(m->scan);
	for (i = 0; m->cur && i <= m->ix->n_cpus; i++) {
		struct cursor *cu = &m->cur[i];

		if (failed && cu->r && tsl_rec_error(cu->r)[0])
			fprintf(stderr, "tcpsleuth: %s\n", tsl_rec_error(cu->r));
		tsl_rec_reader_free(cu->r);
		free(cu->q.offs);
	}
	free(m->heap);
	free(m->cur);
	tsl_derive_free(m->derive);
}

int tsl_iter_merge_stats(int fd, const char *name,
			 const struct tsl_iter_index *ix,
			 const struct tsl_iter_ops *ops, void *arg,
			 struct tsl_iter_stats *st)
{
	struct merge m = { .ix = ix, .name = name, .st = st };
	struct cursor **heap;
	size_t n = 0;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = merge_open(&m, fd, ops->event, &n);
	if (ret)
		goto out;
	heap = m.heap;
	while (n) {
		ret = emit(&m, heap[0], ops, arg);
		if (ret)
			goto out;
		ret = cursor_next(&m, heap[0]);
		if (ret < 0)
			goto out;
		if (!ret)
			heap[0] = heap[--n];
		sift_down(heap, n, 0);
	}
	ret = 0;
out:
	merge_close(&m, ret < 0);
	return ret;
}

int tsl_iter_merge(int fd, const char *name, const struct tsl_iter_index *ix,
		   const struct tsl_iter_ops *ops, void *arg)
{
	struct tsl_iter_stats st;

	return tsl_iter_merge_stats(fd, name, ix, ops, arg, &st);
}
