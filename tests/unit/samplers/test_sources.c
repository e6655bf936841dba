// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the /proc and /sys parsers against fixtures, and of malformed files.
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "samplers/sources.h"

/* test_sample_util.c */
char *tmp_root(void);
void put_file(const char *root, const char *rel, const char *text);
void rm_root(char *root);

#define FIXTURE "data/proc"

static const struct tsl_counter *find(const struct tsl_counters *c,
				      const char *group, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].group, group) && !strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

static void test_snmp(void **state)
{
	struct tsl_counters c = { 0 };

	(void)state;
	assert_int_equal(tsl_sample_snmp(FIXTURE, &c), 0);
	assert_int_equal(c.n, 83 + 229);
	assert_int_equal(find(&c, "Ip", "InReceives")->value, 10249);
	assert_int_equal(find(&c, "Tcp", "OutSegs")->value, 4568);
	assert_int_equal(find(&c, "Tcp", "RetransSegs")->value, 0);
	assert_int_equal(find(&c, "Tcp", "MaxConn")->value, -1);
	assert_int_equal(find(&c, "TcpExt", "DelayedACKs")->value, 1);
	assert_int_equal(find(&c, "TcpExt", "TCPTimeouts")->value, 2);
	assert_int_equal(find(&c, "TcpExt", "TCPOFOQueue")->value, 3);
	assert_non_null(find(&c, "TcpExt", "TCPBacklogDrop"));
	assert_non_null(find(&c, "TcpExt", "PruneCalled"));
	assert_null(find(&c, "Tcp", "NoSuchCounter"));
	/* a second sample replaces the first */
	assert_int_equal(tsl_sample_snmp(FIXTURE, &c), 0);
	assert_int_equal(c.n, 83 + 229);
	tsl_counters_free(&c);
}

static void test_snmp_malformed(void **state)
{
	static const char *const bad[] = {
		"",					/* empty */
		"Tcp: A B\n",				/* header without values */
		"Tcp: A B\nTcp: 1\n",			/* fewer values */
		"Tcp: A\nTcp: 1 2\n",			/* more values */
		"Tcp: A B\nUdp: 1 2\n",			/* another group */
		"Tcp: A B\nTcp: 1 x\n",			/* not a number */
		"Tcp A B\nTcp 1 2\n",			/* no colon */
		"Tcp: A B\nTcp: 1 99999999999999999999\n",	/* overflow */
	};
	struct tsl_counters c = { 0 };
	char *dir = tmp_root();
	size_t i;

	(void)state;
	put_file(dir, "net/netstat", "TcpExt: A\nTcpExt: 1\n");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_file(dir, "net/snmp", bad[i]);
		assert_int_equal(tsl_sample_snmp(dir, &c), -EINVAL);
	}
	put_file(dir, "net/snmp", "Tcp: A B\nTcp: 1 -2\n");
	assert_int_equal(tsl_sample_snmp(dir, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(find(&c, "Tcp", "B")->value, -2);
	assert_int_equal(find(&c, "TcpExt", "A")->value, 1);
	assert_int_equal(tsl_sample_snmp("data/no-such-dir", &c), -ENOENT);
	tsl_counters_free(&c);
	rm_root(dir);
}

static void test_stat_softirqs(void **state)
{
	struct tsl_cpus c = { 0 };

	(void)state;
	assert_int_equal(tsl_sample_stat(FIXTURE, &c), 0);
	assert_int_equal(tsl_sample_softirqs(FIXTURE, &c), 0);
	assert_int_equal(c.n, 2);
	assert_true(c.all.online);
	assert_int_equal(c.all.ticks[TSL_CPU_USER], 86146);
	assert_int_equal(c.all.ticks[TSL_CPU_IDLE], 221322);
	assert_true(c.v[1].online);
	assert_int_equal(c.v[1].ticks[TSL_CPU_SYSTEM], 17530);
	assert_int_equal(c.v[1].ticks[TSL_CPU_IOWAIT], 893);
	assert_int_equal(c.v[1].ticks[TSL_CPU_SOFTIRQ], 996);
	assert_int_equal(c.v[1].ticks[TSL_CPU_STEAL], 0);
	assert_int_equal(c.v[0].net_tx, 4);
	assert_int_equal(c.v[0].net_rx, 2995);
	assert_int_equal(c.v[1].net_rx, 4530);
	assert_true(c.v[1].has_softirq);
	tsl_cpus_free(&c);
}

static void test_stat_malformed(void **state)
{
	static const char *const bad_stat[] = {
		"",
		"intr 1 2 3\n",
		"cpu  1 2 3\n",				/* truncated */
		"cpu  1 2 3 4 5 6 7 8\ncpux 1 2 3 4 5 6 7 8\n",
		"cpu  1 2 3 4 5 6 7 8\ncpu99999999 1 2 3 4 5 6 7 8\n",
	};
	static const char *const bad_irq[] = {
		"",
		"  CPU0 CPU1\n NET_TX: 1 2\n",		/* no NET_RX */
		"  CPU0 CPU1\n NET_TX: 1 2\n NET_RX: 1\n",	/* short row */
		"  CPUx\n NET_TX: 1\n NET_RX: 1\n",
		"\n NET_TX: 1\n NET_RX: 1\n",
	};
	struct tsl_cpus c = { 0 };
	uint32_t pct[TSL_CPU_NFIELDS];
	struct tsl_cpu a = { 0 }, b = { 0 };
	char *dir = tmp_root();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_stat) / sizeof(bad_stat[0]); i++) {
		put_file(dir, "stat", bad_stat[i]);
		assert_int_equal(tsl_sample_stat(dir, &c), -EINVAL);
	}
	for (i = 0; i < sizeof(bad_irq) / sizeof(bad_irq[0]); i++) {
		put_file(dir, "softirqs", bad_irq[i]);
		assert_int_equal(tsl_sample_softirqs(dir, &c), -EINVAL);
	}
	tsl_cpus_free(&c);
	rm_root(dir);

	/* 100 ticks: 25 user, 5 softirq, 70 idle */
	b.ticks[TSL_CPU_USER] = 25;
	b.ticks[TSL_CPU_SOFTIRQ] = 5;
	b.ticks[TSL_CPU_IDLE] = 70;
	assert_int_equal(tsl_cpu_percent(&a, &b, pct), 0);
	assert_int_equal(pct[TSL_CPU_USER], 2500);
	assert_int_equal(pct[TSL_CPU_SOFTIRQ], 500);
	assert_int_equal(pct[TSL_CPU_IDLE], 7000);
	assert_int_equal(pct[TSL_CPU_STEAL], 0);
	assert_int_equal(tsl_cpu_percent(&b, &b, pct), 1);	/* no time passed */
}

static void test_pid(void **state)
{
	struct tsl_proc p;

	(void)state;
	assert_int_equal(tsl_sample_pid(FIXTURE, 4242, &p), 0);
	assert_int_equal(p.pid, 4242);
	assert_int_equal(p.state, 'S');
	assert_int_equal(p.utime, 150);
	assert_int_equal(p.stime, 37);
	assert_int_equal(p.vcsw, 1234);
	assert_int_equal(p.nvcsw, 56);
	assert_int_equal(p.processor, 3);
	assert_true(p.has_schedstat);
	assert_int_equal(p.run_ns, 123456789);
	assert_int_equal(p.run_delay_ns, 98765432);
	assert_int_equal(p.timeslices, 4321);
	assert_int_equal(tsl_sample_pid(FIXTURE, 4243, &p), -ENOENT);	/* exited */
}

static void test_pid_malformed(void **state)
{
	static const char *const bad_stat[] = {
		"",
		"7 (x",
		"7 (x) S 1 2 3",			/* truncated */
		"7 (x) S 1 1 1 0 -1 0 0 0 0 0 12\n",	/* no stime */
		"7 (x) S 1 1 1 0 -1 0 0 0 0 0 1x 2\n",
	};
	const char *status = "Name:\tx\nvoluntary_ctxt_switches:\t1\n"
			     "nonvoluntary_ctxt_switches:\t2\n";
	char *dir = tmp_root(), path[PATH_MAX];
	struct tsl_proc p;
	size_t i;

	(void)state;
	put_file(dir, "7/status", status);
	for (i = 0; i < sizeof(bad_stat) / sizeof(bad_stat[0]); i++) {
		put_file(dir, "7/stat", bad_stat[i]);
		assert_int_equal(tsl_sample_pid(dir, 7, &p), -EINVAL);
	}
	put_file(dir, "7/stat", "7 (a) b) R 1 1 1 0 -1 0 0 0 0 0 12 34 0\n");
	assert_int_equal(tsl_sample_pid(dir, 7, &p), 0);
	assert_int_equal(p.state, 'R');
	assert_int_equal(p.utime, 12);
	assert_int_equal(p.stime, 34);
	assert_int_equal(p.nvcsw, 2);
	assert_int_equal(p.processor, -1);	/* no field 39 */
	assert_false(p.has_schedstat);
	put_file(dir, "7/status", "Name:\tx\nvoluntary_ctxt_switches:\t1\n");
	assert_int_equal(tsl_sample_pid(dir, 7, &p), -EINVAL);
	put_file(dir, "7/status", "voluntary_ctxt_switches: x\n");
	assert_int_equal(tsl_sample_pid(dir, 7, &p), -EINVAL);
	/* exited between reading stat and status: gone, not malformed */
	snprintf(path, sizeof(path), "%s/7/status", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(tsl_sample_pid(dir, 7, &p), -ENOENT);
	rm_root(dir);
}

static const struct tsl_nic *nic(const struct tsl_nics *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		if (!strcmp(n->v[i].name, name))
			return &n->v[i];
	return NULL;
}

static void test_nics(void **state)
{
	struct tsl_nics n = { 0 };
	const struct tsl_nic *eth, *lo;
	char *dir = tmp_root();

	(void)state;
	assert_int_equal(tsl_sample_nics(FIXTURE "/sys", &n), 0);
	assert_int_equal(n.n, 2);
	eth = nic(&n, "eth0");
	lo = nic(&n, "lo");
	assert_non_null(eth);
	assert_non_null(lo);
	assert_int_equal(eth->ifindex, 4);
	assert_int_equal(eth->v[TSL_NIC_RX_PACKETS], 10225);
	assert_int_equal(eth->present, (1u << TSL_NIC_NSTATS) - 1);
	assert_int_equal(lo->ifindex, 1);
	assert_int_equal(lo->v[TSL_NIC_TX_BYTES], 3267);
	/* a missing counter is absent, not an error */
	assert_false(lo->present & (1u << TSL_NIC_RX_CRC_ERRORS));
	assert_true(lo->present & (1u << TSL_NIC_RX_PACKETS));

	put_file(dir, "class/net/x0/ifindex", "3\n");
	put_file(dir, "class/net/x0/statistics/rx_packets", "12x\n");
	assert_int_equal(tsl_sample_nics(dir, &n), -EINVAL);
	put_file(dir, "class/net/x0/statistics/rx_packets", "");
	assert_int_equal(tsl_sample_nics(dir, &n), -EINVAL);
	put_file(dir, "class/net/x0/statistics/rx_packets", "12\n");
	assert_int_equal(tsl_sample_nics(dir, &n), 0);
	assert_int_equal(n.n, 1);
	assert_int_equal(n.v[0].present, 1u << TSL_NIC_RX_PACKETS);
	assert_int_equal(tsl_sample_nics("data/no-such-dir", &n), -ENOENT);
	tsl_nics_free(&n);
	rm_root(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snmp),
		cmocka_unit_test(test_snmp_malformed),
		cmocka_unit_test(test_stat_softirqs),
		cmocka_unit_test(test_stat_malformed),
		cmocka_unit_test(test_pid),
		cmocka_unit_test(test_pid_malformed),
		cmocka_unit_test(test_nics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
