// SPDX-License-Identifier: GPL-2.0-or-later
// CSV output: one row per record of a recording, merged across CPUs by time.
#ifndef TSL_CSVOUT_H
#define TSL_CSVOUT_H

#include <stdio.h>

#define TSL_CSV_NCOLS 49

/* Column names, in output order. */
extern const char *const tsl_csv_columns[TSL_CSV_NCOLS];

/*
 * Convert the recording open on @fd (@name for messages) to CSV on @out.
 * Returns 0, or after printing one line saying what was wrong: -EINVAL
 * for a bad recording, -EIO when the output could not be written.
 */
int tsl_csv_convert(int fd, const char *name, FILE *out);

#endif /* TSL_CSVOUT_H */
