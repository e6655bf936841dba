// SPDX-License-Identifier: GPL-2.0-or-later
// CSV output: one row per record of a recording, merged across CPUs by time.
#include <arpa/inet.h>
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tcpsleuth.h>

#include "accounting.h"
#include "csvout.h"
#include "filter.h"
#include "recording.h"

enum col {
	C_TIME, C_WALL, C_CPU, C_EVENT, C_COOKIE, C_SADDR, C_SPORT, C_DADDR,
	C_DPORT, C_NETNS, C_SEQ, C_END_SEQ, C_LEN, C_SEGS, C_RETRANS, C_CWND,
	C_IN_FLIGHT, C_SNDQ, C_SND_WND, C_ACK, C_ACKED, C_RTT, C_SRTT,
	C_RTTVAR, C_RTO, C_SSTHRESH, C_CA_STATE, C_DELAYED, C_RCV_NXT, C_RCVQ,
	C_RCV_WND, C_RCVBUF, C_OFO, C_BYTES, C_RES_FIRST, C_RES_LAST, C_PID,
	C_COMM, C_DELAY, C_REASON, C_TOTAL_RETRANS, C_PACKETS_OUT,
	C_RETRANSMITS, C_BACKOFF, C_OLDSTATE, C_NEWSTATE, C_COUNT, C_TOTAL,
	NCOLS
};
_Static_assert(NCOLS == TSL_CSV_NCOLS, "column count");

const char *const tsl_csv_columns[TSL_CSV_NCOLS] = {
	"time_ns", "wall_time", "cpu", "event", "cookie", "saddr", "sport",
	"daddr", "dport", "netns", "seq", "end_seq", "len", "segs", "retrans",
	"cwnd", "in_flight", "sndq", "snd_wnd", "ack", "acked", "rtt_us",
	"srtt_us", "rttvar_us", "rto_us", "ssthresh", "ca_state", "delayed",
	"rcv_nxt", "rcvq", "rcv_wnd", "rcvbuf", "ofo", "bytes",
	"res_first_us", "res_last_us", "pid", "comm", "delay_us", "reason",
	"total_retrans", "packets_out", "retransmits", "backoff", "oldstate",
	"newstate", "count", "total",
};

static const char *const ca_names[] = {
	"open", "disorder", "cwr", "recovery", "loss",
};

static const char *const reason_names[] = {
	[TSL_ACK_OTHER] = "other", [TSL_ACK_TIMER] = "timer",
	[TSL_ACK_QUICK] = "quick", [TSL_ACK_PIGGYBACK] = "piggyback",
	[TSL_ACK_WINDOW] = "window",
};

static const char *const tcp_state_names[] = {
	[1] = "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"NEW_SYN_RECV",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the index built by the first pass ---- */

struct flow {
	uint64_t cookie;
	bool used;
	uint8_t flags;
	struct tsl_ev_flow id;
};

struct clock_pair {
	uint64_t mono;
	uint64_t real;
};

struct cpu_chunks {
	uint64_t *offs;		/* EVENTS chunks of this CPU, in file order */
	size_t n, cap;
};

struct index {
	struct flow *flows;	/* open addressing on the cookie */
	size_t flow_cap, n_flows;
	struct clock_pair *clocks;
	size_t n_clocks, clock_cap;
	struct cpu_chunks *cpus;	/* indexed by CPU number */
	unsigned int n_cpus;
};

static struct flow *flow_slot(struct flow *tab, size_t cap, uint64_t cookie)
{
	size_t i = (cookie * 0x9e3779b97f4a7c15ull) & (cap - 1);

	while (tab[i].used && tab[i].cookie != cookie)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int flows_grow(struct index *ix)
{
	size_t cap = ix->flow_cap ? ix->flow_cap * 2 : 256, i;
	struct flow *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -1;
	for (i = 0; i < ix->flow_cap; i++)
		if (ix->flows[i].used)
			*flow_slot(tab, cap, ix->flows[i].cookie) = ix->flows[i];
	free(ix->flows);
	ix->flows = tab;
	ix->flow_cap = cap;
	return 0;
}

static int add_flow(struct index *ix, const struct tsl_event *ev)
{
	struct flow *f;

	if (ix->n_flows * 2 >= ix->flow_cap && flows_grow(ix))
		return -1;
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

static const struct flow *find_flow(const struct index *ix, uint64_t cookie)
{
	const struct flow *f;

	if (!ix->flow_cap)
		return NULL;
	f = flow_slot(ix->flows, ix->flow_cap, cookie);
	return f->used ? f : NULL;
}

static int add_clock(struct index *ix, uint64_t mono, uint64_t real)
{
	if (ix->n_clocks == ix->clock_cap) {
		size_t cap = ix->clock_cap ? ix->clock_cap * 2 : 64;
		void *p = realloc(ix->clocks, cap * sizeof(*ix->clocks));

		if (!p)
			return -1;
		ix->clocks = p;
		ix->clock_cap = cap;
	}
	ix->clocks[ix->n_clocks++] = (struct clock_pair){ mono, real };
	return 0;
}

static int add_chunk(struct index *ix, uint32_t cpu, uint64_t off)
{
	struct cpu_chunks *c;

	if (cpu >= ix->n_cpus) {
		unsigned int n = cpu + 1;
		void *p = realloc(ix->cpus, n * sizeof(*ix->cpus));

		if (!p)
			return -1;
		ix->cpus = p;
		memset(ix->cpus + ix->n_cpus, 0,
		       (n - ix->n_cpus) * sizeof(*ix->cpus));
		ix->n_cpus = n;
	}
	c = &ix->cpus[cpu];
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		void *p = realloc(c->offs, cap * sizeof(*c->offs));

		if (!p)
			return -1;
		c->offs = p;
		c->cap = cap;
	}
	c->offs[c->n++] = off;
	return 0;
}

static void index_free(struct index *ix)
{
	unsigned int i;

	for (i = 0; i < ix->n_cpus; i++)
		free(ix->cpus[i].offs);
	free(ix->cpus);
	free(ix->flows);
	free(ix->clocks);
}

static int cmp_clock(const void *a, const void *b)
{
	const struct clock_pair *x = a, *y = b;

	return x->mono < y->mono ? -1 : x->mono > y->mono;
}

static int index_events(struct index *ix, const struct tsl_rec_chunk *c)
{
	const struct tsl_rec_events *e = c->events;
	uint32_t i;

	if (e->cpu >= TSL_ACCT_MAX_CPUS)
		return -1;
	if (e->n_records && add_chunk(ix, e->cpu, c->offset))
		return -1;
	if (add_clock(ix, e->mono_ns, e->real_ns))
		return -1;
	for (i = 0; i < e->n_records; i++) {
		struct tsl_event ev;

		memcpy(&ev, (const char *)c->records + i * TSL_EVENT_SIZE,
		       sizeof(ev));
		if (ev.kind == TSL_EV_FLOW && add_flow(ix, &ev))
			return -1;
	}
	return 0;
}

/* First pass: validate the whole file, index flows, clocks and chunks. */
static int build_index(int fd, const char *name, struct index *ix)
{
	struct tsl_rec_reader *r = tsl_rec_reader_new(fd, name);
	struct tsl_rec_chunk c;
	bool ended = false;
	int ret;

	if (!r)
		return -1;
	while ((ret = tsl_rec_next(r, &c)) > 0) {
		if (c.type == TSL_REC_START)
			ret = add_clock(ix, c.start->mono_ns, c.start->real_ns);
		else if (c.type == TSL_REC_EVENTS)
			ret = index_events(ix, &c);
		else if (c.type == TSL_REC_END)
			ended = true;
		if (ret < 0) {
			fprintf(stderr, "tcpsleuth: %s: bad CPU number or out of memory at byte %" PRIu64 "\n",
				name, c.offset);
			goto out;
		}
	}
	if (ret < 0)
		fprintf(stderr, "tcpsleuth: %s\n", tsl_rec_error(r));
	else if (!ended)
		fprintf(stderr, "tcpsleuth: %s: no end chunk, the recording was interrupted\n",
			name);
	qsort(ix->clocks, ix->n_clocks, sizeof(*ix->clocks), cmp_clock);
out:
	tsl_rec_reader_free(r);
	return ret < 0 ? -1 : 0;
}

/* ---- rows ---- */

struct row {
	char cell[NCOLS][48];
};

static void setu(struct row *r, enum col c, uint64_t v)
{
	snprintf(r->cell[c], sizeof(r->cell[c]), "%" PRIu64, v);
}

/* At most @max bytes of @s, which need not be NUL-terminated (comm). */
static void sets(struct row *r, enum col c, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n >= sizeof(r->cell[c]))
		n = sizeof(r->cell[c]) - 1;
	memcpy(r->cell[c], s, n);
	r->cell[c][n] = '\0';
}

static void set_name(struct row *r, enum col c, const char *const *names,
		     size_t n, unsigned int v)
{
	if (v < n && names[v])
		sets(r, c, names[v], sizeof(r->cell[c]));
	else
		setu(r, c, v);
}

static void set_wall(struct row *r, const struct index *ix, uint64_t ts)
{
	const struct clock_pair *p;
	size_t lo = 0, hi = ix->n_clocks;
	int64_t real;
	struct tm tm;
	time_t secs;

	if (!ix->n_clocks)
		return;
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
	real = (int64_t)p->real + (int64_t)(ts - p->mono);
	if (real < 0)
		return;
	secs = real / 1000000000;
	gmtime_r(&secs, &tm);
	strftime(r->cell[C_WALL], sizeof(r->cell[C_WALL]), "%Y-%m-%dT%H:%M:%S",
		 &tm);
	snprintf(r->cell[C_WALL] + 19, sizeof(r->cell[C_WALL]) - 19, ".%06uZ",
		 (unsigned int)(real % 1000000000 / 1000));
}

static void set_flow(struct row *r, const struct flow *f)
{
	int family = f->flags & TSL_F_IPV6 ? AF_INET6 : AF_INET;

	inet_ntop(family, f->id.saddr, r->cell[C_SADDR], sizeof(r->cell[C_SADDR]));
	inet_ntop(family, f->id.daddr, r->cell[C_DADDR], sizeof(r->cell[C_DADDR]));
	setu(r, C_SPORT, f->id.sport);
	setu(r, C_DPORT, f->id.dport);
	setu(r, C_NETNS, f->id.netns);
}

static void fill_tx(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_tx *e = &ev->tx;

	setu(r, C_SEQ, e->seq);
	setu(r, C_END_SEQ, e->end_seq);
	setu(r, C_LEN, e->len);
	setu(r, C_SEGS, e->segs);
	setu(r, C_RETRANS, !!(ev->flags & TSL_F_RETRANS));
	setu(r, C_CWND, e->cwnd);
	setu(r, C_IN_FLIGHT, e->in_flight);
	setu(r, C_SNDQ, e->sndq);
	setu(r, C_SND_WND, e->snd_wnd);
}

static void fill_ack_rx(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_ack_rx *e = &ev->ack_rx;

	setu(r, C_ACK, e->ack);
	setu(r, C_ACKED, e->acked);
	if (e->rtt_us >= 0)	/* -1: no RTT sample, left empty */
		setu(r, C_RTT, e->rtt_us);
	setu(r, C_SRTT, e->srtt_us);
	setu(r, C_RTTVAR, e->rttvar_us);
	setu(r, C_RTO, e->rto_us);
	setu(r, C_CWND, e->cwnd);
	setu(r, C_SSTHRESH, e->ssthresh);
	setu(r, C_SND_WND, e->snd_wnd);
	set_name(r, C_CA_STATE, ca_names, ARRAY_SIZE(ca_names), e->ca_state);
	setu(r, C_DELAYED, !!(ev->flags & TSL_F_DELAYED));
}

static void fill_data_rx(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_data_rx *e = &ev->data_rx;

	setu(r, C_SEQ, e->seq);
	setu(r, C_LEN, e->len);
	setu(r, C_RCV_NXT, e->rcv_nxt);
	setu(r, C_RCVQ, e->rcvq);
	setu(r, C_RCV_WND, e->rcv_wnd);
	setu(r, C_RCVBUF, e->rcvbuf);
	setu(r, C_OFO, !!(ev->flags & TSL_F_OFO));
}

static void fill_read(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_read *e = &ev->read;

	setu(r, C_BYTES, e->bytes);
	setu(r, C_RCVQ, e->rcvq);
	setu(r, C_RES_FIRST, e->res_first_us);
	setu(r, C_RES_LAST, e->res_last_us);
	setu(r, C_PID, e->pid);
	sets(r, C_COMM, e->comm, TSL_COMM_LEN);
}

static void fill_ack_tx(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_ack_tx *e = &ev->ack_tx;

	setu(r, C_ACK, e->ack);
	setu(r, C_DELAY, e->delay_us);
	setu(r, C_RCV_WND, e->rcv_wnd);
	setu(r, C_BYTES, e->bytes);
	set_name(r, C_REASON, reason_names, ARRAY_SIZE(reason_names), e->reason);
}

static void fill_retrans(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_retrans *e = &ev->retrans;

	setu(r, C_SEQ, e->seq);
	setu(r, C_END_SEQ, e->end_seq);
	setu(r, C_SEGS, e->segs);
	setu(r, C_TOTAL_RETRANS, e->total_retrans);
	set_name(r, C_CA_STATE, ca_names, ARRAY_SIZE(ca_names), e->ca_state);
}

static void fill_rto(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_rto *e = &ev->rto;

	setu(r, C_RTO, e->rto_us);
	setu(r, C_ACK, e->snd_una);	/* snd_una, as in ack_rx's ack column */
	setu(r, C_PACKETS_OUT, e->packets_out);
	setu(r, C_RETRANSMITS, e->retransmits);
	setu(r, C_BACKOFF, e->backoff);
}

static void fill_state(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_state *e = &ev->state;

	set_name(r, C_OLDSTATE, tcp_state_names, ARRAY_SIZE(tcp_state_names),
		 e->oldstate);
	set_name(r, C_NEWSTATE, tcp_state_names, ARRAY_SIZE(tcp_state_names),
		 e->newstate);
	setu(r, C_PID, e->pid);
	sets(r, C_COMM, e->comm, TSL_COMM_LEN);
}

static void fill_drop(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_drop *e = &ev->drop;

	setu(r, C_COUNT, e->count);
	setu(r, C_TOTAL, e->total);
	setu(r, C_RCVQ, e->rcvq);
	setu(r, C_RCVBUF, e->rcvbuf);
}

static void (*const fillers[])(struct row *, const struct tsl_event *) = {
	[TSL_EV_TX] = fill_tx, [TSL_EV_ACK_RX] = fill_ack_rx,
	[TSL_EV_DATA_RX] = fill_data_rx, [TSL_EV_READ] = fill_read,
	[TSL_EV_ACK_TX] = fill_ack_tx, [TSL_EV_RETRANS] = fill_retrans,
	[TSL_EV_RTO] = fill_rto, [TSL_EV_STATE] = fill_state,
	[TSL_EV_DROP] = fill_drop,
};

static void write_cells(FILE *out, const char *const cells[NCOLS])
{
	unsigned int i;

	for (i = 0; i < NCOLS; i++) {
		if (i)
			fputc(',', out);
		csv_fwrite(out, cells[i], strlen(cells[i]));
	}
	fputc('\n', out);
}

static void write_row(FILE *out, const struct index *ix,
		      const struct tsl_event *ev)
{
	const char *name = tsl_kind_name(ev->kind);
	const struct flow *f = find_flow(ix, ev->cookie);
	const char *cells[NCOLS];
	struct row r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	setu(&r, C_TIME, ev->ts_ns);
	set_wall(&r, ix, ev->ts_ns);
	setu(&r, C_CPU, ev->cpu);
	if (name)
		sets(&r, C_EVENT, name, sizeof(r.cell[C_EVENT]));
	else
		snprintf(r.cell[C_EVENT], sizeof(r.cell[C_EVENT]), "kind%u",
			 ev->kind);
	setu(&r, C_COOKIE, ev->cookie);
	if (f)
		set_flow(&r, f);
	if (ev->kind < ARRAY_SIZE(fillers) && fillers[ev->kind])
		fillers[ev->kind](&r, ev);
	for (i = 0; i < NCOLS; i++)
		cells[i] = r.cell[i];
	write_cells(out, cells);
}

/* ---- second pass: k-way merge of the per-CPU streams ---- */

/* One CPU's records, one chunk in memory at a time. */
struct cursor {
	struct tsl_rec_reader *r;
	const struct cpu_chunks *chunks;
	size_t chunk;		/* loaded chunk, index in chunks->offs */
	struct tsl_rec_chunk c;
	uint32_t rec;		/* current record in c */
	struct tsl_event ev;	/* a copy of it, aligned */
};

/* 1: ev holds the next record; 0: this CPU is done; -1: error. */
static int cursor_next(struct cursor *cu)
{
	while (cu->c.events == NULL || ++cu->rec >= cu->c.events->n_records) {
		int ret;

		if (cu->c.events)
			cu->chunk++;
		if (cu->chunk >= cu->chunks->n)
			return 0;
		ret = tsl_rec_read_at(cu->r, cu->chunks->offs[cu->chunk], &cu->c);
		if (ret <= 0 || cu->c.type != TSL_REC_EVENTS) {
			if (ret >= 0)
				fprintf(stderr, "tcpsleuth: file changed while being read\n");
			return -1;
		}
		cu->rec = 0;
		if (cu->c.events->n_records)
			break;
	}
	memcpy(&cu->ev, (const char *)cu->c.records + cu->rec * TSL_EVENT_SIZE,
	       sizeof(cu->ev));
	return 1;
}

static bool before(const struct cursor *a, const struct cursor *b)
{
	if (a->ev.ts_ns != b->ev.ts_ns)
		return a->ev.ts_ns < b->ev.ts_ns;
	return a->chunks < b->chunks;	/* lower CPU first on ties */
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

static int merge(int fd, const char *name, const struct index *ix, FILE *out)
{
	struct cursor *cur = calloc(ix->n_cpus + 1, sizeof(*cur));
	struct cursor **heap = calloc(ix->n_cpus + 1, sizeof(*heap));
	unsigned int i;
	size_t n = 0;
	int ret = -1;

	if (!cur || !heap)
		goto out;
	for (i = 0; i < ix->n_cpus; i++) {
		if (!ix->cpus[i].n)
			continue;
		cur[i].chunks = &ix->cpus[i];
		cur[i].r = tsl_rec_reader_new(fd, name);
		if (!cur[i].r)
			goto out;
		ret = cursor_next(&cur[i]);
		if (ret < 0)
			goto out;
		if (ret)
			heap[n++] = &cur[i];
	}
	for (i = n / 2; i-- > 0;)
		sift_down(heap, n, i);
	while (n) {
		write_row(out, ix, &heap[0]->ev);
		ret = cursor_next(heap[0]);
		if (ret < 0)
			goto out;
		if (!ret)
			heap[0] = heap[--n];
		sift_down(heap, n, 0);
	}
	ret = 0;
out:
	for (i = 0; cur && i < ix->n_cpus; i++) {
		if (ret && cur[i].r && tsl_rec_error(cur[i].r)[0])
			fprintf(stderr, "tcpsleuth: %s\n", tsl_rec_error(cur[i].r));
		tsl_rec_reader_free(cur[i].r);
	}
	free(heap);
	free(cur);
	return ret;
}

int tsl_csv_convert(int fd, const char *name, FILE *out)
{
	struct index ix;
	int ret = -EINVAL;

	memset(&ix, 0, sizeof(ix));
	if (build_index(fd, name, &ix))
		goto out;
	ret = -EIO;
	write_cells(out, tsl_csv_columns);
	if (merge(fd, name, &ix, out))
		goto out;
	if (fflush(out) || ferror(out)) {
		fprintf(stderr, "tcpsleuth: writing CSV failed: %s\n",
			strerror(errno));
		goto out;
	}
	ret = 0;
out:
	index_free(&ix);
	return ret;
}
