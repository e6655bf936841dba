// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the egress qdisc sampler's parts: the route request and reply, and picking the root qdisc of a dump.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <cmocka.h>

#include "samplers/qdisc.h"

static void test_route_request(void **state)
{
	const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
	uint8_t dst6[16] = { 0xfd, [15] = 2 };
	struct nlattr *tb[RTA_MAX + 1];
	struct nl_msg *msg;
	struct rtmsg *rtm;

	(void)state;
	msg = tsl_route_request(AF_INET, src, dst);
	assert_non_null(msg);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, RTM_GETROUTE);
	assert_true(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_REQUEST);
	assert_false(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP);
	rtm = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 32);
	assert_int_equal(nlmsg_parse(nlmsg_hdr(msg), sizeof(*rtm), tb, RTA_MAX, NULL), 0);
	assert_non_null(tb[RTA_DST]);
	assert_int_equal(nla_len(tb[RTA_DST]), 4);
	assert_memory_equal(nla_data(tb[RTA_DST]), dst, 4);
	assert_non_null(tb[RTA_SRC]);
	assert_memory_equal(nla_data(tb[RTA_SRC]), src, 4);
	nlmsg_free(msg);

	msg = tsl_route_request(AF_INET6, NULL, dst6);
	rtm = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_dst_len, 128);
	assert_int_equal(nlmsg_parse(nlmsg_hdr(msg), sizeof(*rtm), tb, RTA_MAX, NULL), 0);
	assert_memory_equal(nla_data(tb[RTA_DST]), dst6, 16);
	assert_null(tb[RTA_SRC]);
	nlmsg_free(msg);
}

static struct nl_msg *route_reply(int type, int oif)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 32 };
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_u32(msg, RTA_TABLE, RT_TABLE_MAIN), 0);
	if (oif >= 0)
		assert_int_equal(nla_put_u32(msg, RTA_OIF, oif), 0);
	return msg;
}

static void test_route_reply(void **state)
{
	struct nl_msg *msg;
	uint32_t ifindex = 99;

	(void)state;
	msg = route_reply(RTM_NEWROUTE, 5);
	assert_int_equal(tsl_route_parse_oif(nlmsg_hdr(msg), &ifindex), 0);
	assert_int_equal(ifindex, 5);
	nlmsg_free(msg);
	msg = route_reply(RTM_NEWROUTE, -1);	/* no device (unreachable) */
	assert_int_equal(tsl_route_parse_oif(nlmsg_hdr(msg), &ifindex), -EINVAL);
	nlmsg_free(msg);
	msg = route_reply(RTM_NEWADDR, 5);	/* not a route */
	assert_int_equal(tsl_route_parse_oif(nlmsg_hdr(msg), &ifindex), -EINVAL);
	nlmsg_hdr(msg)->nlmsg_type = RTM_NEWROUTE;
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 4;	/* truncated rtmsg */
	assert_int_equal(tsl_route_parse_oif(nlmsg_hdr(msg), &ifindex), -EINVAL);
	nlmsg_free(msg);
}

/* TCA_OPTIONS as the kernel dumps them (libnl parses them). */
static void options(struct nl_msg *msg, const char *kind)
{
	struct tc_fifo_qopt fifo = { .limit = 1000 };
	struct tc_tbf_qopt tbf = { .limit = 1000000, .buffer = 2000 };
	struct nlattr *opts;

	if (!strcmp(kind, "pfifo")) {
		assert_int_equal(nla_put(msg, TCA_OPTIONS, sizeof(fifo), &fifo), 0);
	} else if (!strcmp(kind, "tbf")) {
		opts = nla_nest_start(msg, TCA_OPTIONS);
		assert_non_null(opts);
		assert_int_equal(nla_put(msg, TCA_TBF_PARMS, sizeof(tbf), &tbf), 0);
		nla_nest_end(msg, opts);
	}
}

/* An RTM_NEWQDISC of a dump, with TCA_STATS2 as the kernel sends it. */
static struct nl_msg *qdisc_msg(int ifindex, uint32_t handle, uint32_t parent,
				const char *kind, uint64_t bytes, uint32_t qlen,
				uint32_t backlog, uint32_t drops)
{
	struct tcmsg tcm = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex,
			     .tcm_handle = handle, .tcm_parent = parent };
	struct gnet_stats_basic basic = { .bytes = bytes, .packets = bytes / 1000 };
	struct gnet_stats_queue queue = { .qlen = qlen, .backlog = backlog,
					  .drops = drops, .requeues = 2,
					  .overlimits = 40 };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWQDISC, NLM_F_MULTI);
	struct nlattr *st;

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_string(msg, TCA_KIND, kind), 0);
	options(msg, kind);
	st = nla_nest_start(msg, TCA_STATS2);
	assert_non_null(st);
	assert_int_equal(nla_put(msg, TCA_STATS_BASIC, sizeof(basic), &basic), 0);
	assert_int_equal(nla_put(msg, TCA_STATS_QUEUE, sizeof(queue), &queue), 0);
	nla_nest_end(msg, st);
	return msg;
}

static void add(struct nl_cache *cache, struct nl_msg *msg)
{
	assert_int_equal(nl_cache_parse_and_add(cache, msg), 0);
	nlmsg_free(msg);
}

/* The device's root, not its children, ingress or another device's. */
static void test_root(void **state)
{
	struct nl_cache *cache = NULL;
	struct tsl_qdisc_stats st;

	(void)state;
	assert_int_equal(nl_cache_alloc_name("route/qdisc", &cache), 0);
	add(cache, qdisc_msg(2, 0x00010000, 0x8001000a, "pfifo", 111, 1, 1, 1));
	add(cache, qdisc_msg(2, 0x80010000, TC_H_ROOT, "tbf", 3000000, 120, 181680, 7));
	add(cache, qdisc_msg(2, 0xffff0000, TC_H_CLSACT, "clsact", 0, 0, 0, 0));
	add(cache, qdisc_msg(3, 0, TC_H_ROOT, "noqueue", 0, 0, 0, 0));

	assert_int_equal(tsl_qdisc_root(cache, 2, &st), 0);
	assert_string_equal(st.kind, "tbf");
	assert_int_equal(st.ifindex, 2);
	assert_int_equal(st.handle, 0x80010000);
	assert_int_equal(st.bytes, 3000000);
	assert_int_equal(st.packets, 3000);
	assert_int_equal(st.qlen, 120);
	assert_int_equal(st.backlog, 181680);
	assert_int_equal(st.drops, 7);
	assert_int_equal(st.requeues, 2);
	assert_int_equal(st.overlimits, 40);

	assert_int_equal(tsl_qdisc_root(cache, 3, &st), 0);
	assert_string_equal(st.kind, "noqueue");
	assert_int_equal(st.backlog, 0);
	assert_int_equal(tsl_qdisc_root(cache, 4, &st), -ENOENT);
	nl_cache_free(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_request),
		cmocka_unit_test(test_route_reply),
		cmocka_unit_test(test_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
