// SPDX-License-Identifier: GPL-2.0-or-later
// Correlation of interval series: Pearson, Spearman, and the best lag.
#include <errno.h>
#include <math.h>
#include <stdbool.h>
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

/*
 * The complete pairs of x[t] and y[t - lag], in the order of t, into @px
 * and @py: their count.
 */
static size_t lag_pairs(const double *x, const double *y, const int64_t *iv,
			size_t n, int lag, double *px, double *py)
{
	size_t k, j = 0, m = 0;

	for (k = 0; k < n; k++) {
		int64_t want = iv[k] - iv[0] - lag;

		if (isnan(x[k]))
			continue;
		while (j < n && iv[j] - iv[0] < want)
			j++;
		if (j == n)
			break;
		if (iv[j] - iv[0] == want && !isnan(y[j])) {
			px[m] = x[k];
			py[m++] = y[j];
		}
	}
	return m;
}

/*
 * The correlation of x[t] and y[t - lag] over @n entries, one per
 * interval: 0, or 1 without a value.
 */
static int dense_lag(const double *x, const double *y, size_t n, int lag,
		     struct tsl_lag_corr *c)
{
	size_t off = (size_t)abs(lag), m, i, pairs = 0;
	const double *xs, *ys;

	if (off >= n)
		return 1;
	m = n - off;
	xs = lag > 0 ? x + off : x;
	ys = lag > 0 ? y : y + off;
	c->lag = lag;
	c->pearson = tsl_pearson(xs, ys, m);
	if (isnan(c->pearson))
		return 1;
	for (i = 0; i < m; i++)
		pairs += !isnan(xs[i]) && !isnan(ys[i]);
	c->n = pairs;
	c->spearman = NAN;	/* when it is the best so far */
	return 0;
}

int tsl_best_lag(const double *x, const double *y, const int64_t *iv, size_t n,
		 int max_lag, struct tsl_lag_corr *out)
{
	/* every interval has an entry: the series line up by offset */
	bool dense = !iv || !n || (size_t)(iv[n - 1] - iv[0]) == n - 1;
	double *px = NULL, *py = NULL;
	size_t span = n ? (dense ? n : (size_t)(iv[n - 1] - iv[0]) + 1) : 0;
	int lag, found = 0;

	if (!dense) {
		px = malloc(n * sizeof(*px));
		py = malloc(n * sizeof(*py));
		if (!px || !py)
			goto out;
	}
	for (lag = 0; lag <= max_lag; lag = lag > 0 ? -lag : -lag + 1) {
		struct tsl_lag_corr c;
		size_t pairs = 0;

		if ((size_t)abs(lag) >= span)
			goto next;
		/* lag > 0: y[t - lag] with x[t] */
		if (dense) {
			if (dense_lag(x, y, n, lag, &c))
				goto next;
		} else {
			pairs = lag_pairs(x, y, iv, n, lag, px, py);
			c = (struct tsl_lag_corr){ lag, tsl_pearson(px, py, pairs),
						   NAN, pairs };
			if (isnan(c.pearson))
				goto next;
		}
		if (!found || fabs(c.pearson) > fabs(out->pearson) + 1e-9) {
			size_t off = (size_t)abs(lag);

			*out = c;
			out->spearman = !dense ? tsl_spearman(px, py, pairs) :
					lag > 0 ? tsl_spearman(x + off, y, n - off) :
					tsl_spearman(x, y + off, n - off);
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
