// SPDX-License-Identifier: GPL-2.0-or-later
// The command line: subcommands, the one table of their options, and the exit codes they share.
#ifndef TSL_CLI_H
#define TSL_CLI_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "capture/capture.h"

/* Exit codes (README, "Exit status"). */
enum tsl_exit {
	TSL_EXIT_OK = 0,
	TSL_EXIT_RUNTIME = 1,	/* the module, a file or the system failed */
	TSL_EXIT_USAGE = 2,	/* bad command line or input file */
	TSL_EXIT_LOSS = 3,	/* records were lost without being counted */
};

/* The exit code for a negative errno of the parts: -EINVAL is bad input. */
static inline int tsl_exit_code(int err)
{
	return !err ? TSL_EXIT_OK : err == -EINVAL ? TSL_EXIT_USAGE :
	       TSL_EXIT_RUNTIME;
}

/* Subcommands that take options, as a mask in the option table. */
enum tsl_subcmd {
	TSL_SUB_RECORD = 1 << 0,
	TSL_SUB_CSV = 1 << 1,
	TSL_SUB_REPORT = 1 << 2,
	TSL_SUB_DIAGNOSE = 1 << 3,
};

enum tsl_format { TSL_FMT_AUTO, TSL_FMT_TEXT, TSL_FMT_JSON, TSL_FMT_CSV };

/* Everything the options of any subcommand set. */
struct tsl_cli_args {
	enum tsl_subcmd cmd;
	struct tsl_capture_opts capture;	/* record, diagnose */
	struct tsl_report_opts report;		/* report, diagnose */
	enum tsl_format format;
	const char *output;	/* -o; NULL: the command's default */
	const char *keep;	/* diagnose --keep */
	const char *input;	/* csv, report: the recording */
	bool csv;		/* record --csv */
	bool samples;		/* csv --samples */
	bool help;		/* --help: the command's options were printed */
};

/*
 * Parse @argv (argv[0] is the command's name) for @cmd with the option
 * table: defaults first, then each option. 0, or -EINVAL after one line
 * naming the option and what was wrong with it.
 */
int tsl_cli_parse(enum tsl_subcmd cmd, int argc, char **argv,
		  struct tsl_cli_args *a);
/* The options @cmd takes, one per line, as in `tcpsleuth help`. */
void tsl_cli_options_help(enum tsl_subcmd cmd, FILE *out);

int tsl_cmd_status(int argc, char **argv);
int tsl_cmd_record(int argc, char **argv);
int tsl_cmd_csv(int argc, char **argv);
int tsl_cmd_report(int argc, char **argv);
int tsl_cmd_diagnose(int argc, char **argv);

/*
 * For the commands that read a recording: parse @argv for @cmd and open
 * the recording. Its descriptor, or -1 with the exit code in *@exit_code:
 * TSL_EXIT_OK after --help, TSL_EXIT_USAGE or TSL_EXIT_RUNTIME after one
 * line saying why.
 */
int tsl_cli_input(enum tsl_subcmd cmd, int argc, char **argv,
		  struct tsl_cli_args *a, int *exit_code);
bool tsl_cli_ends_with(const char *s, const char *suffix);

struct tsl_file;

/*
 * The recording of a run that keeps none: a named temporary file
 * (tsl_file_temp()), its name printed unless @quiet ("tcpsleuth: recording
 * in PATH until @until"), so that a run that is killed leaves its data. A
 * SIGINT, SIGTERM, SIGHUP or SIGPIPE that ends the run meanwhile says
 * "tcpsleuth: kept in PATH". 0, or -1 after saying why.
 */
int tsl_cli_temp_open(struct tsl_file *f, const char *until, bool quiet);
/* Put that back after the capture, which handles those signals itself while it runs. */
void tsl_cli_temp_guard(void);
/* The run is over: keep the file (and say where), or remove it. */
void tsl_cli_temp_close(struct tsl_file *f, bool keep);

#endif /* TSL_CLI_H */
