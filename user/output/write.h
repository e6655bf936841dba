// SPDX-License-Identifier: GPL-2.0-or-later
// What the outputs share: a CSV row of cells, and the check that everything reached the file.
#ifndef TSL_OUTPUT_WRITE_H
#define TSL_OUTPUT_WRITE_H

#include <stdio.h>

/*
 * A name that any local user chose (a process's comm): at most @max bytes
 * of @s (NUL-terminated or not), every byte that is not printable ASCII,
 * and the backslash, written as \xNN and \\, so that it cannot drive the
 * terminal that shows it. Truncated to @len; 4 * @max + 1 holds any.
 */
void tsl_out_name(const char *s, size_t max, char *buf, size_t len);
/*
 * The same for a CSV cell, and with a leading ' when it starts with
 * = + - or @, so that a spreadsheet shows it as text, not a formula.
 */
void tsl_csv_name(const char *s, size_t max, char *buf, size_t len);
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
