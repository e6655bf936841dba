// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: a scratch folder under /tmp, made for a group of tests and removed after it, and reading back what a test wrote.
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scratch_dir.h"

char scratch_dir[32];

int scratch_make(const char *prefix)
{
	snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/tsl-%s-XXXXXX", prefix);
	return mkdtemp(scratch_dir) ? 0 : -1;
}

int scratch_remove(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", scratch_dir);
	return system(cmd) ? -1 : 0;
}

int scratch_entries(void)
{
	DIR *d = opendir(scratch_dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

const char *file_text(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}
