// SPDX-License-Identifier: GPL-2.0-or-later
// struct tcp_info from sock_diag, read with the kernel's layout (glibc's lacks the newer fields).
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/tcp.h>

#include "sources.h"

/*
 * The kernel's struct tcp_info as of 6.8 (tcpi_rcv_wnd and after). The uapi
 * struct only grows, and a kernel sends as much of it as it has: 232 bytes
 * from 5.4 to 6.7 (ending at tcpi_snd_wnd; 5.10 and 6.1), 248 from 6.8
 * (6.12). The system's <linux/tcp.h> may be older than the traced kernel.
 */
struct tsl_tcp_info {
	uint8_t tcpi_state, tcpi_ca_state, tcpi_retransmits, tcpi_probes;
	uint8_t tcpi_backoff, tcpi_options;
	uint8_t tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
	uint8_t tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2;
	uint32_t tcpi_rto, tcpi_ato, tcpi_snd_mss, tcpi_rcv_mss;
	uint32_t tcpi_unacked, tcpi_sacked, tcpi_lost, tcpi_retrans;
	uint32_t tcpi_fackets;
	uint32_t tcpi_last_data_sent, tcpi_last_ack_sent;
	uint32_t tcpi_last_data_recv, tcpi_last_ack_recv;
	uint32_t tcpi_pmtu, tcpi_rcv_ssthresh, tcpi_rtt, tcpi_rttvar;
	uint32_t tcpi_snd_ssthresh, tcpi_snd_cwnd, tcpi_advmss;
	uint32_t tcpi_reordering, tcpi_rcv_rtt, tcpi_rcv_space;
	uint32_t tcpi_total_retrans;
	uint64_t tcpi_pacing_rate, tcpi_max_pacing_rate;
	uint64_t tcpi_bytes_acked, tcpi_bytes_received;
	uint32_t tcpi_segs_out, tcpi_segs_in;
	uint32_t tcpi_notsent_bytes, tcpi_min_rtt;
	uint32_t tcpi_data_segs_in, tcpi_data_segs_out;
	uint64_t tcpi_delivery_rate;
	uint64_t tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited;
	uint32_t tcpi_delivered, tcpi_delivered_ce;
	uint64_t tcpi_bytes_sent, tcpi_bytes_retrans;
	uint32_t tcpi_dsack_dups, tcpi_reord_seen;
	uint32_t tcpi_rcv_ooopack;
	uint32_t tcpi_snd_wnd;
	uint32_t tcpi_rcv_wnd;
	uint32_t tcpi_rehash;
	uint16_t tcpi_total_rto, tcpi_total_rto_recoveries;
	uint32_t tcpi_total_rto_time;
};

#define SAME_OFFSET(m) \
	_Static_assert(offsetof(struct tsl_tcp_info, m) == \
		       offsetof(struct tcp_info, m), "tcp_info layout: " #m)
SAME_OFFSET(tcpi_rto);
SAME_OFFSET(tcpi_rtt);
SAME_OFFSET(tcpi_total_retrans);
SAME_OFFSET(tcpi_delivery_rate);
SAME_OFFSET(tcpi_bytes_retrans);
_Static_assert(sizeof(struct tsl_tcp_info) == 248, "tcp_info of 6.8");
_Static_assert(offsetof(struct tsl_tcp_info, tcpi_rcv_wnd) == 232,
	       "tcp_info of 5.4 to 6.7 ends before tcpi_rcv_wnd");

/*
 * The fields sampled beyond the basics, each where the kernel's struct is
 * long enough to hold it. Cumulative counters (times, bytes, segments,
 * events since the connection began) are deltas; the rest are gauges:
 * state, windows, sizes and the counts of segments now in flight.
 */
#define FIELD(k, m, d) { TSL_KEY_##k, offsetof(struct tsl_tcp_info, m), \
			 sizeof(((struct tsl_tcp_info *)0)->m), d }
static const struct {
	uint16_t key;		/* enum tsl_sample_key */
	uint16_t off, size;
	bool delta;
} fields[] = {
	FIELD(CA_STATE, tcpi_ca_state, false),
	FIELD(BACKOFF, tcpi_backoff, false),
	FIELD(RTO, tcpi_rto, false),
	FIELD(ATO, tcpi_ato, false),
	FIELD(SND_MSS, tcpi_snd_mss, false),
	FIELD(RCV_MSS, tcpi_rcv_mss, false),
	FIELD(UNACKED, tcpi_unacked, false),
	FIELD(SACKED, tcpi_sacked, false),
	FIELD(LOST, tcpi_lost, false),
	FIELD(RETRANS, tcpi_retrans, false),
	FIELD(REORDERING, tcpi_reordering, false),
	FIELD(RCV_RTT, tcpi_rcv_rtt, false),
	FIELD(RCV_SPACE, tcpi_rcv_space, false),
	FIELD(PACING_RATE, tcpi_pacing_rate, false),
	FIELD(BYTES_ACKED, tcpi_bytes_acked, true),
	FIELD(BYTES_RECEIVED, tcpi_bytes_received, true),
	FIELD(NOTSENT, tcpi_notsent_bytes, false),
	FIELD(MIN_RTT, tcpi_min_rtt, false),
	FIELD(DATA_SEGS_IN, tcpi_data_segs_in, true),
	FIELD(DATA_SEGS_OUT, tcpi_data_segs_out, true),
	/* busy: all the time with data to send, the two limited times included */
	FIELD(BUSY, tcpi_busy_time, true),
	FIELD(RWND_LIMITED, tcpi_rwnd_limited, true),
	FIELD(SNDBUF_LIMITED, tcpi_sndbuf_limited, true),
	FIELD(BYTES_SENT, tcpi_bytes_sent, true),
	FIELD(BYTES_RETRANS, tcpi_bytes_retrans, true),
	FIELD(DSACK_DUPS, tcpi_dsack_dups, true),
	FIELD(REORD_SEEN, tcpi_reord_seen, true),
	FIELD(SND_WND, tcpi_snd_wnd, false),
	FIELD(RCV_WND, tcpi_rcv_wnd, false),
};
#undef FIELD

/* The table and the app-limited bit fit in struct tsl_sockinfo's values. */
_Static_assert(sizeof(fields) / sizeof(fields[0]) + 1 <= TSL_TCP_INFO_MORE,
	       "TSL_TCP_INFO_MORE");

static int64_t field_value(const struct tsl_tcp_info *ti, size_t off,
			   size_t size)
{
	const char *p = (const char *)ti + off;
	uint64_t v64;
	uint32_t v32;
	uint8_t v8;

	switch (size) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return (int64_t)v64;	/* rates and byte counts stay below 2^63 */
	}
}

static void add_more(struct tsl_sockinfo *out, uint16_t key, bool delta,
		     int64_t value)
{
	out->more[out->n_more++] = (struct tsl_sock_value){
		.key = key, .delta = delta, .value = value,
	};
}

int tsl_tcp_info_parse(const void *data, size_t len, struct tsl_sockinfo *out)
{
	struct tsl_tcp_info ti;
	size_t i;

	/* without rtt, rttvar and ssthresh the struct is of no use */
	if (len < offsetof(struct tsl_tcp_info, tcpi_rcv_ssthresh)) {
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
	out->n_more = 0;
	/* a bit field, in the first 8 bytes: always there (0 before 4.9) */
	add_more(out, TSL_KEY_APP_LIMITED, false,
		 ti.tcpi_delivery_rate_app_limited);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (len >= (size_t)fields[i].off + fields[i].size)
			add_more(out, fields[i].key, fields[i].delta,
				 field_value(&ti, fields[i].off, fields[i].size));
	return 0;
}
