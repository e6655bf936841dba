// SPDX-License-Identifier: GPL-2.0-or-later
// Correlation of interval series: Pearson, Spearman, and the best lag.
#ifndef TSL_AN_CORR_H
#define TSL_AN_CORR_H

#include <stddef.h>

#include "analysis.h"

/*
 * Series are arrays of doubles, one per interval; NAN marks an interval
 * without a value, and such pairs are left out. The functions return NAN
 * when fewer than 3 pairs remain or either side has no variance.
 */
double tsl_pearson(const double *x, const double *y, size_t n);
double tsl_spearman(const double *x, const double *y, size_t n);


/*
 * The lag in -max_lag..max_lag with the largest |Pearson| (ties: the
 * smaller |lag|). x[k] and y[k] are of interval iv[k] (ascending; NULL: of
 * interval k); an interval without an entry has no value. 0, or 1 when no
 * lag gives a value (no variance, or out of memory): not a failure,
 * nothing is printed.
 */
int tsl_best_lag(const double *x, const double *y, const int64_t *iv, size_t n,
		 int max_lag, struct tsl_lag_corr *out);

#endif /* TSL_AN_CORR_H */
