// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the analysis' statistics: quantiles, correlation and lags, episodes.
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis/correlation.h"
#include "analysis/episodes.h"
#include "analysis/histogram.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Histogram quantiles against exact nearest-rank ones on random data. */
static void test_quantile_accuracy(void **state)
{
	static const double qs[] = { 0.01, 0.1, 0.5, 0.9, 0.99, 0.999 };
	enum { N = 100000 };
	uint64_t *v = malloc(N * sizeof(*v));
	struct tsl_hist h = { 0 };
	unsigned int i, j;

	(void)state;
	assert_non_null(v);
	srandom(7);
	for (i = 0; i < N; i++) {
		/* log-uniform over 1 us .. 10 s */
		v[i] = (uint64_t)exp(log(1e7) * (random() / (double)RAND_MAX));
		assert_int_equal(tsl_hist_add(&h, v[i]), 0);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	for (j = 0; j < sizeof(qs) / sizeof(qs[0]); j++) {
		double exact = v[(size_t)ceil(qs[j] * N) - 1];
		double got = tsl_hist_quantile(&h, qs[j]);

		assert_true(fabs(got - exact) <= 0.01 * exact + 0.5);
	}
	assert_int_equal(tsl_hist_quantile(&h, 1), v[N - 1]);
	assert_int_equal(tsl_hist_quantile(&h, 0), v[0]);
	assert_int_equal(h.n, N);
	/* small exact values, and reset */
	tsl_hist_reset(&h);
	for (i = 1; i <= 10; i++)
		tsl_hist_add(&h, i);
	assert_float_equal(tsl_hist_quantile(&h, 0.5), 5, 0);
	assert_float_equal(tsl_hist_quantile(&h, 0.9), 9, 0);
	tsl_hist_free(&h);
	free(v);
}

static void test_hist_merge(void **state)
{
	struct tsl_hist a = { 0 }, b = { 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 100; i++)
		tsl_hist_add(i < 50 ? &a : &b, 1000 + i * 10);
	assert_int_equal(tsl_hist_merge(&a, &b), 0);
	assert_int_equal(a.n, 100);
	assert_int_equal(a.min, 1000);
	assert_int_equal(a.max, 1990);
	assert_true(fabs(tsl_hist_quantile(&a, 0.5) - 1490) <= 15);
	tsl_hist_free(&a);
	tsl_hist_free(&b);
}

static void test_pearson_spearman(void **state)
{
	const double x[] = { 1, 2, 3, 4, 5 };
	const double y[] = { 2, 4, 6, 8, 10 };
	const double z[] = { 5, 4, 3, 2, 1 };
	const double sq[] = { 1, 4, 9, 16, 25 };
	const double c[] = { 3, 3, 3, 3, 3 };
	const double gap[] = { 1, NAN, 3, 4, 5 };
	/* known value: r = 0.8 for these */
	const double a[] = { 1, 2, 3, 4, 5 };
	const double b[] = { 2, 1, 4, 3, 5 };

	(void)state;
	assert_float_equal(tsl_pearson(x, y, 5), 1, 1e-12);
	assert_float_equal(tsl_pearson(x, z, 5), -1, 1e-12);
	assert_float_equal(tsl_pearson(a, b, 5), 0.8, 1e-12);
	assert_float_equal(tsl_spearman(a, b, 5), 0.8, 1e-12);
	/* monotone but not linear: Spearman 1, Pearson below */
	assert_float_equal(tsl_spearman(x, sq, 5), 1, 1e-12);
	assert_float_equal(tsl_pearson(x, sq, 5), 0.981105, 1e-6);
	assert_true(isnan(tsl_pearson(x, c, 5)));
	assert_true(isnan(tsl_spearman(x, c, 5)));
	assert_float_equal(tsl_pearson(gap, y, 5), 1, 1e-12);
}

static void test_best_lag(void **state)
{
	enum { N = 60 };
	double x[N], y[N];
	struct tsl_lag_corr lc;
	unsigned int i;

	(void)state;
	srandom(3);
	for (i = 0; i < N; i++)
		y[i] = random() % 1000;
	/* x follows y three intervals later */
	for (i = 0; i < N; i++)
		x[i] = i >= 3 ? 2 * y[i - 3] + 7 : NAN;
	assert_int_equal(tsl_best_lag(x, y, NULL, N, 5, &lc), 0);
	assert_int_equal(lc.lag, 3);
	assert_float_equal(lc.pearson, 1, 1e-9);
	assert_float_equal(lc.spearman, 1, 1e-9);
	assert_int_equal(lc.n, N - 3);
	/* and the other way round */
	assert_int_equal(tsl_best_lag(y, x, NULL, N, 5, &lc), 0);
	assert_int_equal(lc.lag, -3);
	for (i = 0; i < N; i++)
		y[i] = 1;
	assert_int_equal(tsl_best_lag(x, y, NULL, N, 5, &lc), 1);
}

static void test_episodes(void **state)
{
	enum { N = 50 };
	double rtt[N];
	struct tsl_episodes e;
	unsigned int i;

	(void)state;
	for (i = 0; i < N; i++)
		rtt[i] = 1000 + (i % 5) * 20;	/* baseline 1000..1080 */
	rtt[10] = rtt[11] = rtt[12] = 9000;	/* one episode */
	rtt[13] = NAN;				/* a gap inside the next */
	rtt[30] = 5000;
	rtt[31] = NAN;
	rtt[32] = 7000;
	rtt[40] = 1100;				/* above median, below threshold */
	assert_int_equal(tsl_episodes_find(rtt, NULL, N, 3, 1000, &e), 0);
	assert_float_equal(e.median, 1060, 0);
	assert_float_equal(e.mad, 20, 0);
	/* 1060 + 3 * max(1.4826 * 20, 5 % of 1060) */
	assert_float_equal(e.threshold, 1219, 1e-9);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.v[0].start, 10);
	assert_int_equal(e.v[0].end, 12);
	assert_float_equal(e.v[0].peak_rtt_us, 9000, 0);
	assert_int_equal(e.v[1].start, 30);
	assert_int_equal(e.v[1].end, 32);
	assert_float_equal(e.v[1].peak_rtt_us, 7000, 0);
	tsl_episodes_free(&e);
	/* the floor: nothing above 5000 */
	assert_int_equal(tsl_episodes_find(rtt, NULL, N, 3, 10000, &e), 0);
	assert_int_equal(e.n, 0);
	tsl_episodes_free(&e);
	/* no values at all */
	for (i = 0; i < N; i++)
		rtt[i] = NAN;
	assert_int_equal(tsl_episodes_find(rtt, NULL, N, 3, 1000, &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(e.n_values, 0);
	tsl_episodes_free(&e);
}

/*
 * Series with an entry only where an interval holds data (@iv) give what
 * the same series does with a NAN in every interval between.
 */
static void test_sparse_series(void **state)
{
	enum { N = 400 };
	double x[N], y[N], sx[N], sy[N];
	struct tsl_lag_corr dense, sparse;
	struct tsl_episodes de, se;
	int64_t iv[N];
	size_t i, n = 0;

	(void)state;
	srandom(5);
	for (i = 0; i < N; i++) {
		y[i] = random() % 1000;
		x[i] = i >= 2 ? y[i - 2] * 3 + random() % 50 : NAN;
		/* gaps: long runs without data, and single intervals */
		if ((i >= 100 && i < 250) || i % 7 == 3)
			x[i] = y[i] = NAN;
	}
	x[302] = y[302] = NAN;
	for (i = 0; i < N; i++) {
		if (isnan(x[i]) && isnan(y[i]))
			continue;
		iv[n] = 1000 + i;
		sx[n] = x[i];
		sy[n++] = y[i];
	}
	assert_true(n < N - 150);
	assert_int_equal(tsl_best_lag(x, y, NULL, N, 5, &dense), 0);
	assert_int_equal(tsl_best_lag(sx, sy, iv, n, 5, &sparse), 0);
	assert_int_equal(sparse.lag, 2);
	assert_int_equal(sparse.lag, dense.lag);
	assert_int_equal(sparse.n, dense.n);
	assert_memory_equal(&sparse.pearson, &dense.pearson, sizeof(double));
	assert_memory_equal(&sparse.spearman, &dense.spearman, sizeof(double));
	/* an episode across an interval without data */
	for (i = 0; i < n; i++)
		if (iv[i] == 1300 || iv[i] == 1301 || iv[i] == 1303)
			x[iv[i] - 1000] = sx[i] = 1e6;
	assert_int_equal(tsl_episodes_find(x, NULL, N, 3, 1000, &de), 0);
	assert_int_equal(tsl_episodes_find(sx, iv, n, 3, 1000, &se), 0);
	assert_int_equal(se.n, de.n);
	assert_true(se.n >= 1);
	assert_int_equal(de.v[se.n - 1].start, 300);
	assert_int_equal(de.v[se.n - 1].end, 303);
	for (i = 0; i < se.n; i++) {
		assert_int_equal(se.v[i].start + iv[0] - 1000, de.v[i].start);
		assert_int_equal(se.v[i].end + iv[0] - 1000, de.v[i].end);
	}
	assert_memory_equal(&se.median, &de.median, sizeof(double));
	assert_memory_equal(&se.mad, &de.mad, sizeof(double));
	tsl_episodes_free(&de);
	tsl_episodes_free(&se);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile_accuracy),
		cmocka_unit_test(test_hist_merge),
		cmocka_unit_test(test_pearson_spearman),
		cmocka_unit_test(test_best_lag),
		cmocka_unit_test(test_episodes),
		cmocka_unit_test(test_sparse_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
