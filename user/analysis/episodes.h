// SPDX-License-Identifier: GPL-2.0-or-later
// Episodes: runs of intervals whose RTT p90 stands out from the flow's baseline, with the checklist at that time.
#ifndef TSL_AN_EPISODE_H
#define TSL_AN_EPISODE_H

#include <stddef.h>

#include "analysis.h"

#define TSL_EPISODE_K		3.0	/* MADs above the median */
#define TSL_EPISODE_FLOOR_US	1000.0	/* never below this RTT */
#define TSL_EPISODE_MAD_SCALE	1.4826	/* MAD to a standard deviation */
#define TSL_EPISODE_MIN_SPREAD	0.05	/* scaled MAD taken as >= 5 % of the median */
#define TSL_EPISODE_RES_FLOOR_US 10000.0	/* read residence episodes: never below */
#define TSL_EPISODE_RES_MIN_INTERVALS 3	/* and kept only when they span this many */

/*
 * Intervals with rtt[i] > max(median + k * max(1.4826 * MAD, 5 % of median),
 * floor), merged when adjacent (one interval without RTT samples may sit
 * between). rtt[i] is of interval iv[i] (ascending; NULL: of interval i);
 * NAN entries, and intervals without an entry, have no RTT. The episodes'
 * start and end count from iv[0]. 0, or -ENOMEM when out of memory (not
 * printed: the caller names the recording).
 */
int tsl_episodes_find(const double *rtt, const int64_t *iv, size_t n, double k,
		      double floor_us, struct tsl_episodes *out);
/*
 * How long data waits to be read, per row of @f (us; NAN: no reads and
 * nothing queued): read residence p90, or in a row without reads while
 * recv_q > 0, the time since the last interval with reads (at least one
 * interval of @iv_ns). malloc'ed, n_rows long; NULL when out of memory (not
 * printed: the caller names the recording).
 */
double *tsl_residence_series(const struct tsl_an_flow *f, uint64_t iv_ns);
/* Fill each episode's checklist from the flow's rows. */
void tsl_episodes_snapshot(const struct tsl_an_flow *f, struct tsl_episodes *e);
void tsl_episodes_free(struct tsl_episodes *e);
/* Median of the non-NAN values of @v (copied); NAN if none. */
double tsl_median(const double *v, size_t n);
/* Nearest-rank quantile of the non-NAN values; NAN if none. */
double tsl_quantile(const double *v, size_t n, double q);

#endif /* TSL_AN_EPISODE_H */
