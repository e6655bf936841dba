// SPDX-License-Identifier: GPL-2.0-or-later
// `tcpsleuth record` and `tcpsleuth csv`: capture to a recording (or CSV), convert a recording to CSV.
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "output/output.h"

#define DEFAULT_OUTPUT	"tcpsleuth.rec"

/* ---- output files ---- */

/*
 * What `record` writes: the recording, or a CSV converted at the end from
 * a recording kept beside it meanwhile (a CSV on standard output: in a
 * named temporary file, tsl_cli_temp_open()). Files are written under
 * temporary names and renamed into place (tsl_file_create()): a file of
 * that name stays as it was when nothing was recorded.
 */
struct output {
	struct tsl_file rec;	/* the recording, when it goes to a file */
	bool temp;		/* rec is a temporary file: tsl_cli_temp_close() */
	struct tsl_file csv;	/* the CSV, when it goes to a file */
	FILE *bin;		/* the recording: rec's or standard output */
	const char *bin_name;
	FILE *out_csv;		/* NULL: binary output */
	const char *csv_name;
};

static int open_csv_output(const char *path, bool quiet, struct output *out)
{
	int err;

	out->csv_name = "standard output";
	out->out_csv = stdout;
	out->bin_name = "the recording";
	if (path && strcmp(path, "-")) {
		char *rec_path;

		out->csv_name = path;
		if (tsl_file_create(&out->csv, path))
			return TSL_EXIT_RUNTIME;
		out->out_csv = out->csv.fp;
		/* Beside the CSV, so that a killed capture leaves its data. */
		if (asprintf(&rec_path, "%s.rec", path) < 0) {
			tsl_file_abort(&out->csv);
			return TSL_EXIT_RUNTIME;
		}
		/* a CSV into a device or a pipe: the recording in a temporary file */
		err = out->csv.direct ? 1 : tsl_file_create(&out->rec, rec_path);
		free(rec_path);
		if (err < 0) {
			tsl_file_abort(&out->csv);
			return TSL_EXIT_RUNTIME;
		}
		if (!err) {
			out->bin = out->rec.fp;
			return 0;
		}
	}
	if (tsl_cli_temp_open(&out->rec, "the CSV is written", quiet)) {
		tsl_file_abort(&out->csv);	/* nothing if not opened */
		return TSL_EXIT_RUNTIME;
	}
	out->temp = true;
	out->bin = out->rec.fp;
	return 0;
}

static int open_output(const struct tsl_cli_args *o, struct output *out)
{
	const char *path = o->output ? o->output : DEFAULT_OUTPUT;

	memset(out, 0, sizeof(*out));
	if (o->csv || (o->output && tsl_cli_ends_with(o->output, ".csv")))
		return open_csv_output(o->output, o->capture.quiet, out);
	if (!strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "tcpsleuth: not writing a binary recording to a terminal (use --csv)\n");
			return TSL_EXIT_USAGE;
		}
		out->bin = stdout;
		out->bin_name = "standard output";
		return 0;
	}
	out->bin_name = path;
	if (tsl_file_create(&out->rec, path))
		return TSL_EXIT_RUNTIME;
	out->bin = out->rec.fp;
	return 0;
}

/*
 * Finish the files: with @keep, convert to CSV if that was asked for and
 * put the outputs in place; without, leave every named file as it was.
 * A temporary recording is left to tsl_cli_temp_close(). 0, or -1 after
 * saying why.
 */
static int close_output(struct output *out, bool keep)
{
	int ret = 0;

	if (out->out_csv && keep && tsl_csv_convert(fileno(out->bin),
						    out->bin_name, out->out_csv))
		ret = -1;
	if (out->csv.fp) {
		if (keep && !ret)
			ret = tsl_file_commit(&out->csv) ? -1 : 0;
		else
			tsl_file_abort(&out->csv);
	} else if (out->out_csv && fflush(out->out_csv) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", out->csv_name,
			strerror(errno));
		ret = -1;
	}
	if (out->temp) {
		/* the caller keeps it or not, when the run is over */
	} else if (out->rec.fp && out->out_csv && keep && ret) {
		/* the conversion failed: what was recorded stays readable */
		tsl_file_leave(&out->rec);
	} else if (out->rec.fp) {
		if (keep && !out->out_csv)
			ret = tsl_file_commit(&out->rec) ? -1 : ret;
		else
			tsl_file_abort(&out->rec);
	} else if (out->bin == stdout && fflush(stdout) && !ret) {
		fprintf(stderr, "tcpsleuth: standard output: %s\n",
			strerror(errno));
		ret = -1;
	}
	return ret;
}

/* ---- subcommands ---- */

int tsl_cli_input(enum tsl_subcmd cmd, int argc, char **argv,
		  struct tsl_cli_args *a, int *exit_code)
{
	int fd;

	*exit_code = TSL_EXIT_USAGE;
	if (tsl_cli_parse(cmd, argc, argv, a))
		return -1;
	*exit_code = TSL_EXIT_OK;
	if (a->help)
		return -1;
	fd = open(a->input, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tcpsleuth: cannot open %s: %s\n", a->input,
			strerror(errno));
		*exit_code = TSL_EXIT_RUNTIME;
	}
	return fd;
}

bool tsl_cli_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int tsl_cmd_record(int argc, char **argv)
{
	struct tsl_cli_args a;
	struct tsl_capture *cap;
	struct output out;
	struct tsl_nl *nl;
	int ret, err;

	if (tsl_cli_parse(TSL_SUB_RECORD, argc, argv, &a))
		return TSL_EXIT_USAGE;
	if (a.help)
		return TSL_EXIT_OK;
	/* The module first: no output file is left behind if it is absent. */
	err = tsl_nl_open(&nl);
	if (err)
		return TSL_EXIT_RUNTIME;	/* it said why */
	ret = TSL_EXIT_RUNTIME;
	cap = tsl_capture_new(&a.capture);
	if (!cap)
		goto err_nl;
	ret = open_output(&a, &out);
	if (ret)
		goto err_capture;
	ret = tsl_capture_run(cap, nl, out.bin, out.bin_name) ?
	      TSL_EXIT_RUNTIME : TSL_EXIT_OK;
	if (out.temp)
		tsl_cli_temp_guard();	/* the capture's handlers are done */
	if (!tsl_capture_started(cap)) {
		close_output(&out, false);	/* nothing was recorded */
		if (out.temp)
			tsl_cli_temp_close(&out.rec, false);
		goto err_capture;
	}
	/* Whatever happened since START, what was received is kept. */
	if (close_output(&out, true) && !ret)
		ret = TSL_EXIT_RUNTIME;
	if (!ret && tsl_capture_summary(cap, nl))
		ret = TSL_EXIT_LOSS;
	/* kept, and said where, unless the CSV says all of it */
	if (out.temp)
		tsl_cli_temp_close(&out.rec, ret != TSL_EXIT_OK);
err_capture:
	tsl_capture_free(cap);
err_nl:
	tsl_nl_close(nl);
	return ret;
}

/* Whether @path names the file open on @fd. */
static bool same_file(const char *path, int fd)
{
	struct stat a, b;

	return !stat(path, &a) && !fstat(fd, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int tsl_cmd_csv(int argc, char **argv)
{
	struct tsl_cli_args a;
	struct tsl_file file = { 0 };
	FILE *out = stdout;
	int fd, ret, err;

	fd = tsl_cli_input(TSL_SUB_CSV, argc, argv, &a, &ret);
	if (fd < 0)
		return ret;
	ret = TSL_EXIT_USAGE;
	if (a.output && strcmp(a.output, "-")) {
		if (same_file(a.output, fd)) {
			fprintf(stderr, "tcpsleuth: csv: %s is the recording being read\n",
				a.output);
			goto err_close;
		}
		ret = TSL_EXIT_RUNTIME;
		if (tsl_file_create(&file, a.output))
			goto err_close;
		out = file.fp;
	}
	/* --samples: the system samples, one row per value */
	err = a.samples ? tsl_sample_csv_convert(fd, a.input, out) :
			  tsl_csv_convert(fd, a.input, out);
	ret = tsl_exit_code(err);
	if (file.fp && !err)
		ret = tsl_file_commit(&file) ? TSL_EXIT_RUNTIME : TSL_EXIT_OK;
	else
		tsl_file_abort(&file);
err_close:
	close(fd);
	return ret;
}
