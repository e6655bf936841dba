// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the netlink message parsers, fed with messages built by libnl.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include "capture/netlink.h"
#include "stderr_capture.h"

#define FAMILY 0x1234

static char err[256];
static int ret_;

/* A parser's result; what it printed (one line, without "tcpsleuth: ") in err. */
#define PARSE(call) (stderr_begin(), ret_ = (call), \
		     snprintf(err, sizeof(err), "%s", stderr_line()), ret_)

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 1, FAMILY, 0, 0, cmd,
				    TSL_GENL_VERSION));
	return msg;
}

static void fill_records(struct tsl_event *r, unsigned int n)
{
	unsigned int i;

	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].ts_ns = 1000 + i;
		r[i].cookie = 0xabc0 + i;
		r[i].cpu = 3;
		r[i].kind = i ? TSL_EV_TX : TSL_EV_FLOW;
	}
}

/* An EVENTS batch; @skip leaves one attribute out. */
static struct nl_msg *events_msg(int skip, const struct tsl_event *r,
				 size_t len)
{
	struct nl_msg *msg = new_msg(TSL_CMD_EVENTS);

	if (skip != TSL_A_CPU)
		nla_put_u32(msg, TSL_A_CPU, 3);
	if (skip != TSL_A_SEQ)
		nla_put_u64(msg, TSL_A_SEQ, 40);
	if (skip != TSL_A_PRODUCED)
		nla_put_u64(msg, TSL_A_PRODUCED, 50);
	if (skip != TSL_A_DROPPED)
		nla_put_u64(msg, TSL_A_DROPPED, 7);
	if (skip != TSL_A_MONO_NS)
		nla_put_u64(msg, TSL_A_MONO_NS, 111);
	if (skip != TSL_A_REAL_NS)
		nla_put_u64(msg, TSL_A_REAL_NS, 222);
	if (skip != TSL_A_RECORDS)
		nla_put(msg, TSL_A_RECORDS, len, r);
	return msg;
}

static void test_events(void **state)
{
	struct tsl_event r[3], got;
	struct tsl_batch b;
	struct nl_msg *msg;

	(void)state;
	fill_records(r, 3);
	msg = events_msg(0, r, sizeof(r));
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), 0);
	assert_int_equal(b.cpu, 3);
	assert_int_equal(b.seq, 40);
	assert_int_equal(b.produced, 50);
	assert_int_equal(b.dropped, 7);
	assert_int_equal(b.mono_ns, 111);
	assert_int_equal(b.real_ns, 222);
	assert_int_equal(b.n_records, 3);
	assert_memory_equal(b.records, r, sizeof(r));
	memcpy(&got, (const char *)b.records + 2 * TSL_EVENT_SIZE, sizeof(got));
	assert_int_equal(got.cookie, 0xabc2);
	nlmsg_free(msg);
}

static void test_events_cycles(void **state)
{
	struct tsl_event r[1];
	struct tsl_batch b;
	struct nl_msg *msg;

	(void)state;
	fill_records(r, 1);
	msg = events_msg(0, r, sizeof(r));
	nla_put_u64(msg, TSL_A_CYCLES, 5000000);
	nla_put_u32(msg, TSL_A_TSC_KHZ, 2000000);
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), 0);
	assert_true(b.has_cycles);
	assert_int_equal(b.cycles, 5000000);
	assert_int_equal(b.tsc_khz, 2000000);
	nlmsg_free(msg);

	msg = events_msg(0, r, sizeof(r));
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), 0);
	assert_false(b.has_cycles);
	nlmsg_free(msg);

	/* cycles without a rate, or with rate 0, cannot be converted */
	msg = events_msg(0, r, sizeof(r));
	nla_put_u64(msg, TSL_A_CYCLES, 5000000);
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), -EINVAL);
	assert_string_equal(err, "EVENTS message: TSL_A_CYCLES without a TSC rate");
	nlmsg_free(msg);
	msg = events_msg(0, r, sizeof(r));
	nla_put_u64(msg, TSL_A_CYCLES, 5000000);
	nla_put_u32(msg, TSL_A_TSC_KHZ, 0);
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), -EINVAL);
	assert_string_equal(err, "EVENTS message: TSL_A_CYCLES without a TSC rate");
	nlmsg_free(msg);
}

static void test_events_empty_batch(void **state)
{
	struct tsl_batch b;
	struct nl_msg *msg = events_msg(0, NULL, 0);

	(void)state;
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), 0);
	assert_int_equal(b.n_records, 0);
	nlmsg_free(msg);
}

static void test_events_malformed(void **state)
{
	struct tsl_event r[2];
	struct tsl_batch b;
	struct nl_msg *msg;

	(void)state;
	fill_records(r, 2);
	msg = events_msg(TSL_A_SEQ, r, sizeof(r));
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), -EINVAL);
	assert_string_equal(err, "EVENTS message: no TSL_A_SEQ");
	nlmsg_free(msg);

	msg = events_msg(0, r, sizeof(r) - 1);
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), -EINVAL);
	assert_string_equal(err, "EVENTS message: TSL_A_RECORDS length 127 is not a multiple of 64");
	nlmsg_free(msg);

	/* a u32 attribute of 2 bytes */
	msg = events_msg(TSL_A_CPU, r, sizeof(r));
	nla_put_u16(msg, TSL_A_CPU, 3);
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), -EINVAL);
	assert_string_equal(err, "EVENTS message: malformed attributes");
	nlmsg_free(msg);

	/* a u64 attribute of 12 bytes */
	msg = events_msg(TSL_A_PRODUCED, r, sizeof(r));
	nla_put(msg, TSL_A_PRODUCED, 12, r);
	assert_int_equal(PARSE(tsl_nl_parse_events(nlmsg_hdr(msg), &b)), -EINVAL);
	assert_string_equal(err, "EVENTS message: malformed attributes");
	nlmsg_free(msg);
}

static void test_wrong_or_truncated(void **state)
{
	struct tsl_event r[1];
	struct tsl_batch b;
	struct tsl_end e;
	struct nl_msg *msg;
	struct nlmsghdr *nlh;

	(void)state;
	fill_records(r, 1);
	msg = events_msg(0, r, sizeof(r));
	assert_int_equal(PARSE(tsl_nl_parse_end(nlmsg_hdr(msg), &e)), -EINVAL);
	assert_string_equal(err, "END message: wrong command");
	nlmsg_free(msg);

	msg = events_msg(0, r, sizeof(r));
	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;	/* cut inside the genl header */
	assert_int_equal(PARSE(tsl_nl_parse_events(nlh, &b)), -EINVAL);
	assert_string_equal(err, "EVENTS message: truncated header");
	nlmsg_free(msg);

	msg = events_msg(0, r, sizeof(r));
	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_len -= 20;			/* cut inside the records */
	assert_int_equal(PARSE(tsl_nl_parse_events(nlh, &b)), -EINVAL);
	nlmsg_free(msg);
}

static void put_cpu(struct nl_msg *msg, uint32_t cpu, uint64_t produced,
		    uint64_t delivered, uint64_t dropped, const uint64_t *kinds,
		    size_t kinds_len)
{
	struct nlattr *n = nla_nest_start(msg, TSL_A_CPU_STATS);

	nla_put_u32(msg, TSL_CPU_A_CPU, cpu);
	nla_put_u64(msg, TSL_CPU_A_PRODUCED, produced);
	nla_put_u64(msg, TSL_CPU_A_DELIVERED, delivered);
	nla_put_u64(msg, TSL_CPU_A_DROPPED, dropped);
	nla_put_u32(msg, TSL_CPU_A_QUEUED, 0);
	if (kinds)
		nla_put(msg, TSL_CPU_A_DROPPED_KIND, kinds_len, kinds);
	nla_nest_end(msg, n);
}

static void test_end(void **state)
{
	struct nl_msg *msg = new_msg(TSL_CMD_END);
	struct nlattr *cpus;
	struct tsl_end e;

	(void)state;
	nla_put_u32(msg, TSL_A_END_REASON, TSL_END_UNLOAD);
	cpus = nla_nest_start(msg, TSL_A_CPUS);
	put_cpu(msg, 0, 10, 8, 2, NULL, 0);
	put_cpu(msg, 5, 7, 7, 0, NULL, 0);
	nla_nest_end(msg, cpus);
	nla_put_u64(msg, TSL_A_FLOWS_REFUSED, 6);
	assert_int_equal(PARSE(tsl_nl_parse_end(nlmsg_hdr(msg), &e)), 0);
	assert_int_equal(e.reason, TSL_END_UNLOAD);
	assert_int_equal(e.flows_refused, 6);
	assert_int_equal(e.n_cpus, 2);
	assert_int_equal(e.cpus[0].cpu, 0);
	assert_int_equal(e.cpus[0].produced, 10);
	assert_int_equal(e.cpus[0].delivered, 8);
	assert_int_equal(e.cpus[0].dropped, 2);
	assert_int_equal(e.cpus[1].cpu, 5);
	assert_int_equal(e.cpus[1].delivered, 7);
	tsl_end_free(&e);
	nlmsg_free(msg);
}

static void test_end_malformed(void **state)
{
	struct nl_msg *msg = new_msg(TSL_CMD_END);
	struct nlattr *cpus, *n;
	struct tsl_end e;

	(void)state;
	nla_put_u32(msg, TSL_A_END_REASON, TSL_END_STOPPED);
	assert_int_equal(PARSE(tsl_nl_parse_end(nlmsg_hdr(msg), &e)), -EINVAL);
	assert_string_equal(err, "END message: no reason or CPU counters");
	cpus = nla_nest_start(msg, TSL_A_CPUS);
	put_cpu(msg, 0, 1, 1, 0, NULL, 0);
	n = nla_nest_start(msg, TSL_A_CPU_STATS);	/* no counters */
	nla_put_u32(msg, TSL_CPU_A_CPU, 1);
	nla_nest_end(msg, n);
	nla_nest_end(msg, cpus);
	assert_int_equal(PARSE(tsl_nl_parse_end(nlmsg_hdr(msg), &e)), -EINVAL);
	assert_string_equal(err, "END message: malformed TSL_A_CPU_STATS #1");
	assert_null(e.cpus);
	nlmsg_free(msg);

	msg = new_msg(TSL_CMD_END);
	nla_put_u32(msg, TSL_A_END_REASON, TSL_END_STOPPED);
	cpus = nla_nest_start(msg, TSL_A_CPUS);
	nla_put_u32(msg, TSL_A_CPU, 1);		/* not a TSL_A_CPU_STATS */
	nla_nest_end(msg, cpus);
	assert_int_equal(PARSE(tsl_nl_parse_end(nlmsg_hdr(msg), &e)), -EINVAL);
	assert_string_equal(err, "END message: TSL_A_CPUS holds something other than TSL_A_CPU_STATS");
	nlmsg_free(msg);
}

/* CPU_STATS: the counters END or an INFO reply had no room for. */
static void test_cpu_stats(void **state)
{
	struct nl_msg *msg = new_msg(TSL_CMD_CPU_STATS);
	struct tsl_cpu_stats *c;
	struct nlattr *cpus;
	unsigned int n;

	(void)state;
	assert_int_equal(PARSE(tsl_nl_parse_cpu_stats(nlmsg_hdr(msg), &c, &n)), -EINVAL);
	assert_string_equal(err, "CPU_STATS message: no TSL_A_CPUS");
	cpus = nla_nest_start(msg, TSL_A_CPUS);
	put_cpu(msg, 200, 3, 1, 2, NULL, 0);
	put_cpu(msg, 8191, 9, 9, 0, NULL, 0);
	nla_nest_end(msg, cpus);
	assert_int_equal(PARSE(tsl_nl_parse_cpu_stats(nlmsg_hdr(msg), &c, &n)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].cpu, 200);
	assert_int_equal(c[0].dropped, 2);
	assert_int_equal(c[1].cpu, 8191);
	assert_int_equal(c[1].produced, 9);
	free(c);
	nlmsg_free(msg);

	msg = new_msg(TSL_CMD_END);	/* not a CPU_STATS */
	cpus = nla_nest_start(msg, TSL_A_CPUS);
	nla_nest_end(msg, cpus);
	assert_int_equal(PARSE(tsl_nl_parse_cpu_stats(nlmsg_hdr(msg), &c, &n)), -EINVAL);
	assert_string_equal(err, "CPU_STATS message: wrong command");
	nlmsg_free(msg);
}

static void put_hook(struct nl_msg *msg, const char *event, uint8_t type,
		     const char *target, uint8_t fallback, uint64_t hits)
{
	struct nlattr *h = nla_nest_start(msg, TSL_A_HOOK);

	nla_put_string(msg, TSL_HOOK_A_EVENT, event);
	nla_put_u8(msg, TSL_HOOK_A_TYPE, type);
	nla_put_string(msg, TSL_HOOK_A_TARGET, target);
	nla_put_u8(msg, TSL_HOOK_A_FALLBACK, fallback);
	nla_put_u8(msg, TSL_HOOK_A_ATTACHED, 1);
	nla_put_u64(msg, TSL_HOOK_A_HITS, hits);
	nla_nest_end(msg, h);
}

static struct nl_msg *info_msg(void)
{
	uint64_t kinds[TSL_EV_MAX + 2] = { 0 };
	struct nl_msg *msg = new_msg(TSL_CMD_INFO);
	struct nlattr *n;

	nla_put_u32(msg, TSL_A_VERSION, 0x000102);
	nla_put_string(msg, TSL_A_KERNEL, "6.1.0-13-amd64");
	nla_put_u8(msg, TSL_A_ACTIVE, 1);
	nla_put_u32(msg, TSL_A_BUF_RECORDS, 8192);
	nla_put_u32(msg, TSL_A_RECORD_SIZE, TSL_EVENT_SIZE);
	nla_put_u32(msg, TSL_A_MAX_FLOWS, 4096);
	nla_put_u32(msg, TSL_A_FLOWS_IN_USE, 12);
	nla_put_u64(msg, TSL_A_FLOWS_REFUSED, 3);
	nla_put_u32(msg, TSL_A_NR_CPUS, 8192);
	n = nla_nest_start(msg, TSL_A_HOOKS);
	put_hook(msg, "tx", TSL_HOOK_TRACEPOINT, "tcp:tcp_sendmsg", 0, 99);
	put_hook(msg, "ack_tx", TSL_HOOK_KPROBE, "__tcp_send_ack", 1, 5);
	nla_nest_end(msg, n);
	kinds[TSL_EV_TX] = 4;
	kinds[TSL_EV_MAX + 1] = 9;	/* a kind newer than this reader */
	n = nla_nest_start(msg, TSL_A_CPUS);
	put_cpu(msg, 0, 20, 16, 4, kinds, sizeof(kinds));
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, TSL_A_FILTER);
	nla_put_u32(msg, TSL_FILTER_A_KINDS, TSL_EV_ALL);
	nla_put_u16(msg, TSL_FILTER_A_PORT, 5201);
	nla_nest_end(msg, n);
	return msg;
}

static void test_info(void **state)
{
	struct nl_msg *msg = info_msg();
	struct tsl_info info;

	(void)state;
	assert_int_equal(PARSE(tsl_nl_parse_info(nlmsg_hdr(msg), &info)), 0);
	assert_int_equal(TSL_VERSION_MAJOR(info.version), 0);
	assert_int_equal(TSL_VERSION_MINOR(info.version), 1);
	assert_int_equal(TSL_VERSION_PATCH(info.version), 2);
	assert_string_equal(info.kernel, "6.1.0-13-amd64");
	assert_int_equal(info.active, 1);
	assert_int_equal(info.buf_records, 8192);
	assert_int_equal(info.record_size, 64);
	assert_int_equal(info.max_flows, 4096);
	assert_int_equal(info.flows_in_use, 12);
	assert_int_equal(info.flows_refused, 3);
	assert_int_equal(info.nr_cpus, 8192);
	assert_int_equal(info.n_hooks, 2);
	assert_string_equal(info.hooks[0].event, "tx");
	assert_int_equal(info.hooks[0].type, TSL_HOOK_TRACEPOINT);
	assert_string_equal(info.hooks[0].target, "tcp:tcp_sendmsg");
	assert_true(info.hooks[0].has_hits);
	assert_int_equal(info.hooks[0].hits, 99);
	assert_string_equal(info.hooks[1].target, "__tcp_send_ack");
	assert_int_equal(info.hooks[1].type, TSL_HOOK_KPROBE);
	assert_int_equal(info.hooks[1].fallback, 1);
	assert_int_equal(info.n_cpus, 1);
	assert_int_equal(info.cpus[0].dropped, 4);
	assert_int_equal(info.cpus[0].dropped_kind[TSL_EV_TX], 4);
	assert_int_equal(info.cpus[0].dropped_kind[TSL_EV_DROP], 0);
	assert_true(info.has_filter);
	assert_int_equal(info.filter.n_port, 1);
	assert_int_equal(info.filter.port[0], 5201);
	assert_int_equal(info.filter.kinds, 0);
	tsl_info_free(&info);
	nlmsg_free(msg);
}

/*
 * The INFO a reader confined to its network namespace gets while another
 * namespace records: the module, its hooks without hit counts, and no
 * flows, CPU counters or filter.
 */
static void test_info_confined(void **state)
{
	struct nl_msg *msg = new_msg(TSL_CMD_INFO);
	struct tsl_info info;
	struct nlattr *n, *h;

	(void)state;
	nla_put_u32(msg, TSL_A_VERSION, 0x000200);
	nla_put_string(msg, TSL_A_KERNEL, "6.1.0-13-amd64");
	nla_put_u8(msg, TSL_A_ACTIVE, 1);
	nla_put_u32(msg, TSL_A_BUF_RECORDS, 4096);
	nla_put_u32(msg, TSL_A_RECORD_SIZE, TSL_EVENT_SIZE);
	nla_put_u32(msg, TSL_A_MAX_FLOWS, 512);
	n = nla_nest_start(msg, TSL_A_HOOKS);
	h = nla_nest_start(msg, TSL_A_HOOK);
	nla_put_string(msg, TSL_HOOK_A_EVENT, "tx");
	nla_put_u8(msg, TSL_HOOK_A_TYPE, TSL_HOOK_TRACEPOINT);
	nla_put_string(msg, TSL_HOOK_A_TARGET, "tcp:tcp_sendmsg");
	nla_put_u8(msg, TSL_HOOK_A_ATTACHED, 1);
	nla_nest_end(msg, h);
	nla_nest_end(msg, n);
	assert_int_equal(PARSE(tsl_nl_parse_info(nlmsg_hdr(msg), &info)), 0);
	assert_int_equal(TSL_VERSION_MINOR(info.version), 2);
	assert_int_equal(info.active, 1);
	assert_int_equal(info.n_hooks, 1);
	assert_int_equal(info.hooks[0].attached, 1);
	assert_false(info.hooks[0].has_hits);
	assert_int_equal(info.flows_in_use, 0);
	assert_int_equal(info.flows_refused, 0);
	assert_int_equal(info.n_cpus, 0);
	assert_false(info.has_filter);
	tsl_info_free(&info);
	nlmsg_free(msg);
}

static void test_info_malformed(void **state)
{
	struct nl_msg *msg = new_msg(TSL_CMD_INFO);
	struct tsl_info info;
	struct nlattr *n, *h;

	(void)state;
	assert_int_equal(PARSE(tsl_nl_parse_info(nlmsg_hdr(msg), &info)), -EINVAL);
	assert_string_equal(err, "INFO message: no version or record size");
	nla_put_u32(msg, TSL_A_VERSION, 1);
	nla_put_u32(msg, TSL_A_RECORD_SIZE, 64);
	n = nla_nest_start(msg, TSL_A_HOOKS);
	h = nla_nest_start(msg, TSL_A_HOOK);
	nla_put(msg, TSL_HOOK_A_EVENT, 3, "abc");	/* no NUL */
	nla_nest_end(msg, h);
	nla_nest_end(msg, n);
	assert_int_equal(PARSE(tsl_nl_parse_info(nlmsg_hdr(msg), &info)), -EINVAL);
	assert_string_equal(err, "INFO message: malformed TSL_A_HOOK #0");
	assert_null(info.hooks);
	nlmsg_free(msg);

	msg = new_msg(TSL_CMD_INFO);
	nla_put_string(msg, TSL_A_VERSION, "1");	/* 2 bytes for a u32 */
	nla_put_u32(msg, TSL_A_RECORD_SIZE, 64);
	assert_int_equal(PARSE(tsl_nl_parse_info(nlmsg_hdr(msg), &info)), -EINVAL);
	assert_string_equal(err, "INFO message: malformed attributes");
	nlmsg_free(msg);
}

/* An NLMSG_ERROR as the kernel sends it with NETLINK_EXT_ACK. */
static struct nl_msg *error_msg(int flags, const char *text, bool capped)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	struct nlmsgerr e = { .error = -EINVAL };
	char request[NLMSG_HDRLEN + 8] = { 0 };

	e.msg.nlmsg_len = capped ? NLMSG_HDRLEN : sizeof(request);
	e.msg.nlmsg_seq = 7;
	nlmsg_append(msg, &e, sizeof(e), 0);
	if (!capped)
		nlmsg_append(msg, request + NLMSG_HDRLEN, 8, NLMSG_ALIGNTO);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	return msg;
}

static void test_extack(void **state)
{
	char out[128];
	struct nl_msg *msg;

	(void)state;
	msg = error_msg(NLM_F_ACK_TLVS | NLM_F_CAPPED, "port 0 is not valid", true);
	tsl_nl_extack(nlmsg_hdr(msg), out, sizeof(out));
	assert_string_equal(out, "port 0 is not valid");
	nlmsg_free(msg);

	msg = error_msg(NLM_F_ACK_TLVS, "bad prefix length", false);
	tsl_nl_extack(nlmsg_hdr(msg), out, sizeof(out));
	assert_string_equal(out, "bad prefix length");
	nlmsg_free(msg);

	msg = error_msg(NLM_F_CAPPED, NULL, true);
	tsl_nl_extack(nlmsg_hdr(msg), out, sizeof(out));
	assert_string_equal(out, "");
	nlmsg_free(msg);

	/* claims TLVs but the original request length runs past the end */
	msg = error_msg(NLM_F_ACK_TLVS, NULL, false);
	((struct nlmsgerr *)nlmsg_data(nlmsg_hdr(msg)))->msg.nlmsg_len = 4000;
	tsl_nl_extack(nlmsg_hdr(msg), out, sizeof(out));
	assert_string_equal(out, "");
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_events_cycles),
		cmocka_unit_test(test_events_empty_batch),
		cmocka_unit_test(test_events_malformed),
		cmocka_unit_test(test_wrong_or_truncated),
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_end_malformed),
		cmocka_unit_test(test_cpu_stats),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_info_confined),
		cmocka_unit_test(test_info_malformed),
		cmocka_unit_test(test_extack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
