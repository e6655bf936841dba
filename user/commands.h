// SPDX-License-Identifier: GPL-2.0-or-later
// Subcommands and the exit codes they share.
#ifndef TSL_COMMANDS_H
#define TSL_COMMANDS_H

enum tsl_exit {
	TSL_EXIT_OK = 0,
	TSL_EXIT_RUNTIME = 1,	/* the module, a file or the system failed */
	TSL_EXIT_USAGE = 2,	/* bad command line or input file */
	TSL_EXIT_LOSS = 3,	/* records were lost without being counted */
};

int tsl_cmd_status(int argc, char **argv);
int tsl_cmd_record(int argc, char **argv);
int tsl_cmd_csv(int argc, char **argv);
int tsl_cmd_report(int argc, char **argv);
int tsl_cmd_diagnose(int argc, char **argv);

#include <stdio.h>

/*
 * Capture as `record` does into @bin, with record's options in argv
 * (argv[0] is the command name); the progress line counts down. Returns
 * an exit code; TSL_EXIT_LOSS still leaves a complete recording.
 */
int tsl_record_capture(int argc, char **argv, FILE *bin, const char *bin_name);

#endif /* TSL_COMMANDS_H */
