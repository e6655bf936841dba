// SPDX-License-Identifier: GPL-2.0-or-later
// Parser of /sys/class/net/IF/statistics: per-interface packet, byte, drop and error counters.
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"

/*
 * One number in a file: 0, 1 if the file does not exist (not said), or after
 * saying so -EINVAL if it is not a number, fopen()'s -errno.
 */
static int read_number(const char *path, uint64_t *v)
{
	char buf[64], *end;
	size_t n;
	FILE *fp = fopen(path, "re");
	int err;

	if (!fp && errno == ENOENT)
		return 1;
	if (!fp) {
		err = -errno;
		fprintf(stderr, "tcpsleuth: %s: cannot open: %s\n", path,
			strerror(-err));
		return err;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || buf[0] == '-') {
		fprintf(stderr, "tcpsleuth: %s: not a number\n", path);
		return -EINVAL;
	}
	return 0;
}

/* 0, 1 if the interface has no ifindex (removed meanwhile), -errno (said). */
static int read_nic(const char *dir, struct tsl_nic *nic)
{
	char path[PATH_MAX + 64];
	uint64_t ifindex;
	int i, ret;

	snprintf(path, sizeof(path), "%s/%s/ifindex", dir, nic->name);
	ret = read_number(path, &ifindex);
	if (ret)
		return ret;	/* 1: the interface is gone */
	nic->ifindex = ifindex;
	for (i = 0; i < TSL_NIC_NSTATS; i++) {
		snprintf(path, sizeof(path), "%s/%s/statistics/%s", dir,
			 nic->name, tsl_nic_stat_name(i));
		ret = read_number(path, &nic->v[i]);
		if (ret < 0)
			return ret;
		if (!ret)
			nic->present |= 1u << i;
	}
	return 0;
}

/* A new entry for @name found in @dir: 0, or -ENOMEM after saying so. */
static int add_nic(const char *dir, struct tsl_nics *out, const char *name)
{
	void *p = realloc(out->v, (out->n + 1) * sizeof(*out->v));
	struct tsl_nic *nic;

	if (!p) {
		fprintf(stderr, "tcpsleuth: %s: out of memory\n", dir);
		return -ENOMEM;
	}
	out->v = p;
	nic = &out->v[out->n];
	memset(nic, 0, sizeof(*nic));
	/* a directory name longer than an interface's is cut, NUL kept */
	memcpy(nic->name, name, strnlen(name, sizeof(nic->name) - 1));
	return 0;
}

int tsl_sample_nics(const char *sysroot, struct tsl_nics *out)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	out->n = 0;
	snprintf(dir, sizeof(dir), "%s/class/net", sysroot);
	d = opendir(dir);
	if (!d) {
		ret = -errno;
		fprintf(stderr, "tcpsleuth: %s: cannot open: %s\n", dir,
			strerror(-ret));
		return ret;
	}
	while ((de = readdir(d))) {
		int r;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= IF_NAMESIZE)
			continue;
		ret = add_nic(dir, out, de->d_name);
		if (ret)
			goto err_dir;
		r = read_nic(dir, &out->v[out->n]);
		if (r < 0) {
			ret = r;
			goto err_dir;
		}
		if (!r)
			out->n++;
	}
err_dir:
	closedir(d);
	return ret;
}

void tsl_nics_free(struct tsl_nics *n)
{
	free(n->v);
	memset(n, 0, sizeof(*n));
}
