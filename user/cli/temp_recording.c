// SPDX-License-Identifier: GPL-2.0-or-later
// The recording of a run that keeps none (diagnose, record to CSV on stdout): a named temporary file, removed once the output is written.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output/output.h"

/*
 * "tcpsleuth: kept in PATH\n", for a signal that ends the run before the
 * output is written: the handler can only write(2) what is ready.
 */
static char kept_msg[4096];
static size_t kept_len;

static const int kept_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

static void on_signal(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	ssize_t n;

	n = write(STDERR_FILENO, kept_msg, kept_len);
	(void)n;
	/* ended as the signal would have ended it: status and core alike */
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

static void set_handlers(void (*fn)(int))
{
	struct sigaction sa = { .sa_handler = fn };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(kept_signals) / sizeof(kept_signals[0]); i++)
		sigaction(kept_signals[i], &sa, NULL);
}

int tsl_cli_temp_open(struct tsl_file *f, const char *until, bool quiet)
{
	int n;

	if (tsl_file_temp(f))
		return -1;
	n = snprintf(kept_msg, sizeof(kept_msg), "tcpsleuth: kept in %s\n",
		     f->tmp);
	kept_len = n > 0 && (size_t)n < sizeof(kept_msg) ? (size_t)n : 0;
	if (!quiet)
		fprintf(stderr, "tcpsleuth: recording in %s until %s\n", f->tmp,
			until);
	tsl_cli_temp_guard();
	return 0;
}

void tsl_cli_temp_guard(void)
{
	set_handlers(on_signal);
}

void tsl_cli_temp_close(struct tsl_file *f, bool keep)
{
	/* from here a signal ends the run as it would have before */
	set_handlers(SIG_DFL);
	if (keep)
		tsl_file_leave(f);
	else
		tsl_file_abort(f);
}
