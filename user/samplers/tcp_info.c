// SPDX-License-Identifier: GPL-2.0-or-later
// struct tcp_info from sock_diag, read with the kernel's layout (glibc's lacks the newer fields).
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/tcp.h>

#include "sources.h"

int tsl_tcp_info_parse(const void *data, size_t len, struct tsl_sockinfo *out)
{
	struct tcp_info ti;

	/* without rtt, rttvar and ssthresh the struct is of no use */
	if (len < offsetof(struct tcp_info, tcpi_rcv_ssthresh)) {
		fprintf(stderr, "tcpsleuth: sock_diag: reply: tcp_info of %zu bytes, too short\n",
			len);
		return -EINVAL;
	}
	/* Older kernels send a shorter struct: what is missing reads 0. */
	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, data, len < sizeof(ti) ? len : sizeof(ti));
	out->has_info = true;
	out->rtt_us = ti.tcpi_rtt;
	out->rttvar_us = ti.tcpi_rttvar;
	out->snd_cwnd = ti.tcpi_snd_cwnd;
	out->snd_ssthresh = ti.tcpi_snd_ssthresh;
	out->total_retrans = ti.tcpi_total_retrans;
	out->delivery_rate = ti.tcpi_delivery_rate;
	return 0;
}
