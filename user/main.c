// SPDX-License-Identifier: GPL-2.0-or-later
// tcpsleuth: command-line entry point; dispatches the subcommands.

/*
 * Exit codes:
 *   0  success
 *   1  runtime error: module not loaded, permission denied, another reader
 *      attached, netlink failure, a file that cannot be opened or written,
 *      no END message within 5 s of STOP
 *   2  usage error or bad input: unknown option or value, malformed or
 *      truncated recording given to `csv`
 *   3  loss accounting mismatch at the end of `record`: for some CPU,
 *      produced != delivered + dropped, records received != delivered, or
 *      a gap in the batch sequence numbers (the recording is still written)
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

#define TSL_READER_VERSION "0.1.0"

static const char usage[] =
	"usage: tcpsleuth COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  status                       show the module's state and counters\n"
	"  record [OPTIONS]             trace TCP flows until --duration or Ctrl-C\n"
	"  csv FILE [-o OUT]            convert a recording to CSV (stdout by default)\n"
	"  help, --help                 this text\n"
	"  --version                    the reader's version\n"
	"\n"
	"record options:\n"
	"  --port P          local or remote port (repeatable)\n"
	"  --lport P         local port (repeatable)\n"
	"  --rport P         remote port (repeatable)\n"
	"  --host ADDR[/LEN] local or remote IPv4/IPv6 address or prefix (repeatable)\n"
	"  --netns NS        network namespace: PID, path, or name in /run/netns\n"
	"  --events LIST     comma-separated: tx,ack_rx,data_rx,read,ack_tx,retrans,rto,state,drop\n"
	"  --duration S      stop after S seconds\n"
	"  -o FILE           output (default tcpsleuth.rec; '-' is stdout)\n"
	"  --csv             write CSV instead of a binary recording (also if FILE ends in .csv)\n"
	"  -q                no progress line\n"
	"\n"
	"exit codes: 0 ok, 1 runtime error, 2 usage or bad input, 3 lost records\n";

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage, stderr);
		return TSL_EXIT_USAGE;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage, stdout);
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
	fprintf(stderr, "tcpsleuth: unknown command '%s' (see 'tcpsleuth help')\n",
		cmd);
	return TSL_EXIT_USAGE;
}
