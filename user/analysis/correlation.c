// SPDX-License-Identifier: GPL-2.0-or-later
// Correlation of interval series: Pearson, Spearman, and the best lag.
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "correlation.h"

#define MIN_PAIRS 3

double tsl_pearson(const double *x, const double *y, size_t n)
{
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, mx, my;
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (isnan(x[i]) || isnan(y[i]))
			continue;
		sx += x[i];
		sy += y[i];
		m++;
	}
	if (m < MIN_PAIRS)
		return NAN;
	mx = sx / m;
	my = sy / m;
	for (i = 0; i < n; i++) {
		if (isnan(x[i]) || isnan(y[i]))
			continue;
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	if (sxx <= 1e-12 * (1 + mx * mx) * m || syy <= 1e-12 * (1 + my * my) * m)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

struct ranked {
	double v;
	size_t i;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return x->v < y->v ? -1 : x->v > y->v;
}

/* Ranks of @v's values (ties: average rank), NAN kept; @r has n entries. 0 or -ENOMEM. */
static int rank(const double *v, size_t n, double *r)
{
	struct ranked *t = malloc((n ? n : 1) * sizeof(*t));
	size_t i, j, m = 0;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		r[i] = NAN;
		if (!isnan(v[i]))
			t[m++] = (struct ranked){ v[i], i };
	}
	qsort(t, m, sizeof(*t), cmp_ranked);
	for (i = 0; i < m; i = j) {
		for (j = i; j < m && t[j].v == t[i].v; j++)
			;
		for (size_t k = i; k < j; k++)
			r[t[k].i] = (i + j + 1) / 2.0;
	}
	free(t);
	return 0;
}

double tsl_spearman(const double *x, const double *y, size_t n)
{
	double *rx = malloc((n ? n : 1) * sizeof(*rx));
	double *ry = malloc((n ? n : 1) * sizeof(*ry));
	double *mx = malloc((n ? n : 1) * sizeof(*mx));
	double *my = malloc((n ? n : 1) * sizeof(*my));
	double ret = NAN;
	size_t i, m = 0;

	if (!rx || !ry || !mx || !my)
		goto out;
	/* Rank only the complete pairs. */
	for (i = 0; i < n; i++) {
		if (isnan(x[i]) || isnan(y[i]))
			continue;
		mx[m] = x[i];
		my[m++] = y[i];
	}
	if (rank(mx, m, rx) || rank(my, m, ry))
		goto out;
	ret = tsl_pearson(rx, ry, m);
out:
	free(rx);
	free(ry);
	free(mx);
	free(my);
	return ret;
}

/* Interval of entry @k of a series: iv[k] from iv[0], or k. */
static int64_t at(const int64_t *iv, size_t k)
{
	return iv ? iv[k] - iv[0] : (int64_t)k;
}

/*
 * The complete pairs of x[t] and y[t - lag], in the order of t, into @px
 * and @py: their count.
 */
static size_t lag_pairs(const double *x, const double *y, const int64_t *iv,
			size_t n, int lag, double *px, double *py)
{
	size_t k, j = 0, m = 0;

	if (!n)
		return 0;
	if (!iv || (size_t)(iv[n - 1] - iv[0]) == n - 1) {	/* every interval */
		for (k = lag > 0 ? lag : 0; k < n && k - lag < n; k++) {
			if (isnan(x[k]) || isnan(y[k - lag]))
				continue;
			px[m] = x[k];
			py[m++] = y[k - lag];
		}
		return m;
	}
	for (k = 0; k < n; k++) {
		int64_t want = at(iv, k) - lag;

		if (isnan(x[k]))
			continue;
		while (j < n && at(iv, j) < want)
			j++;
		if (j == n)
			break;
		if (at(iv, j) == want && !isnan(y[j])) {
			px[m] = x[k];
			py[m++] = y[j];
		}
	}
	return m;
}

int tsl_best_lag(const double *x, const double *y, const int64_t *iv, size_t n,
		 int max_lag, struct tsl_lag_corr *out)
{
	double *px = malloc((n ? n : 1) * sizeof(*px));
	double *py = malloc((n ? n : 1) * sizeof(*py));
	size_t span = n ? (size_t)at(iv, n - 1) + 1 : 0;
	int lag, found = 0;

	if (!px || !py)
		goto out;
	for (lag = 0; lag <= max_lag; lag = lag > 0 ? -lag : -lag + 1) {
		size_t off = (size_t)abs(lag), pairs;
		double p;

		if (off >= span)
			goto next;
		/* lag > 0: y[t - lag] with x[t] */
		pairs = lag_pairs(x, y, iv, n, lag, px, py);
		p = tsl_pearson(px, py, pairs);
		if (isnan(p))
			goto next;
		if (!found || fabs(p) > fabs(out->pearson) + 1e-9) {
			out->lag = lag;
			out->pearson = p;
			out->spearman = tsl_spearman(px, py, pairs);
			out->n = pairs;
			found = 1;
		}
next:
		if (lag < 0 && -lag >= max_lag)
			break;
		if (max_lag == 0)
			break;
	}
out:
	free(px);
	free(py);
	return found ? 0 : 1;
}
