// SPDX-License-Identifier: GPL-2.0-or-later
// Interval series: per flow and host-wide values per interval, built from one time-ordered pass.
#ifndef TSL_AN_MODEL_H
#define TSL_AN_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <tcpsleuth.h>

#include "analysis.h"


/*
 * Read the recording indexed in @ix (open on @fd) once and build the
 * series with intervals of @iv_ns. 0, or a negative errno after printing
 * why: as tsl_iter_merge(), or -ENOMEM ("out of memory while analysing").
 */
int tsl_an_model_build(int fd, const char *name, const struct tsl_iter_index *ix,
		       uint64_t iv_ns, struct tsl_an_model *m);
void tsl_an_model_free(struct tsl_an_model *m);
/*
 * @f's row for interval @i, made (NAN) if it has none; NULL when memory or
 * the budget runs out. Rows made earlier may move.
 */
float *tsl_an_flow_row(struct tsl_an_model *m, struct tsl_an_flow *f, int64_t i);
/*
 * "tcpsleuth: @name: out of memory while analysing", once, by the function
 * of the analysis that finds memory ran out; returns -ENOMEM.
 */
int tsl_an_nomem(const char *name);
#endif /* TSL_AN_MODEL_H */
