// SPDX-License-Identifier: GPL-2.0-or-later
// `tcpsleuth record` and `tcpsleuth csv`: capture to a recording (or CSV), convert a recording to CSV.
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output/output.h"

#define DEFAULT_OUTPUT	"tcpsleuth.rec"

/* ---- output files ---- */

struct output {
	const char *path;	/* the file we created, NULL for stdout */
	FILE *bin;		/* the recording; a temporary file for CSV */
	const char *bin_name;
	FILE *csv;		/* NULL: binary output */
	const char *csv_name;
};

static int open_csv_output(const char *path, struct output *out)
{
	out->csv_name = "standard output";
	out->csv = stdout;
	if (path && strcmp(path, "-")) {
		out->csv_name = out->path = path;
		out->csv = tsl_cli_create(path, "w");
		if (!out->csv)
			return TSL_EXIT_RUNTIME;
	}
	out->bin_name = "temporary recording";
	out->bin = tmpfile();
	if (!out->bin) {
		fprintf(stderr, "tcpsleuth: cannot create a temporary file: %s\n",
			strerror(errno));
		if (out->csv != stdout)
			fclose(out->csv);
		return TSL_EXIT_RUNTIME;
	}
	return 0;
}

static int open_output(const struct tsl_cli_args *o, struct output *out)
{
	const char *path = o->output ? o->output : DEFAULT_OUTPUT;

	memset(out, 0, sizeof(*out));
	if (o->csv || (o->output && tsl_cli_ends_with(o->output, ".csv")))
		return open_csv_output(o->output, out);
	if (!strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "tcpsleuth: not writing a binary recording to a terminal (use --csv)\n");
			return TSL_EXIT_USAGE;
		}
		out->bin = stdout;
		out->bin_name = "standard output";
		return 0;
	}
	out->bin_name = out->path = path;
	out->bin = tsl_cli_create(path, "w");
	return out->bin ? 0 : TSL_EXIT_RUNTIME;
}

/* Close the files, converting to CSV first if @convert. */
static int close_output(struct output *out, bool convert)
{
	int ret = 0;

	if (out->csv && convert &&
	    tsl_csv_convert(fileno(out->bin), out->bin_name, out->csv))
		ret = -1;
	if (out->csv && out->csv != stdout && fclose(out->csv) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", out->csv_name,
			strerror(errno));
		ret = -1;
	}
	if (out->bin != stdout && fclose(out->bin) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", out->bin_name,
			strerror(errno));
		ret = -1;
	}
	return ret;
}

/* ---- subcommands ---- */

FILE *tsl_cli_create(const char *path, const char *mode)
{
	FILE *fp = fopen(path, mode);

	if (!fp)
		fprintf(stderr, "tcpsleuth: cannot create %s: %s\n", path,
			strerror(errno));
	return fp;
}

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
	if (!tsl_capture_started(cap)) {
		close_output(&out, false);
		if (out.path)
			unlink(out.path);	/* nothing was recorded into it */
		goto err_capture;
	}
	/* Whatever happened since START, what was received is kept. */
	if (close_output(&out, true) && !ret)
		ret = TSL_EXIT_RUNTIME;
	if (!ret && tsl_capture_summary(cap, nl))
		ret = TSL_EXIT_LOSS;
err_capture:
	tsl_capture_free(cap);
err_nl:
	tsl_nl_close(nl);
	return ret;
}

int tsl_cmd_csv(int argc, char **argv)
{
	struct tsl_cli_args a;
	FILE *out = stdout;
	int fd, ret, err;

	fd = tsl_cli_input(TSL_SUB_CSV, argc, argv, &a, &ret);
	if (fd < 0)
		return ret;
	ret = TSL_EXIT_RUNTIME;
	if (a.output && strcmp(a.output, "-")) {
		out = tsl_cli_create(a.output, "w");
		if (!out)
			goto err_close;
	}
	/* --samples: the system samples, one row per value */
	err = a.samples ? tsl_sample_csv_convert(fd, a.input, out) :
			  tsl_csv_convert(fd, a.input, out);
	ret = tsl_exit_code(err);
	if (out != stdout && fclose(out) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", a.output, strerror(errno));
		ret = TSL_EXIT_RUNTIME;
	}
err_close:
	close(fd);
	return ret;
}
