// SPDX-License-Identifier: GPL-2.0-or-later
// The analysis of one recording: series, episodes, correlations and verdicts, ready for output.
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "correlation.h"
#include "episodes.h"
#include "series.h"
#include "verdicts.h"

void tsl_report_opts_default(struct tsl_report_opts *o)
{
	o->iv_ns = 0;
	o->k = TSL_EPISODE_K;
	o->floor_us = TSL_EPISODE_FLOOR_US;
	o->max_lag = TSL_REPORT_MAX_LAG;
}

void tsl_report_flow_name(const struct tsl_an_flow *f, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int family;

	if (!f->has_id) {
		snprintf(buf, len, "cookie %#llx", (unsigned long long)f->cookie);
		return;
	}
	family = f->id.flags & TSL_F_IPV6 ? AF_INET6 : AF_INET;
	inet_ntop(family, f->id.id.saddr, s, sizeof(s));
	inet_ntop(family, f->id.id.daddr, d, sizeof(d));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u -> [%s]:%u", s, f->id.id.sport, d,
			 f->id.id.dport);
	else
		snprintf(buf, len, "%s:%u -> %s:%u", s, f->id.id.sport, d,
			 f->id.id.dport);
}

static bool is_rtt_col(enum tsl_an_col c)
{
	return c == TSL_AN_RTT_P50 || c == TSL_AN_RTT_P90 ||
	       c == TSL_AN_RTT_P99 || c == TSL_AN_RTT_MAX;
}

static int cmp_corr(const void *a, const void *b)
{
	const struct tsl_corr_entry *x = a, *y = b;
	double u = fabs(x->c.pearson), v = fabs(y->c.pearson);

	if (u != v)
		return u > v ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* RTT p90 of the flow against every other column, best lag each. 0 or -ENOMEM. */
static int correlate(struct tsl_flow_report *fr, int max_lag)
{
	double *rtt = tsl_an_series(fr->f, TSL_AN_RTT_P90), *other;
	unsigned int c;
	int ret = -ENOMEM;

	fr->corr = calloc(TSL_AN_NCOLS, sizeof(*fr->corr));
	if (!rtt || !fr->corr)
		goto out;
	for (c = 0; c < TSL_AN_NCOLS; c++) {
		struct tsl_lag_corr lc;

		if (is_rtt_col(c))
			continue;
		other = tsl_an_series(fr->f, c);
		if (!other)
			goto out;
		if (!tsl_best_lag(rtt, other, fr->f->iv, fr->f->n_rows, max_lag, &lc))
			fr->corr[fr->n_corr++] = (struct tsl_corr_entry){ c, lc };
		free(other);
	}
	qsort(fr->corr, fr->n_corr, sizeof(*fr->corr), cmp_corr);
	ret = 0;
out:
	free(rtt);
	return ret;
}

/* Episodes and correlations of one flow: 0, or -ENOMEM after printing it. */
/* Whether @f mostly receives: more bytes read than it sent. */
static bool receives_more(const struct tsl_an_flow *f)
{
	return f->t.read_bytes > f->t.tx_bytes;
}

static int analyse_flow(struct tsl_report *r, struct tsl_flow_report *fr)
{
	double *rtt = tsl_an_series(fr->f, TSL_AN_RTT_P90);
	int ret = -ENOMEM;

	if (!rtt)
		return tsl_an_nomem(r->name);
	if (tsl_episodes_find(rtt, fr->f->iv, fr->f->n_rows, r->o.k, r->o.floor_us,
			      &fr->ep))
		goto out;
	/*
	 * A receiver (no RTT samples, or more bytes read than sent) stalls as
	 * data waiting to be read; its few RTT samples (of a request, say) do
	 * not show it. Episodes are then intervals whose read residence p90
	 * stands out (and is >= 10 ms), when the usual residence is below that.
	 */
	if ((!fr->ep.n_values || receives_more(fr->f)) && fr->f->t.reads) {
		double *res = tsl_residence_series(fr->f, r->o.iv_ns);
		size_t j, len = 0;
		int err;

		if (!res)
			goto out;
		tsl_episodes_free(&fr->ep);
		err = tsl_episodes_find(res, fr->f->iv, fr->f->n_rows, r->o.k,
					fmax(r->o.floor_us, TSL_EPISODE_RES_FLOOR_US),
					&fr->ep);
		free(res);
		if (err)
			goto out;
		fr->ep.signal = TSL_EP_RESIDENCE;
		/*
		 * Always slow: no stall stands out, the whole recording is the
		 * focus. A stall in one or two intervals is not a pattern.
		 */
		for (j = 0; j < fr->ep.n; j++)
			len += fr->ep.v[j].end - fr->ep.v[j].start + 1;
		if (!(fr->ep.median < TSL_EPISODE_RES_FLOOR_US) ||
		    len < TSL_EPISODE_RES_MIN_INTERVALS) {
			free(fr->ep.v);
			fr->ep.v = NULL;
			fr->ep.n = 0;
		}
	}
	tsl_episodes_snapshot(fr->f, &fr->ep);
	ret = correlate(fr, r->o.max_lag);
out:
	free(rtt);
	return ret ? tsl_an_nomem(r->name) : 0;
}

int tsl_report_build(int fd, const char *name, const struct tsl_report_opts *o,
		     struct tsl_report *r)
{
	uint64_t iv;
	size_t k;
	int ret;

	memset(r, 0, sizeof(*r));
	r->name = name;
	r->o = *o;
	/* each step prints its own failure */
	ret = tsl_iter_index_build(fd, name, &r->ix, true);
	if (ret)
		return ret;
	iv = o->iv_ns ? o->iv_ns : r->ix.sample_interval_ns;
	/* an interval the file gives is checked as any value read from it */
	if (!o->iv_ns && iv &&
	    (iv < TSL_REPORT_MIN_IV_NS || iv > TSL_REPORT_MAX_IV_NS)) {
		fprintf(stderr, "tcpsleuth: %s: sample interval of %" PRIu64 " ns out of range at byte %" PRIu64 "\n",
			name, iv, r->ix.sample_interval_at);
		return -EINVAL;
	}
	if (!iv)
		iv = TSL_REPORT_DEFAULT_IV_NS;
	r->o.iv_ns = iv;
	ret = tsl_an_model_build(fd, name, &r->ix, iv, &r->m);
	if (ret)
		return ret;
	r->flows = calloc(r->m.n_flows ? r->m.n_flows : 1, sizeof(*r->flows));
	if (!r->flows)
		return tsl_an_nomem(name);
	r->n_flows = r->m.n_flows;
	for (k = 0; k < r->n_flows; k++) {
		r->flows[k].f = r->m.flows[k];
		ret = analyse_flow(r, &r->flows[k]);
		if (ret)
			return ret;
	}
	return tsl_verdicts_build(r);
}

void tsl_report_free(struct tsl_report *r)
{
	size_t k;

	for (k = 0; k < r->n_flows; k++) {
		tsl_episodes_free(&r->flows[k].ep);
		free(r->flows[k].corr);
	}
	free(r->flows);
	free(r->verdicts);
	tsl_an_model_free(&r->m);
	tsl_iter_index_free(&r->ix);
	memset(r, 0, sizeof(*r));
}
