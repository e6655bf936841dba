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

#endif /* TSL_COMMANDS_H */
