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

struct tsl_iter_index;
struct tsl_iter_ops;

/*
 * A recording as CSV: index the recording on @fd into @ix (the callbacks
 * may look at it through @arg), write @header's @n cells, then merge it
 * through @ops and check the output. 0, or a negative errno (printed).
 */
int tsl_csv_recording(int fd, const char *name, struct tsl_iter_index *ix,
		      FILE *out, const char *const *header, unsigned int n,
		      const struct tsl_iter_ops *ops, void *arg);

#endif /* TSL_OUTPUT_WRITE_H */
