// SPDX-License-Identifier: GPL-2.0-or-later
// `tcpsleuth report` and `tcpsleuth diagnose`: analyse a recording, or record and then analyse.
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output/output.h"

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int write_file(const struct tsl_report *r, const struct tsl_cli_args *a,
		      enum tsl_format f)
{
	bool std = !a->output || !strcmp(a->output, "-");
	struct tsl_file file = { 0 };
	FILE *out = stdout;
	int ret;

	if (!std) {
		if (tsl_file_create(&file, a->output))
			return TSL_EXIT_RUNTIME;
		out = file.fp;
	}
	if (f == TSL_FMT_JSON)
		ret = tsl_report_json(r, out);
	else if (f == TSL_FMT_CSV)
		ret = tsl_report_csv_verdicts(r, out);
	else
		ret = tsl_report_text(r, out);
	if (!ret && file.fp)
		ret = tsl_file_commit(&file);
	else
		tsl_file_abort(&file);
	return ret ? TSL_EXIT_RUNTIME : TSL_EXIT_OK;
}

static int write_report(const struct tsl_report *r, const struct tsl_cli_args *a)
{
	enum tsl_format f = a->format;
	bool dir = a->output && is_dir(a->output);

	if (f == TSL_FMT_AUTO) {
		f = TSL_FMT_TEXT;
		if (dir || (a->output && tsl_cli_ends_with(a->output, ".csv")))
			f = TSL_FMT_CSV;
		else if (a->output && tsl_cli_ends_with(a->output, ".json"))
			f = TSL_FMT_JSON;
	}
	if (dir && f != TSL_FMT_CSV) {
		fprintf(stderr, "tcpsleuth: %s is a directory: only --format csv writes into one\n",
			a->output);
		return TSL_EXIT_USAGE;
	}
	if (dir)
		return tsl_report_csv_dir(r, a->output) ? TSL_EXIT_RUNTIME : 0;
	return write_file(r, a, f);
}

/* Analyse the recording on @fd and write it out; an exit code. */
static int analyse(int fd, const char *name, const struct tsl_cli_args *a)
{
	struct tsl_report r;
	int err, ret;

	err = tsl_report_build(fd, name, &a->report, &r);
	if (err)
		ret = tsl_exit_code(err);
	else
		ret = write_report(&r, a);
	tsl_report_free(&r);
	return ret;
}

int tsl_cmd_report(int argc, char **argv)
{
	struct tsl_cli_args a;
	int fd, ret;

	fd = tsl_cli_input(TSL_SUB_REPORT, argc, argv, &a, &ret);
	if (fd < 0)
		return ret;
	ret = analyse(fd, a.input, &a);
	close(fd);
	return ret;
}

/* ---- diagnose ---- */

/* --keep FILE (put in place at the end), else a named temporary file. */
static FILE *open_recording(const struct tsl_cli_args *a, struct tsl_file *rec)
{
	if (a->keep)
		return tsl_file_create(rec, a->keep) ? NULL : rec->fp;
	return tsl_cli_temp_open(rec, "the report is written",
				 a->capture.quiet) ? NULL : rec->fp;
}

/* Capture into @bin as `record` does; an exit code, and whether START was accepted. */
static int capture(const struct tsl_cli_args *a, struct tsl_nl *nl, FILE *bin,
		   const char *name, bool *started)
{
	struct tsl_capture *cap;
	int ret;

	*started = false;
	ret = TSL_EXIT_RUNTIME;
	cap = tsl_capture_new(&a->capture);
	if (cap && !tsl_capture_run(cap, nl, bin, name))
		ret = tsl_capture_summary(cap, nl) ? TSL_EXIT_LOSS : TSL_EXIT_OK;
	*started = cap && tsl_capture_started(cap);
	tsl_capture_free(cap);
	return ret;
}

int tsl_cmd_diagnose(int argc, char **argv)
{
	struct tsl_cli_args a;
	struct tsl_file rec = { 0 };
	struct tsl_nl *nl;
	bool started;
	FILE *bin;
	int ret;

	if (tsl_cli_parse(TSL_SUB_DIAGNOSE, argc, argv, &a))
		return TSL_EXIT_USAGE;
	if (a.help)
		return TSL_EXIT_OK;
	/* The module first: no recording is made if it is absent. */
	if (tsl_nl_open(&nl))
		return TSL_EXIT_RUNTIME;	/* it said why */
	bin = open_recording(&a, &rec);
	if (!bin) {
		tsl_nl_close(nl);
		return TSL_EXIT_RUNTIME;
	}
	ret = capture(&a, nl, bin, a.keep ? a.keep : "the recording", &started);
	tsl_nl_close(nl);
	if (!a.keep)
		tsl_cli_temp_guard();	/* the capture's handlers are done */
	if (ret == TSL_EXIT_OK || ret == TSL_EXIT_LOSS) {
		int aret;

		fflush(bin);
		aret = analyse(fileno(bin), a.keep ? a.keep : "the recording", &a);
		if (aret)
			ret = aret;
	}
	if (!a.keep) {
		/* kept, and said where, unless the report says all of it */
		tsl_cli_temp_close(&rec, started && ret != TSL_EXIT_OK);
		return ret;
	}
	/* What was recorded is kept, even when the analysis failed. */
	if (started) {
		if (tsl_file_commit(&rec) && !ret)
			ret = TSL_EXIT_RUNTIME;
	} else {
		tsl_file_abort(&rec);
	}
	return ret;
}
