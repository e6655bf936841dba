// SPDX-License-Identifier: GPL-2.0-or-later
// cgroup v2: where the hierarchy is mounted, a process's group, and its cpu.stat, cpu.stat.local and cpu.max.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"

_Static_assert(TSL_KEY_CPU_PERIOD - TSL_KEY_NR_PERIODS == TSL_CG_PERIOD &&
	       TSL_CG_NFIELDS == TSL_CG_PERIOD + 1,
	       "the cgroup keys follow enum tsl_cg_field");

/* Undo mountinfo's octal escapes ("\040" for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = 0;
}

/*
 * The mount point of a cgroup2 line of mountinfo, with the root of the
 * hierarchy mounted ("/" unless it was mounted inside a cgroup namespace):
 * 1 when @line is one; 0 otherwise.
 */
static int cgroup2_line(char *line, char **root, char **mnt)
{
	char *save, *f[5], *sep = strstr(line, " - ");
	int i;

	if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
		return 0;
	*sep = 0;
	f[0] = strtok_r(line, " ", &save);
	for (i = 1; f[i - 1] && i < 5; i++)
		f[i] = strtok_r(NULL, " ", &save);
	if (!f[0] || !f[4])
		return 0;
	unescape(f[3]);
	unescape(f[4]);
	*root = f[3];
	*mnt = f[4];
	return 1;
}

/* A mount point below /sys is looked for below @sysroot (tests, a chroot). */
static void below_roots(const char *sysroot, const char *mnt, char *buf,
			size_t len)
{
	if (!strcmp(mnt, "/sys") || !strncmp(mnt, "/sys/", 5))
		snprintf(buf, len, "%s%s", sysroot, mnt + 4);
	else
		snprintf(buf, len, "%s", mnt);
}

void tsl_cgroup_mount(const char *procroot, const char *sysroot, char *buf,
		      size_t len)
{
	char path[PATH_MAX], *line = NULL, *root, *mnt;
	size_t cap = 0;
	bool found = false;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/self/mountinfo", procroot);
	fp = fopen(path, "re");
	while (fp && !found && getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\n")] = 0;
		/* a mount of a subtree cannot show groups named from the root */
		if (cgroup2_line(line, &root, &mnt) && !strcmp(root, "/")) {
			below_roots(sysroot, mnt, buf, len);
			found = true;
		}
	}
	free(line);
	if (fp)
		fclose(fp);
	if (!found)
		snprintf(buf, len, "%s/fs/cgroup", sysroot);
}

int tsl_cgroup_of(const char *procroot, uint32_t pid, char *buf, size_t len)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%u/cgroup", procroot, pid);
	fp = fopen(path, "re");
	if (!fp)
		return -ENOENT;	/* exited, or no cgroups at all */
	while (getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "0::/", 4))
			continue;
		/* outside the reader's cgroup namespace: "/../.." */
		if (strstr(line + 3, "/..") || strlen(line + 3) >= len)
			break;
		snprintf(buf, len, "%s", line + 3);
		ret = 0;
		break;
	}
	free(line);
	fclose(fp);
	return ret;
}

/* Say "tcpsleuth: @path: line N: @why" and return -EINVAL. */
static int bad(const char *path, unsigned int lineno, const char *why)
{
	fprintf(stderr, "tcpsleuth: %s: line %u: %s\n", path, lineno, why);
	return -EINVAL;
}

static const struct {
	const char *name;
	enum tsl_cg_field field;
} stat_names[] = {
	{ "nr_periods", TSL_CG_NR_PERIODS },
	{ "nr_throttled", TSL_CG_NR_THROTTLED },
	{ "throttled_usec", TSL_CG_THROTTLED },
	{ "usage_usec", TSL_CG_USAGE },
};

/*
 * A flat-keyed file ("name value" lines): the @names found go into @out.
 * 0 (also when the file does not exist: the controller is not enabled, or
 * the kernel is older), or -EINVAL after saying what is malformed.
 */
static int flat_keyed(const char *path, struct tsl_cgroup *out, bool local)
{
	char *line = NULL, name[64];
	unsigned long long v;
	unsigned int lineno = 0;
	size_t cap = 0, i;
	int err = 0;
	FILE *fp = fopen(path, "re");

	if (!fp)
		return 0;
	while (!err && getline(&line, &cap, fp) > 0) {
		lineno++;
		if (sscanf(line, "%63s %llu", name, &v) != 2) {
			err = bad(path, lineno, "not \"name value\"");
			break;
		}
		if (local) {
			if (!strcmp(name, "throttled_usec")) {
				out->v[TSL_CG_LOCAL_THROTTLED] = v;
				out->present |= 1u << TSL_CG_LOCAL_THROTTLED;
			}
			continue;
		}
		for (i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++) {
			if (!strcmp(name, stat_names[i].name)) {
				out->v[stat_names[i].field] = v;
				out->present |= 1u << stat_names[i].field;
			}
		}
	}
	free(line);
	fclose(fp);
	return err;
}

/* cpu.max: "QUOTA PERIOD", QUOTA "max" for none. 0 (or no file), -EINVAL (said). */
static int cpu_max(const char *path, struct tsl_cgroup *out)
{
	char quota[32];
	unsigned long long q, period;
	int err = 0;
	FILE *fp = fopen(path, "re");

	if (!fp)
		return 0;
	if (fscanf(fp, "%31s %llu", quota, &period) != 2)
		err = bad(path, 1, "not \"quota period\"");
	else if (!strcmp(quota, "max"))
		out->v[TSL_CG_QUOTA] = -1;
	else if (sscanf(quota, "%llu", &q) == 1)
		out->v[TSL_CG_QUOTA] = q;
	else
		err = bad(path, 1, "quota neither a number nor \"max\"");
	fclose(fp);
	if (err)
		return err;
	out->v[TSL_CG_PERIOD] = period;
	out->present |= 1u << TSL_CG_QUOTA | 1u << TSL_CG_PERIOD;
	return 0;
}

int tsl_sample_cgroup(const char *mount, const char *group,
		      struct tsl_cgroup *out)
{
	char path[PATH_MAX];
	int err;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s%s/cpu.stat", mount, group);
	err = flat_keyed(path, out, false);
	if (!err) {
		snprintf(path, sizeof(path), "%s%s/cpu.stat.local", mount, group);
		err = flat_keyed(path, out, true);
	}
	if (!err) {
		snprintf(path, sizeof(path), "%s%s/cpu.max", mount, group);
		err = cpu_max(path, out);
	}
	return err;
}
