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
 * series with intervals of @iv_ns. 0, or -1 after printing why.
 */
int tsl_an_model_build(int fd, const char *name, const struct tsl_iter_index *ix,
		       uint64_t iv_ns, struct tsl_an_model *m);
void tsl_an_model_free(struct tsl_an_model *m);
#endif /* TSL_AN_MODEL_H */
