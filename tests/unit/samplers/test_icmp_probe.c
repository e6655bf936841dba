// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the path prober: echo packets, reply matching and timeouts on a fake clock.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "samplers/icmp_probe.h"

#define MS	1000000ull
#define ID	0x1234
#define NS	4026531840u

/* The fake world: a clock, the requests sent, the results of a tick. */
struct sent {
	uint32_t netns;
	int family;
	uint8_t addr[16];
	uint8_t buf[TSL_PROBE_LEN];
};

static struct {
	uint64_t t;
	struct sent sent[64];
	unsigned int n_sent;
	struct tsl_probe_result res[64];
	unsigned int n_res;
	int send_err;		/* fake_send fails with it, when not 0 */
	int emit_err;		/* collect fails with it, when not 0 */
} w;

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return w.t;
}

static int fake_send(void *arg, uint32_t netns, int family,
		     const uint8_t *addr, const void *buf, size_t len)
{
	struct sent *s;

	(void)arg;
	if (w.send_err)
		return w.send_err;
	s = &w.sent[w.n_sent++];
	assert_true(w.n_sent <= 64);
	assert_int_equal(len, TSL_PROBE_LEN);
	s->netns = netns;
	s->family = family;
	memcpy(s->addr, addr, family == AF_INET ? 4 : 16);
	memcpy(s->buf, buf, len);
	return 0;
}

static int collect(void *arg, const struct tsl_probe_result *r)
{
	(void)arg;
	if (w.emit_err)
		return w.emit_err;
	assert_true(w.n_res < 64);
	w.res[w.n_res++] = *r;
	return 0;
}

static const struct tsl_probe_result *result(uint64_t cookie)
{
	unsigned int i;

	for (i = 0; i < w.n_res; i++)
		if (w.res[i].cookie == cookie)
			return &w.res[i];
	return NULL;
}

static struct tsl_pathprobe *fake_prober(unsigned int max_peers)
{
	struct tsl_pathprobe_opts o = {
		.clock = fake_clock, .send = fake_send, .send_id = ID,
		.max_peers = max_peers,
	};

	memset(&w, 0, sizeof(w));
	w.t = 1000 * MS;
	return tsl_pathprobe_new(NULL, &o);
}

static void tick(struct tsl_pathprobe *pp, bool send)
{
	w.n_res = 0;
	assert_int_equal(tsl_pathprobe_tick(pp, send, collect, NULL), 0);
}

static uint16_t sum16(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The peer's answer to request @s: type turned into a reply. */
static void answer(const struct sent *s, uint8_t *buf)
{
	memcpy(buf, s->buf, TSL_PROBE_LEN);
	buf[0] = s->family == AF_INET ? 0 : 129;
}

static int reply(struct tsl_pathprobe *pp, const struct sent *s, uint64_t rx)
{
	uint8_t buf[TSL_PROBE_LEN];

	answer(s, buf);
	return tsl_pathprobe_input(pp, s->netns, s->family, s->addr, buf,
				   sizeof(buf), false, rx);
}

static const uint8_t A2[16] = { 10, 0, 0, 2 };
static const uint8_t A3[16] = { 10, 0, 0, 3 };
static const uint8_t M3[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 0, 3 };
static const uint8_t V6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

static void test_packets(void **state)
{
	uint8_t buf[TSL_PROBE_LEN], ip[20 + TSL_PROBE_LEN] = { 0x45 };
	uint16_t id, seq;

	(void)state;
	assert_int_equal(tsl_icmp_echo_build(AF_INET, ID, 7, buf), TSL_PROBE_LEN);
	assert_int_equal(buf[0], 8);		/* echo request */
	assert_int_equal(sum16(buf, sizeof(buf)), 0xffff);	/* checksum ok */
	assert_int_equal(buf[4] << 8 | buf[5], ID);
	assert_int_equal(buf[6] << 8 | buf[7], 7);
	/* a request is not a reply */
	assert_int_equal(tsl_icmp_echo_parse(AF_INET, false, buf, sizeof(buf), &id, &seq), 1);
	buf[0] = 0;
	assert_int_equal(tsl_icmp_echo_parse(AF_INET, false, buf, sizeof(buf), &id, &seq), 0);
	assert_int_equal(id, ID);
	assert_int_equal(seq, 7);
	/* a raw IPv4 socket reads the IP header too */
	memcpy(ip + 20, buf, sizeof(buf));
	assert_int_equal(tsl_icmp_echo_parse(AF_INET, true, ip, sizeof(ip), &id, &seq), 0);
	ip[0] = 0x44;				/* header shorter than 20 */
	assert_int_equal(tsl_icmp_echo_parse(AF_INET, true, ip, sizeof(ip), &id, &seq), 1);
	ip[0] = 0x4f;				/* header past the packet */
	assert_int_equal(tsl_icmp_echo_parse(AF_INET, true, ip, 40, &id, &seq), 1);
	/* short, someone else's payload, a nonzero code */
	assert_int_equal(tsl_icmp_echo_parse(AF_INET, false, buf, 8, &id, &seq), 1);
	buf[10] ^= 1;
	assert_int_equal(tsl_icmp_echo_parse(AF_INET, false, buf, sizeof(buf), &id, &seq), 1);
	buf[10] ^= 1;
	buf[1] = 1;
	assert_int_equal(tsl_icmp_echo_parse(AF_INET, false, buf, sizeof(buf), &id, &seq), 1);

	tsl_icmp_echo_build(AF_INET6, ID, 65535, buf);
	assert_int_equal(buf[0], 128);
	assert_int_equal(buf[2] | buf[3], 0);	/* the kernel sums ICMPv6 */
	buf[0] = 129;
	assert_int_equal(tsl_icmp_echo_parse(AF_INET6, false, buf, sizeof(buf), &id, &seq), 0);
	assert_int_equal(seq, 65535);
	/* an IPv4 reply type means nothing to ICMPv6 */
	buf[0] = 0;
	assert_int_equal(tsl_icmp_echo_parse(AF_INET6, false, buf, sizeof(buf), &id, &seq), 1);
}

static void test_peers(void **state)
{
	static const uint8_t zero[16], mcast[16] = { 224, 0, 0, 1 },
			     mcast6[16] = { 0xff, 0x02, [15] = 1 };
	struct tsl_pathprobe *pp = fake_prober(0);

	(void)state;
	assert_non_null(pp);
	assert_int_equal(tsl_pathprobe_add(pp, 1, NS, AF_INET, A2), 0);
	assert_int_equal(tsl_pathprobe_add(pp, 2, NS, AF_INET, A2), 0);	/* shared */
	assert_int_equal(tsl_pathprobe_add(pp, 2, NS, AF_INET, A2), 0);	/* again */
	assert_int_equal(tsl_pathprobe_add(pp, 3, NS, AF_INET6, M3), 0);
	assert_int_equal(tsl_pathprobe_add(pp, 4, NS, AF_INET6, V6), 0);
	assert_int_equal(tsl_pathprobe_add(pp, 5, NS + 1, AF_INET, A2), 0);	/* other netns */
	/* not one host: never probed */
	assert_int_equal(tsl_pathprobe_add(pp, 6, NS, AF_INET, zero), 1);
	assert_int_equal(tsl_pathprobe_add(pp, 7, NS, AF_INET, mcast), 1);
	assert_int_equal(tsl_pathprobe_add(pp, 8, NS, AF_INET6, mcast6), 1);
	assert_int_equal(tsl_pathprobe_add(pp, 9, NS, AF_INET6, zero), 1);

	tick(pp, true);
	assert_int_equal(w.n_res, 0);
	assert_int_equal(w.n_sent, 4);		/* one per peer */
	assert_int_equal(w.sent[0].family, AF_INET);
	assert_memory_equal(w.sent[0].addr, A2, 4);
	assert_int_equal(w.sent[0].netns, NS);
	assert_int_equal(w.sent[1].family, AF_INET);	/* v4-mapped: over IPv4 */
	assert_memory_equal(w.sent[1].addr, A3, 4);
	assert_int_equal(w.sent[2].family, AF_INET6);
	assert_memory_equal(w.sent[2].addr, V6, 16);
	assert_int_equal(w.sent[3].netns, NS + 1);
	tick(pp, false);
	assert_int_equal(w.n_sent, 4);		/* no send asked */
	tsl_pathprobe_free(pp);
}

static void test_max_peers(void **state)
{
	struct tsl_pathprobe *pp = fake_prober(2);

	(void)state;
	assert_int_equal(tsl_pathprobe_add(pp, 1, NS, AF_INET, A2), 0);
	assert_int_equal(tsl_pathprobe_add(pp, 2, NS, AF_INET, A3), 0);
	assert_int_equal(tsl_pathprobe_add(pp, 3, NS, AF_INET6, V6), 1);
	assert_int_equal(tsl_pathprobe_add(pp, 4, NS, AF_INET, A2), 0);	/* known peer */
	tick(pp, true);
	assert_int_equal(w.n_sent, 2);
	/* a peer let go makes room */
	tsl_pathprobe_remove(pp, 2);
	assert_int_equal(tsl_pathprobe_add(pp, 3, NS, AF_INET6, V6), 0);
	tick(pp, true);
	assert_int_equal(w.n_sent, 4);
	assert_int_equal(w.sent[3].family, AF_INET6);
	tsl_pathprobe_free(pp);
}

static void test_matching(void **state)
{
	struct tsl_pathprobe *pp = fake_prober(0);
	uint8_t buf[TSL_PROBE_LEN];
	struct sent s;
	const struct tsl_probe_result *r;

	(void)state;
	tsl_pathprobe_add(pp, 1, NS, AF_INET, A2);
	tsl_pathprobe_add(pp, 2, NS, AF_INET, A2);
	tsl_pathprobe_add(pp, 3, NS, AF_INET6, V6);
	tick(pp, true);
	assert_int_equal(w.n_sent, 2);
	s = w.sent[0];

	/* from another address, with another id, in another namespace */
	memcpy(s.addr, A3, 4);
	assert_int_equal(reply(pp, &s, w.t + 300000), 0);
	s = w.sent[0];
	s.buf[5] ^= 1;
	assert_int_equal(reply(pp, &s, w.t + 300000), 0);
	s = w.sent[0];
	s.netns = NS + 1;
	assert_int_equal(reply(pp, &s, w.t + 300000), 0);
	/* the request itself, looped back to a raw socket */
	assert_int_equal(tsl_pathprobe_input(pp, NS, AF_INET, A2, w.sent[0].buf,
					     TSL_PROBE_LEN, false, w.t), 0);
	/* the answer, once */
	assert_int_equal(reply(pp, &w.sent[0], w.t + 300000), 1);
	assert_int_equal(reply(pp, &w.sent[0], w.t + 400000), 0);
	/* IPv6 */
	answer(&w.sent[1], buf);
	assert_int_equal(tsl_pathprobe_input(pp, NS, AF_INET6, V6, buf, sizeof(buf),
					     false, w.t + 50000), 1);

	w.t += 100 * MS;
	tick(pp, true);
	assert_int_equal(w.n_res, 3);
	r = result(1);
	assert_non_null(r);
	assert_true(r->has_rtt);
	assert_int_equal(r->rtt_us, 300);
	assert_int_equal(r->lost, 0);
	assert_int_equal(result(2)->rtt_us, 300);	/* same peer */
	assert_int_equal(result(3)->rtt_us, 50);
	/* the next tick's probes carry the next sequence numbers */
	assert_int_equal(w.n_sent, 4);
	assert_int_equal(w.sent[2].buf[7], w.sent[0].buf[7] + 1);
	w.t += 100 * MS;
	tick(pp, false);
	assert_int_equal(w.n_res, 0);		/* nothing came: nothing said */
	tsl_pathprobe_free(pp);
}

static void test_median(void **state)
{
	static const uint32_t rtt[] = { 900, 100, 200, 5000 };
	struct tsl_pathprobe *pp = fake_prober(0);
	uint64_t sent_at[4];
	int i;

	(void)state;
	tsl_pathprobe_add(pp, 1, NS, AF_INET, A2);
	for (i = 0; i < 4; i++) {	/* four probes in flight */
		sent_at[i] = w.t;
		tick(pp, true);
		w.t += 10 * MS;
	}
	assert_int_equal(w.n_sent, 4);
	for (i = 0; i < 3; i++)
		assert_int_equal(reply(pp, &w.sent[i], sent_at[i] + rtt[i] * 1000), 1);
	tick(pp, false);
	assert_int_equal(w.n_res, 1);
	assert_int_equal(w.res[0].rtt_us, 200);	/* of 100, 200, 900 */
	/* an even count: the mean of the middle two */
	tick(pp, true);
	tick(pp, true);
	assert_int_equal(w.n_sent, 6);
	assert_int_equal(reply(pp, &w.sent[4], w.t + 100000), 1);
	assert_int_equal(reply(pp, &w.sent[5], w.t + 400000), 1);
	tick(pp, false);
	assert_int_equal(w.res[0].rtt_us, 250);	/* of 100 and 400 */
	assert_int_equal(reply(pp, &w.sent[3], sent_at[3] + rtt[3] * 1000), 1);
	tick(pp, false);
	assert_int_equal(w.res[0].rtt_us, 5000);
	tsl_pathprobe_free(pp);
}

static void test_timeout(void **state)
{
	struct tsl_pathprobe *pp = fake_prober(0);
	const struct tsl_probe_result *r;
	uint64_t t0;
	int i;

	(void)state;
	tsl_pathprobe_add(pp, 1, NS, AF_INET, A2);
	tsl_pathprobe_add(pp, 2, NS, AF_INET, A3);
	t0 = w.t;
	tick(pp, true);
	/* nine ticks of 100 ms: not yet lost */
	for (i = 0; i < 9; i++) {
		w.t += 100 * MS;
		tick(pp, false);
		assert_int_equal(w.n_res, 0);
	}
	/* the reply to A3 arrives 999 ms late, read before the timeout ran */
	assert_int_equal(reply(pp, &w.sent[1], t0 + 999 * MS), 1);
	w.t = t0 + TSL_PROBE_TIMEOUT_NS;
	tick(pp, true);
	assert_int_equal(w.n_res, 2);
	r = result(1);
	assert_false(r->has_rtt);
	assert_int_equal(r->lost, 1);
	r = result(2);
	assert_true(r->has_rtt);
	assert_int_equal(r->rtt_us, 999000);
	assert_int_equal(r->lost, 0);
	/* a reply after its timeout is not matched, nor counted twice */
	assert_int_equal(reply(pp, &w.sent[0], w.t + MS), 0);
	w.t += 100 * MS;
	tick(pp, false);
	assert_int_equal(w.n_res, 0);
	/* a clock that stepped back makes no sample, and no loss */
	assert_int_equal(reply(pp, &w.sent[2], 0), 1);
	w.t += 100 * MS;
	tick(pp, false);
	assert_int_equal(w.n_res, 0);
	tsl_pathprobe_free(pp);
}

static void test_remove(void **state)
{
	struct tsl_pathprobe *pp = fake_prober(0);
	int i;

	(void)state;
	tsl_pathprobe_add(pp, 1, NS, AF_INET, A2);
	tsl_pathprobe_add(pp, 2, NS, AF_INET, A2);
	tick(pp, true);
	tsl_pathprobe_remove(pp, 1);
	tsl_pathprobe_remove(pp, 99);		/* never added */
	/* flow 2 still needs the peer */
	assert_int_equal(reply(pp, &w.sent[0], w.t + 10000), 1);
	tick(pp, true);
	assert_int_equal(w.n_res, 1);
	assert_int_equal(w.res[0].cookie, 2);
	tsl_pathprobe_remove(pp, 2);
	/* the peer is gone: its probe in flight is neither answered nor lost */
	assert_int_equal(reply(pp, &w.sent[1], w.t + 10000), 0);
	for (i = 0; i < 12; i++) {
		w.t += 100 * MS;
		tick(pp, true);
		assert_int_equal(w.n_res, 0);
	}
	assert_int_equal(w.n_sent, 2);
	tsl_pathprobe_free(pp);
}

/* Failures of sending and of @emit: what is not one is no error. */
static void test_errors(void **state)
{
	struct tsl_pathprobe *pp = fake_prober(0);

	(void)state;
	assert_int_equal(tsl_pathprobe_add(pp, 1, NS, AF_INET, A2), 0);
	assert_int_equal(tsl_pathprobe_add(pp, 2, NS, AF_INET, A3), 0);
	/* a full queue skips a tick: the peers are probed in the next */
	w.send_err = -EAGAIN;
	tick(pp, true);
	w.send_err = -ENOBUFS;
	tick(pp, true);
	w.send_err = 0;
	tick(pp, true);
	assert_int_equal(w.n_sent, 2);
	/* anything else ends a peer's probes, said once: still no error */
	w.send_err = -EHOSTUNREACH;
	tick(pp, true);
	w.send_err = 0;
	tick(pp, true);
	assert_int_equal(w.n_sent, 2);
	/* what @emit fails with ends the tick, as it is */
	assert_int_equal(tsl_pathprobe_add(pp, 3, NS, AF_INET6, V6), 0);
	tick(pp, true);
	assert_int_equal(w.n_sent, 3);
	assert_int_equal(reply(pp, &w.sent[2], w.t + 10000), 1);
	w.emit_err = -ECANCELED;
	assert_int_equal(tsl_pathprobe_tick(pp, true, collect, NULL), -ECANCELED);
	tsl_pathprobe_free(pp);
}

/* Can this process open an ICMP socket of @family at all? */
static bool can_ping(int family)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(family, SOCK_DGRAM, proto);

	if (fd < 0)
		fd = socket(family, SOCK_RAW, proto);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void loopback(int family, const uint8_t *addr)
{
	struct tsl_pathprobe_opts o = { 0 };
	struct tsl_netns *ns;
	struct tsl_pathprobe *pp;
	int i;

	if (!can_ping(family)) {
		/* neither ping_group_range nor CAP_NET_RAW allows it */
		skip();
	}
	ns = tsl_netns_new(NULL, NULL);
	assert_non_null(ns);
	pp = tsl_pathprobe_new(ns, &o);
	assert_non_null(pp);
	assert_int_equal(tsl_pathprobe_add(pp, 42, tsl_netns_self(ns), family, addr), 0);
	memset(&w, 0, sizeof(w));
	/* a tick of 10 ms; the first replies may come before the kernel stamps them */
	for (i = 0; i < 100 && !w.n_res; i++) {
		tick(pp, true);
		usleep(10000);
	}
	assert_int_equal(w.n_res, 1);
	assert_int_equal(w.res[0].cookie, 42);
	assert_true(w.res[0].has_rtt);
	assert_int_equal(w.res[0].lost, 0);
	/* the kernel's receive time, not when the tick read it */
	assert_in_range(w.res[0].rtt_us, 0, 9999);
	tsl_pathprobe_free(pp);
	tsl_netns_free(ns);
}

static void test_loopback_v4(void **state)
{
	static const uint8_t lo[16] = { 127, 0, 0, 1 };

	(void)state;
	loopback(AF_INET, lo);
}

static void test_loopback_v6(void **state)
{
	(void)state;
	loopback(AF_INET6, in6addr_loopback.s6_addr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_max_peers),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_loopback_v4),
		cmocka_unit_test(test_loopback_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
