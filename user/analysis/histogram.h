// SPDX-License-Identifier: GPL-2.0-or-later
// Streaming quantiles: a log-linear histogram with at most 0.8 % relative error, no per-sample storage.
#ifndef TSL_AN_HIST_H
#define TSL_AN_HIST_H

#include <stdint.h>

#include "analysis.h"

/*
 * Values 0..63 are counted exactly; above, each power of two is split into
 * 64 equal buckets, so a bucket's midpoint is within 1/128 of any value in
 * it. Values above 2^40 are counted in the last bucket. The bucket array
 * (about 9 KiB) is allocated on the first value.
 */
#define TSL_HIST_SUB_BITS	6
#define TSL_HIST_SUB		(1u << TSL_HIST_SUB_BITS)
#define TSL_HIST_MAX_BITS	40
#define TSL_HIST_BUCKETS	(TSL_HIST_SUB * (TSL_HIST_MAX_BITS - TSL_HIST_SUB_BITS + 1))


/*
 * 0, or -ENOMEM when out of memory: not printed, as a histogram knows no
 * input to name; the caller, which knows the recording, says so.
 */
int tsl_hist_add(struct tsl_hist *h, uint64_t v);
/* Add every count of @src to @dst: 0, or -ENOMEM (not printed). */
int tsl_hist_merge(struct tsl_hist *dst, const struct tsl_hist *src);
/* Empty it, keeping the allocation. */
void tsl_hist_reset(struct tsl_hist *h);
void tsl_hist_free(struct tsl_hist *h);

#endif /* TSL_AN_HIST_H */
