// SPDX-License-Identifier: GPL-2.0-or-later
// tcpsleuth: command-line entry point; dispatches the subcommands.

/*
 * Exit codes:
 *   0  success
 *   1  runtime error: module not loaded, permission denied, another reader
 *      attached, netlink failure, a file that cannot be opened or written,
 *      no END message within 5 s of STOP
 *   2  usage error or bad input: unknown option or value, malformed or
 *      truncated recording given to `csv` or `report`
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
	"  csv FILE [--samples] [-o OUT] convert a recording's events (or its system\n"
	"                               samples) to CSV (stdout by default)\n"
	"  report FILE [OPTIONS]        analyse a recording: episodes, correlations, verdicts\n"
	"  diagnose [OPTIONS]           record (--duration, default 10 s), then report\n"
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
	"  --interval MS     system samples every MS ms (default 100; 0: none)\n"
	"  --icmp-interval MS  ICMP probes to each flow's peer (default: each sample; 0: none)\n"
	"  -q                no progress line\n"
	"\n"
	"report and diagnose options:\n"
	"  --format F        text (default), json or csv\n"
	"  -o FILE|DIR       output file; with csv, a directory gets intervals.csv,\n"
	"                    episodes.csv and verdicts.csv, a FILE.csv the verdicts\n"
	"  --interval MS     analysis interval (default: the recording's sample interval, or 100)\n"
	"  --k K             episode threshold: median + K MADs of RTT p90 (default 3)\n"
	"  --floor-us US     episodes need RTT p90 above US (default 1000)\n"
	"  --max-lag N       correlation lags -N..N intervals (default 5)\n"
	"  --keep FILE       diagnose: keep the recording in FILE (default: a temporary file)\n"
	"  diagnose also takes record's --port, --lport, --rport, --host, --netns, -q\n"
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
	if (!strcmp(cmd, "report"))
		return tsl_cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "diagnose"))
		return tsl_cmd_diagnose(argc - 1, argv + 1);
	fprintf(stderr, "tcpsleuth: unknown command '%s' (see 'tcpsleuth help')\n",
		cmd);
	return TSL_EXIT_USAGE;
}
