// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the filter options and their netlink form.
#include <errno.h>
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "capture/filter.h"
#include "stderr_capture.h"
#include "recording/recording.h"

static char err[256];

/* tsl_filter_parse(); what it printed (one line, without "tcpsleuth: ") in err. */
static int parse(struct tsl_filter *f, const char *opt, const char *arg)
{
	int ret;

	stderr_begin();
	ret = tsl_filter_parse(f, opt, arg);
	snprintf(err, sizeof(err), "%s", stderr_line());
	return ret;
}

static void expect_error(const char *opt, const char *arg, const char *msg)
{
	struct tsl_filter f = { 0 };

	assert_int_equal(parse(&f, opt, arg), -EINVAL);
	assert_string_equal(err, msg);
}

static void test_ports(void **state)
{
	struct tsl_filter f = { 0 };

	(void)state;
	assert_int_equal(parse(&f, "port", "443"), 0);
	assert_int_equal(parse(&f, "port", "65535"), 0);
	assert_int_equal(parse(&f, "lport", "1"), 0);
	assert_int_equal(parse(&f, "rport", "8080"), 0);
	assert_int_equal(f.n_port, 2);
	assert_int_equal(f.port[0], 443);
	assert_int_equal(f.port[1], 65535);
	assert_int_equal(f.n_lport, 1);
	assert_int_equal(f.lport[0], 1);
	assert_int_equal(f.n_rport, 1);
	assert_int_equal(f.rport[0], 8080);
}

static void test_bad_ports(void **state)
{
	(void)state;
	expect_error("port", "0", "--port: '0' is not a port number (1-65535)");
	expect_error("port", "65536", "--port: '65536' is not a port number (1-65535)");
	expect_error("lport", "http", "--lport: 'http' is not a port number (1-65535)");
	expect_error("rport", "-1", "--rport: '-1' is not a port number (1-65535)");
	expect_error("port", "80x", "--port: '80x' is not a port number (1-65535)");
	expect_error("port", "", "--port: '' is not a port number (1-65535)");
	expect_error("port", " 80", "--port: ' 80' is not a port number (1-65535)");
}

static void test_too_many(void **state)
{
	struct tsl_filter f = { 0 };
	char buf[16];
	int i;

	(void)state;
	for (i = 1; i <= TSL_FILTER_MAX_ENTRIES; i++) {
		snprintf(buf, sizeof(buf), "%d", i);
		assert_int_equal(parse(&f, "port", buf), 0);
		assert_int_equal(parse(&f, "host", "10.0.0.1"), 0);
	}
	assert_int_equal(parse(&f, "port", "99"), -EINVAL);
	assert_string_equal(err, "--port: at most 16 values");
	assert_int_equal(parse(&f, "host", "::1"), -EINVAL);
	assert_string_equal(err, "--host: at most 16 values");
	assert_int_equal(f.n_port, 16);
	assert_int_equal(f.n_addr, 16);
}

static void test_hosts(void **state)
{
	struct tsl_filter f = { 0 };
	uint8_t want[16];

	(void)state;
	assert_int_equal(parse(&f, "host", "192.0.2.7"), 0);
	assert_int_equal(parse(&f, "host", "10.1.2.3/8"), 0);
	assert_int_equal(parse(&f, "host", "2001:db8::1/64"), 0);
	assert_int_equal(parse(&f, "host", "::1"), 0);
	assert_int_equal(parse(&f, "host", "10.255.255.255/12"), 0);
	assert_int_equal(f.n_addr, 5);

	assert_int_equal(f.addr[0].family, AF_INET);
	assert_int_equal(f.addr[0].len, 32);
	inet_pton(AF_INET, "192.0.2.7", want);
	assert_memory_equal(f.addr[0].addr, want, 4);

	/* host bits are cleared */
	assert_int_equal(f.addr[1].len, 8);
	inet_pton(AF_INET, "10.0.0.0", want);
	assert_memory_equal(f.addr[1].addr, want, 4);
	inet_pton(AF_INET, "10.240.0.0", want);
	assert_memory_equal(f.addr[4].addr, want, 4);

	assert_int_equal(f.addr[2].family, AF_INET6);
	assert_int_equal(f.addr[2].len, 64);
	inet_pton(AF_INET6, "2001:db8::", want);
	assert_memory_equal(f.addr[2].addr, want, 16);
	assert_int_equal(f.addr[3].len, 128);
}

static void test_bad_hosts(void **state)
{
	(void)state;
	expect_error("host", "10.0.0.1/33",
		     "--host: prefix length 33 is longer than 32 for IPv4");
	expect_error("host", "2001:db8::/129",
		     "--host: prefix length 129 is longer than 128 for IPv6");
	expect_error("host", "10.0.0.1/x", "--host: 'x' is not a prefix length");
	expect_error("host", "10.0.0.1/", "--host: '' is not a prefix length");
	expect_error("host", "10.0.0.256",
		     "--host: '10.0.0.256' is not an IPv4 or IPv6 address");
	expect_error("host", "example.com/24",
		     "--host: 'example.com' is not an IPv4 or IPv6 address");
	expect_error("host", "/24", "--host: '' is not an IPv4 or IPv6 address");
}

static void test_netns(void **state)
{
	struct tsl_filter f = { 0 };
	struct stat st;

	(void)state;
	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	assert_int_equal(parse(&f, "netns", "/proc/self/ns/net"), 0);
	assert_int_equal(f.n_netns, 1);
	assert_int_equal(f.netns[0], (uint32_t)st.st_ino);

	expect_error("netns", "/proc/self/ns/uts",
		     "--netns: /proc/self/ns/uts is not a network namespace");
	expect_error("netns", "/etc/hostname",
		     "--netns: /etc/hostname is not a network namespace");
	/* a FIFO with no writer: an answer at once, not a wait in open() */
	unlink("data/netns-fifo");
	assert_int_equal(mkfifo("data/netns-fifo", 0600), 0);
	expect_error("netns", "data/netns-fifo",
		     "--netns: data/netns-fifo is not a network namespace");
	unlink("data/netns-fifo");
	expect_error("netns", "/nonexistent/ns",
		     "--netns: cannot open /nonexistent/ns: No such file or directory");
	expect_error("netns", "999999999",
		     "--netns: cannot open /proc/999999999/ns/net: No such file or directory");
	expect_error("netns", "no-such-ns",
		     "--netns: cannot open /run/netns/no-such-ns: No such file or directory");
	expect_error("netns", "", "--netns: empty namespace");
}

static void test_events(void **state)
{
	struct tsl_filter f = { 0 };

	(void)state;
	assert_int_equal(f.kinds, 0);
	assert_int_equal(parse(&f, "events", "tx,ack_rx"), 0);
	assert_int_equal(f.kinds, 1u << TSL_EV_FLOW | 1u << TSL_EV_TX |
				  1u << TSL_EV_ACK_RX);
	assert_int_equal(parse(&f, "events",
			       "data_rx,read,ack_tx,retrans,rto,state,drop"), 0);
	assert_int_equal(f.kinds, TSL_EV_ALL);
}

/* read and ack_tx bring data_rx: their residence and delay come from it. */
static void test_events_need_data_rx(void **state)
{
	struct tsl_filter f = { 0 };
	struct tsl_filter g = { 0 };

	(void)state;
	assert_int_equal(parse(&f, "events", "read"), 0);
	assert_int_equal(f.kinds, 1u << TSL_EV_FLOW | 1u << TSL_EV_READ |
				  1u << TSL_EV_DATA_RX);
	assert_int_equal(parse(&g, "events", "tx,ack_tx"), 0);
	assert_int_equal(g.kinds, 1u << TSL_EV_FLOW | 1u << TSL_EV_TX |
				  1u << TSL_EV_ACK_TX | 1u << TSL_EV_DATA_RX);
}

static void test_bad_events(void **state)
{
	(void)state;
	expect_error("events", "tx,bogus",
		     "--events: unknown event 'bogus' (known: tx, ack_rx, data_rx, read, ack_tx, retrans, rto, state, drop)");
	expect_error("events", "flow",
		     "--events: unknown event 'flow' (known: tx, ack_rx, data_rx, read, ack_tx, retrans, rto, state, drop)");
	expect_error("events", "tx,,read", "--events: empty event name in 'tx,,read'");
	expect_error("events", "", "--events: empty event name in ''");
	expect_error("events", "tx,", "--events: empty event name in 'tx,'");
}

static struct nlattr *put_and_find(struct nl_msg *msg, const struct tsl_filter *f)
{
	struct nlmsghdr *nlh;

	assert_int_equal(tsl_filter_put(msg, f), 0);
	nlh = nlmsg_hdr(msg);
	return nlmsg_find_attr(nlh, 0, TSL_A_FILTER);
}

static void test_netlink_form(void **state)
{
	struct tsl_filter f = { 0 };
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest, *a, *tb[TSL_PREFIX_A_MAX + 1];
	int rem, ports = 0, addrs = 0;

	(void)state;
	assert_non_null(msg);
	assert_int_equal(parse(&f, "port", "443"), 0);
	assert_int_equal(parse(&f, "port", "80"), 0);
	assert_int_equal(parse(&f, "rport", "22"), 0);
	assert_int_equal(parse(&f, "host", "2001:db8::/32"), 0);
	assert_int_equal(parse(&f, "events", "rto"), 0);
	nest = put_and_find(msg, &f);
	assert_non_null(nest);
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case TSL_FILTER_A_PORT:
			assert_int_equal(nla_get_u16(a), ports++ ? 80 : 443);
			break;
		case TSL_FILTER_A_RPORT:
			assert_int_equal(nla_get_u16(a), 22);
			break;
		case TSL_FILTER_A_ADDR:
			addrs++;
			assert_int_equal(nla_parse_nested(tb, TSL_PREFIX_A_MAX, a, NULL), 0);
			assert_int_equal(nla_get_u8(tb[TSL_PREFIX_A_FAMILY]), AF_INET6);
			assert_int_equal(nla_len(tb[TSL_PREFIX_A_ADDR]), 16);
			assert_int_equal(nla_get_u8(tb[TSL_PREFIX_A_LEN]), 32);
			break;
		case TSL_FILTER_A_KINDS:
			assert_int_equal(nla_get_u32(a),
					 1u << TSL_EV_FLOW | 1u << TSL_EV_RTO);
			break;
		default:
			fail_msg("unexpected attribute %d", nla_type(a));
		}
	}
	assert_int_equal(ports, 2);
	assert_int_equal(addrs, 1);
	nlmsg_free(msg);
}

static void test_empty_filter_is_sent(void **state)
{
	struct tsl_filter f = { 0 };
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	(void)state;
	nest = put_and_find(msg, &f);
	assert_non_null(nest);
	assert_int_equal(nla_len(nest), 0);
	nlmsg_free(msg);
}

/* What the module's INFO carries comes back as the filter that was sent. */
static void test_read_back(void **state)
{
	struct tsl_filter f = { 0 }, g;
	struct nl_msg *msg = nlmsg_alloc();
	char text[256];

	(void)state;
	assert_int_equal(parse(&f, "port", "5201"), 0);
	assert_int_equal(parse(&f, "lport", "80"), 0);
	assert_int_equal(parse(&f, "rport", "22"), 0);
	assert_int_equal(parse(&f, "host", "10.1.2.3/16"), 0);
	assert_int_equal(parse(&f, "host", "2001:db8::/32"), 0);
	assert_int_equal(parse(&f, "events", "tx,rto"), 0);
	f.netns[f.n_netns++] = 4026531840u;
	assert_int_equal(tsl_filter_get(&g, put_and_find(msg, &f), "INFO message"), 0);
	assert_memory_equal(&g, &f, sizeof(f));
	tsl_filter_format(&g, text, sizeof(text));
	assert_string_equal(text, "port 5201, lport 80, rport 22, host 10.1.0.0/16, "
			    "host 2001:db8::/32, netns inode 4026531840; events flow,tx,rto");
	/* Cut short, never past the buffer. */
	tsl_filter_format(&g, text, 12);
	assert_string_equal(text, "port 5201, ");
	nlmsg_free(msg);
}

/* The module's default: no list, every kind named. */
static void test_read_back_everything(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	struct tsl_filter g;
	char text[64];

	(void)state;
	nest = nla_nest_start(msg, TSL_A_FILTER);
	assert_int_equal(nla_put_u32(msg, TSL_FILTER_A_KINDS, TSL_EV_ALL), 0);
	nla_nest_end(msg, nest);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, TSL_A_FILTER);
	assert_int_equal(tsl_filter_get(&g, nest, "INFO message"), 0);
	assert_int_equal(g.kinds, 0);
	assert_int_equal(g.n_port + g.n_lport + g.n_rport + g.n_addr + g.n_netns, 0);
	tsl_filter_format(&g, text, sizeof(text));
	assert_string_equal(text, "every socket; every event");
	nlmsg_free(msg);
}

static void read_back_fails(struct nl_msg *msg, struct nlattr *nest, const char *want)
{
	struct tsl_filter g;

	nla_nest_end(msg, nest);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, TSL_A_FILTER);
	stderr_begin();
	assert_int_equal(tsl_filter_get(&g, nest, "INFO message"), -EINVAL);
	snprintf(err, sizeof(err), "%s", stderr_line());
	assert_string_equal(err, want);
	nlmsg_free(msg);
}

static void test_read_back_malformed(void **state)
{
	struct nlattr *nest, *pfx;
	struct nl_msg *msg;
	int i;

	(void)state;
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, TSL_A_FILTER);
	for (i = 0; i <= TSL_FILTER_MAX_ENTRIES; i++)
		nla_put_u16(msg, TSL_FILTER_A_LPORT, 1000 + i);
	read_back_fails(msg, nest, "INFO message: filter: more than 16 lport entries");

	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, TSL_A_FILTER);
	nla_put_u8(msg, TSL_FILTER_A_PORT, 7);
	read_back_fails(msg, nest, "INFO message: filter: malformed port entry");

	/* IPv4 with 16 address bytes; a /33 */
	for (i = 0; i < 2; i++) {
		msg = nlmsg_alloc();
		nest = nla_nest_start(msg, TSL_A_FILTER);
		pfx = nla_nest_start(msg, TSL_FILTER_A_ADDR);
		nla_put_u8(msg, TSL_PREFIX_A_FAMILY, AF_INET);
		nla_put(msg, TSL_PREFIX_A_ADDR, i ? 4 : 16, "0123456789abcdef");
		nla_put_u8(msg, TSL_PREFIX_A_LEN, i ? 33 : 8);
		nla_nest_end(msg, pfx);
		read_back_fails(msg, nest, "INFO message: filter: malformed address prefix");
	}
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(tsl_kind_name(TSL_EV_FLOW), "flow");
	assert_string_equal(tsl_kind_name(TSL_EV_ACK_TX), "ack_tx");
	assert_string_equal(tsl_kind_name(TSL_EV_DROP), "drop");
	assert_null(tsl_kind_name(TSL_EV_NONE));
	assert_null(tsl_kind_name(200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_bad_ports),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_bad_hosts),
		cmocka_unit_test(test_netns),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_events_need_data_rx),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_netlink_form),
		cmocka_unit_test(test_empty_filter_is_sent),
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_read_back_everything),
		cmocka_unit_test(test_read_back_malformed),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
