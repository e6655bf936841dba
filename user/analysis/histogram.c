// SPDX-License-Identifier: GPL-2.0-or-later
// Streaming quantiles: a log-linear histogram with at most 0.8 % relative error, no per-sample storage.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "histogram.h"

static uint32_t bucket_of(uint64_t v)
{
	unsigned int e;

	if (v < TSL_HIST_SUB)
		return v;
	if (v >> TSL_HIST_MAX_BITS)
		return TSL_HIST_BUCKETS - 1;
	e = 63 - __builtin_clzll(v);	/* >= TSL_HIST_SUB_BITS */
	return TSL_HIST_SUB * (e - TSL_HIST_SUB_BITS + 1) +
	       ((v >> (e - TSL_HIST_SUB_BITS)) & (TSL_HIST_SUB - 1));
}

/* Midpoint of bucket @i. */
static double bucket_mid(uint32_t i)
{
	unsigned int e;
	double width, low;

	if (i < TSL_HIST_SUB)
		return i;
	e = i / TSL_HIST_SUB - 1 + TSL_HIST_SUB_BITS;
	width = ldexp(1.0, e - TSL_HIST_SUB_BITS);
	low = (TSL_HIST_SUB + i % TSL_HIST_SUB) * width;
	return low + (width - 1) / 2;
}

static int ensure(struct tsl_hist *h)
{
	if (h->b)
		return 0;
	h->b = calloc(TSL_HIST_BUCKETS, sizeof(*h->b));
	if (!h->b)
		return -ENOMEM;
	h->lo = TSL_HIST_BUCKETS;
	h->hi = 0;
	return 0;
}

int tsl_hist_add(struct tsl_hist *h, uint64_t v)
{
	uint32_t i = bucket_of(v);
	int err = ensure(h);

	if (err)
		return err;
	h->b[i]++;
	if (i < h->lo)
		h->lo = i;
	if (i > h->hi)
		h->hi = i;
	if (!h->n || v < h->min)
		h->min = v;
	if (!h->n || v > h->max)
		h->max = v;
	h->n++;
	h->sum += v;
	return 0;
}

double tsl_hist_quantile(const struct tsl_hist *h, double q)
{
	uint64_t rank, seen = 0;
	uint32_t i;
	double v;

	if (!h->n)
		return 0;
	if (q <= 0)
		return h->min;
	if (q >= 1)
		return h->max;
	rank = (uint64_t)ceil(q * h->n);
	if (!rank)
		rank = 1;
	for (i = h->lo; i <= h->hi; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	v = bucket_mid(i);
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

int tsl_hist_merge(struct tsl_hist *dst, const struct tsl_hist *src)
{
	uint32_t i;
	int err;

	if (!src->n)
		return 0;
	err = ensure(dst);
	if (err)
		return err;
	for (i = src->lo; i <= src->hi; i++)
		dst->b[i] += src->b[i];
	if (src->lo < dst->lo)
		dst->lo = src->lo;
	if (src->hi > dst->hi)
		dst->hi = src->hi;
	if (!dst->n || src->min < dst->min)
		dst->min = src->min;
	if (!dst->n || src->max > dst->max)
		dst->max = src->max;
	dst->n += src->n;
	dst->sum += src->sum;
	return 0;
}

void tsl_hist_reset(struct tsl_hist *h)
{
	if (h->b && h->n)
		memset(h->b + h->lo, 0, (h->hi - h->lo + 1) * sizeof(*h->b));
	h->lo = TSL_HIST_BUCKETS;
	h->hi = 0;
	h->n = 0;
	h->min = h->max = 0;
	h->sum = 0;
}

void tsl_hist_free(struct tsl_hist *h)
{
	free(h->b);
	memset(h, 0, sizeof(*h));
}
