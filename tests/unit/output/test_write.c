// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of output/write.c: files written whole or not at all (commit, abort, modes, links, a file that was there), and names made safe to show.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "output/output.h"
#include "output/write.h"
#include "scratch_dir.h"
#include "stderr_capture.h"

#define dir scratch_dir

static int setup(void **state)
{
	(void)state;
	return scratch_make("file");
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove();
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_commit(void **state)
{
	struct tsl_file f;
	struct stat st;
	char path[64];

	(void)state;
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	put(path, "what was there\n");
	chmod(path, 0644);
	assert_int_equal(tsl_file_create(&f, path), 0);
	fputs("new\n", f.fp);
	/* until the commit, the old file is what a reader sees */
	assert_string_equal(file_text(path), "what was there\n");
	assert_int_equal(scratch_entries(), 2);
	assert_int_equal(tsl_file_commit(&f), 0);
	assert_string_equal(file_text(path), "new\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);	/* host-wide TCP metadata */
	assert_int_equal(scratch_entries(), 1);			/* no temporary file left */
	unlink(path);
}

static void test_abort_keeps_what_was_there(void **state)
{
	struct tsl_file f;
	char path[64];

	(void)state;
	snprintf(path, sizeof(path), "%s/run.rec", dir);
	put(path, "an earlier recording\n");
	assert_int_equal(tsl_file_create(&f, path), 0);
	fputs("half of a new one", f.fp);
	tsl_file_abort(&f);
	assert_string_equal(file_text(path), "an earlier recording\n");
	assert_int_equal(scratch_entries(), 1);
	unlink(path);
}

static void test_link_not_followed(void **state)
{
	struct tsl_file f;
	char path[64], target[64];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/report.json", dir);
	snprintf(target, sizeof(target), "%s/victim", dir);
	put(target, "not yours\n");
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(tsl_file_create(&f, path), 0);
	fputs("{}\n", f.fp);
	assert_int_equal(tsl_file_commit(&f), 0);
	assert_string_equal(file_text(target), "not yours\n");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));		/* the link was replaced */
	assert_string_equal(file_text(path), "{}\n");
	unlink(path);
	unlink(target);
}

/*
 * A FIFO (as a device such as /dev/null) is written in place and stays
 * what it is: a rename over it would have replaced it with a file.
 */
static void test_not_a_file(void **state)
{
	struct tsl_file f;
	char path[64], buf[16] = "";
	struct stat st;
	int rd;

	(void)state;
	snprintf(path, sizeof(path), "%s/pipe", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	rd = open(path, O_RDONLY | O_NONBLOCK);	/* so that opening to write does not wait */
	assert_true(rd >= 0);
	assert_int_equal(tsl_file_create(&f, path), 0);
	assert_true(f.direct);
	fputs("out\n", f.fp);
	assert_int_equal(tsl_file_commit(&f), 0);
	assert_int_equal(read(rd, buf, sizeof(buf) - 1), 4);
	assert_string_equal(buf, "out\n");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(scratch_entries(), 1);			/* nothing beside it */
	/* given up: the FIFO stays, nothing to remove */
	assert_int_equal(tsl_file_create(&f, path), 0);
	tsl_file_abort(&f);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	close(rd);
	unlink(path);
}

static void test_cannot_create(void **state)
{
	struct tsl_file f;

	(void)state;
	stderr_begin();
	assert_int_equal(tsl_file_create(&f, "/nonexistent-dir/out.csv"), -ENOENT);
	assert_string_equal(stderr_line(),
			    "cannot create /nonexistent-dir/out.csv: No such file or directory");
	assert_null(f.fp);
}

/*
 * A recording kept only until its output is written: a file of its own
 * in $TMPDIR, mode 0600, removed by tsl_file_abort(), kept (and named) by
 * tsl_file_leave().
 */
static void test_temp(void **state)
{
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	char want[128], name[128];
	struct tsl_file a, b;
	struct stat st;

	(void)state;
	setenv("TMPDIR", dir, 1);
	assert_int_equal(tsl_file_temp(&a), 0);
	assert_int_equal(tsl_file_temp(&b), 0);
	assert_null(a.path);
	assert_string_not_equal(a.tmp, b.tmp);		/* each run its own */
	snprintf(want, sizeof(want), "%s/tcpsleuth-", dir);
	assert_memory_equal(a.tmp, want, strlen(want));
	assert_string_equal(a.tmp + strlen(a.tmp) - 4, ".rec");
	assert_int_equal(lstat(a.tmp, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(scratch_entries(), 2);
	fputs("recorded", a.fp);
	fputs("recorded", b.fp);
	tsl_file_abort(&a);				/* the output was written */
	assert_int_equal(scratch_entries(), 1);
	snprintf(name, sizeof(name), "%s", b.tmp);
	snprintf(want, sizeof(want), "kept in %s", b.tmp);
	stderr_begin();
	tsl_file_leave(&b);				/* the run failed */
	assert_string_equal(stderr_line(), want);
	assert_string_equal(file_text(name), "recorded");
	assert_int_equal(scratch_entries(), 1);
	unlink(name);
	/* a trailing slash, and a folder that is not there */
	snprintf(want, sizeof(want), "%s/", dir);
	setenv("TMPDIR", want, 1);
	assert_int_equal(tsl_file_temp(&a), 0);
	assert_null(strstr(a.tmp, "//"));
	tsl_file_abort(&a);
	setenv("TMPDIR", "/nonexistent-dir", 1);
	stderr_begin();
	assert_int_equal(tsl_file_temp(&a), -ENOENT);
	assert_string_equal(stderr_line(),
			    "cannot create a temporary file in /nonexistent-dir: No such file or directory");
	assert_null(a.fp);
	/* none: /tmp */
	unsetenv("TMPDIR");
	assert_int_equal(tsl_file_temp(&a), 0);
	assert_memory_equal(a.tmp, "/tmp/tcpsleuth-", 15);
	tsl_file_abort(&a);
	if (old)
		setenv("TMPDIR", old, 1);
	free(old);
	assert_int_equal(scratch_entries(), 0);
}

/* A comm any local user can choose, as a terminal and a spreadsheet get it. */
static void test_names(void **state)
{
	static const struct { const char *comm, *text, *csv; } c[] = {
		{ "nginx", "nginx", "nginx" },
		{ "\033]0;owned\007", "\\x1b]0;owned\\x07", "\\x1b]0;owned\\x07" },
		{ "=HYPERLINK(x)", "=HYPERLINK(x)", "'=HYPERLINK(x)" },
		{ "+1", "+1", "'+1" },
		{ "-cmd", "-cmd", "'-cmd" },
		{ "@SUM", "@SUM", "'@SUM" },
		{ "a\\b\tc", "a\\\\b\\x09c", "a\\\\b\\x09c" },
		{ "caf\xc3\xa9", "caf\\xc3\\xa9", "caf\\xc3\\xa9" },
		/* 16 bytes and no NUL, as the kernel's comm may be */
		{ "abcdefghijklmnopXYZ", "abcdefghijklmnop", "abcdefghijklmnop" },
	};
	char buf[4 * 16 + 2];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		tsl_out_name(c[i].comm, 16, buf, sizeof(buf));
		assert_string_equal(buf, c[i].text);
		tsl_csv_name(c[i].comm, 16, buf, sizeof(buf));
		assert_string_equal(buf, c[i].csv);
	}
	/* a short buffer cuts between escapes, never inside one */
	tsl_out_name("\001\002", 16, buf, 6);
	assert_string_equal(buf, "\\x01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit),
		cmocka_unit_test(test_abort_keeps_what_was_there),
		cmocka_unit_test(test_link_not_followed),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_cannot_create),
		cmocka_unit_test(test_temp),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
