// SPDX-License-Identifier: GPL-2.0-or-later
// tcpsleuth: command-line entry point; dispatches the subcommands.

/*
 * Exit codes:
 *   0  success
 *   1  runtime error: module not loaded, permission denied, another reader
 *      attached, netlink failure, a file that cannot be opened or written,
 *      no END message within 10 s of STOP
 *   2  usage error or bad input: unknown option or value, malformed or
 *      truncated recording given to `csv` or `report`
 *   3  loss accounting mismatch at the end of `record`: for some CPU,
 *      produced != delivered + dropped, records received != delivered, or
 *      a gap in the batch sequence numbers (the recording is still written)
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define TSL_READER_VERSION "0.2.0"

static const char commands[] =
	"usage: tcpsleuth COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  status                       show the module's state and counters\n"
	"  record [OPTIONS]             trace TCP flows until --duration or Ctrl-C\n"
	"  csv FILE [--samples] [-o OUT] convert a recording's events (or its system\n"
	"                               samples) to CSV (stdout by default)\n"
	"  report FILE [OPTIONS]        analyse a recording: episodes, correlations, verdicts\n"
	"  diagnose [OPTIONS]           record (--duration, default 10 s), then report\n"
	"  help, --help                 this text; COMMAND --help: its options\n"
	"  --version                    the reader's version\n";

static void usage(FILE *out)
{
	static const struct { const char *title; enum tsl_subcmd cmd; } parts[] = {
		{ "record", TSL_SUB_RECORD }, { "csv", TSL_SUB_CSV },
		{ "report", TSL_SUB_REPORT }, { "diagnose", TSL_SUB_DIAGNOSE },
	};
	unsigned int i;

	fputs(commands, out);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		fprintf(out, "\n%s options:\n", parts[i].title);
		tsl_cli_options_help(parts[i].cmd, out);
	}
	fputs("\nexit codes: 0 ok, 1 runtime error, 2 usage or bad input, 3 lost records\n",
	      out);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		usage(stderr);
		return TSL_EXIT_USAGE;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return TSL_EXIT_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("tcpsleuth %s\n", TSL_READER_VERSION);
		return TSL_EXIT_OK;
	}
	if (!strcmp(cmd, "status"))
		return tsl_cmd_status(argc - 1, argv + 1);
	if (!strcmp(cmd, "record"))
		return tsl_cmd_record(argc - 1, argv + 1);
	if (!strcmp(cmd, "csv"))
		return tsl_cmd_csv(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return tsl_cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "diagnose"))
		return tsl_cmd_diagnose(argc - 1, argv + 1);
	fprintf(stderr, "tcpsleuth: unknown command '%s' (see 'tcpsleuth help')\n",
		cmd);
	return TSL_EXIT_USAGE;
}
