// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of sock_diag requests and replies, built with libnl (no kernel needed).
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <cmocka.h>

#include "samplers/sources.h"

/* test_sample_util.c */
size_t tcp_info_blob(void *buf, uint32_t rtt, uint32_t rttvar, uint32_t cwnd,
		     uint32_t ssthresh, uint32_t retrans, uint64_t rate);
size_t tcp_info_rate_offset(void);
size_t tcp_info_full(void *buf);
size_t tcp_info_min_len(void);

#define COOKIE 0x123456789abcdef0ull

static const uint32_t skmem[SK_MEMINFO_VARS] = {
	[SK_MEMINFO_RMEM_ALLOC] = 122880, [SK_MEMINFO_RCVBUF] = 2227323,
	[SK_MEMINFO_WMEM_ALLOC] = 512, [SK_MEMINFO_SNDBUF] = 14971392,
	[SK_MEMINFO_BACKLOG] = 3, [SK_MEMINFO_DROPS] = 7,
};

/* A reply: inet_diag_msg, then tcp_info of @info_len bytes and skmem of @mem_len. */
static struct nl_msg *reply(int info_len, int mem_len)
{
	struct inet_diag_msg m = {
		.idiag_family = AF_INET6, .idiag_state = 1,
		.idiag_rqueue = 122880, .idiag_wqueue = 4096,
		.id.idiag_cookie = { (uint32_t)COOKIE, COOKIE >> 32 },
	};
	struct nl_msg *msg = nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_MULTI);
	char info[512];

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &m, sizeof(m), NLMSG_ALIGNTO), 0);
	tcp_info_blob(info, 5422, 10612, 10, 7, 3, 125000000);
	if (info_len >= 0)
		assert_int_equal(nla_put(msg, INET_DIAG_INFO, info_len, info), 0);
	if (mem_len >= 0)
		assert_int_equal(nla_put(msg, INET_DIAG_SKMEMINFO, mem_len, skmem), 0);
	return msg;
}

static void test_parse(void **state)
{
	struct nl_msg *msg = reply(tcp_info_blob((char[512]){ 0 }, 0, 0, 0, 0, 0, 0),
				   sizeof(skmem));
	struct tsl_sockinfo si;

	(void)state;
	assert_int_equal(tsl_sock_diag_parse(nlmsg_hdr(msg), &si), 0);
	assert_int_equal(si.cookie, COOKIE);
	assert_int_equal(si.family, AF_INET6);
	assert_int_equal(si.state, 1);
	assert_int_equal(si.rqueue, 122880);
	assert_int_equal(si.wqueue, 4096);
	assert_true(si.has_info);
	assert_int_equal(si.rtt_us, 5422);
	assert_int_equal(si.rttvar_us, 10612);
	assert_int_equal(si.snd_cwnd, 10);
	assert_int_equal(si.snd_ssthresh, 7);
	assert_int_equal(si.total_retrans, 3);
	assert_int_equal(si.delivery_rate, 125000000);
	assert_true(si.has_skmem);
	assert_int_equal(si.skmem[SK_MEMINFO_RMEM_ALLOC], 122880);
	assert_int_equal(si.skmem[SK_MEMINFO_RCVBUF], 2227323);
	assert_int_equal(si.skmem[SK_MEMINFO_SNDBUF], 14971392);
	assert_int_equal(si.skmem[SK_MEMINFO_BACKLOG], 3);
	assert_int_equal(si.skmem[SK_MEMINFO_DROPS], 7);
	nlmsg_free(msg);
}

static void test_parse_old_kernel(void **state)
{
	struct nl_msg *msg = reply(tcp_info_rate_offset(), -1);
	struct tsl_sockinfo si;

	(void)state;
	assert_int_equal(tsl_sock_diag_parse(nlmsg_hdr(msg), &si), 0);
	assert_true(si.has_info);
	assert_int_equal(si.rtt_us, 5422);
	assert_int_equal(si.total_retrans, 3);
	assert_int_equal(si.delivery_rate, 0);	/* not sent */
	assert_false(si.has_skmem);
	nlmsg_free(msg);

	msg = reply(-1, -1);
	assert_int_equal(tsl_sock_diag_parse(nlmsg_hdr(msg), &si), 0);
	assert_false(si.has_info);
	assert_int_equal(si.cookie, COOKIE);
	nlmsg_free(msg);
}

/* The value of @key among @si's more, and whether it is a delta; -1 if absent. */
static int64_t more(const struct tsl_sockinfo *si, enum tsl_sample_key key,
		    bool *delta)
{
	unsigned int i;

	for (i = 0; i < si->n_more; i++) {
		if (si->more[i].key == key) {
			if (delta)
				*delta = si->more[i].delta;
			return si->more[i].value;
		}
	}
	return -1;
}

/* Each kernel's length: the fields it holds, no more; counters as deltas. */
static void test_tcp_info_lengths(void **state)
{
	unsigned char buf[256];
	struct tsl_sockinfo si;
	bool d = false;

	(void)state;
	/* 6.12: everything */
	memset(&si, 0, sizeof(si));
	assert_int_equal(tsl_tcp_info_parse(buf, tcp_info_full(buf), &si), 0);
	assert_int_equal(si.n_more, 30);
	assert_int_equal(more(&si, TSL_KEY_RCV_WND, &d), 65483);
	assert_false(d);
	assert_int_equal(more(&si, TSL_KEY_SND_WND, &d), 131072);
	assert_false(d);
	assert_int_equal(more(&si, TSL_KEY_MIN_RTT, &d), 88);
	assert_false(d);
	assert_int_equal(more(&si, TSL_KEY_BUSY, &d), 900000);
	assert_true(d);
	assert_int_equal(more(&si, TSL_KEY_RWND_LIMITED, &d), 600000);
	assert_true(d);
	assert_int_equal(more(&si, TSL_KEY_SNDBUF_LIMITED, &d), 100);
	assert_true(d);
	assert_int_equal(more(&si, TSL_KEY_APP_LIMITED, &d), 1);
	assert_false(d);
	assert_int_equal(more(&si, TSL_KEY_BYTES_ACKED, &d), 5000000000ll);
	assert_true(d);
	assert_int_equal(more(&si, TSL_KEY_BYTES_SENT, NULL), 6000000000ll);
	assert_int_equal(more(&si, TSL_KEY_BYTES_RETRANS, NULL), 2896);
	assert_int_equal(more(&si, TSL_KEY_BYTES_RECEIVED, NULL), 7);
	assert_int_equal(more(&si, TSL_KEY_DATA_SEGS_OUT, NULL), 4000);
	assert_int_equal(more(&si, TSL_KEY_DATA_SEGS_IN, NULL), 5);
	assert_int_equal(more(&si, TSL_KEY_DSACK_DUPS, &d), 1);
	assert_true(d);
	assert_int_equal(more(&si, TSL_KEY_REORD_SEEN, &d), 6);
	assert_true(d);
	assert_int_equal(more(&si, TSL_KEY_NOTSENT, &d), 65536);
	assert_false(d);
	assert_int_equal(more(&si, TSL_KEY_CA_STATE, NULL), 4);
	assert_int_equal(more(&si, TSL_KEY_BACKOFF, NULL), 2);
	assert_int_equal(more(&si, TSL_KEY_RTO, NULL), 204000);
	assert_int_equal(more(&si, TSL_KEY_ATO, NULL), 40000);
	assert_int_equal(more(&si, TSL_KEY_SND_MSS, NULL), 1448);
	assert_int_equal(more(&si, TSL_KEY_RCV_MSS, NULL), 536);
	assert_int_equal(more(&si, TSL_KEY_UNACKED, &d), 10);
	assert_false(d);
	assert_int_equal(more(&si, TSL_KEY_SACKED, NULL), 3);
	assert_int_equal(more(&si, TSL_KEY_LOST, NULL), 1);
	assert_int_equal(more(&si, TSL_KEY_RETRANS, NULL), 2);
	assert_int_equal(more(&si, TSL_KEY_REORDERING, NULL), 3);
	assert_int_equal(more(&si, TSL_KEY_RCV_RTT, NULL), 1500);
	assert_int_equal(more(&si, TSL_KEY_RCV_SPACE, NULL), 14480);
	assert_int_equal(more(&si, TSL_KEY_PACING_RATE, NULL), -1);	/* unpaced */

	/* 5.10 and 6.1: no rcv_wnd */
	assert_int_equal(tsl_tcp_info_parse(buf, 232, &si), 0);
	assert_int_equal(si.n_more, 29);
	assert_int_equal(more(&si, TSL_KEY_RCV_WND, NULL), -1);
	assert_int_equal(more(&si, TSL_KEY_SND_WND, NULL), 131072);

	/* a kernel whose struct ends at delivery_rate: no chrono, no byte counts */
	assert_int_equal(tsl_tcp_info_parse(buf, tcp_info_rate_offset(), &si), 0);
	assert_int_equal(si.n_more, 21);
	assert_int_equal(more(&si, TSL_KEY_MIN_RTT, NULL), 88);
	assert_int_equal(more(&si, TSL_KEY_BUSY, NULL), -1);
	assert_int_equal(more(&si, TSL_KEY_BYTES_SENT, NULL), -1);
	assert_int_equal(more(&si, TSL_KEY_SND_WND, NULL), -1);
	assert_int_equal(si.delivery_rate, 0);

	/* the shortest accepted: only the fields before rcv_ssthresh */
	assert_int_equal(tsl_tcp_info_parse(buf, tcp_info_min_len(), &si), 0);
	assert_int_equal(si.n_more, 11);
	assert_int_equal(more(&si, TSL_KEY_RETRANS, NULL), 2);
	assert_int_equal(more(&si, TSL_KEY_REORDERING, NULL), -1);
	assert_int_equal(more(&si, TSL_KEY_MIN_RTT, NULL), -1);
}

static void test_parse_malformed(void **state)
{
	struct tsl_sockinfo si;
	struct nl_msg *msg;

	(void)state;
	msg = reply(8, -1);			/* tcp_info too short */
	assert_int_equal(tsl_sock_diag_parse(nlmsg_hdr(msg), &si), -EINVAL);
	nlmsg_free(msg);
	msg = reply(-1, 4 * 4);			/* skmem too short */
	assert_int_equal(tsl_sock_diag_parse(nlmsg_hdr(msg), &si), -EINVAL);
	nlmsg_free(msg);

	msg = reply(-1, -1);			/* truncated inet_diag_msg */
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 8;
	assert_int_equal(tsl_sock_diag_parse(nlmsg_hdr(msg), &si), -EINVAL);
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + sizeof(struct inet_diag_msg);
	nlmsg_hdr(msg)->nlmsg_type = NLMSG_ERROR;	/* another type */
	assert_int_equal(tsl_sock_diag_parse(nlmsg_hdr(msg), &si), -EINVAL);
	nlmsg_free(msg);
}

static const struct inet_diag_req_v2 *request_of(struct nl_msg *msg)
{
	assert_non_null(msg);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_true(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_REQUEST);
	assert_false(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(nlmsg_datalen(nlmsg_hdr(msg)),
			 sizeof(struct inet_diag_req_v2));
	return nlmsg_data(nlmsg_hdr(msg));
}

static void test_request(void **state)
{
	struct tsl_sock_id id = {
		.cookie = COOKIE, .family = AF_INET, .sport = 5201,
		.dport = 53730, .saddr = { 1, 1, 1, 2 }, .daddr = { 1, 1, 1, 3 },
	};
	const struct inet_diag_req_v2 *r;
	struct nl_msg *msg;

	(void)state;
	msg = tsl_sock_diag_request(&id, AF_INET);
	r = request_of(msg);
	assert_int_equal(r->sdiag_family, AF_INET);
	assert_int_equal(r->sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(r->idiag_ext, (1 << (INET_DIAG_INFO - 1)) |
					(1 << (INET_DIAG_SKMEMINFO - 1)));
	assert_int_equal(ntohs(r->id.idiag_sport), 5201);
	assert_int_equal(ntohs(r->id.idiag_dport), 53730);
	assert_int_equal(r->id.idiag_src[0], htonl(0x01010102));
	assert_int_equal(r->id.idiag_dst[0], htonl(0x01010103));
	assert_int_equal(r->id.idiag_src[1], 0);
	assert_int_equal(r->id.idiag_cookie[0], (uint32_t)COOKIE);
	assert_int_equal(r->id.idiag_cookie[1], COOKIE >> 32);
	nlmsg_free(msg);

	/* a dual-stack socket's v4-mapped address, asked through AF_INET */
	id.family = AF_INET6;
	memset(id.saddr, 0, 16);
	memcpy(id.saddr + 10, (uint8_t[]){ 0xff, 0xff, 10, 0, 0, 1 }, 6);
	msg = tsl_sock_diag_request(&id, AF_INET);
	r = request_of(msg);
	assert_int_equal(r->id.idiag_src[0], htonl(0x0a000001));
	nlmsg_free(msg);
	msg = tsl_sock_diag_request(&id, AF_INET6);
	r = request_of(msg);
	assert_int_equal(r->sdiag_family, AF_INET6);
	assert_memory_equal(r->id.idiag_src, id.saddr, 16);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_old_kernel),
		cmocka_unit_test(test_tcp_info_lengths),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
