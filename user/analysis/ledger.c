// SPDX-License-Identifier: GPL-2.0-or-later
// The time ledger: where each flow's time went, worked out from its events in one time-ordered pass.
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ledger.h"
#include "series.h"
#include "verdicts.h"

#define TH(id)	tsl_verdict_numbers[TSL_VN_##id]

#define LG_NAME(id, name) [TSL_LG_##id] = name,
const char *const tsl_ledger_names[TSL_LG_N] = {
	TSL_LEDGER_ITEMS(LG_NAME)
};
#undef LG_NAME

/* What a transmission left the sender waiting for (tsl_ledger.lim). */
enum { LIM_NONE, LIM_CWND, LIM_RWND, LIM_RWND_ZERO, LIM_CWND_LOSS };
/*
 * Whose turn a request/response flow is in (tsl_ledger.turn): a client
 * (its first payload went out) waits from its request's last piece to the
 * answer's first byte; a server (its first payload came in) from its
 * answer's last piece to the ACK of it, a pure one: an ACK that comes with
 * the next request waited for the client's own work too.
 */
enum { TURN_NONE, TURN_SENT, TURN_RECEIVED, TURN_ANSWERED };
enum { ROLE_NONE, ROLE_CLIENT, ROLE_SERVER };

/* Sequence-space comparison: a before b. */
static bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/*
 * Unread wait from @start_ns to @end_ns, spread over the intervals it
 * covers (rows are made for those that had none: data waited in them).
 * -ENOMEM when memory or the rows' budget runs out.
 */
static int unread_rows(struct tsl_an_model *m, struct tsl_an_flow *f,
		       uint64_t start_ns, uint64_t end_ns)
{
	uint64_t t = start_ns;

	while (t < end_ns) {
		int64_t i = t < m->t0 ? 0 : (int64_t)((t - m->t0) / m->iv_ns);
		uint64_t iv_end = tsl_an_interval_start(m, i + 1);
		uint64_t upto = iv_end < end_ns && iv_end > t ? iv_end : end_ns;
		float *r = tsl_an_flow_row(m, f, i);

		if (!r)
			return -ENOMEM;
		r[TSL_AN_UNREAD_MS] = (isnan(r[TSL_AN_UNREAD_MS]) ? 0 :
				       r[TSL_AN_UNREAD_MS]) + (upto - t) / 1e6;
		t = upto;
	}
	return 0;
}

/*
 * A read: the oldest byte it took arrived res_first_us ago. The queue was
 * waiting for the reader from then (less the grace a prompt reader needs)
 * until now, except for what an earlier read already counted.
 */
static int on_read(struct tsl_an_model *m, struct tsl_an_flow *f,
		   const struct tsl_event *ev)
{
	struct tsl_ledger *l = &f->lg;
	uint64_t res_ns = ev->read.res_first_us * 1000ull;
	uint64_t grace = (uint64_t)TH(LG_GRACE_US) * 1000;
	uint64_t start;
	int err = 0;

	if (!ev->read.bytes)
		return 0;
	if (res_ns <= grace || ev->ts_ns < res_ns - grace)
		goto done;
	start = ev->ts_ns - res_ns + grace;
	if (start < l->occ_end_ns)
		start = l->occ_end_ns;
	if (ev->ts_ns > start) {
		l->us[TSL_LG_UNREAD] += (ev->ts_ns - start) / 1e3;
		err = unread_rows(m, f, start, ev->ts_ns);
	}
done:
	if (ev->ts_ns > l->occ_end_ns)
		l->occ_end_ns = ev->ts_ns;
	return err;
}

static int hole_push(struct tsl_ledger *l, double us)
{
	if (l->n_hole_us == l->cap_hole_us) {
		size_t cap = l->cap_hole_us ? 2 * l->cap_hole_us : 64;
		double *p = realloc(l->hole_us, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->hole_us = p;
		l->cap_hole_us = cap;
	}
	l->hole_us[l->n_hole_us++] = us;
	return 0;
}

/*
 * Arrivals: a segment beyond rcv_nxt opens a hole (data waits behind it in
 * the out-of-order queue); the one at rcv_nxt that follows closes it. Its
 * duration is sorted into loss or reordering at the end, against the RTT.
 * A request/response flow's turn also changes here.
 */
static void on_data_rx(struct tsl_an_flow *f, const struct tsl_event *ev)
{
	const struct tsl_ev_data_rx *e = &ev->data_rx;
	struct tsl_ledger *l = &f->lg;

	if (!e->len || (ev->flags & TSL_F_UNSEEN))
		return;
	if (ev->flags & TSL_F_OFO) {
		if (before(e->seq, e->rcv_nxt)) {
			l->dup_segs++;
		} else if (!l->hole_open) {
			l->hole_open = 1;
			l->hole_start_ns = ev->ts_ns;
			l->hole_seq = e->rcv_nxt;
		}
	} else if (l->hole_open && e->seq == l->hole_seq) {
		l->hole_open = 0;
		l->holes++;
		if (hole_push(l, (ev->ts_ns - l->hole_start_ns) / 1e3))
			l->holes--;	/* out of memory: this hole goes uncounted */
	}
	/*
	 * Nagle's other half: our delayed ACK of a small segment, then at
	 * once the small segment it held back.
	 */
	if (l->timer_ack_ns && e->len < (f->t.mss ? f->t.mss : 1) &&
	    ev->ts_ns - l->timer_ack_ns <= TH(LG_FOLLOW_US) * 1000) {
		l->us[TSL_LG_DELACK_TX] += l->timer_ack_us;
		l->delack_waits++;
	}
	l->timer_ack_ns = 0;
	if (!l->role)
		l->role = ROLE_SERVER;
	if (l->role == ROLE_CLIENT) {
		/* the answer's first byte ends the wait that began when we sent */
		if (l->turn == TURN_SENT) {
			l->us[TSL_LG_TURN] += (ev->ts_ns - l->turn_start_ns) / 1e3;
			l->turns++;
			l->turn_end_ns = ev->ts_ns;
		}
		l->turn = TURN_NONE;
	} else {
		l->turn = TURN_RECEIVED;	/* a request (an unacknowledged answer's turn is dropped) */
	}
	l->last_rx_ns = ev->ts_ns;
	l->last_rx_small = e->len < (f->t.mss ? f->t.mss : 1);
}

/* The wait a transmission began, if it filled a window, ends at an ACK. */
static void lim_end(struct tsl_ledger *l, uint64_t now, int32_t rtt_us)
{
	enum tsl_ledger_item it = l->lim == LIM_CWND ? TSL_LG_CWND :
				  l->lim == LIM_CWND_LOSS ? TSL_LG_CWND_LOSS :
				  l->lim == LIM_RWND ? TSL_LG_RWND : TSL_LG_RWND_ZERO;

	if (l->lim == LIM_NONE)
		return;
	if (now > l->lim_since_ns)
		l->us[it] += (now - l->lim_since_ns) / 1e3;
	if (l->lim == LIM_CWND && rtt_us > 0) {
		l->cwnd_rtt_us += rtt_us;
		l->cwnd_rtt_n++;
	}
	l->lim = LIM_NONE;
}

static void on_tx(struct tsl_an_flow *f, const struct tsl_event *ev)
{
	const struct tsl_ev_tx *e = &ev->tx;
	struct tsl_ledger *l = &f->lg;
	uint32_t segs = e->segs ? e->segs : 1, mss = f->t.mss ? f->t.mss : 1;

	if (!e->len)
		return;
	if (!l->high_seq || before(l->high_seq, e->end_seq))
		l->high_seq = e->end_seq;
	l->cwnd_now = e->cwnd;
	if (l->cwnd_at_loss && e->cwnd >= l->cwnd_at_loss)
		l->cwnd_at_loss = 0;	/* grown back */
	if (ev->flags & TSL_F_RETRANS)
		return;
	/*
	 * Nagle: a small segment, with nothing else in flight, that left as
	 * soon as the ACK of a small one came back later than the path
	 * explains (by the delayed-ACK timer's order) had waited for it.
	 */
	if (l->last_ack_small && !e->in_flight && e->len < mss &&
	    ev->ts_ns - l->last_ack_ns <= TH(LG_FOLLOW_US) * 1000 &&
	    l->last_ack_rtt_us >= l->rtt_min_us + TH(DELACK_MIN_US)) {
		l->us[TSL_LG_ACK_WAIT] += l->last_ack_rtt_us - l->rtt_min_us;
		l->ack_waits++;
	}
	l->last_ack_small = 0;
	if (!l->role)
		l->role = ROLE_CLIENT;
	if (l->role == ROLE_CLIENT) {
		/* a request starts with nothing in flight; a stream's sends are no turns */
		if (l->turn != TURN_SENT && e->in_flight)
			goto turn_done;
		l->turn = TURN_SENT;
	}
	else if (l->turn == TURN_RECEIVED || l->turn == TURN_ANSWERED)
		l->turn = TURN_ANSWERED;
	if (l->turn == TURN_SENT || l->turn == TURN_ANSWERED)
		l->turn_start_ns = ev->ts_ns;	/* the wait starts after the last piece */
turn_done:
	l->last_tx_ns = ev->ts_ns;
	if (l->in_rec || l->lim != LIM_NONE)
		return;
	if (!e->snd_wnd) {
		l->lim = LIM_RWND_ZERO;
	} else if (e->in_flight + segs >= e->cwnd) {
		l->lim = l->cwnd_at_loss ? LIM_CWND_LOSS : LIM_CWND;
	} else if ((uint64_t)(e->in_flight + segs) * mss + mss >= e->snd_wnd) {
		l->lim = LIM_RWND;
	} else {
		return;
	}
	l->lim_since_ns = ev->ts_ns;
}

static void on_ack_rx(struct tsl_an_flow *f, const struct tsl_event *ev)
{
	const struct tsl_ev_ack_rx *e = &ev->ack_rx;
	struct tsl_ledger *l = &f->lg;

	if (e->rtt_us > 0 && (!l->rtt_min_us || (uint32_t)e->rtt_us < l->rtt_min_us))
		l->rtt_min_us = e->rtt_us;
	if (e->acked) {
		if (l->lim == LIM_CWND || l->lim == LIM_CWND_LOSS || l->lim == LIM_RWND)
			lim_end(l, ev->ts_ns, e->rtt_us);
		l->last_ack_ns = ev->ts_ns;
		l->last_ack_rtt_us = e->rtt_us > 0 ? (uint64_t)e->rtt_us : 0;
		l->last_ack_small = e->acked < (f->t.mss ? f->t.mss : 1);
	}
	if (l->lim == LIM_RWND_ZERO && e->snd_wnd)
		lim_end(l, ev->ts_ns, -1);
	if (l->in_rec && !before(e->ack, l->rec_high)) {
		l->us[TSL_LG_RECOVERY] += (ev->ts_ns - l->rec_start_ns) / 1e3;
		l->in_rec = 0;
	}
	/* server: the ACK of the whole answer ends the turn */
	if (l->turn == TURN_ANSWERED && e->acked && !before(e->ack, l->high_seq)) {
		l->us[TSL_LG_TURN] += (ev->ts_ns - l->turn_start_ns) / 1e3;
		l->turns++;
		if (e->rtt_us > 0) {
			l->turn_rtt_us += e->rtt_us;
			l->turn_rtt_n++;
		}
		l->turn = TURN_NONE;
	}
	/* client: the answer carries the ACK of the request, just after its data */
	if (l->role == ROLE_CLIENT && e->rtt_us > 0 && l->turn_end_ns &&
	    ev->ts_ns - l->turn_end_ns <= TH(LG_FOLLOW_US) * 1000) {
		l->turn_rtt_us += e->rtt_us;
		l->turn_rtt_n++;
		l->turn_end_ns = 0;
	}
}

static void rec_start(struct tsl_ledger *l, uint64_t at)
{
	if (l->in_rec)
		return;
	lim_end(l, at, -1);
	l->in_rec = 1;
	l->rec_start_ns = at;
	l->rec_high = l->high_seq;
	l->recoveries++;
	/* the window the loss found, unless an earlier loss's is still to regain */
	if (!l->cwnd_at_loss)
		l->cwnd_at_loss = l->cwnd_now;
}

static void on_ack_tx(struct tsl_an_flow *f, const struct tsl_event *ev)
{
	struct tsl_ledger *l = &f->lg;

	if (ev->ack_tx.reason == TSL_ACK_TIMER && l->last_rx_small &&
	    ev->ack_tx.delay_us >= TH(DELACK_MIN_US)) {
		l->timer_ack_ns = ev->ts_ns;
		l->timer_ack_us = ev->ack_tx.delay_us;
	}
}

int tsl_ledger_event(struct tsl_an_model *m, struct tsl_an_flow *f,
		     const struct tsl_event *ev)
{
	struct tsl_ledger *l = &f->lg;

	switch (ev->kind) {
	case TSL_EV_TX:
		on_tx(f, ev);
		break;
	case TSL_EV_ACK_RX:
		on_ack_rx(f, ev);
		break;
	case TSL_EV_DATA_RX:
		on_data_rx(f, ev);
		break;
	case TSL_EV_READ:
		return on_read(m, f, ev);
	case TSL_EV_ACK_TX:
		on_ack_tx(f, ev);
		break;
	case TSL_EV_RETRANS:
		rec_start(l, ev->ts_ns);
		break;
	case TSL_EV_RTO:
		/* the sender stalled from its last progress until the timer fired */
		rec_start(l, l->last_ack_ns && l->last_ack_ns < ev->ts_ns ?
			     l->last_ack_ns : ev->ts_ns);
		break;
	}
	return 0;
}

/* The smallest round trip the flow's measurements show, us; NAN: none. */
static double floor_of(const struct tsl_an_flow *f)
{
	double v = f->lg.rtt_min_us ? f->lg.rtt_min_us : NAN;
	size_t k;

	for (k = 0; k < f->n_rows; k++) {
		const float *r = tsl_an_row(f, k);

		if (!isnan(r[TSL_AN_ICMP_RTT]) && r[TSL_AN_ICMP_RTT] > 0 &&
		    !(r[TSL_AN_ICMP_RTT] >= v))
			v = r[TSL_AN_ICMP_RTT];
		if (!isnan(r[TSL_AN_SD_RTT]) && r[TSL_AN_SD_RTT] > 0 &&
		    !(r[TSL_AN_SD_RTT] >= v))
			v = r[TSL_AN_SD_RTT];
		if (!isnan(r[TSL_AN_SD_MIN_RTT]) && r[TSL_AN_SD_MIN_RTT] > 0 &&
		    !(r[TSL_AN_SD_MIN_RTT] >= v))
			v = r[TSL_AN_SD_MIN_RTT];
	}
	return v;
}

void tsl_ledger_finish(struct tsl_an_flow *f)
{
	struct tsl_ledger *l = &f->lg;
	double rtt;
	size_t k;

	lim_end(l, f->last_ns, -1);
	if (l->in_rec && f->last_ns > l->rec_start_ns)
		l->us[TSL_LG_RECOVERY] += (f->last_ns - l->rec_start_ns) / 1e3;
	l->in_rec = 0;
	l->cwnd_rtt_us = l->cwnd_rtt_n ? l->cwnd_rtt_us / l->cwnd_rtt_n : NAN;
	l->turn_rtt_us = l->turn_rtt_n ? l->turn_rtt_us / l->turn_rtt_n : NAN;
	l->floor_us = rtt = floor_of(f);
	/* Holes: a retransmission takes a round trip at least; reordering less. */
	if (l->n_hole_us) {
		for (k = 0; k < l->n_hole_us; k++) {
			bool reorder = rtt > 0 && l->hole_us[k] < TH(LG_REORDER_RTT) * rtt;

			l->us[reorder ? TSL_LG_HOLE_REORDER : TSL_LG_HOLE_LOSS] += l->hole_us[k];
			l->holes_reorder += reorder;
		}
	}
	free(l->hole_us);
	l->hole_us = NULL;
	l->n_hole_us = l->cap_hole_us = 0;
}
