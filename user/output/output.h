// SPDX-License-Identifier: GPL-2.0-or-later
// Output: a recording's events and samples as CSV; a report as text, JSON or CSV (the one header other parts include).
#ifndef TSL_OUTPUT_H
#define TSL_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis/analysis.h"

/* ---- events as CSV: one row per record, merged across CPUs by time (events_csv.c) ---- */

#define TSL_CSV_NCOLS 49

/* Column names, in output order. */
extern const char *const tsl_csv_columns[TSL_CSV_NCOLS];

/*
 * Convert the recording open on @fd (@name for messages) to CSV on @out.
 * Returns 0, or a negative errno after printing one line saying what was
 * wrong: -EINVAL for a bad recording, -EIO when the output could not be
 * written, -ENOMEM, or the -errno of a failed read.
 */
int tsl_csv_convert(int fd, const char *name, FILE *out);

/* ---- system samples as CSV (samples_csv.c) ---- */

#define TSL_SAMPLE_CSV_NCOLS 6

/* time_ns, wall_time, source, key, id, value */
extern const char *const tsl_sample_csv_columns[TSL_SAMPLE_CSV_NCOLS];

/*
 * One row per entry of every SAMPLE chunk of the recording open on @fd
 * (@name for messages), in time order: id "all" for TSL_SAMPLE_ALL, values
 * in hundredths written as decimals. Deltas are the increase since the
 * previous sample, as recorded. 0, or a negative errno after one line
 * saying why, as tsl_csv_convert().
 */
int tsl_sample_csv_convert(int fd, const char *name, FILE *out);

/* ---- a report (report_text.c, report_json.c, report_csv.c) ---- */

/*
 * Outputs: 0, or a negative errno after one line saying why: -EIO when
 * writing failed (-ENOMEM: the JSON could not be built); tsl_report_csv_dir()
 * also the -errno of creating or closing a file.
 */
int tsl_report_text(const struct tsl_report *r, FILE *out);
int tsl_report_json(const struct tsl_report *r, FILE *out);
/* -o DIR: intervals.csv, episodes.csv, verdicts.csv in @dir. */
int tsl_report_csv_dir(const struct tsl_report *r, const char *dir);
int tsl_report_csv_verdicts(const struct tsl_report *r, FILE *out);
int tsl_report_csv_intervals(const struct tsl_report *r, FILE *out);
int tsl_report_csv_episodes(const struct tsl_report *r, FILE *out);

/* ---- output files, written whole or not at all (write.c) ---- */

/*
 * A file is written as a temporary file beside @path (".NAME.XXXXXX",
 * mode 0600, created anew: no link is followed) and renamed over @path
 * only by tsl_file_commit(): a file that was there stays as it was until
 * then, and whatever fails, a half-written output never takes its place.
 */
struct tsl_file {
	FILE *fp;		/* open for reading and writing (direct: writing) */
	char *path;
	char *tmp;
	/*
	 * PATH is there and is no regular file (a device such as /dev/null,
	 * a FIFO, a socket): written in place, never replaced by a rename.
	 */
	bool direct;
};

/* 0, or a negative errno after "tcpsleuth: cannot create PATH: reason". */
int tsl_file_create(struct tsl_file *f, const char *path);
/* Flush, check and rename into place: 0, or a negative errno (printed; the temporary file is removed). */
int tsl_file_commit(struct tsl_file *f);
/* Close and remove the temporary file; @path is left as it was. */
void tsl_file_abort(struct tsl_file *f);
/* Close, keeping the temporary file under its own name, which is printed. */
void tsl_file_leave(struct tsl_file *f);
/*
 * A file that holds a recording only until its output is written (not put
 * in place): "tcpsleuth-XXXXXX.rec" in $TMPDIR, else /tmp, mode 0600,
 * created anew. Its name is @f->tmp (@f->path is NULL); tsl_file_abort()
 * removes it, tsl_file_leave() keeps it and says where. 0, or a negative
 * errno after "tcpsleuth: cannot create a temporary file in DIR: reason".
 */
int tsl_file_temp(struct tsl_file *f);

#endif /* TSL_OUTPUT_H */
