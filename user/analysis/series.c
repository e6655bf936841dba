// SPDX-License-Identifier: GPL-2.0-or-later
// Interval series: per flow and host-wide values per interval, built from one time-ordered pass.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "histogram.h"
#include "series.h"
#include "ledger.h"

#define TSL_AN_NAME(id, name) [TSL_AN_##id] = name,
const char *const tsl_an_col_names[TSL_AN_NCOLS] = {
	TSL_AN_COLUMNS(TSL_AN_NAME)
};
#undef TSL_AN_NAME

/*
 * What a sample key is: a key of recording.h's list, or one of these. The
 * SNMP counters are the host columns TSL_AN_H_RETRANS_SEGS ..
 * TSL_AN_H_TIMEOUTS, named as the keys are.
 */
enum {
	K_NONE = TSL_KEY_UNKNOWN,
	K_SNMP_FIRST = TSL_KEY_COUNT,
	K_SNMP_LAST = K_SNMP_FIRST + TSL_AN_H_TIMEOUTS - TSL_AN_H_RETRANS_SEGS,
	K_NIC_ERR, K_NIC_DROP,
};

_Static_assert(K_NIC_DROP <= UINT8_MAX, "keymap holds a key in a byte");

/* Per owner process: its columns in the intervals it was sampled in. */
struct tsl_an_pid {
	uint32_t pid;
	float *rows;		/* [row][TSL_AN_NCOLS], app columns only, raw sums */
	int64_t *iv;		/* interval of each row, ascending */
	size_t n, cap;
	size_t *tab, tab_cap;	/* struct rowset */
};

/* The keys of the list this analysis reads. */
static bool reads(enum tsl_sample_key k)
{
	switch (k) {
	case TSL_KEY_USER: case TSL_KEY_SYSTEM: case TSL_KEY_IOWAIT:
	case TSL_KEY_IDLE: case TSL_KEY_SOFTIRQ: case TSL_KEY_STEAL:
	case TSL_KEY_NET_RX: case TSL_KEY_NET_TX:
	case TSL_KEY_STATE: case TSL_KEY_UTIME: case TSL_KEY_STIME:
	case TSL_KEY_VCSW: case TSL_KEY_NVCSW: case TSL_KEY_PROCESSOR:
	case TSL_KEY_RUN_DELAY:
	case TSL_KEY_RECV_Q: case TSL_KEY_SEND_Q: case TSL_KEY_RTT:
	case TSL_KEY_RTTVAR: case TSL_KEY_SKMEM_RB: case TSL_KEY_SKMEM_TB:
	case TSL_KEY_SKMEM_W: case TSL_KEY_SKMEM_D:
	case TSL_KEY_ICMP_RTT: case TSL_KEY_ICMP_LOST:
	case TSL_KEY_MIN_RTT: case TSL_KEY_BUSY: case TSL_KEY_RWND_LIMITED:
	case TSL_KEY_SNDBUF_LIMITED: case TSL_KEY_APP_LIMITED:
	case TSL_KEY_NOTSENT: case TSL_KEY_DSACK_DUPS: case TSL_KEY_REORD_SEEN:
	case TSL_KEY_BYTES_RETRANS:
	case TSL_KEY_THROTTLED: case TSL_KEY_LOCAL_THROTTLED:
	case TSL_KEY_BACKLOG: case TSL_KEY_QDISC_DROPS: case TSL_KEY_SENT_BYTES:
		return true;
	default:
		return false;
	}
}

static uint8_t classify(const char *name)
{
	enum tsl_sample_key k = tsl_sample_key_find(name);
	const char *dot = strrchr(name, '.');
	unsigned int i;

	if (k != TSL_KEY_UNKNOWN)
		return reads(k) ? k : K_NONE;
	for (i = TSL_AN_H_RETRANS_SEGS; i <= TSL_AN_H_TIMEOUTS; i++)
		if (!strcmp(name, tsl_an_col_names[i]))
			return K_SNMP_FIRST + i - TSL_AN_H_RETRANS_SEGS;
	if (!dot)
		return K_NONE;
	switch (tsl_nic_stat_find(dot + 1)) {
	case TSL_NIC_RX_ERRORS: case TSL_NIC_TX_ERRORS:
	case TSL_NIC_RX_CRC_ERRORS: case TSL_NIC_RX_FIFO_ERRORS:
	case TSL_NIC_RX_MISSED_ERRORS:
		return K_NIC_ERR;
	case TSL_NIC_RX_DROPPED: case TSL_NIC_TX_DROPPED:
		return K_NIC_DROP;
	default:
		return K_NONE;
	}
}

/*
 * Every failure below is memory running out: -ENOMEM, or NULL from the
 * functions that return a row or a flow. The time-ordered pass's callbacks
 * (on_event(), on_sample()) and tsl_an_model_build() print it, naming the
 * recording.
 */

int tsl_an_nomem(const char *name)
{
	fprintf(stderr, "tcpsleuth: %s: out of memory while analysing\n", name);
	return -ENOMEM;
}

/* ---- storage ---- */

/*
 * Only intervals that hold data have a row: a flow's rows are the intervals
 * of its records and samples (and, once joined, the host's samples between
 * its first and its last), the host's and a process's the intervals of
 * their samples. An interval without a row reads as a row of NAN. What the
 * rows may take is bounded by what the recording holds (tsl_an_budget()),
 * so that crafted records cannot make them take all memory: past the bound
 * the model is refused (-EINVAL, "more intervals than its data can fill").
 */
uint64_t tsl_an_budget(const struct tsl_iter_index *ix)
{
	uint64_t items = ix->n_records + ix->n_sample_entries +
			 ix->n_sample_chunks;

	if (items > (TSL_AN_MEM_MAX - TSL_AN_MEM_FLOOR) / TSL_AN_MEM_PER_ITEM)
		return TSL_AN_MEM_MAX;
	return TSL_AN_MEM_FLOOR + items * TSL_AN_MEM_PER_ITEM;
}

/* Take @bytes more of the budget: 0, or -ENOMEM with m->too_big set. */
static int charge(struct tsl_an_model *m, uint64_t bytes)
{
	if (bytes > m->mem_budget - m->mem_used) {
		m->too_big = true;
		return -ENOMEM;
	}
	m->mem_used += bytes;
	return 0;
}

static int64_t interval_of(const struct tsl_an_model *m, uint64_t ts)
{
	uint64_t i;

	if (ts < m->t0)
		return 0;
	i = (ts - m->t0) / m->iv_ns;
	return i > TSL_AN_MAX_INTERVAL ? TSL_AN_MAX_INTERVAL : (int64_t)i;
}

uint64_t tsl_an_interval_start(const struct tsl_an_model *m, int64_t i)
{
	return m->t0 + (uint64_t)i * m->iv_ns;
}

/* The first of @n ascending intervals @iv that is >= @i (@n if none). */
static size_t lower_bound(const int64_t *iv, size_t n, int64_t i)
{
	size_t lo = 0, hi = n;

	if (!n || iv[n - 1] < i)	/* the usual case: a new last row */
		return n;
	if (iv[n - 1] == i)
		return n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (iv[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A set of rows: @width floats each, and their intervals. The pointers are
 * those of the flow, the host or the process that holds them. During the
 * pass a new row is appended, so that a row keeps its index: in interval
 * order as records come, a binary search finds a row. The first row that
 * comes out of order (a sample filed at the middle of its period, before
 * a later record's row) brings a table from interval to row, and the rows
 * are put in order once, at the end of the pass (rows_sort()).
 */
struct rowset {
	float **v;
	int64_t **iv;
	size_t *n, *cap;
	size_t width;
	size_t **tab;		/* row + 1 by interval; NULL: rows in order */
	size_t *tab_cap;
};

/* The slot of interval @i in @rs's table: its row + 1, or 0 (free). */
static size_t *row_slot(const struct rowset *rs, int64_t i)
{
	size_t mask = *rs->tab_cap - 1;
	size_t h = ((uint64_t)i * 0x9e3779b97f4a7c15ull >> 20) & mask;

	while ((*rs->tab)[h] && (*rs->iv)[(*rs->tab)[h] - 1] != i)
		h = (h + 1) & mask;
	return &(*rs->tab)[h];
}

/* Room in @rs's table for its rows (at most half full): 0, or -ENOMEM. */
static int row_tab_grow(struct tsl_an_model *m, const struct rowset *rs)
{
	size_t cap = *rs->tab_cap ? *rs->tab_cap : 64, old = *rs->tab_cap, k;
	size_t *tab;

	while (cap < 2 * *rs->n)
		cap *= 2;
	if (cap == old)
		return 0;
	if (charge(m, (uint64_t)(cap - old) * sizeof(*tab)))
		return -ENOMEM;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	free(*rs->tab);
	*rs->tab = tab;
	*rs->tab_cap = cap;
	for (k = 0; k < *rs->n; k++)
		*row_slot(rs, (*rs->iv)[k]) = k + 1;
	return 0;
}

/*
 * Room for @need rows in @rs: doubling, as far as the budget allows.
 * -ENOMEM (m->too_big set if over the budget).
 */
static int rows_grow(struct tsl_an_model *m, const struct rowset *rs,
		     size_t need)
{
	uint64_t row = rs->width * sizeof(float) + sizeof(int64_t), room;
	uint64_t n = *rs->cap ? *rs->cap : 16;
	float *p;
	int64_t *q;

	if (need <= *rs->cap)
		return 0;
	room = *rs->cap + (m->mem_budget - m->mem_used) / row;
	if (need > room) {
		m->too_big = true;
		return -ENOMEM;
	}
	while (n < need)
		n *= 2;
	if (n > room)
		n = room;
	p = realloc(*rs->v, n * rs->width * sizeof(float));
	if (!p)
		return -ENOMEM;
	*rs->v = p;
	q = realloc(*rs->iv, n * sizeof(int64_t));
	if (!q)
		return -ENOMEM;
	*rs->iv = q;
	m->mem_used += (n - *rs->cap) * row;
	*rs->cap = n;
	return 0;
}

/*
 * The row of interval @i in @rs, appended NAN-filled if there is none: its
 * index, or -1 (-ENOMEM; m->too_big if over the budget).
 */
static ssize_t row_at(struct tsl_an_model *m, const struct rowset *rs,
		      int64_t i)
{
	size_t n = *rs->n, k, w = rs->width;
	bool late = n && i < (*rs->iv)[n - 1];
	float *r;

	if (n && (*rs->iv)[n - 1] == i)	/* the usual case */
		return n - 1;
	if (*rs->tab) {
		k = *row_slot(rs, i);
		if (k)
			return k - 1;
	} else if (late) {
		k = lower_bound(*rs->iv, n, i);
		if ((*rs->iv)[k] == i)
			return k;
	}
	if (i < 0 || i >= TSL_AN_MAX_INTERVAL) {
		m->too_big = true;
		return -1;
	}
	if (rows_grow(m, rs, n + 1))
		return -1;
	(*rs->iv)[n] = i;
	r = *rs->v + n * w;
	for (k = 0; k < w; k++)
		r[k] = NAN;
	(*rs->n)++;
	if ((late || *rs->tab) && row_tab_grow(m, rs))
		return -1;
	if (*rs->tab)
		*row_slot(rs, i) = n + 1;
	return n;
}

/* An interval and where its row was, to put rows in order. */
struct place {
	int64_t iv;
	size_t k;
};

static int cmp_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	return x->iv < y->iv ? -1 : x->iv > y->iv;
}

/*
 * Put @rs's rows in interval order if they came out of it, and the
 * @n_cols columns @cols (one float per row) with them; drop the table.
 * 0, or -ENOMEM.
 */
static int rows_sort(const struct rowset *rs, float **cols, size_t n_cols)
{
	size_t n = *rs->n, w = rs->width, k, c;
	struct place *pl;
	float *v;

	if (!*rs->tab)
		return 0;
	pl = malloc(n * sizeof(*pl));
	v = malloc(*rs->cap * w * sizeof(*v));
	if (!pl || !v)
		goto err;
	for (k = 0; k < n; k++)
		pl[k] = (struct place){ (*rs->iv)[k], k };
	qsort(pl, n, sizeof(*pl), cmp_place);
	for (k = 0; k < n; k++) {
		memcpy(v + k * w, *rs->v + pl[k].k * w, w * sizeof(*v));
		(*rs->iv)[k] = pl[k].iv;
	}
	free(*rs->v);
	*rs->v = v;
	v = NULL;
	for (c = 0; c < n_cols; c++) {
		float *p = cols[c], *q;

		if (!p)
			continue;
		q = malloc(*rs->cap * sizeof(*q));
		if (!q)
			goto err;
		for (k = 0; k < n; k++)
			q[k] = p[pl[k].k];
		free(p);
		cols[c] = q;
	}
	free(pl);
	free(*rs->tab);
	*rs->tab = NULL;
	*rs->tab_cap = 0;
	return 0;
err:
	free(pl);
	free(v);
	return -ENOMEM;
}

static int note_interval(struct tsl_an_model *m, int64_t i)
{
	if (i >= TSL_AN_MAX_INTERVAL) {
		m->too_big = true;
		return -ENOMEM;
	}
	if ((size_t)i + 1 > m->n_intervals)
		m->n_intervals = i + 1;
	return 0;
}

static const enum tsl_an_col count_cols[] = {
	TSL_AN_RTT_N, TSL_AN_ACKS, TSL_AN_ACK_TIMER, TSL_AN_ACK_QUICK,
	TSL_AN_ACK_PIGGYBACK, TSL_AN_ACK_WINDOW, TSL_AN_ACKS_RX,
	TSL_AN_DELAYED_RX, TSL_AN_READ_BYTES, TSL_AN_READS,
	TSL_AN_ACKED_BYTES, TSL_AN_RETRANS, TSL_AN_RTO, TSL_AN_DROPS,
	TSL_AN_OFO, TSL_AN_DATA_RX, TSL_AN_TX, TSL_AN_TX_SEGS, TSL_AN_TX_LEN,
};

static struct rowset flow_rows(struct tsl_an_flow *f)
{
	return (struct rowset){ &f->rows, &f->iv, &f->n_rows, &f->cap_rows,
				TSL_AN_NCOLS, &f->row_tab, &f->row_tab_cap };
}

/* Row of interval @i, created if needed. */
static float *flow_row(struct tsl_an_model *m, struct tsl_an_flow *f, int64_t i)
{
	struct rowset rs = flow_rows(f);
	ssize_t k = row_at(m, &rs, i);

	return k < 0 ? NULL : tsl_an_row(f, k);
}

float *tsl_an_flow_row(struct tsl_an_model *m, struct tsl_an_flow *f, int64_t i)
{
	return flow_row(m, f, i);
}

struct slot {
	uint64_t cookie;
	struct tsl_an_flow *f;
};

static struct slot *slot_of(struct slot *tab, size_t cap, uint64_t cookie)
{
	size_t i = (cookie * 0x9e3779b97f4a7c15ull) & (cap - 1);

	while (tab[i].f && tab[i].cookie != cookie)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int tab_grow(struct tsl_an_model *m)
{
	size_t cap = m->flow_tab_cap ? m->flow_tab_cap * 2 : 256, i;
	struct slot *tab = calloc(cap, sizeof(*tab)), *old = m->flow_tab;

	if (!tab)
		return -ENOMEM;
	for (i = 0; i < m->flow_tab_cap; i++)
		if (old[i].f)
			*slot_of(tab, cap, old[i].cookie) = old[i];
	free(old);
	m->flow_tab = tab;
	m->flow_tab_cap = cap;
	return 0;
}

static struct tsl_an_flow *get_flow(struct tsl_an_model *m, uint64_t cookie)
{
	const struct tsl_iter_flow *id;
	struct tsl_an_flow *f;
	struct slot *s;

	if ((m->n_flows + 1) * 2 > m->flow_tab_cap && tab_grow(m))
		return NULL;
	s = slot_of(m->flow_tab, m->flow_tab_cap, cookie);
	if (s->f)
		return s->f;
	if (m->n_flows == m->cap_flows) {
		size_t cap = m->cap_flows ? m->cap_flows * 2 : 16;
		void *p = realloc(m->flows, cap * sizeof(*m->flows));

		if (!p)
			return NULL;
		m->flows = p;
		m->cap_flows = cap;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->cookie = cookie;
	f->cur = -1;
	f->read_cpu = -1;
	id = tsl_iter_find_flow(m->ix, cookie);
	if (id) {
		f->has_id = true;
		f->id = *id;
	}
	m->flows[m->n_flows++] = f;
	s->cookie = cookie;
	s->f = f;
	return f;
}

/* ---- records ---- */

static void put_q(float *r, enum tsl_an_col c, double v)
{
	r[c] = v;
}

/* Write the finished interval's quantiles. */
static int close_interval(struct tsl_an_model *m, struct tsl_an_flow *f)
{
	float *r;

	if (f->cur < 0)
		return 0;
	r = flow_row(m, f, f->cur);
	if (!r)
		return -ENOMEM;
	if (f->cur_rtt.n) {
		put_q(r, TSL_AN_RTT_P50, tsl_hist_quantile(&f->cur_rtt, 0.5));
		put_q(r, TSL_AN_RTT_P90, tsl_hist_quantile(&f->cur_rtt, 0.9));
		put_q(r, TSL_AN_RTT_P99, tsl_hist_quantile(&f->cur_rtt, 0.99));
		put_q(r, TSL_AN_RTT_MAX, f->cur_rtt.max);
	}
	if (f->cur_ackd.n) {
		put_q(r, TSL_AN_ACKD_P50, tsl_hist_quantile(&f->cur_ackd, 0.5));
		put_q(r, TSL_AN_ACKD_P90, tsl_hist_quantile(&f->cur_ackd, 0.9));
	}
	if (f->cur_res.n) {
		put_q(r, TSL_AN_RES_P50, tsl_hist_quantile(&f->cur_res, 0.5));
		put_q(r, TSL_AN_RES_P90, tsl_hist_quantile(&f->cur_res, 0.9));
	}
	tsl_hist_reset(&f->cur_rtt);
	tsl_hist_reset(&f->cur_ackd);
	tsl_hist_reset(&f->cur_res);
	return 0;
}

static void add(float *r, enum tsl_an_col c, double v)
{
	r[c] = isnan(r[c]) ? v : r[c] + v;
}

static void maxv(float *r, enum tsl_an_col c, double v)
{
	if (isnan(r[c]) || v > r[c])
		r[c] = v;
}

static void mss_seen(struct tsl_an_flow *f, uint32_t len, uint32_t segs)
{
	uint32_t mss = segs > 1 ? len / segs : len;

	if (mss > f->t.mss)
		f->t.mss = mss;
}

static int on_tx(struct tsl_an_flow *f, float *r, const struct tsl_event *ev)
{
	const struct tsl_ev_tx *e = &ev->tx;
	uint32_t segs = e->segs ? e->segs : 1;

	add(r, TSL_AN_TX, 1);
	add(r, TSL_AN_TX_SEGS, segs);
	add(r, TSL_AN_TX_LEN, e->len);
	maxv(r, TSL_AN_SNDQ, e->sndq);
	maxv(r, TSL_AN_IN_FLIGHT, e->in_flight);
	r[TSL_AN_CWND] = e->cwnd;
	r[TSL_AN_SND_WND] = e->snd_wnd;
	f->t.tx++;
	f->t.tx_segs += segs;
	f->t.tx_bytes += e->len;
	mss_seen(f, e->len, segs);
	return 0;
}

static int on_ack_rx(struct tsl_an_flow *f, float *r, const struct tsl_event *ev)
{
	const struct tsl_ev_ack_rx *e = &ev->ack_rx;

	add(r, TSL_AN_ACKS_RX, 1);
	add(r, TSL_AN_ACKED_BYTES, e->acked);
	r[TSL_AN_SRTT] = e->srtt_us;
	r[TSL_AN_RTTVAR] = e->rttvar_us;
	r[TSL_AN_CWND] = e->cwnd;
	r[TSL_AN_SND_WND] = e->snd_wnd;
	f->t.acks_rx++;
	f->t.acked_bytes += e->acked;
	if (ev->flags & TSL_F_DELAYED) {
		add(r, TSL_AN_DELAYED_RX, 1);
		f->t.delayed_rx++;
	}
	if (e->rtt_us < 0)
		return 0;
	add(r, TSL_AN_RTT_N, 1);
	if (tsl_hist_add(&f->cur_rtt, e->rtt_us) ||
	    tsl_hist_add(&f->rtt, e->rtt_us))
		return -ENOMEM;
	return 0;
}

static int on_data_rx(struct tsl_an_flow *f, float *r, const struct tsl_event *ev)
{
	const struct tsl_ev_data_rx *e = &ev->data_rx;

	add(r, TSL_AN_DATA_RX, 1);
	maxv(r, TSL_AN_RCVQ, e->rcvq);
	r[TSL_AN_RCV_WND] = e->rcv_wnd;
	r[TSL_AN_RCVBUF] = e->rcvbuf;
	f->t.data_rx++;
	/* payload found queued after the fact may be several segments */
	if (!(ev->flags & TSL_F_UNSEEN))
		mss_seen(f, e->len, 1);
	if (ev->flags & TSL_F_OFO) {
		add(r, TSL_AN_OFO, 1);
		f->t.ofo++;
	}
	return 0;
}

static void set_owner(struct tsl_an_flow *f, uint32_t pid, const char *comm)
{
	if (!pid)
		return;
	f->pid = pid;
	memcpy(f->comm, comm, TSL_COMM_LEN);
	f->comm[TSL_COMM_LEN] = '\0';
}

static int on_read(struct tsl_an_flow *f, float *r, const struct tsl_event *ev)
{
	const struct tsl_ev_read *e = &ev->read;

	add(r, TSL_AN_READS, 1);
	add(r, TSL_AN_READ_BYTES, e->bytes);
	maxv(r, TSL_AN_RCVQ, e->rcvq + e->bytes);	/* queued before the read */
	f->t.reads++;
	f->t.read_bytes += e->bytes;
	f->read_cpu = ev->cpu;
	set_owner(f, e->pid, e->comm);
	if (tsl_hist_add(&f->cur_res, e->res_first_us) ||
	    tsl_hist_add(&f->res, e->res_first_us))
		return -ENOMEM;
	return 0;
}

static const enum tsl_an_col reason_cols[] = {
	[TSL_ACK_TIMER] = TSL_AN_ACK_TIMER, [TSL_ACK_QUICK] = TSL_AN_ACK_QUICK,
	[TSL_ACK_PIGGYBACK] = TSL_AN_ACK_PIGGYBACK,
	[TSL_ACK_WINDOW] = TSL_AN_ACK_WINDOW,
};

static int on_ack_tx(struct tsl_an_flow *f, float *r, const struct tsl_event *ev)
{
	const struct tsl_ev_ack_tx *e = &ev->ack_tx;

	add(r, TSL_AN_ACKS, 1);
	r[TSL_AN_RCV_WND] = e->rcv_wnd;
	f->t.acks_tx++;
	if (e->reason <= TSL_ACK_WINDOW) {
		f->t.ack_reason[e->reason]++;
		if (e->reason != TSL_ACK_OTHER)
			add(r, reason_cols[e->reason], 1);
	}
	if (tsl_hist_add(&f->cur_ackd, e->delay_us) ||
	    tsl_hist_add(&f->ackd, e->delay_us))
		return -ENOMEM;
	if (e->reason == TSL_ACK_TIMER && tsl_hist_add(&f->ackd_timer, e->delay_us))
		return -ENOMEM;
	return 0;
}

/* The record's own columns and the flow's totals. */
static int take_kind(struct tsl_an_flow *f, float *r, const struct tsl_event *ev)
{
	switch (ev->kind) {
	case TSL_EV_TX:
		return on_tx(f, r, ev);
	case TSL_EV_ACK_RX:
		return on_ack_rx(f, r, ev);
	case TSL_EV_DATA_RX:
		return on_data_rx(f, r, ev);
	case TSL_EV_READ:
		return on_read(f, r, ev);
	case TSL_EV_ACK_TX:
		return on_ack_tx(f, r, ev);
	case TSL_EV_RETRANS:
		add(r, TSL_AN_RETRANS, ev->retrans.segs ? ev->retrans.segs : 1);
		f->t.retrans_segs += ev->retrans.segs ? ev->retrans.segs : 1;
		return 0;
	case TSL_EV_RTO:
		add(r, TSL_AN_RTO, 1);
		f->t.rtos++;
		return 0;
	case TSL_EV_STATE:
		set_owner(f, ev->state.pid, ev->state.comm);
		return 0;
	case TSL_EV_DROP:
		add(r, TSL_AN_DROPS, ev->drop.count);
		f->t.drops += ev->drop.count;
		return 0;
	}
	return 0;
}

static int take_event(struct tsl_an_model *m, const struct tsl_event *ev)
{
	int64_t i = interval_of(m, ev->ts_ns);
	struct tsl_an_flow *f;
	float *r;
	int ret;

	if (ev->kind == TSL_EV_FLOW || ev->kind > TSL_EV_MAX)
		return 0;
	m->n_events++;
	if (note_interval(m, i) || !(f = get_flow(m, ev->cookie)))
		return -ENOMEM;
	if (i != f->cur) {
		if (close_interval(m, f))
			return -ENOMEM;
		f->cur = i;
	}
	r = flow_row(m, f, i);
	if (!r)
		return -ENOMEM;
	if (isnan(r[TSL_AN_TX])) {
		unsigned int k;

		for (k = 0; k < sizeof(count_cols) / sizeof(count_cols[0]); k++)
			r[count_cols[k]] = 0;
	}
	if (!f->t.events++)
		f->first_ns = ev->ts_ns;
	f->last_ns = ev->ts_ns;
	ret = take_kind(f, r, ev);
	/* the ledger may add rows (and move this one): after the row is done */
	return ret ? ret : tsl_ledger_event(m, f, ev);
}

/*
 * The rows would take more than the recording's data justifies: -EINVAL,
 * printed once, naming the recording and what to do.
 */
static int too_big(const struct tsl_an_model *m)
{
	uint64_t span = m->ix->last_ns > m->t0 ? m->ix->last_ns - m->t0 : 0;

	fprintf(stderr, "tcpsleuth: %s: %" PRIu64 " intervals of %g ms over %.0f s are more than its %" PRIu64 " records and %" PRIu64 " sample entries can fill; try a longer --interval\n",
		m->name, span / m->iv_ns + 1, m->iv_ns / 1e6, span / 1e9,
		m->ix->n_records, m->ix->n_sample_entries);
	return -EINVAL;
}

/* A callback's failure, printed: rows over the budget, or memory. */
static int failed(const struct tsl_an_model *m)
{
	return m->too_big ? too_big(m) : tsl_an_nomem(m->name);
}

static int on_event(void *arg, const struct tsl_event *ev)
{
	struct tsl_an_model *m = arg;

	return take_event(m, ev) ? failed(m) : 0;
}

/* ---- samples ---- */

/*
 * The host's row of interval @i, created if needed, with a place in the
 * idle of every CPU: its index, or -1 (-ENOMEM; m->too_big if over the
 * budget).
 */
static struct rowset host_rows(struct tsl_an_model *m)
{
	return (struct rowset){ &m->host, &m->host_iv, &m->n_host, &m->host_cap,
				TSL_AN_NCOLS, &m->host_tab, &m->host_tab_cap };
}

static ssize_t host_at(struct tsl_an_model *m, int64_t i)
{
	struct rowset rs = host_rows(m);
	size_t cap = m->host_cap, n = m->n_host, c, used = 0;
	ssize_t k = row_at(m, &rs, i);

	if (k < 0 || m->n_host == n)
		return k;
	for (c = 0; c < m->n_cpus; c++)
		used += !!m->cpu_idle[c];
	if (m->host_cap != cap &&
	    charge(m, (uint64_t)(m->host_cap - cap) * used * sizeof(float)))
		return -1;
	for (c = 0; c < m->n_cpus; c++) {
		float *p = m->cpu_idle[c];

		if (!p)
			continue;
		if (m->host_cap != cap) {
			p = realloc(p, m->host_cap * sizeof(*p));
			if (!p)
				return -1;
			m->cpu_idle[c] = p;
		}
		p[k] = NAN;
	}
	return k;
}

/* CPUs whose idle share is kept: Debian's kernels are built for 8192 (NR_CPUS). */
#define TSL_AN_MAX_CPUS	8192

/* The idle of CPU @cpu in the host's row @k (interval @i) is @v. */
static int cpu_idle_set(struct tsl_an_model *m, uint64_t cpu, size_t k,
			int64_t i, double v)
{
	if (cpu >= TSL_AN_MAX_CPUS)
		return 0;
	if (cpu >= m->n_cpus) {
		float **p = realloc(m->cpu_idle, (cpu + 1) * sizeof(*p));

		if (!p)
			return -ENOMEM;
		memset(p + m->n_cpus, 0, (cpu + 1 - m->n_cpus) * sizeof(*p));
		m->cpu_idle = p;
		m->n_cpus = cpu + 1;
	}
	if (i >= m->cpu_idle_len) {
		int64_t len = m->cpu_idle_len ? m->cpu_idle_len : 64;

		while (len <= i)
			len *= 2;
		m->cpu_idle_len = len;
	}
	if (!m->cpu_idle[cpu]) {
		float *p;
		size_t j;

		if (charge(m, (uint64_t)m->host_cap * sizeof(*p)))
			return -ENOMEM;
		p = malloc(m->host_cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		for (j = 0; j < m->host_cap; j++)
			p[j] = NAN;
		m->cpu_idle[cpu] = p;
	}
	m->cpu_idle[cpu][k] = v;
	return 0;
}

/* CPU @cpu was sampled in host row @k: idle 0 unless an idle entry says otherwise. */
static int cpu_idle_touch(struct tsl_an_model *m, uint64_t cpu, size_t k,
			  int64_t i)
{
	if (cpu < m->n_cpus && m->cpu_idle[cpu] && i < m->cpu_idle_len &&
	    !isnan(m->cpu_idle[cpu][k]))
		return 0;
	return cpu_idle_set(m, cpu, k, i, 0);
}

static float *pid_row(struct tsl_an_model *m, uint32_t pid, int64_t i)
{
	struct tsl_an_pid *p = NULL;
	struct rowset rs;
	ssize_t k;
	size_t j;

	for (j = 0; j < m->n_pids; j++)
		if (m->pids[j].pid == pid)
			p = &m->pids[j];
	if (!p) {
		void *t = realloc(m->pids, (m->n_pids + 1) * sizeof(*m->pids));

		if (!t)
			return NULL;
		m->pids = t;
		p = &m->pids[m->n_pids++];
		memset(p, 0, sizeof(*p));
		p->pid = pid;
	}
	rs = (struct rowset){ &p->rows, &p->iv, &p->n, &p->cap, TSL_AN_NCOLS,
			      &p->tab, &p->tab_cap };
	k = row_at(m, &rs, i);
	return k < 0 ? NULL : p->rows + (size_t)k * TSL_AN_NCOLS;
}

/* Sources sampled in this chunk start at zero: zero deltas are left out. */
static void zero_host(struct tsl_an_model *m, float *h, uint32_t sources,
		      size_t k, int64_t i)
{
	unsigned int c;

	if (sources & (1u << TSL_SRC_CPU)) {
		for (c = TSL_AN_H_USER; c <= TSL_AN_H_STEAL; c++)
			if (isnan(h[c]))
				h[c] = 0;
		for (c = 0; c < m->n_cpus; c++)
			if (m->cpu_idle[c] && i < m->cpu_idle_len &&
			    isnan(m->cpu_idle[c][k]))
				m->cpu_idle[c][k] = 0;
	}
	if (sources & (1u << TSL_SRC_SOFTIRQ))
		for (c = TSL_AN_H_NET_RX; c <= TSL_AN_H_NET_TX; c++)
			if (isnan(h[c]))
				h[c] = 0;
	if (sources & (1u << TSL_SRC_SNMP))
		for (c = TSL_AN_H_RETRANS_SEGS; c <= TSL_AN_H_TIMEOUTS; c++)
			if (isnan(h[c]))
				h[c] = 0;
	if (sources & (1u << TSL_SRC_NIC))
		for (c = TSL_AN_H_NIC_ERRORS; c <= TSL_AN_H_NIC_DROPS; c++)
			if (isnan(h[c]))
				h[c] = 0;
}

static int host_entry(struct tsl_an_model *m, float *h, size_t row,
		      int64_t i, const struct tsl_rec_sample_entry *e, uint8_t k)
{
	double pct = e->flags & TSL_SAMPLE_CENTI ? e->value / 100.0 : e->value;
	bool all = e->id == TSL_SAMPLE_ALL;

	/*
	 * A sampled CPU with no idle entry was not idle (zero shares are not
	 * written): any per-CPU entry makes the CPU's idle known.
	 */
	if (!all && e->source == TSL_SRC_CPU && k != TSL_KEY_IDLE &&
	    cpu_idle_touch(m, e->id, row, i))
		return -ENOMEM;
	switch (k) {
	case TSL_KEY_USER: if (all) h[TSL_AN_H_USER] = pct; break;
	case TSL_KEY_SYSTEM: if (all) h[TSL_AN_H_SYSTEM] = pct; break;
	case TSL_KEY_IOWAIT: if (all) h[TSL_AN_H_IOWAIT] = pct; break;
	case TSL_KEY_IDLE:
		if (all)
			h[TSL_AN_H_IDLE] = pct;
		else
			return cpu_idle_set(m, e->id, row, i, pct);
		break;
	case TSL_KEY_SOFTIRQ: if (!all) maxv(h, TSL_AN_H_SOFTIRQ, pct); break;
	case TSL_KEY_STEAL: if (!all) maxv(h, TSL_AN_H_STEAL, pct); break;
	case TSL_KEY_NET_RX: add(h, TSL_AN_H_NET_RX, e->value); break;
	case TSL_KEY_NET_TX: add(h, TSL_AN_H_NET_TX, e->value); break;
	case K_NIC_ERR: add(h, TSL_AN_H_NIC_ERRORS, e->value); break;
	case K_NIC_DROP: add(h, TSL_AN_H_NIC_DROPS, e->value); break;
	default:
		if (k >= K_SNMP_FIRST && k <= K_SNMP_LAST)
			add(h, TSL_AN_H_RETRANS_SEGS + k - K_SNMP_FIRST, e->value);
	}
	return 0;
}

static int proc_entry(struct tsl_an_model *m, int64_t i,
		      const struct tsl_rec_sample_entry *e, uint8_t k)
{
	float *r = pid_row(m, e->id, i);

	if (!r)
		return -ENOMEM;
	if (k == TSL_KEY_STATE) {
		r[TSL_AN_APP_R] = e->value == 'R';
		r[TSL_AN_APP_S] = e->value == 'S' || e->value == 'I';
		r[TSL_AN_APP_D] = e->value == 'D';
		if (isnan(r[TSL_AN_APP_USER]))
			r[TSL_AN_APP_USER] = r[TSL_AN_APP_SYS] = 0;
		if (isnan(r[TSL_AN_APP_VCSW]))
			r[TSL_AN_APP_VCSW] = r[TSL_AN_APP_NVCSW] = 0;
	} else if (k == TSL_KEY_PROCESSOR) {
		r[TSL_AN_APP_PROCESSOR] = e->value;
	} else if (k == TSL_KEY_RUN_DELAY) {
		add(r, TSL_AN_APP_RUN_DELAY, e->value);
	} else if (k == TSL_KEY_UTIME) {
		add(r, TSL_AN_APP_USER, e->value);
	} else if (k == TSL_KEY_STIME) {
		add(r, TSL_AN_APP_SYS, e->value);
	} else if (k == TSL_KEY_VCSW) {
		add(r, TSL_AN_APP_VCSW, e->value);
	} else if (k == TSL_KEY_NVCSW) {
		add(r, TSL_AN_APP_NVCSW, e->value);
	} else if (k == TSL_KEY_THROTTLED || k == TSL_KEY_LOCAL_THROTTLED) {
		/* local_throttled_usec (6.6 on) also counts a parent's quota */
		if (isnan(r[TSL_AN_APP_THROTTLED]) || e->value > r[TSL_AN_APP_THROTTLED])
			r[TSL_AN_APP_THROTTLED] = e->value;
	}
	return 0;
}

static const enum tsl_an_col sock_cols[] = {
	[TSL_KEY_RECV_Q] = TSL_AN_SD_RECV_Q, [TSL_KEY_SEND_Q] = TSL_AN_SD_SEND_Q,
	[TSL_KEY_RTT] = TSL_AN_SD_RTT, [TSL_KEY_RTTVAR] = TSL_AN_SD_RTTVAR,
	[TSL_KEY_SKMEM_RB] = TSL_AN_SD_RB, [TSL_KEY_SKMEM_TB] = TSL_AN_SD_TB, [TSL_KEY_SKMEM_W] = TSL_AN_SD_WQ,
	[TSL_KEY_SKMEM_D] = TSL_AN_SD_DROPS,
	[TSL_KEY_MIN_RTT] = TSL_AN_SD_MIN_RTT, [TSL_KEY_BUSY] = TSL_AN_SD_BUSY,
	[TSL_KEY_RWND_LIMITED] = TSL_AN_SD_RWND_LIM,
	[TSL_KEY_SNDBUF_LIMITED] = TSL_AN_SD_SNDBUF_LIM,
	[TSL_KEY_APP_LIMITED] = TSL_AN_SD_APP_LIMITED,
	[TSL_KEY_NOTSENT] = TSL_AN_SD_NOTSENT, [TSL_KEY_DSACK_DUPS] = TSL_AN_SD_DSACK,
	[TSL_KEY_REORD_SEEN] = TSL_AN_SD_REORD_SEEN,
	[TSL_KEY_BYTES_RETRANS] = TSL_AN_SD_BYTES_RETRANS,
	[TSL_KEY_BACKLOG] = TSL_AN_QD_BACKLOG, [TSL_KEY_QDISC_DROPS] = TSL_AN_QD_DROPS,
	[TSL_KEY_SENT_BYTES] = TSL_AN_QD_SENT,
};

static int flow_entry(struct tsl_an_model *m, int64_t i,
		      const struct tsl_rec_sample_entry *e, uint8_t k)
{
	struct tsl_an_flow *f = get_flow(m, e->id);
	float *r;

	if (!f || !(r = flow_row(m, f, i)))
		return -ENOMEM;
	if (k == TSL_KEY_ICMP_RTT) {
		r[TSL_AN_ICMP_RTT] = e->value;
		f->t.icmp_samples++;
	} else if (k == TSL_KEY_ICMP_LOST) {
		add(r, TSL_AN_ICMP_LOST, e->value);
		f->t.icmp_lost += e->value;
	} else if (k < sizeof(sock_cols) / sizeof(sock_cols[0]) && sock_cols[k]) {
		if (e->flags & TSL_SAMPLE_DELTA)	/* counters: the interval's sum */
			add(r, sock_cols[k], e->value);
		else
			r[sock_cols[k]] = e->value;
	}
	return 0;
}

static int on_entry(struct tsl_an_model *m, float *h, size_t row, int64_t i,
		    const struct tsl_rec_sample_entry *e)
{
	uint8_t k = e->key < m->n_keys ? m->keymap[e->key] : K_NONE;

	if (k == K_NONE)
		return 0;
	if (k == TSL_KEY_ICMP_RTT || k == TSL_KEY_ICMP_LOST)
		return flow_entry(m, i, e, k);
	switch (e->source) {
	case TSL_SRC_SNMP: case TSL_SRC_SOFTIRQ: case TSL_SRC_CPU:
	case TSL_SRC_NIC:
		return host_entry(m, h, row, i, e, k);
	case TSL_SRC_PROC:
	case TSL_SRC_CGROUP:
		return proc_entry(m, i, e, k);
	case TSL_SRC_SOCK:
	case TSL_SRC_QDISC:
		return k == TSL_KEY_STATE ? 0 : flow_entry(m, i, e, k);
	}
	return 0;
}

static int take_sample(struct tsl_an_model *m, const struct tsl_rec_chunk *c)
{
	const struct tsl_rec_sample *s = c->sample;
	uint64_t ts = s->mono_ns;
	int64_t i;
	ssize_t row;
	uint32_t k;
	float *h;

	/* A sample covers the period before it: file it at its middle. */
	if (s->interval_ns && ts > s->interval_ns / 2)
		ts -= s->interval_ns / 2;
	i = interval_of(m, ts);
	if (note_interval(m, i) || (row = host_at(m, i)) < 0)
		return -ENOMEM;
	m->n_samples++;
	h = m->host + (size_t)row * TSL_AN_NCOLS;
	zero_host(m, h, s->sources, row, i);
	for (k = 0; k < s->n_entries; k++) {
		struct tsl_rec_sample_entry e;

		memcpy(&e, (const char *)c->entries + (size_t)k * s->entry_size,
		       sizeof(e));
		if (on_entry(m, h, row, i, &e))
			return -ENOMEM;
	}
	return 0;
}

static int on_sample(void *arg, const struct tsl_rec_chunk *c)
{
	struct tsl_an_model *m = arg;

	return take_sample(m, c) ? failed(m) : 0;
}

/* ---- joining ---- */

/*
 * Give @f a row in every interval between its first and its last where the
 * host was sampled, for the host's columns: merged in from the end, in
 * place. 0, or -ENOMEM (m->too_big if over the budget).
 */
static int add_host_rows(struct tsl_an_model *m, struct tsl_an_flow *f)
{
	struct rowset rs = flow_rows(f);
	size_t a, b, x, y, w, add = 0;

	if (!f->n_rows || !m->n_host)
		return 0;
	a = lower_bound(m->host_iv, m->n_host, f->iv[0]);
	b = lower_bound(m->host_iv, m->n_host, f->iv[f->n_rows - 1] + 1);
	for (x = 0, y = a; y < b; y++) {
		while (x < f->n_rows && f->iv[x] < m->host_iv[y])
			x++;
		add += x == f->n_rows || f->iv[x] != m->host_iv[y];
	}
	if (!add)
		return 0;
	if (rows_grow(m, &rs, f->n_rows + add))
		return -ENOMEM;
	x = f->n_rows;
	w = x + add;
	y = b;
	while (y > a) {
		if (f->iv[x - 1] >= m->host_iv[y - 1]) {
			if (f->iv[x - 1] == m->host_iv[y - 1])
				y--;
			w--;
			x--;
			if (w != x) {
				memcpy(tsl_an_row(f, w), tsl_an_row(f, x),
				       TSL_AN_NCOLS * sizeof(float));
				f->iv[w] = f->iv[x];
			}
		} else {
			unsigned int c;
			float *r = tsl_an_row(f, --w);

			f->iv[w] = m->host_iv[--y];
			for (c = 0; c < TSL_AN_NCOLS; c++)
				r[c] = NAN;
		}
	}
	f->n_rows += add;
	return 0;
}

/* The row of @p in interval @i, from its row *@at on (advanced); NULL if none. */
static const float *pid_row_from(const struct tsl_an_pid *p, size_t *at,
				 int64_t i)
{
	while (*at < p->n && p->iv[*at] < i)
		(*at)++;
	return *at < p->n && p->iv[*at] == i ?
	       p->rows + *at * TSL_AN_NCOLS : NULL;
}

static void join_app(const struct tsl_an_model *m, const float *a, float *r)
{
	double ms = m->iv_ns / 1e6;

	if (!a || (isnan(a[TSL_AN_APP_R]) && isnan(a[TSL_AN_APP_USER])))
		return;
	r[TSL_AN_APP_R] = a[TSL_AN_APP_R];
	r[TSL_AN_APP_S] = a[TSL_AN_APP_S];
	r[TSL_AN_APP_D] = a[TSL_AN_APP_D];
	if (!isnan(a[TSL_AN_APP_USER])) {
		r[TSL_AN_APP_USER] = a[TSL_AN_APP_USER] * 100 / ms;
		r[TSL_AN_APP_SYS] = (isnan(a[TSL_AN_APP_SYS]) ? 0 : a[TSL_AN_APP_SYS]) * 100 / ms;
		r[TSL_AN_APP_CPU] = r[TSL_AN_APP_USER] + r[TSL_AN_APP_SYS];
	}
	if (!isnan(a[TSL_AN_APP_VCSW]))
		r[TSL_AN_APP_VCSW] = a[TSL_AN_APP_VCSW] * 1000 / ms;
	if (!isnan(a[TSL_AN_APP_NVCSW]))
		r[TSL_AN_APP_NVCSW] = a[TSL_AN_APP_NVCSW] * 1000 / ms;
	/* ns waiting on a run queue, as a share of the interval */
	if (!isnan(a[TSL_AN_APP_RUN_DELAY]))
		r[TSL_AN_APP_RUN_DELAY] = fmin(100, a[TSL_AN_APP_RUN_DELAY] / 1e6 * 100 / ms);
	r[TSL_AN_APP_PROCESSOR] = a[TSL_AN_APP_PROCESSOR];
	r[TSL_AN_APP_THROTTLED] = a[TSL_AN_APP_THROTTLED];
}

static const struct tsl_an_pid *find_pid(const struct tsl_an_model *m,
					 uint32_t pid)
{
	size_t k;

	for (k = 0; pid && k < m->n_pids; k++)
		if (m->pids[k].pid == pid)
			return &m->pids[k];
	return NULL;
}

/* The host's columns of host row @h (interval @i) into the flow's row @r. */
static void join_host(const struct tsl_an_model *m, const struct tsl_an_flow *f,
		      float *r, size_t hk, int64_t i)
{
	const float *h = m->host + hk * TSL_AN_NCOLS;
	double secs = m->iv_ns / 1e9;
	unsigned int c;
	int cpu;

	for (c = TSL_AN_FIRST_HOST; c < TSL_AN_NCOLS; c++)
		r[c] = h[c];
	if (!isnan(r[TSL_AN_H_NET_RX]))
		r[TSL_AN_H_NET_RX] /= secs;
	if (!isnan(r[TSL_AN_H_NET_TX]))
		r[TSL_AN_H_NET_TX] /= secs;
	/* the CPU the owner was on in this interval, else of its latest read */
	cpu = f->read_cpu;
	if (!isnan(r[TSL_AN_APP_PROCESSOR]))	/* as sampled: any value */
		cpu = r[TSL_AN_APP_PROCESSOR] >= 0 &&
		      r[TSL_AN_APP_PROCESSOR] < m->n_cpus ?
		      (int)r[TSL_AN_APP_PROCESSOR] : -1;
	if (cpu >= 0 && (unsigned int)cpu < m->n_cpus && m->cpu_idle[cpu] &&
	    i < m->cpu_idle_len && !isnan(m->cpu_idle[cpu][hk]))
		r[TSL_AN_APP_CPU_IDLE] = m->cpu_idle[cpu][hk];
	else if (!isnan(h[TSL_AN_H_IDLE]))
		r[TSL_AN_APP_CPU_IDLE] = h[TSL_AN_H_IDLE];
}

static int join_flow(struct tsl_an_model *m, struct tsl_an_flow *f)
{
	const struct tsl_an_pid *p = find_pid(m, f->pid);
	size_t k, pk = 0, hk;

	if (add_host_rows(m, f))
		return -ENOMEM;
	hk = f->n_rows ? lower_bound(m->host_iv, m->n_host, f->iv[0]) : 0;
	for (k = 0; k < f->n_rows; k++) {
		int64_t i = f->iv[k];
		float *r = tsl_an_row(f, k);

		if (!isnan(r[TSL_AN_TX]))
			r[TSL_AN_TX_LEN] = r[TSL_AN_TX] ? r[TSL_AN_TX_LEN] / r[TSL_AN_TX] : NAN;
		if (p)
			join_app(m, pid_row_from(p, &pk, i), r);
		while (hk < m->n_host && m->host_iv[hk] < i)
			hk++;
		/* an interval without a sample: the host's columns stay NAN */
		if (hk < m->n_host && m->host_iv[hk] == i)
			join_host(m, f, r, hk, i);
	}
	return 0;
}

static int cmp_flow(const void *a, const void *b)
{
	const struct tsl_an_flow *x = *(const struct tsl_an_flow *const *)a;
	const struct tsl_an_flow *y = *(const struct tsl_an_flow *const *)b;

	if (x->t.events != y->t.events)
		return x->t.events > y->t.events ? -1 : 1;
	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

static int build_keymap(struct tsl_an_model *m)
{
	uint32_t k;

	m->n_keys = m->ix->n_names;
	m->keymap = calloc(m->n_keys ? m->n_keys : 1, 1);
	if (!m->keymap)
		return -ENOMEM;
	for (k = 0; k < m->n_keys; k++)
		m->keymap[k] = classify(tsl_iter_name(m->ix, k));
	return 0;
}

/* Every set of rows in interval order, for the joins and what reads them: 0, or -ENOMEM. */
static int rows_in_order(struct tsl_an_model *m)
{
	struct rowset rs = host_rows(m);
	size_t k;

	if (rows_sort(&rs, m->cpu_idle, m->n_cpus))
		return -ENOMEM;
	for (k = 0; k < m->n_pids; k++) {
		struct tsl_an_pid *p = &m->pids[k];

		rs = (struct rowset){ &p->rows, &p->iv, &p->n, &p->cap,
				      TSL_AN_NCOLS, &p->tab, &p->tab_cap };
		if (rows_sort(&rs, NULL, 0))
			return -ENOMEM;
	}
	for (k = 0; k < m->n_flows; k++) {
		struct tsl_an_flow *f = m->flows[k];

		rs = flow_rows(f);
		if (rows_sort(&rs, NULL, 0))
			return -ENOMEM;
		f->first = f->n_rows ? f->iv[0] : 0;
	}
	return 0;
}

int tsl_an_model_build(int fd, const char *name, const struct tsl_iter_index *ix,
		       uint64_t iv_ns, struct tsl_an_model *m)
{
	static const struct tsl_iter_ops ops = { .event = on_event,
						 .sample = on_sample };
	size_t k;
	int ret;

	memset(m, 0, sizeof(*m));
	m->name = name;
	m->ix = ix;
	m->iv_ns = iv_ns;
	m->mem_budget = tsl_an_budget(ix);
	m->t0 = ix->first_ns;
	if (ix->has_start && ix->start.mono_ns &&
	    (!m->t0 || ix->start.mono_ns <= m->t0))
		m->t0 = ix->start.mono_ns;
	if (!iv_ns) {
		fprintf(stderr, "tcpsleuth: %s: interval of 0 ns\n", name);
		return -EINVAL;
	}
	if (build_keymap(m))
		return tsl_an_nomem(name);
	/* the callbacks print their failures, as the merge does its own */
	ret = tsl_iter_merge(fd, name, ix, &ops, m);
	if (ret)
		return ret;
	for (k = 0; k < m->n_flows; k++)
		if (close_interval(m, m->flows[k]))
			return failed(m);
	if (rows_in_order(m))
		return tsl_an_nomem(name);
	for (k = 0; k < m->n_flows; k++) {
		if (join_flow(m, m->flows[k]))
			return failed(m);
		tsl_ledger_finish(m->flows[k]);
	}
	if (m->n_flows)
		qsort(m->flows, m->n_flows, sizeof(*m->flows), cmp_flow);
	return 0;
}

static void flow_free(struct tsl_an_flow *f)
{
	tsl_hist_free(&f->rtt);
	tsl_hist_free(&f->ackd);
	tsl_hist_free(&f->ackd_timer);
	tsl_hist_free(&f->res);
	tsl_hist_free(&f->cur_rtt);
	tsl_hist_free(&f->cur_ackd);
	tsl_hist_free(&f->cur_res);
	free(f->lg.hole_us);
	free(f->rows);
	free(f->iv);
	free(f->row_tab);
	free(f);
}

void tsl_an_model_free(struct tsl_an_model *m)
{
	size_t k;

	for (k = 0; k < m->n_flows; k++)
		flow_free(m->flows[k]);
	for (k = 0; k < m->n_cpus; k++)
		free(m->cpu_idle[k]);
	for (k = 0; k < m->n_pids; k++) {
		free(m->pids[k].rows);
		free(m->pids[k].iv);
		free(m->pids[k].tab);
	}
	free(m->cpu_idle);
	free(m->pids);
	free(m->flows);
	free(m->flow_tab);
	free(m->host);
	free(m->host_iv);
	free(m->host_tab);
	free(m->keymap);
	memset(m, 0, sizeof(*m));
}

double *tsl_an_series(const struct tsl_an_flow *f, enum tsl_an_col col)
{
	double *v = malloc((f->n_rows ? f->n_rows : 1) * sizeof(*v));
	size_t k;

	for (k = 0; v && k < f->n_rows; k++)
		v[k] = tsl_an_row(f, k)[col];
	return v;
}
