// SPDX-License-Identifier: GPL-2.0-or-later
// What the outputs share: a CSV row of cells, and the check that everything reached the file.
#ifndef TSL_OUTPUT_WRITE_H
#define TSL_OUTPUT_WRITE_H

#include <stdio.h>

/* @n cells as one CSV row (libcsv quoting), then the newline. */
void tsl_csv_row(FILE *out, const char *const *cells, unsigned int n);
/*
 * Flush @out: 0, or -EIO after "tcpsleuth: writing @what failed: reason"
 * when anything written to it failed.
 */
int tsl_out_finish(FILE *out, const char *what);

#endif /* TSL_OUTPUT_WRITE_H */
