// SPDX-License-Identifier: GPL-2.0-or-later
// The one table of the subcommands' options: parsing, checking and help text.
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DIAGNOSE_DURATION_S	10
#define MAX_INTERVAL_MS		3600000

#define CAPTURE		(TSL_SUB_RECORD | TSL_SUB_DIAGNOSE)
#define ANALYSIS	(TSL_SUB_REPORT | TSL_SUB_DIAGNOSE)

struct cli_opt {
	const char *name;
	char short_name;	/* 0: none */
	const char *arg;	/* the value's name in help; NULL: takes none */
	unsigned int cmds;	/* enum tsl_subcmd mask */
	const char *help;
	/* 0, or -EINVAL after one line naming the option */
	int (*apply)(struct tsl_cli_args *a, const char *opt, const char *arg);
};

static int bad(const char *opt, const char *arg, const char *what)
{
	fprintf(stderr, "tcpsleuth: --%s: '%s' is not %s\n", opt, arg, what);
	return -EINVAL;
}

static int parse_double(const char *opt, const char *arg, double lo,
			double hi, double *out)
{
	char what[96];
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (!errno && end != arg && !*end && isfinite(*out) && *out >= lo &&
	    *out <= hi)
		return 0;
	snprintf(what, sizeof(what), "a number from %.10g to %.10g", lo, hi);
	return bad(opt, arg, what);
}

static int parse_ms(const char *opt, const char *arg, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || v > MAX_INTERVAL_MS)
		return bad(opt, arg, "a number of milliseconds (0: none)");
	*out = v;
	return 0;
}

static int opt_filter(struct tsl_cli_args *a, const char *opt, const char *arg)
{
	return tsl_filter_parse(&a->capture.filter, opt, arg);
}

static int opt_duration(struct tsl_cli_args *a, const char *opt,
			const char *arg)
{
	double *d = &a->capture.duration;
	char *end;

	errno = 0;
	*d = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(*d) || *d <= 0 || *d > 1e9)
		return bad(opt, arg, "a positive number of seconds");
	return 0;
}

static int opt_output(struct tsl_cli_args *a, const char *opt, const char *arg)
{
	(void)opt;
	a->output = arg;
	return 0;
}

static int opt_keep(struct tsl_cli_args *a, const char *opt, const char *arg)
{
	(void)opt;
	a->keep = arg;
	return 0;
}

static int opt_csv(struct tsl_cli_args *a, const char *opt, const char *arg)
{
	(void)opt, (void)arg;
	a->csv = true;
	return 0;
}

static int opt_samples(struct tsl_cli_args *a, const char *opt,
		       const char *arg)
{
	(void)opt, (void)arg;
	a->samples = true;
	return 0;
}

static int opt_quiet(struct tsl_cli_args *a, const char *opt, const char *arg)
{
	(void)opt, (void)arg;
	a->capture.quiet = true;
	return 0;
}

/* record: how often the system is sampled. */
static int opt_sample_interval(struct tsl_cli_args *a, const char *opt,
			       const char *arg)
{
	return parse_ms(opt, arg, &a->capture.interval_ms);
}

/* report: the analysis' interval; diagnose: the samples' too. */
static int opt_analysis_interval(struct tsl_cli_args *a, const char *opt,
				 const char *arg)
{
	double v;

	if (parse_double(opt, arg, 1, MAX_INTERVAL_MS, &v))
		return -EINVAL;
	a->report.iv_ns = (uint64_t)(v * 1e6);
	if (a->cmd != TSL_SUB_DIAGNOSE)
		return 0;
	if (a->report.iv_ns % 1000000) {
		fprintf(stderr, "tcpsleuth: --%s: whole milliseconds only\n", opt);
		return -EINVAL;
	}
	a->capture.interval_ms = a->report.iv_ns / 1000000;
	return 0;
}

static int opt_icmp_interval(struct tsl_cli_args *a, const char *opt,
			     const char *arg)
{
	unsigned int ms;

	if (parse_ms(opt, arg, &ms))
		return -EINVAL;
	a->capture.icmp_interval_ms = ms;
	return 0;
}

static int opt_format(struct tsl_cli_args *a, const char *opt, const char *arg)
{
	if (!strcmp(arg, "text"))
		a->format = TSL_FMT_TEXT;
	else if (!strcmp(arg, "json"))
		a->format = TSL_FMT_JSON;
	else if (!strcmp(arg, "csv"))
		a->format = TSL_FMT_CSV;
	else
		return bad(opt, arg, "text, json or csv");
	return 0;
}

static int opt_k(struct tsl_cli_args *a, const char *opt, const char *arg)
{
	return parse_double(opt, arg, 0, 1000, &a->report.k);
}

static int opt_floor(struct tsl_cli_args *a, const char *opt, const char *arg)
{
	return parse_double(opt, arg, 0, 1e9, &a->report.floor_us);
}

static int opt_max_lag(struct tsl_cli_args *a, const char *opt,
		       const char *arg)
{
	double v;

	if (parse_double(opt, arg, 0, 100, &v))
		return -EINVAL;
	a->report.max_lag = (int)v;
	return 0;
}

static const struct cli_opt options[] = {
	{ "port", 0, "P", CAPTURE, "local or remote port (repeatable)", opt_filter },
	{ "lport", 0, "P", CAPTURE, "local port (repeatable)", opt_filter },
	{ "rport", 0, "P", CAPTURE, "remote port (repeatable)", opt_filter },
	{ "host", 0, "ADDR[/LEN]", CAPTURE,
	  "local or remote IPv4/IPv6 address or prefix (repeatable)", opt_filter },
	{ "netns", 0, "NS", CAPTURE,
	  "network namespace: PID, path, or name in /run/netns", opt_filter },
	{ "events", 0, "LIST", TSL_SUB_RECORD,
	  "comma-separated: tx,ack_rx,data_rx,read,ack_tx,retrans,rto,state,drop",
	  opt_filter },
	{ "duration", 0, "S", TSL_SUB_RECORD,
	  "stop after S seconds (default: at Ctrl-C)", opt_duration },
	{ "duration", 0, "S", TSL_SUB_DIAGNOSE,
	  "record for S seconds (default 10)", opt_duration },
	{ "interval", 0, "MS", TSL_SUB_RECORD,
	  "system samples every MS ms (default 100; 0: none)",
	  opt_sample_interval },
	{ "icmp-interval", 0, "MS", TSL_SUB_RECORD,
	  "ICMP probes to each flow's peer (default: each sample; 0: none)",
	  opt_icmp_interval },
	{ "interval", 0, "MS", TSL_SUB_REPORT,
	  "analysis interval (default: the recording's sample interval, or 100)",
	  opt_analysis_interval },
	{ "interval", 0, "MS", TSL_SUB_DIAGNOSE,
	  "system samples and analysis interval (default 100)",
	  opt_analysis_interval },
	{ "format", 0, "F", ANALYSIS, "text (default), json or csv", opt_format },
	{ "k", 0, "K", ANALYSIS,
	  "episode threshold: median + K MADs of RTT p90 (default 3)", opt_k },
	{ "floor-us", 0, "US", ANALYSIS,
	  "episodes need RTT p90 above US (default 1000)", opt_floor },
	{ "max-lag", 0, "N", ANALYSIS,
	  "correlation lags -N..N intervals (default 5)", opt_max_lag },
	{ "keep", 0, "FILE", TSL_SUB_DIAGNOSE,
	  "keep the recording in FILE (default: a file in $TMPDIR or /tmp, named on stderr, removed once the report is written, kept if the run fails)",
	  opt_keep },
	{ "output", 'o', "FILE", TSL_SUB_RECORD,
	  "the recording (default tcpsleuth.rec; '-' is stdout); CSV if FILE ends in .csv",
	  opt_output },
	{ "output", 'o', "OUT", TSL_SUB_CSV, "output file (default stdout)",
	  opt_output },
	{ "output", 'o', "FILE|DIR", ANALYSIS,
	  "output file; with csv, a DIR gets intervals.csv, episodes.csv and verdicts.csv, a FILE.csv the verdicts",
	  opt_output },
	{ "csv", 0, NULL, TSL_SUB_RECORD,
	  "write CSV instead of a binary recording (to stdout: recorded meanwhile in a file in $TMPDIR or /tmp, named on stderr, removed once the CSV is written, kept if the run fails)",
	  opt_csv },
	{ "samples", 0, NULL, TSL_SUB_CSV,
	  "the system samples, one row per value, instead of the events",
	  opt_samples },
	{ "quiet", 'q', NULL, CAPTURE,
	  "no progress line, no line naming a temporary recording", opt_quiet },
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static const char *cmd_name(enum tsl_subcmd cmd)
{
	switch (cmd) {
	case TSL_SUB_RECORD:
		return "record";
	case TSL_SUB_CSV:
		return "csv";
	case TSL_SUB_REPORT:
		return "report";
	default:
		return "diagnose";
	}
}

/* Recording files named on the command line after the options. */
static unsigned int cmd_inputs(enum tsl_subcmd cmd)
{
	return cmd == TSL_SUB_CSV || cmd == TSL_SUB_REPORT;
}

static void defaults(enum tsl_subcmd cmd, struct tsl_cli_args *a)
{
	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	tsl_capture_opts_default(&a->capture);
	tsl_report_opts_default(&a->report);
	a->format = TSL_FMT_AUTO;
	if (cmd == TSL_SUB_DIAGNOSE) {
		a->capture.duration = DIAGNOSE_DURATION_S;
		a->capture.countdown = true;
	}
}

void tsl_cli_options_help(enum tsl_subcmd cmd, FILE *out)
{
	unsigned int i;

	for (i = 0; i < N_OPTIONS; i++) {
		const struct cli_opt *o = &options[i];
		char lhs[48];

		if (!(o->cmds & cmd))
			continue;
		if (o->short_name)
			snprintf(lhs, sizeof(lhs), "-%c, --%s%s%s", o->short_name,
				 o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(lhs, sizeof(lhs), "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-26s %s\n", lhs, o->help);
	}
	fprintf(out, "  %-26s %s\n", "    --help", "these options");
}

/* getopt_long's table for @cmd: option i of @map[] is options[map[i]]. */
static int build_getopt(enum tsl_subcmd cmd, struct option *lo,
			unsigned int *map, char *shorts)
{
	unsigned int i, n = 0;
	char *s = shorts;

	*s++ = ':';	/* a missing value is reported as ':' */
	for (i = 0; i < N_OPTIONS; i++) {
		if (!(options[i].cmds & cmd))
			continue;
		lo[n] = (struct option){ options[i].name,
			options[i].arg ? required_argument : no_argument,
			NULL, 256 + n };
		map[n++] = i;
		if (options[i].short_name) {
			*s++ = options[i].short_name;
			if (options[i].arg)
				*s++ = ':';
		}
	}
	lo[n++] = (struct option){ "help", no_argument, NULL, 256 + N_OPTIONS };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	*s = '\0';
	return n;
}

/* The option a getopt_long() result @c stands for; NULL: none. */
static const struct cli_opt *which(int c, enum tsl_subcmd cmd,
				   const unsigned int *map, int n)
{
	unsigned int i;

	if (c >= 256 && c < 256 + n)
		return &options[map[c - 256]];
	for (i = 0; i < N_OPTIONS; i++)
		if ((options[i].cmds & cmd) && options[i].short_name == c)
			return &options[i];
	return NULL;
}

int tsl_cli_parse(enum tsl_subcmd cmd, int argc, char **argv,
		  struct tsl_cli_args *a)
{
	struct option lo[N_OPTIONS + 2];
	unsigned int map[N_OPTIONS];
	char shorts[2 * N_OPTIONS + 2];
	const char *name = cmd_name(cmd);
	int c, n;

	defaults(cmd, a);
	n = build_getopt(cmd, lo, map, shorts);
	optind = 1;
	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct cli_opt *o = which(c, cmd, map, n - 1);

		if (c == 256 + (int)N_OPTIONS) {
			printf("usage: tcpsleuth %s%s [OPTIONS]\n\noptions:\n",
			       name, cmd_inputs(cmd) ? " FILE" : "");
			tsl_cli_options_help(cmd, stdout);
			a->help = true;
			return 0;
		}
		if (c == ':') {
			fprintf(stderr, "tcpsleuth: %s: option '%s' needs a value\n",
				name, argv[optind - 1]);
			return -EINVAL;
		}
		if (!o) {
			fprintf(stderr, "tcpsleuth: %s: unknown option '%s' (see 'tcpsleuth %s --help')\n",
				name, argv[optind - 1], name);
			return -EINVAL;
		}
		if (o->apply(a, o->name, optarg))
			return -EINVAL;
	}
	if (cmd_inputs(cmd) && optind < argc)
		a->input = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "tcpsleuth: %s: unexpected argument '%s'\n",
			name, argv[optind]);
		return -EINVAL;
	}
	if (cmd_inputs(cmd) && !a->input) {
		fprintf(stderr, "tcpsleuth: %s: which recording? (usage: tcpsleuth %s FILE [OPTIONS])\n",
			name, name);
		return -EINVAL;
	}
	return 0;
}
