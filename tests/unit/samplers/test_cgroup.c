// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the cgroup v2 reader: the mount, a process's group, cpu.stat, cpu.stat.local and cpu.max.
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "samplers/sources.h"

/* util.c */
char *tmp_root(void);
void put_file(const char *root, const char *rel, const char *text);
void rm_root(char *root);

#define V1_LINE	"25 30 0:22 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"

static void test_mount(void **state)
{
	char *root = tmp_root(), proc[512], sys[512], want[1024], got[PATH_MAX];
	char line[1024];

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	/* no mountinfo: the usual place below sysroot */
	tsl_cgroup_mount(proc, sys, got, sizeof(got));
	snprintf(want, sizeof(want), "%s/fs/cgroup", sys);
	assert_string_equal(got, want);

	/* below /sys: below sysroot */
	put_file(root, "proc/self/mountinfo", V1_LINE
		 "35 30 0:30 / /sys/fs/cgroup/unified rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n");
	tsl_cgroup_mount(proc, sys, got, sizeof(got));
	snprintf(want, sizeof(want), "%s/fs/cgroup/unified", sys);
	assert_string_equal(got, want);

	/* elsewhere, with a space; a mount of a subtree is passed over */
	snprintf(line, sizeof(line),
		 "40 30 0:30 /sub /x rw - cgroup2 none rw\n"
		 "41 30 0:30 / %s/my\\040cg rw - cgroup2 none rw\n", root);
	put_file(root, "proc/self/mountinfo", line);
	tsl_cgroup_mount(proc, sys, got, sizeof(got));
	snprintf(want, sizeof(want), "%s/my cg", root);
	assert_string_equal(got, want);

	/* none at all: the usual place */
	put_file(root, "proc/self/mountinfo", V1_LINE);
	tsl_cgroup_mount(proc, sys, got, sizeof(got));
	snprintf(want, sizeof(want), "%s/fs/cgroup", sys);
	assert_string_equal(got, want);
	rm_root(root);
}

static void test_group_of(void **state)
{
	char *root = tmp_root(), proc[512], got[PATH_MAX];

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	put_file(root, "proc/7/cgroup", "12:cpu,cpuacct:/old\n0::/srv.slice/app\n");
	assert_int_equal(tsl_cgroup_of(proc, 7, got, sizeof(got)), 0);
	assert_string_equal(got, "/srv.slice/app");
	put_file(root, "proc/8/cgroup", "0::/\n");
	assert_int_equal(tsl_cgroup_of(proc, 8, got, sizeof(got)), 0);
	assert_string_equal(got, "/");
	/* cgroup v1 only; outside the reader's cgroup namespace; gone */
	put_file(root, "proc/9/cgroup", "12:cpu,cpuacct:/old\n");
	assert_int_equal(tsl_cgroup_of(proc, 9, got, sizeof(got)), -ENOENT);
	put_file(root, "proc/10/cgroup", "0::/../../other\n");
	assert_int_equal(tsl_cgroup_of(proc, 10, got, sizeof(got)), -ENOENT);
	assert_int_equal(tsl_cgroup_of(proc, 11, got, sizeof(got)), -ENOENT);
	/* too long for the buffer: not cut */
	assert_int_equal(tsl_cgroup_of(proc, 7, got, 8), -ENOENT);
	rm_root(root);
}

static void test_sample(void **state)
{
	char *root = tmp_root(), cg[512];
	struct tsl_cgroup c;

	(void)state;
	snprintf(cg, sizeof(cg), "%s/cg", root);
	put_file(root, "cg/app/cpu.stat",
		 "usage_usec 5000\nuser_usec 4000\nsystem_usec 1000\n"
		 "nr_periods 20\nnr_throttled 7\nthrottled_usec 350000\n"
		 "nr_bursts 0\nburst_usec 0\n");
	put_file(root, "cg/app/cpu.max", "20000 100000\n");
	assert_int_equal(tsl_sample_cgroup(cg, "/app", &c), 0);
	assert_int_equal(c.present, (1u << TSL_CG_NR_PERIODS) |
			 (1u << TSL_CG_NR_THROTTLED) | (1u << TSL_CG_THROTTLED) |
			 (1u << TSL_CG_USAGE) | (1u << TSL_CG_QUOTA) |
			 (1u << TSL_CG_PERIOD));
	assert_int_equal(c.v[TSL_CG_USAGE], 5000);
	assert_int_equal(c.v[TSL_CG_NR_PERIODS], 20);
	assert_int_equal(c.v[TSL_CG_NR_THROTTLED], 7);
	assert_int_equal(c.v[TSL_CG_THROTTLED], 350000);
	assert_int_equal(c.v[TSL_CG_QUOTA], 20000);
	assert_int_equal(c.v[TSL_CG_PERIOD], 100000);

	/* no quota; cpu.stat.local (6.6) */
	put_file(root, "cg/app/cpu.max", "max 100000\n");
	put_file(root, "cg/app/cpu.stat.local", "throttled_usec 4200\n");
	assert_int_equal(tsl_sample_cgroup(cg, "/app", &c), 0);
	assert_int_equal(c.v[TSL_CG_QUOTA], -1);
	assert_int_equal(c.v[TSL_CG_PERIOD], 100000);
	assert_true(c.present & (1u << TSL_CG_LOCAL_THROTTLED));
	assert_int_equal(c.v[TSL_CG_LOCAL_THROTTLED], 4200);

	/* the cpu controller not enabled: usage only; the root group */
	put_file(root, "cg/plain/cpu.stat", "usage_usec 9\nuser_usec 9\nsystem_usec 0\n");
	assert_int_equal(tsl_sample_cgroup(cg, "/plain", &c), 0);
	assert_int_equal(c.present, 1u << TSL_CG_USAGE);
	put_file(root, "cg/cpu.stat", "usage_usec 11\n");
	assert_int_equal(tsl_sample_cgroup(cg, "/", &c), 0);
	assert_int_equal(c.present, 1u << TSL_CG_USAGE);
	assert_int_equal(c.v[TSL_CG_USAGE], 11);

	/* a group removed meanwhile: nothing, no error */
	assert_int_equal(tsl_sample_cgroup(cg, "/gone", &c), 0);
	assert_int_equal(c.present, 0);

	/* malformed: said, -EINVAL */
	put_file(root, "cg/bad/cpu.stat", "usage_usec\n");
	assert_int_equal(tsl_sample_cgroup(cg, "/bad", &c), -EINVAL);
	put_file(root, "cg/bad2/cpu.max", "lots 100000\n");
	assert_int_equal(tsl_sample_cgroup(cg, "/bad2", &c), -EINVAL);
	put_file(root, "cg/bad3/cpu.max", "max\n");
	assert_int_equal(tsl_sample_cgroup(cg, "/bad3", &c), -EINVAL);
	rm_root(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount),
		cmocka_unit_test(test_group_of),
		cmocka_unit_test(test_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
