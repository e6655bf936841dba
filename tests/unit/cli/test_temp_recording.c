// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the temporary recording of diagnose and record to CSV: named, said, removed once written, kept on failure or a signal.
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "output/output.h"
#include "scratch_dir.h"
#include "stderr_capture.h"

#define dir scratch_dir

static int setup(void **state)
{
	(void)state;
	if (scratch_make("temp"))
		return -1;
	return setenv("TMPDIR", dir, 1);
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove();
}

/* Named when the recording starts, removed once the output is written. */
static void test_removed_when_written(void **state)
{
	struct tsl_file f;
	char want[256];

	(void)state;
	stderr_begin();
	assert_int_equal(tsl_cli_temp_open(&f, "the report is written", false), 0);
	snprintf(want, sizeof(want), "recording in %s until the report is written",
		 f.tmp);
	assert_string_equal(stderr_line(), want);
	assert_int_equal(scratch_entries(), 1);
	fputs("recorded", f.fp);
	stderr_begin();
	tsl_cli_temp_close(&f, false);
	assert_string_equal(stderr_line(), "");
	assert_int_equal(scratch_entries(), 0);
	/* -q: not said */
	stderr_begin();
	assert_int_equal(tsl_cli_temp_open(&f, "the CSV is written", true), 0);
	assert_string_equal(stderr_line(), "");
	tsl_cli_temp_close(&f, false);
	assert_int_equal(scratch_entries(), 0);
}

/* A run that failed keeps what it recorded, and says where. */
static void test_kept_on_failure(void **state)
{
	char want[256], name[256];
	struct tsl_file f;
	struct stat st;

	(void)state;
	assert_int_equal(tsl_cli_temp_open(&f, "the report is written", true), 0);
	fputs("recorded", f.fp);
	snprintf(name, sizeof(name), "%s", f.tmp);
	snprintf(want, sizeof(want), "kept in %s", f.tmp);
	stderr_begin();
	tsl_cli_temp_close(&f, true);
	assert_string_equal(stderr_line(), want);
	assert_int_equal(stat(name, &st), 0);
	assert_int_equal(st.st_size, 8);
	assert_int_equal(st.st_mode & 0777, 0600);
	unlink(name);
}

/*
 * In a child: the temporary recording, another handler (as the capture
 * installs while it runs) put back by tsl_cli_temp_guard() when @guard,
 * then signal @sig; its stderr into @err, the file's name into @name.
 */
static void ended_by(int sig, bool guard, bool closed, const char *err,
		     char *name, size_t len, int *status)
{
	int fds[2];
	pid_t pid;
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct sigaction ign = { .sa_handler = SIG_IGN };
		struct tsl_file f;
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 ||
		    tsl_cli_temp_open(&f, "the report is written", true))
			_exit(10);
		fputs("recorded", f.fp);
		fflush(f.fp);
		if (write(fds[1], f.tmp, strlen(f.tmp) + 1) < 0)
			_exit(11);
		sigemptyset(&ign.sa_mask);
		sigaction(sig, &ign, NULL);	/* the capture's own */
		if (guard)
			tsl_cli_temp_guard();
		if (closed)
			tsl_cli_temp_close(&f, true);
		raise(sig);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], name, len - 1);
	close(fds[0]);
	assert_true(n > 0);
	name[n] = '\0';
	assert_int_equal(waitpid(pid, status, 0), pid);
}

/*
 * SIGINT, SIGTERM, SIGHUP or SIGPIPE after the capture (or before START)
 * ends the run as the signal does, the recording kept and named.
 */
static void test_kept_on_signal(void **state)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	char err[128], name[256], want[300];
	unsigned int i;
	int status;

	(void)state;
	snprintf(err, sizeof(err), "%s.err", dir);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		ended_by(sigs[i], true, false, err, name, sizeof(name), &status);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), sigs[i]);
		assert_string_equal(file_text(name), "recorded");
		snprintf(want, sizeof(want), "tcpsleuth: kept in %s\n", name);
		assert_string_equal(file_text(err), want);
		unlink(name);
	}
	/* while the capture runs, its handler has the signal: nothing said */
	ended_by(SIGTERM, false, false, err, name, sizeof(name), &status);
	assert_true(WIFEXITED(status));
	assert_string_equal(file_text(err), "");
	unlink(name);
	/* once the run is over, a signal is what it was: nothing said twice */
	ended_by(SIGTERM, true, true, err, name, sizeof(name), &status);
	assert_true(WIFSIGNALED(status));
	snprintf(want, sizeof(want), "tcpsleuth: kept in %s\n", name);
	assert_string_equal(file_text(err), want);
	unlink(name);
	unlink(err);
	assert_int_equal(scratch_entries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_removed_when_written),
		cmocka_unit_test(test_kept_on_failure),
		cmocka_unit_test(test_kept_on_signal),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
