// SPDX-License-Identifier: GPL-2.0-or-later
// Causes: each flow's waits (its time ledger) attributed to the causes the measurements point to, with the share each explains.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "causes.h"

#define TH(id)	tsl_verdict_numbers[TSL_VN_##id]

/* The owner's state while data waited unread, from the interval rows. */
struct owner_split {
	double us[TSL_V_NCATEGORIES];
	bool known;		/* some interval had the owner's samples */
};

/*
 * Unread time, interval by interval, explained by what the owner did in
 * that interval, in this order and up to the time it did it: held back by
 * its cgroup's CPU quota (cpu.stat throttled_usec) is throttling; waiting
 * for a CPU (run-queue delay) is contention; waiting for I/O (D state) is
 * blocking; running is CPU-bound work only as far as it ran nearly all the
 * interval (below, it had time left to read); whatever remains it spent
 * asleep or stopped: not reading.
 */
static void split_unread(const struct tsl_an_flow *f, double iv_us,
			 struct owner_split *o)
{
	size_t k;

	memset(o, 0, sizeof(*o));
	for (k = 0; k < f->n_rows; k++) {
		const float *r = tsl_an_row(f, k);
		double u = r[TSL_AN_UNREAD_MS], part, sat;

		if (isnan(u) || u <= 0)
			continue;
		u = fmin(u * 1000, iv_us);
		if (!isnan(r[TSL_AN_APP_CPU]) || !isnan(r[TSL_AN_APP_RUN_DELAY]))
			o->known = true;
		if (!isnan(r[TSL_AN_APP_THROTTLED])) {
			part = fmin(u, r[TSL_AN_APP_THROTTLED]);
			o->us[TSL_V_CGROUP_THROTTLED] += part;
			u -= part;
		}
		if (!isnan(r[TSL_AN_APP_RUN_DELAY])) {
			part = fmin(u, r[TSL_AN_APP_RUN_DELAY] / 100 * iv_us);
			o->us[TSL_V_CPU_CONTENTION] += part;
			u -= part;
		}
		if (!isnan(r[TSL_AN_APP_D])) {
			part = fmin(u, r[TSL_AN_APP_D] * iv_us);
			o->us[TSL_V_APP_BLOCKED] += part;
			u -= part;
		}
		if (!isnan(r[TSL_AN_APP_CPU])) {
			sat = fmin(1, fmax(0, (r[TSL_AN_APP_CPU] - TH(APP_LOW_CPU_PCT)) /
					   (TH(APP_CPU_PCT) - TH(APP_LOW_CPU_PCT))));
			part = fmin(u, fmin(1, r[TSL_AN_APP_CPU] / 100) * iv_us) * sat;
			o->us[TSL_V_APP_CPU_BOUND] += part;
			u -= part;
		}
		o->us[TSL_V_APP_NOT_READING] += u;
	}
}

/*
 * @us the reader of @f made others wait (a closed window, drops from a
 * full queue), shared out as @f's own unread time is; all of it to
 * app_not_reading when @f has none.
 */
static void reader_share(const struct tsl_an_flow *f, double iv_us, double us,
			 double *t)
{
	struct owner_split o;
	double sum = 0;
	unsigned int k;

	split_unread(f, iv_us, &o);
	for (k = 0; k < TSL_V_NCATEGORIES; k++)
		sum += o.us[k];
	for (k = 0; k < TSL_V_NCATEGORIES; k++)
		t[k] += sum > 0 ? us * o.us[k] / sum : 0;
	if (!(sum > 0))
		t[TSL_V_APP_NOT_READING] += us;
}

/*
 * Whether the peer's window, where it limited the sender, was its reader's
 * doing (it lagged: the window shrank from a large one) rather than its
 * buffer's (the window, even at its largest, was small).
 */
static bool window_reader(const struct tsl_an_flow *f)
{
	double lo = INFINITY, hi = 0;
	size_t k;

	for (k = 0; k < f->n_rows; k++) {
		double w = tsl_an_row(f, k)[TSL_AN_SND_WND];

		if (isnan(w))
			continue;
		lo = fmin(lo, w);
		hi = fmax(hi, w);
	}
	return hi > TH(SMALL_WND_MAX) && lo < TH(WND_VARIES) * hi;
}

/*
 * Time the peer's window held the sender back: its buffer's size, or its
 * reader. With the other end recorded, its unread time says which, and
 * what held its reader back is shared out as there; from this end alone,
 * the window's own course says it, and a lagging reader is all it can say.
 */
static void peer_window(const struct tsl_an_flow *f, const struct tsl_an_flow *peer,
			double iv_us, double *t)
{
	double us = f->lg.us[TSL_LG_RWND];

	if (!peer) {
		t[window_reader(f) ? TSL_V_APP_NOT_READING : TSL_V_RCVBUF_LIMITED] += us;
		return;
	}
	if (peer->lg.us[TSL_LG_UNREAD] < TH(WND_VARIES) * us) {
		t[TSL_V_RCVBUF_LIMITED] += us;
		return;
	}
	reader_share(peer, iv_us, us, t);
}

/*
 * Time lost to lost segments: the share that drops on this host account
 * for (NIC errors and drops, the socket's own drops at either end) is
 * theirs, the rest the path's. A socket drops when its reader lags: that
 * share goes where the dropping end's unread time goes.
 */
static void losses(const struct tsl_an_flow *f, const struct tsl_an_flow *peer,
		   double iv_us, double us, struct tsl_causes *c)
{
	const struct tsl_an_flow *dropper = f->t.drops ? f : peer && peer->t.drops ? peer : NULL;
	double nic = 0, sk = dropper ? dropper->t.drops : 0, lost, part;
	size_t i;

	if (!(us > 0))
		return;
	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);

		if (!isnan(r[TSL_AN_H_NIC_ERRORS]))
			nic += r[TSL_AN_H_NIC_ERRORS];
		if (!isnan(r[TSL_AN_H_NIC_DROPS]))
			nic += r[TSL_AN_H_NIC_DROPS];
	}
	lost = fmax(1, (double)f->t.retrans_segs + (double)f->lg.holes +
		    (peer ? (double)peer->t.retrans_segs : 0));
	c->local_drops = nic + sk;
	part = us * fmin(1, nic / lost);
	c->us[TSL_V_NIC_ERRORS] += part;
	us -= part;
	part = us * fmin(1, sk / lost);
	us -= part;
	if (part > 0)
		reader_share(dropper, iv_us, part, c->us);
	c->us[TSL_V_PATH_LOSS] += us;
}

/* Pearson correlation of RTT p90 and in_flight over the flow's intervals. */
static double rtt_tracks_flight(const struct tsl_an_flow *f)
{
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 0, vx, vy;
	size_t k;

	for (k = 0; k < f->n_rows; k++) {
		const float *r = tsl_an_row(f, k);
		double x = r[TSL_AN_RTT_P90], y = r[TSL_AN_IN_FLIGHT];

		if (isnan(x) || isnan(y))
			continue;
		sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y; n++;
	}
	if (n < 3)
		return NAN;
	vx = sxx - sx * sx / n;
	vy = syy - sy * sy / n;
	return vx > 0 && vy > 0 ? (sxy - sx * sy / n) / sqrt(vx * vy) : NAN;
}

/*
 * The share of the flow's RTT above its floor that its egress qdisc's
 * backlog accounts for: the backlog's delay (bytes over the qdisc's rate
 * in that interval) against the RTT's excess, over the intervals that
 * measured both. 0 where the qdisc was not sampled.
 */
static double local_share(const struct tsl_an_flow *f, double floor_us,
			  double iv_us)
{
	double delay = 0, excess = 0;
	size_t k;

	for (k = 0; k < f->n_rows; k++) {
		const float *r = tsl_an_row(f, k);
		double rtt = r[TSL_AN_RTT_P50], b = r[TSL_AN_QD_BACKLOG],
		       sent = r[TSL_AN_QD_SENT];

		if (isnan(rtt) || isnan(b) || isnan(sent) || !(sent > 0) || rtt <= floor_us)
			continue;
		delay += fmin(rtt - floor_us, b / sent * iv_us);
		excess += rtt - floor_us;
	}
	return excess > 0 ? delay / excess : 0;
}

/*
 * Time spent waiting on round trips (@us, whose RTT was @rtt_us on a path
 * whose floor is @floor_us): the floor above a LAN's is the path's latency;
 * what the RTT adds to the floor is queueing, the flow's own (its RTT
 * follows its bytes in flight) or the path's (jitter).
 */
static void split_rtt(const struct tsl_an_flow *f, double us, double rtt_us,
		      double floor_us, double iv_us, double *out)
{
	double lat, q;

	if (!(us > 0) || !(rtt_us > 0) || !(floor_us > 0))
		return;
	if (floor_us > rtt_us)
		floor_us = rtt_us;
	lat = us * fmax(0, floor_us - TH(LAN_RTT_US)) / rtt_us;
	q = us * (rtt_us - floor_us) / rtt_us;
	out[TSL_V_PATH_LATENCY] += lat;
	if (q > 0) {
		double c = rtt_tracks_flight(f), here = q * local_share(f, floor_us, iv_us);

		out[TSL_V_LOCAL_QUEUE] += here;
		out[c >= TH(QUEUE_CORR) ? TSL_V_QUEUEING_DELAY : TSL_V_PATH_JITTER] += q - here;
	}
}

/* A column's sum over the flow's rows (0 where never measured). */
static double row_sum(const struct tsl_an_flow *f, enum tsl_an_col col)
{
	double sum = 0;
	size_t k;

	for (k = 0; k < f->n_rows; k++) {
		double v = tsl_an_row(f, k)[col];

		if (!isnan(v))
			sum += v;
	}
	return sum;
}

/*
 * The share of the sender's retransmissions that were needless: DSACKs
 * (the receiver had the data) per segment retransmitted.
 */
static double spurious_share(const struct tsl_an_flow *f)
{
	double dsack = row_sum(f, TSL_AN_SD_DSACK);

	return f->t.retrans_segs ? fmin(1, dsack / f->t.retrans_segs) : 0;
}

double tsl_causes_bytes(const struct tsl_an_flow *f)
{
	return fmax((double)f->t.tx_bytes, fmax((double)f->t.read_bytes,
						(double)f->t.acked_bytes));
}

static double delivery_share(const struct tsl_an_flow *f)
{
	double res, transit = fmax(f->lg.floor_us, TH(LAN_RTT_US)) / 2;

	/* a receiver's: a sender's few reads (of requests, say) say nothing */
	if (!f->res.n || f->t.read_bytes <= f->t.tx_bytes || isnan(f->lg.floor_us))
		return 0;
	res = f->res.sum / f->res.n - TH(LG_GRACE_US);
	return res > 0 ? res / (res + transit) : 0;
}

bool tsl_causes_enough(const struct tsl_an_flow *f)
{
	return f->t.tx_segs + f->t.data_rx >= TH(MIN_SEGMENTS) &&
	       f->last_ns - f->first_ns >= TH(MIN_ACTIVE_S) * 1e9;
}

void tsl_causes_flow(const struct tsl_an_flow *f, const struct tsl_an_flow *peer,
		     double iv_us, struct tsl_causes *c)
{
	const struct tsl_ledger *l = &f->lg;
	struct owner_split o;
	double *t = c->us, turn, spur, send_loss;
	unsigned int k;

	memset(c, 0, sizeof(*c));
	c->active_us = (f->last_ns - f->first_ns) / 1e3;
	c->bytes = tsl_causes_bytes(f);
	c->delivery_share = delivery_share(f);
	/* the receiving side: data that waited for the reader */
	split_unread(f, iv_us, &o);
	for (k = 0; k < TSL_V_NCATEGORIES; k++)
		t[k] += o.us[k];
	c->owner_known = o.known;
	/* the sending side: the peer's window */
	t[TSL_V_APP_NOT_READING] += l->us[TSL_LG_RWND_ZERO];
	if (l->us[TSL_LG_RWND] > 0)
		peer_window(f, peer, iv_us, t);
	/* the send buffer, as the kernel's chrono stats measured it */
	t[TSL_V_SNDBUF_LIMITED] += row_sum(f, TSL_AN_SD_SNDBUF_LIM);
	/*
	 * Losses and holes: on the path, unless drops here account for them;
	 * the sender's recoveries that DSACKs showed needless came from
	 * reordering.
	 */
	spur = spurious_share(f);
	send_loss = l->us[TSL_LG_RECOVERY] + l->us[TSL_LG_CWND_LOSS];
	t[TSL_V_REORDERING] += send_loss * spur;
	losses(f, peer, iv_us, send_loss * (1 - spur) + l->us[TSL_LG_HOLE_LOSS], c);
	t[TSL_V_REORDERING] += l->us[TSL_LG_HOLE_REORDER];
	/* Nagle and delayed ACKs */
	t[TSL_V_NAGLE_DELACK] += l->us[TSL_LG_ACK_WAIT] + l->us[TSL_LG_DELACK_TX];
	/* round trips waited for: cwnd-limited sending, request/response turns */
	split_rtt(f, l->us[TSL_LG_CWND], l->cwnd_rtt_us, l->floor_us, iv_us, t);
	turn = l->us[TSL_LG_TURN];	/* from the last piece sent: Nagle's wait is apart */
	if (turn > 0 && l->turns) {
		double per = turn / l->turns, rtt = fmin(per, l->turn_rtt_us);

		if (isnan(l->turn_rtt_us))
			rtt = per;
		split_rtt(f, rtt * l->turns, rtt, l->floor_us, iv_us, t);
	}
	for (k = 0; k < TSL_V_NCATEGORIES; k++)
		c->stalled_us += t[k];
}
