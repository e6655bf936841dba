// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers of the sampler tests: throwaway /proc- and /sys-like directory trees.
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/tcp.h>

char *tmp_root(void);
void put_file(const char *root, const char *rel, const char *text);
void rm_root(char *root);

/* A new empty directory; rm_root() removes and frees it. */
char *tmp_root(void)
{
	char *dir = strdup("/tmp/tsl-sample-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

/* Write @text to @root/@rel, creating directories on the way. */
void put_file(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX], *p;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		assert_true(!mkdir(path, 0755) || errno == EEXIST);
		*p = '/';
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void rm_root(char *root)
{
	assert_int_equal(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(root);
}


size_t tcp_info_blob(void *buf, uint32_t rtt, uint32_t rttvar, uint32_t cwnd,
		     uint32_t ssthresh, uint32_t retrans, uint64_t rate);
size_t tcp_info_rate_offset(void);

/* A struct tcp_info in the kernel's layout (libnl's headers bring glibc's). */
size_t tcp_info_blob(void *buf, uint32_t rtt, uint32_t rttvar, uint32_t cwnd,
		     uint32_t ssthresh, uint32_t retrans, uint64_t rate)
{
	struct tcp_info ti = {
		.tcpi_rtt = rtt, .tcpi_rttvar = rttvar, .tcpi_snd_cwnd = cwnd,
		.tcpi_snd_ssthresh = ssthresh, .tcpi_total_retrans = retrans,
		.tcpi_delivery_rate = rate,
	};

	memcpy(buf, &ti, sizeof(ti));
	return sizeof(ti);
}

/* Where an older kernel's struct ended. */
size_t tcp_info_rate_offset(void)
{
	return offsetof(struct tcp_info, tcpi_delivery_rate);
}
