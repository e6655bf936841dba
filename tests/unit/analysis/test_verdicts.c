// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the verdicts: for every category a crafted recording that must make it the top verdict.
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "an_fixture.h"
#include "analysis/analysis.h"
#include "output/output.h"

#define FILE_FMT "data/an_%s.rec"

/* Analyse a fixture; the report is left in @r (caller frees). */
static void analyse(const char *name, fx_tweak always, fx_tweak bad,
		    struct tsl_report *r)
{
	struct tsl_report_opts o;
	char path[128];
	int fd;

	mkdir("data", 0755);
	snprintf(path, sizeof(path), FILE_FMT, name);
	assert_int_equal(fx_write(path, always, bad), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	tsl_report_opts_default(&o);
	assert_int_equal(tsl_report_build(fd, path, &o, r), 0);
	close(fd);
	if (getenv("AN_DEBUG"))
		tsl_report_text(r, stderr);
}

static const struct tsl_verdict *top(const struct tsl_report *r)
{
	assert_true(r->n_verdicts > 0);
	return &r->verdicts[0];
}

static double evidence(const struct tsl_verdict *v, const char *name)
{
	unsigned int i;

	for (i = 0; i < v->n_sup; i++)
		if (!strcmp(v->sup[i].name, name))
			return v->sup[i].value;
	for (i = 0; i < v->n_con; i++)
		if (!strcmp(v->con[i].name, name))
			return v->con[i].value;
	fail_msg("no evidence %s in %s", name, tsl_category_names[v->cat]);
	return NAN;
}

static void expect_top(const char *name, fx_tweak always, fx_tweak bad,
		       enum tsl_category cat, struct tsl_report *r)
{
	const struct tsl_verdict *v;
	size_t k;

	analyse(name, always, bad, r);
	v = top(r);
	if (v->cat != cat)
		fail_msg("%s: top verdict %s (%.2f), expected %s", name,
			 tsl_category_names[v->cat], v->confidence,
			 tsl_category_names[cat]);
	assert_true(v->confidence >= 0.5);
	assert_true(v->confidence <= 1.0);
	for (k = 1; k < r->n_verdicts; k++)
		assert_true(r->verdicts[k - 1].confidence >= r->verdicts[k].confidence);
	assert_non_null(v->confirm);
	assert_non_null(v->expected);
}

/* ---- scenarios ---- */

static void healthy_none(struct fx_knobs *k, int i)
{
	(void)k;
	(void)i;
}

static void test_healthy(void **state)
{
	struct tsl_report r;
	const struct tsl_verdict *v;

	(void)state;
	analyse("healthy", healthy_none, NULL, &r);
	v = top(&r);
	assert_int_equal(v->cat, TSL_V_HEALTHY);
	assert_null(v->flow);
	assert_true(v->confidence > 0.5);
	assert_int_equal(r.n_flows, 1);
	assert_int_equal(r.flows[0].ep.n, 0);
	assert_int_equal(r.flows[0].f->t.tx, 10 * FX_INTERVALS);
	assert_int_equal(r.m.n_intervals, FX_INTERVALS);
	tsl_report_free(&r);
}

static void not_reading(struct fx_knobs *k, int i)
{
	(void)i;
	k->rcvq = k->recv_q = 200000;
	k->res_us = 50000;
	k->rtt_us = 5000;
}

static void test_app_not_reading(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("app_not_reading", NULL, not_reading, TSL_V_APP_NOT_READING, &r);
	assert_int_equal(r.flows[0].ep.n, 1);
	assert_int_equal(r.flows[0].ep.v[0].start, FX_BAD_FROM);
	assert_int_equal(r.flows[0].ep.v[0].end, FX_BAD_TO);
	assert_float_equal(evidence(&r.verdicts[0], "read_residence_p50_us"), 50000, 400);
	assert_float_equal(evidence(&r.verdicts[0], "recv_q_high_share"), 1, 0.001);
	tsl_report_free(&r);
}

/* A pure receiver (no RTT samples) whose reader stalls now and then. */
static void receiver_only(struct fx_knobs *k, int i)
{
	(void)i;
	k->n_tx = 0;
	k->res_us = 200;
}

static void stalled(struct fx_knobs *k, int i)
{
	(void)i;
	k->rcvq = k->recv_q = 400000;
	k->res_us = 300000;
}

static void test_app_not_reading_receiver(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("app_not_reading_receiver", receiver_only, stalled,
		   TSL_V_APP_NOT_READING, &r);
	assert_int_equal(r.flows[0].f->rtt.n, 0);
	assert_int_equal(r.flows[0].ep.signal, TSL_EP_RESIDENCE);
	assert_int_equal(r.flows[0].ep.n, 1);
	assert_int_equal(r.flows[0].ep.v[0].start, FX_BAD_FROM);
	assert_int_equal(r.flows[0].ep.v[0].end, FX_BAD_TO);
	tsl_report_free(&r);
}

/*
 * Server RTT 5.4 ms with RTTvar 10.6 ms while the client sees 0.17 ms, and
 * 122 KB waiting in the server's recv_q, now and then; the server sleeps.
 */
static void server_base(struct fx_knobs *k, int i)
{
	(void)i;
	k->rtt_us = 170;
	k->srtt_us = 170;
	k->rttvar_us = 40;
	k->icmp_us = 160;
}

static void server_stall(struct fx_knobs *k, int i)
{
	(void)i;
	k->rtt_us = 5400;
	k->rtt_jitter = 1.5;
	k->srtt_us = 5422;
	k->rttvar_us = 10612;
	k->rcvq = k->recv_q = 122000;
	k->res_us = 40000;
	k->state = 'S';
}

static void test_app_not_reading_server(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("app_not_reading_server", server_base, server_stall,
		   TSL_V_APP_NOT_READING, &r);
	assert_true(evidence(&r.verdicts[0], "owner_sleeping_share") >= 0.5);
	tsl_report_free(&r);
}

static void cpu_bound(struct fx_knobs *k, int i)
{
	not_reading(k, i);
	k->res_us = 30000;
	k->state = 'R';
	k->utime_ms = 90;
	k->stime_ms = 5;
	k->vcsw = 0;
}

static void test_app_cpu_bound(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("app_cpu_bound", NULL, cpu_bound, TSL_V_APP_CPU_BOUND, &r);
	assert_float_equal(evidence(&r.verdicts[0], "owner_cpu_pct"), 95, 0.5);
	tsl_report_free(&r);
}

static void blocked(struct fx_knobs *k, int i)
{
	not_reading(k, i);
	k->res_us = 40000;
	k->state = 'D';
	k->utime_ms = 0;
	k->iowait = 40;
	k->idle = 45;
}

static void test_app_blocked(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("app_blocked", NULL, blocked, TSL_V_APP_BLOCKED, &r);
	assert_float_equal(evidence(&r.verdicts[0], "owner_disk_wait_share"), 1, 0.001);
	tsl_report_free(&r);
}

static void small_rcvbuf(struct fx_knobs *k, int i)
{
	(void)i;
	k->snd_wnd = 8192;
	k->in_flight = 5;
	k->rcv_wnd = 8192;
	k->rcvbuf = 16384;
	k->rb = 16384;
	k->n_tx = 3;
}

static void test_rcvbuf_limited(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("rcvbuf_limited", small_rcvbuf, NULL, TSL_V_RCVBUF_LIMITED, &r);
	assert_float_equal(evidence(&r.verdicts[0], "window_median_bytes"), 8192, 0.5);
	tsl_report_free(&r);
}

static void full_sndbuf(struct fx_knobs *k, int i)
{
	(void)i;
	k->sndq = k->send_q = 2000000;
	k->tb = 2500000;
	k->skw = 2400000;
	k->cwnd = 40;
	k->in_flight = 5;
	k->snd_wnd = 4 << 20;
}

static void test_sndbuf_limited(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("sndbuf_limited", full_sndbuf, NULL, TSL_V_SNDBUF_LIMITED, &r);
	assert_float_equal(evidence(&r.verdicts[0], "send_q_full_share"), 1, 0.001);
	tsl_report_free(&r);
}

static void delack(struct fx_knobs *k, int i)
{
	(void)i;
	k->ack_reason = TSL_ACK_TIMER;
	k->ack_delay_us = 40000;
	k->delayed_rx = true;
	k->rtt_us = 40000;
	k->tx_len = 100;
}

static void test_delayed_ack(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("delayed_ack", NULL, delack, TSL_V_DELAYED_ACK, &r);
	assert_float_equal(evidence(&r.verdicts[0], "timer_ack_delay_p50_us"), 40000, 400);
	assert_float_equal(evidence(&r.verdicts[0], "timer_ack_share"), 1, 0.001);
	tsl_report_free(&r);
}

static void far_path(struct fx_knobs *k, int i)
{
	(void)i;
	k->rtt_us = 20000;
	k->rtt_jitter = 0.02;
	k->srtt_us = 20000;
	k->rttvar_us = 500;
	k->icmp_us = 19500;
	k->icmp_jitter = 0.02;
}

static void test_path_latency(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("path_latency", far_path, NULL, TSL_V_PATH_LATENCY, &r);
	assert_float_equal(evidence(&r.verdicts[0], "icmp_rtt_p50_us"), 19500, 300);
	tsl_report_free(&r);
}

static void jittery(struct fx_knobs *k, int i)
{
	(void)i;
	k->rtt_us = 10000;
	k->rtt_jitter = 1.0;
	k->srtt_us = 10000;
	k->rttvar_us = 4000;
	k->icmp_us = 10000;
	k->icmp_jitter = 1.2;
}

static void test_path_jitter(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("path_jitter", jittery, NULL, TSL_V_PATH_JITTER, &r);
	assert_true(evidence(&r.verdicts[0], "icmp_rtt_spread_us") >= 5000);
	tsl_report_free(&r);
}

static void lossy(struct fx_knobs *k, int i)
{
	k->retrans = 3;
	k->rtt_us = 3000;
	k->icmp_lost = i % 2;
}

static void test_path_loss(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("path_loss", NULL, lossy, TSL_V_PATH_LOSS, &r);
	/* 30 of 600 segments */
	assert_float_equal(evidence(&r.verdicts[0], "retrans_rate"), 0.05, 0.0001);
	assert_float_equal(evidence(&r.verdicts[0], "local_drops"), 0, 0);
	tsl_report_free(&r);
}

static void reordered(struct fx_knobs *k, int i)
{
	(void)i;
	k->ofo = 3;
	k->sack_reorder = 5;
	k->ofo_queue = 5;
	k->rtt_us = 2000;
}

static void test_reordering(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("reordering", NULL, reordered, TSL_V_REORDERING, &r);
	assert_float_equal(evidence(&r.verdicts[0], "ofo_rate"), 0.05, 0.0001);
	tsl_report_free(&r);
}

static void queue(struct fx_knobs *k, int i)
{
	k->in_flight = 20 + 8 * (i - FX_BAD_FROM);
	k->rtt_us = 200 + 40 * k->in_flight;
	k->rtt_jitter = 0.02;
	k->icmp_us = 150 + 40 * k->in_flight;
}

static void test_queueing_delay(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("queueing_delay", NULL, queue, TSL_V_QUEUEING_DELAY, &r);
	assert_true(evidence(&r.verdicts[0], "rtt_in_flight_pearson") > 0.9);
	tsl_report_free(&r);
}

static void contended(struct fx_knobs *k, int i)
{
	(void)i;
	k->nvcsw = 50;
	k->idle0 = 2;
	k->idle = 5;
	k->user = 90;
	k->res_us = 20000;
	k->rcvq = k->recv_q = 30000;
	k->state = 'R';
	k->utime_ms = 30;
	k->run_delay_ms = 60;
	k->rtt_us = 3000;
}

static void test_cpu_contention(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("cpu_contention", NULL, contended, TSL_V_CPU_CONTENTION, &r);
	assert_float_equal(evidence(&r.verdicts[0], "owner_runqueue_wait_pct"), 60, 0.5);
	assert_float_equal(evidence(&r.verdicts[0], "owner_cpu_idle_pct"), 2, 0.01);
	tsl_report_free(&r);
}

static void softirq(struct fx_knobs *k, int i)
{
	(void)i;
	k->softirq0 = 45;
	k->net_rx = 5000;
	k->rtt_us = 3000;
}

static void test_softirq_overload(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("softirq_overload", NULL, softirq, TSL_V_SOFTIRQ_OVERLOAD, &r);
	assert_null(r.verdicts[0].flow);
	assert_float_equal(evidence(&r.verdicts[0], "softirq_max_pct"), 45, 0.01);
	tsl_report_free(&r);
}

static void steal(struct fx_knobs *k, int i)
{
	(void)i;
	k->steal0 = 25;
	k->rtt_us = 3000;
}

static void test_cpu_steal(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("cpu_steal", NULL, steal, TSL_V_CPU_STEAL, &r);
	assert_float_equal(evidence(&r.verdicts[0], "steal_max_pct"), 25, 0.01);
	tsl_report_free(&r);
}

static void nic(struct fx_knobs *k, int i)
{
	(void)i;
	k->nic_errors = 5;
	k->retrans = 1;
	k->rtt_us = 3000;
}

static void test_nic_errors(void **state)
{
	struct tsl_report r;

	(void)state;
	expect_top("nic_errors", NULL, nic, TSL_V_NIC_ERRORS, &r);
	/* rx_errors + rx_crc_errors, 10 intervals */
	assert_float_equal(evidence(&r.verdicts[0], "nic_errors_and_drops"), 100, 0.01);
	tsl_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_app_not_reading),
		cmocka_unit_test(test_app_cpu_bound),
		cmocka_unit_test(test_app_blocked),
		cmocka_unit_test(test_app_not_reading_receiver),
		cmocka_unit_test(test_app_not_reading_server),
		cmocka_unit_test(test_rcvbuf_limited),
		cmocka_unit_test(test_sndbuf_limited),
		cmocka_unit_test(test_delayed_ack),
		cmocka_unit_test(test_path_latency),
		cmocka_unit_test(test_path_jitter),
		cmocka_unit_test(test_path_loss),
		cmocka_unit_test(test_reordering),
		cmocka_unit_test(test_queueing_delay),
		cmocka_unit_test(test_cpu_contention),
		cmocka_unit_test(test_softirq_overload),
		cmocka_unit_test(test_cpu_steal),
		cmocka_unit_test(test_nic_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
