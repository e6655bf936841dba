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
size_t tcp_info_full(void *buf);
size_t tcp_info_min_len(void);

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

/* A tcp_info of 6.8 and later (248 bytes): the system's struct, then rcv_wnd. */
size_t tcp_info_full(void *buf)
{
	struct tcp_info ti = {
		.tcpi_ca_state = 4, .tcpi_backoff = 2, .tcpi_rto = 204000,
		.tcpi_ato = 40000, .tcpi_snd_mss = 1448, .tcpi_rcv_mss = 536,
		.tcpi_unacked = 10, .tcpi_sacked = 3, .tcpi_lost = 1,
		.tcpi_retrans = 2, .tcpi_reordering = 3, .tcpi_rcv_rtt = 1500,
		.tcpi_rcv_space = 14480, .tcpi_pacing_rate = ~0ull,
		.tcpi_bytes_acked = 5000000000ull, .tcpi_bytes_received = 7,
		.tcpi_notsent_bytes = 65536, .tcpi_min_rtt = 88,
		.tcpi_data_segs_in = 5, .tcpi_data_segs_out = 4000,
		.tcpi_busy_time = 900000, .tcpi_rwnd_limited = 600000,
		.tcpi_sndbuf_limited = 100, .tcpi_bytes_sent = 6000000000ull,
		.tcpi_bytes_retrans = 2896, .tcpi_dsack_dups = 1,
		.tcpi_reord_seen = 6, .tcpi_snd_wnd = 131072,
	};
	uint32_t rcv_wnd = 65483;

	memset(buf, 0, 248);
	ti.tcpi_delivery_rate_app_limited = 1;
	memcpy(buf, &ti, offsetof(struct tcp_info, tcpi_snd_wnd) + 4);
	memcpy((char *)buf + 232, &rcv_wnd, 4);
	return 248;
}

/* The shortest tcp_info the parser takes: up to rcv_ssthresh. */
size_t tcp_info_min_len(void)
{
	return offsetof(struct tcp_info, tcpi_rcv_ssthresh);
}
