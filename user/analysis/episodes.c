// SPDX-License-Identifier: GPL-2.0-or-later
// Episodes: runs of intervals whose RTT p90 stands out from the flow's baseline, with the checklist at that time.
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "episodes.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double tsl_quantile(const double *v, size_t n, double q)
{
	double *t = malloc((n ? n : 1) * sizeof(*t)), r = NAN;
	size_t i, m = 0, rank;

	if (!t)
		return NAN;
	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			t[m++] = v[i];
	if (m) {
		qsort(t, m, sizeof(*t), cmp_double);
		rank = (size_t)ceil(q * m);
		r = t[rank ? rank - 1 : 0];
	}
	free(t);
	return r;
}

double tsl_median(const double *v, size_t n)
{
	return tsl_quantile(v, n, 0.5);
}

static int push(struct tsl_episodes *out, size_t start, size_t end,
		double peak)
{
	void *p = realloc(out->v, (out->n + 1) * sizeof(*out->v));

	if (!p)
		return -ENOMEM;
	out->v = p;
	memset(&out->v[out->n], 0, sizeof(out->v[0]));
	out->v[out->n].start = start;
	out->v[out->n].end = end;
	out->v[out->n].peak_rtt_us = peak;
	out->n++;
	return 0;
}

int tsl_episodes_find(const double *rtt, const int64_t *iv, size_t n, double k,
		      double floor_us, struct tsl_episodes *out)
{
	double *dev = malloc((n ? n : 1) * sizeof(*dev)), spread, peak = 0;
	size_t j, i, start = 0, last = 0;
	bool open = false;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!dev)
		return -ENOMEM;
	out->median = tsl_median(rtt, n);
	for (i = 0; i < n; i++) {
		dev[i] = isnan(rtt[i]) ? NAN : fabs(rtt[i] - out->median);
		out->n_values += !isnan(rtt[i]);
	}
	out->mad = tsl_median(dev, n);
	ret = 0;
	if (!out->n_values)
		goto out;
	spread = TSL_EPISODE_MAD_SCALE * out->mad;
	if (spread < TSL_EPISODE_MIN_SPREAD * out->median)
		spread = TSL_EPISODE_MIN_SPREAD * out->median;
	out->threshold = fmax(out->median + k * spread, floor_us);
	for (j = 0; j < n && !ret; j++) {
		bool high = !isnan(rtt[j]) && rtt[j] > out->threshold;

		i = iv ? (size_t)(iv[j] - iv[0]) : j;
		if (high && open && i - last <= 2) {	/* adjacent, or one gap */
			last = i;
			peak = fmax(peak, rtt[j]);
		} else if (high) {
			if (open)
				ret = push(out, start, last, peak);
			open = true;
			start = last = i;
			peak = rtt[j];
		}
	}
	if (open && !ret)
		ret = push(out, start, last, peak);
out:
	free(dev);
	return ret;
}

double *tsl_residence_series(const struct tsl_an_flow *f, uint64_t iv_ns)
{
	double *v = malloc((f->n_rows ? f->n_rows : 1) * sizeof(*v));
	size_t i, since = 0, prev = 0;

	if (!v)
		return NULL;
	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);
		float q = !isnan(r[TSL_AN_SD_RECV_Q]) ? r[TSL_AN_SD_RECV_Q] : r[TSL_AN_RCVQ];

		/* the intervals without a row since the last: no reads either */
		if (i)
			since += tsl_an_pos(f, i) - prev - 1;
		prev = tsl_an_pos(f, i);
		v[i] = r[TSL_AN_RES_P90];
		if (!isnan(r[TSL_AN_READS]) && r[TSL_AN_READS] > 0) {
			since = 0;
			continue;
		}
		since++;
		if (q > 0)
			v[i] = since * (iv_ns / 1e3);
	}
	return v;
}

static void worst(double *acc, float v)
{
	if (!isnan(v) && (isnan(*acc) || v > *acc))
		*acc = v;
}

static void sum(double *acc, float v)
{
	if (!isnan(v))
		*acc = isnan(*acc) ? v : *acc + v;
}

#define FIELD(f, label) { #f, label, offsetof(struct tsl_checklist, f) }
const struct tsl_checklist_field tsl_checklist_fields[TSL_CHECKLIST_FIELDS] = {
	FIELD(recv_q, "recv_q"),
	FIELD(send_q, "send_q"),
	FIELD(app_cpu_pct, "app CPU %"),
	FIELD(softirq_pct, "softirq %"),
	FIELD(retrans_segs, "retrans"),
	FIELD(icmp_rtt_us, "ICMP RTT us"),
	FIELD(nic_errors, "NIC errors"),
	FIELD(ack_delay_p90_us, "ACK delay p90 us"),
	FIELD(read_residence_p90_us, "residence p90 us"),
};
#undef FIELD
_Static_assert(sizeof(struct tsl_checklist) == TSL_CHECKLIST_FIELDS * sizeof(double),
	       "every checklist field is in tsl_checklist_fields");

/* The first row of @f at or after place @pos of its span (n_rows if none). */
static size_t row_from(const struct tsl_an_flow *f, size_t pos)
{
	size_t lo = 0, hi = f->n_rows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tsl_an_pos(f, mid) < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void tsl_episodes_snapshot(const struct tsl_an_flow *f, struct tsl_episodes *e)
{
	size_t j, i;

	for (j = 0; j < e->n; j++) {
		struct tsl_checklist *c = &e->v[j].c;

		*c = (struct tsl_checklist){ NAN, NAN, NAN, NAN, NAN, NAN, NAN,
					     NAN, NAN };
		/* the intervals without a row have nothing to add */
		for (i = row_from(f, e->v[j].start);
		     i < f->n_rows && tsl_an_pos(f, i) <= e->v[j].end; i++) {
			const float *r = tsl_an_row(f, i);

			worst(&c->recv_q, r[TSL_AN_RCVQ]);
			worst(&c->recv_q, r[TSL_AN_SD_RECV_Q]);
			worst(&c->send_q, r[TSL_AN_SNDQ]);
			worst(&c->send_q, r[TSL_AN_SD_SEND_Q]);
			worst(&c->app_cpu_pct, r[TSL_AN_APP_CPU]);
			worst(&c->softirq_pct, r[TSL_AN_H_SOFTIRQ]);
			sum(&c->retrans_segs, r[TSL_AN_RETRANS]);
			worst(&c->icmp_rtt_us, r[TSL_AN_ICMP_RTT]);
			sum(&c->nic_errors, r[TSL_AN_H_NIC_ERRORS]);
			worst(&c->ack_delay_p90_us, r[TSL_AN_ACKD_P90]);
			worst(&c->read_residence_p90_us, r[TSL_AN_RES_P90]);
		}
	}
}

void tsl_episodes_free(struct tsl_episodes *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}
