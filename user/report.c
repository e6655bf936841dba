// SPDX-License-Identifier: GPL-2.0-or-later
// `tcpsleuth report` and `tcpsleuth diagnose`: analyse a recording, or record and then analyse.
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "an_report.h"
#include "commands.h"

#define DIAGNOSE_DURATION "10"

enum format { FMT_AUTO, FMT_TEXT, FMT_JSON, FMT_CSV };

struct report_args {
	struct tsl_report_opts o;
	enum format format;
	const char *output;	/* NULL or "-": stdout */
};

static int parse_format(const char *arg, enum format *f)
{
	if (!strcmp(arg, "text"))
		*f = FMT_TEXT;
	else if (!strcmp(arg, "json"))
		*f = FMT_JSON;
	else if (!strcmp(arg, "csv"))
		*f = FMT_CSV;
	else {
		fprintf(stderr, "tcpsleuth: --format: '%s' is not text, json or csv\n",
			arg);
		return -1;
	}
	return 0;
}

static int parse_double(const char *opt, const char *arg, double lo, double hi,
			double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(*out) || *out < lo ||
	    *out > hi) {
		fprintf(stderr, "tcpsleuth: %s: '%s' is not a number from %g to %g\n",
			opt, arg, lo, hi);
		return -1;
	}
	return 0;
}

/* The analysis options common to both commands; 1 if @c is not one of them. */
static int analysis_opt(int c, const char *arg, struct report_args *a)
{
	double v;

	switch (c) {
	case 'f':
		return parse_format(arg, &a->format) ? -1 : 0;
	case 'o':
		a->output = arg;
		return 0;
	case 'i':
		if (parse_double("--interval", arg, 1, 3600000, &v))
			return -1;
		a->o.iv_ns = (uint64_t)(v * 1e6);
		return 0;
	case 'k':
		return parse_double("--k", arg, 0, 1000, &a->o.k) ? -1 : 0;
	case 'F':
		return parse_double("--floor-us", arg, 0, 1e9, &a->o.floor_us) ? -1 : 0;
	case 'l':
		if (parse_double("--max-lag", arg, 0, 100, &v))
			return -1;
		a->o.max_lag = (int)v;
		return 0;
	}
	return 1;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int write_file(const struct tsl_report *r, const struct report_args *a,
		      enum format f)
{
	bool std = !a->output || !strcmp(a->output, "-");
	FILE *out = std ? stdout : fopen(a->output, "w");
	int ret;

	if (!out) {
		fprintf(stderr, "tcpsleuth: cannot create %s: %s\n", a->output,
			strerror(errno));
		return TSL_EXIT_RUNTIME;
	}
	if (f == FMT_JSON)
		ret = tsl_report_json(r, out);
	else if (f == FMT_CSV)
		ret = tsl_report_csv_verdicts(r, out);
	else
		ret = tsl_report_text(r, out);
	if (!std && fclose(out) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", a->output, strerror(errno));
		ret = -1;
	}
	return ret ? TSL_EXIT_RUNTIME : TSL_EXIT_OK;
}

static int write_report(const struct tsl_report *r, const struct report_args *a)
{
	enum format f = a->format;
	bool dir = a->output && is_dir(a->output);

	if (f == FMT_AUTO) {
		f = FMT_TEXT;
		if (dir || (a->output && ends_with(a->output, ".csv")))
			f = FMT_CSV;
		else if (a->output && ends_with(a->output, ".json"))
			f = FMT_JSON;
	}
	if (dir && f != FMT_CSV) {
		fprintf(stderr, "tcpsleuth: %s is a directory: only --format csv writes into one\n",
			a->output);
		return TSL_EXIT_USAGE;
	}
	if (dir)
		return tsl_report_csv_dir(r, a->output) ? TSL_EXIT_RUNTIME : 0;
	return write_file(r, a, f);
}

/* Analyse the recording on @fd and write it out; an exit code. */
static int analyse(int fd, const char *name, const struct report_args *a)
{
	struct tsl_report r;
	int err, ret;

	err = tsl_report_build(fd, name, &a->o, &r);
	if (err)
		ret = err == -EINVAL ? TSL_EXIT_USAGE : TSL_EXIT_RUNTIME;
	else
		ret = write_report(&r, a);
	tsl_report_free(&r);
	return ret;
}

static const struct option report_options[] = {
	{ "format",	required_argument, NULL, 'f' },
	{ "output",	required_argument, NULL, 'o' },
	{ "interval",	required_argument, NULL, 'i' },
	{ "k",		required_argument, NULL, 'k' },
	{ "floor-us",	required_argument, NULL, 'F' },
	{ "max-lag",	required_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 },
};

int tsl_cmd_report(int argc, char **argv)
{
	struct report_args a = { .format = FMT_AUTO };
	int c, fd, ret;

	tsl_report_opts_default(&a.o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", report_options, NULL)) != -1) {
		if (c == ':' || c == '?') {
			fprintf(stderr, "tcpsleuth: report: %s option '%s' (see 'tcpsleuth help')\n",
				c == ':' ? "missing value for" : "unknown",
				argv[optind - 1]);
			return TSL_EXIT_USAGE;
		}
		if (analysis_opt(c, optarg, &a))
			return TSL_EXIT_USAGE;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "tcpsleuth: usage: tcpsleuth report RECORDING [--format text|json|csv] [-o FILE|DIR]\n");
		return TSL_EXIT_USAGE;
	}
	fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tcpsleuth: cannot open %s: %s\n", argv[optind],
			strerror(errno));
		return TSL_EXIT_RUNTIME;
	}
	ret = analyse(fd, argv[optind], &a);
	close(fd);
	return ret;
}

/* ---- diagnose ---- */

static const struct option diagnose_options[] = {
	{ "format",	required_argument, NULL, 'f' },
	{ "output",	required_argument, NULL, 'o' },
	{ "interval",	required_argument, NULL, 'i' },
	{ "k",		required_argument, NULL, 'k' },
	{ "floor-us",	required_argument, NULL, 'F' },
	{ "max-lag",	required_argument, NULL, 'l' },
	{ "keep",	required_argument, NULL, 'K' },
	{ "duration",	required_argument, NULL, 'd' },
	{ "port",	required_argument, NULL, 'P' },
	{ "lport",	required_argument, NULL, 'L' },
	{ "rport",	required_argument, NULL, 'R' },
	{ "host",	required_argument, NULL, 'H' },
	{ "netns",	required_argument, NULL, 'N' },
	{ "quiet",	no_argument,	   NULL, 'q' },
	{ NULL, 0, NULL, 0 },
};

struct diag_args {
	struct report_args a;
	const char *keep;
	char **rec_argv;	/* options passed on to the capture */
	int rec_argc;
	bool has_duration;
};

/* Hand "--NAME=ARG" (or "-q") on to the capture. */
static int pass_on(struct diag_args *d, const char *name, const char *arg)
{
	char *s;

	if (arg ? asprintf(&s, "--%s=%s", name, arg) < 0 : !(s = strdup(name)))
		return -1;
	d->rec_argv[d->rec_argc++] = s;
	return 0;
}

static int parse_diagnose(int argc, char **argv, struct diag_args *d)
{
	int c, idx, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:q", diagnose_options, &idx)) != -1) {
		if (c == ':' || c == '?') {
			fprintf(stderr, "tcpsleuth: diagnose: %s option '%s' (see 'tcpsleuth help')\n",
				c == ':' ? "missing value for" : "unknown",
				argv[optind - 1]);
			return -1;
		}
		if (c == 'K') {
			d->keep = optarg;
			continue;
		}
		err = analysis_opt(c, optarg, &d->a);
		if (err < 0)
			return -1;
		if (!err && c != 'i')
			continue;
		/* --interval sets both the samples' and the analysis' interval */
		if (c == 'i' && d->a.o.iv_ns % 1000000) {
			fprintf(stderr, "tcpsleuth: --interval: whole milliseconds only\n");
			return -1;
		}
		if (c == 'd')
			d->has_duration = true;
		if (c == 'q')
			err = pass_on(d, "-q", NULL);
		else if (c == 'i')
			err = asprintf(&d->rec_argv[d->rec_argc], "--interval=%llu",
				       (unsigned long long)(d->a.o.iv_ns / 1000000)) < 0 ?
			      -1 : (d->rec_argc++, 0);
		else
			err = pass_on(d, diagnose_options[idx].name, optarg);
		if (err)
			return -1;
	}
	if (optind != argc) {
		fprintf(stderr, "tcpsleuth: diagnose: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (!d->has_duration)
		return pass_on(d, "duration", DIAGNOSE_DURATION);
	return 0;
}

/* More than a file header: the capture started. */
static bool has_chunks(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > (off_t)sizeof(struct tsl_rec_header);
}

static FILE *open_recording(const struct diag_args *d)
{
	FILE *fp = d->keep ? fopen(d->keep, "w+") : tmpfile();

	if (!fp)
		fprintf(stderr, "tcpsleuth: cannot create %s: %s\n",
			d->keep ? d->keep : "a temporary file", strerror(errno));
	return fp;
}

int tsl_cmd_diagnose(int argc, char **argv)
{
	struct diag_args d = { .a.format = FMT_AUTO };
	const char *name;
	int ret, i;
	FILE *bin;

	tsl_report_opts_default(&d.a.o);
	d.rec_argv = calloc(argc + 3, sizeof(*d.rec_argv));
	if (!d.rec_argv)
		return TSL_EXIT_RUNTIME;
	d.rec_argv[d.rec_argc++] = strdup("diagnose");
	ret = TSL_EXIT_USAGE;
	if (!d.rec_argv[0] || parse_diagnose(argc, argv, &d))
		goto out;
	ret = TSL_EXIT_RUNTIME;
	bin = open_recording(&d);
	if (!bin)
		goto out;
	name = d.keep ? d.keep : "the recording";
	ret = tsl_record_capture(d.rec_argc, d.rec_argv, bin, name);
	if (ret == TSL_EXIT_OK || ret == TSL_EXIT_LOSS) {
		int aret;

		fflush(bin);
		aret = analyse(fileno(bin), name, &d.a);
		if (aret)
			ret = aret;
	}
	if (fclose(bin) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", name, strerror(errno));
		ret = TSL_EXIT_RUNTIME;
	}
	if (d.keep && ret && ret != TSL_EXIT_LOSS && !has_chunks(d.keep))
		unlink(d.keep);	/* nothing was recorded into it */
out:
	for (i = 0; i < d.rec_argc; i++)
		free(d.rec_argv[i]);
	free(d.rec_argv);
	return ret;
}
