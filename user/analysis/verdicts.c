// SPDX-License-Identifier: GPL-2.0-or-later
// Verdicts: which cause the measurements point to, how strongly, and the test that would confirm it.
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "correlation.h"
#include "episodes.h"
#include "histogram.h"
#include "series.h"
#include "verdicts.h"

const char *const tsl_category_names[TSL_V_NCATEGORIES] = {
	"healthy", "app_not_reading", "app_cpu_bound", "app_blocked",
	"rcvbuf_limited", "sndbuf_limited", "delayed_ack", "path_latency",
	"path_jitter", "path_loss", "reordering", "queueing_delay",
	"cpu_contention", "softirq_overload", "cpu_steal", "nic_errors",
};

static const struct {
	const char *layer, *confirm, *expected;
} advice[TSL_V_NCATEGORIES] = {
	[TSL_V_HEALTHY] = { "-",
		"record again while the problem is reported, with --interval 100",
		"episodes appear and one of the other verdicts rises above 0.5" },
	[TSL_V_APP_NOT_READING] = { "Application",
		"strace -T -p PID -e trace=read,recvfrom,recvmsg,epoll_wait during an episode; perf record -g -p PID",
		"long gaps between reads while recv_q stays high; the time goes to work outside the socket loop" },
	[TSL_V_APP_CPU_BOUND] = { "Application",
		"perf top -p PID / pidstat -u -p PID 1; give the reader more threads or a faster CPU",
		"the owner sits at ~100 % of a core in user time; recv_q and residence fall when it gets more CPU" },
	[TSL_V_APP_BLOCKED] = { "Application",
		"cat /proc/PID/stack and /proc/PID/wchan during an episode; iostat -x 1",
		"the reader waits in the block layer or on a lock; residence drops when the I/O is removed" },
	[TSL_V_RCVBUF_LIMITED] = { "TCP stack",
		"ss -tmi for the flow; raise net.ipv4.tcp_rmem (or SO_RCVBUF) 4x and repeat the transfer",
		"the advertised window grows, in_flight is no longer capped by snd_wnd and throughput rises" },
	[TSL_V_SNDBUF_LIMITED] = { "TCP stack",
		"ss -tmi (skmem t/tb); raise net.ipv4.tcp_wmem (or SO_SNDBUF) and repeat",
		"send_q stays below the larger sndbuf and throughput rises while cwnd was not full" },
	[TSL_V_DELAYED_ACK] = { "TCP stack",
		"set TCP_QUICKACK / TCP_NODELAY on the endpoints, or ip route change ... quickack 1, and repeat",
		"the RTT samples fall from ~40 ms (the delayed-ACK timer) to the path RTT; timer ACKs disappear" },
	[TSL_V_PATH_LATENCY] = { "Network",
		"mtr -rwc 100 PEER; traceroute both ways",
		"the path itself shows the same RTT as TCP; one hop adds most of it" },
	[TSL_V_PATH_JITTER] = { "Network",
		"ping -i 0.2 -c 300 PEER (mdev) and mtr -rwc 300 PEER in parallel with and without the transfer",
		"ICMP RTT varies as much with the transfer stopped; the variation comes from a hop on the path" },
	[TSL_V_PATH_LOSS] = { "Network",
		"mtr -rwc 500 PEER; tcpdump -i IF host PEER to see the retransmitted segments arrive once",
		"loss appears at a hop on the path while all local drop counters stay at zero" },
	[TSL_V_REORDERING] = { "Network",
		"tcpdump on the receiver: count segments arriving below the highest seen sequence; check ECMP/LAG hashing",
		"segments arrive out of order without being lost; nstat TcpExtTCPOFOQueue grows with the transfer" },
	[TSL_V_QUEUEING_DELAY] = { "Network",
		"repeat with a lower rate (tc qdisc fq maxrate, iperf3 -b) or BBR; ping PEER during the transfer",
		"RTT falls to the idle RTT when in_flight is lower; ICMP RTT rises only while the transfer runs" },
	[TSL_V_CPU_CONTENTION] = { "Hardware/scheduling",
		"perf sched latency -p PID; pin the reader with taskset to an idle CPU and repeat",
		"long run-queue waits; residence and involuntary switches drop on an idle CPU" },
	[TSL_V_SOFTIRQ_OVERLOAD] = { "Linux network stack",
		"mpstat -P ALL 1 and /proc/interrupts; spread the NIC queues (RSS/RPS, irqbalance) and repeat",
		"one CPU sits at >= 30 % softirq during episodes; RTT spikes disappear when the load is spread" },
	[TSL_V_CPU_STEAL] = { "Hardware",
		"mpstat 1 (%steal) on the guest; ask the hypervisor for the host's load or move the VM",
		"steal falls to ~0 on a quiet host and the RTT spikes go with it" },
	[TSL_V_NIC_ERRORS] = { "Hardware",
		"ethtool -S IF (crc, fifo, missed); ip -s link; swap the cable/port or enlarge rings (ethtool -G)",
		"error counters grow during episodes; they stop after the hardware fix and retransmissions go away" },
};

/* ---- the numbers ---- */

#define VN_VALUE(id, value, source) [TSL_VN_##id] = value,
const double tsl_verdict_numbers[TSL_VN_COUNT] = {
	TSL_VERDICT_NUMBERS(VN_VALUE)
};
#undef VN_VALUE

#define VN_SOURCE(id, value, source) [TSL_VN_##id] = source,
const char *const tsl_verdict_number_sources[TSL_VN_COUNT] = {
	TSL_VERDICT_NUMBERS(VN_SOURCE)
};
#undef VN_SOURCE

#define TH(id)	tsl_verdict_numbers[TSL_VN_##id]

/* ---- helpers ---- */

/* Rows of a flow in focus. */
struct focus {
	bool *in;
	size_t n, count;
};

static double margin(double ratio)
{
	if (!(ratio > 1))
		return 0;
	return fmin(1, log2(ratio) / 2);
}

static double confidence(double ratio, double share, double contra)
{
	double c = TH(C_BASE) + TH(C_MARGIN) * margin(ratio) +
		   TH(C_SHARE) * fmin(1, fmax(0, share)) - contra;

	return fmin(1, fmax(0, c));
}

static void ev_add(struct tsl_evidence *v, unsigned int *n, const char *name,
		   double value, double threshold)
{
	if (*n >= TSL_MAX_EVIDENCE || isnan(value))
		return;
	v[(*n)++] = (struct tsl_evidence){ name, value, threshold };
}

#define SUP(v, name, value, th) ev_add((v)->sup, &(v)->n_sup, name, value, th)
#define CON(v, name, value, th) ev_add((v)->con, &(v)->n_con, name, value, th)

static double col_mean(const struct tsl_an_flow *f, const struct focus *fo,
		       enum tsl_an_col c)
{
	double s = 0;
	size_t i, n = 0;

	for (i = 0; i < f->n_rows; i++) {
		float v = tsl_an_row(f, i)[c];

		if (fo->in[i] && !isnan(v)) {
			s += v;
			n++;
		}
	}
	return n ? s / n : NAN;
}

static double col_sum(const struct tsl_an_flow *f, const struct focus *fo,
		      enum tsl_an_col c)
{
	double s = 0;
	size_t i;

	for (i = 0; i < f->n_rows; i++) {
		float v = tsl_an_row(f, i)[c];

		if (fo->in[i] && !isnan(v))
			s += v;
	}
	return s;
}

static double col_median(const struct tsl_an_flow *f, const struct focus *fo,
			 enum tsl_an_col c)
{
	double *v = malloc((f->n_rows ? f->n_rows : 1) * sizeof(*v)), m;
	size_t i;

	if (!v)
		return NAN;
	for (i = 0; i < f->n_rows; i++)
		v[i] = fo->in[i] ? tsl_an_row(f, i)[c] : NAN;
	m = tsl_median(v, f->n_rows);
	free(v);
	return m;
}

static double max2(float a, float b)
{
	if (isnan(a))
		return b;
	if (isnan(b))
		return a;
	return a > b ? a : b;
}

/* What the rules look at, for one flow. */
struct fstats {
	const struct tsl_an_flow *f;
	struct focus fo;
	double mss;
	double res;		/* residence p50, median over focus */
	double res90;
	double recvq_share;
	double app_cpu, app_user, r_share, s_share, d_share, nvcsw, idle;
	double iowait;
	double rtt_p50, rtt_p90, rtt_min;
	double icmp_med, icmp_p10, icmp_p90, icmp_n;
	double icmp_iqr, jitter_win_share;	/* ICMP p75-p25; windows with jitter */
	double tcp_iqr, tcp_med;	/* of the flow's RTT samples */
	double corr_inflight;
	double run_delay;	/* owner's run-queue wait, % of the interval */
	double run_delay_share;	/* focus intervals with it >= the threshold */
	double recvq_abs_share;	/* focus intervals with recv_q >= 64 KiB */
	double cwnd_share;	/* focus intervals with in_flight >= 80 % of cwnd */
	const struct fstats *peer;	/* the other end of the connection, if recorded */
};

static double share_recvq(const struct tsl_an_flow *f, const struct focus *fo)
{
	size_t i, n = 0, high = 0;

	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);
		double q = max2(r[TSL_AN_RCVQ], r[TSL_AN_SD_RECV_Q]);
		double buf = max2(r[TSL_AN_RCVBUF], r[TSL_AN_SD_RB]);

		if (!fo->in[i] || isnan(q))
			continue;
		n++;
		high += q >= TH(RECVQ_BYTES) ||
			(!isnan(buf) && buf > 0 && q >= TH(RECVQ_RCVBUF) * buf);
	}
	return n ? (double)high / n : 0;
}

static double share_recvq_abs(const struct tsl_an_flow *f, const struct focus *fo)
{
	size_t i, n = 0, high = 0;

	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);
		double q = max2(r[TSL_AN_RCVQ], r[TSL_AN_SD_RECV_Q]);

		if (!fo->in[i] || isnan(q))
			continue;
		n++;
		high += q >= TH(RECVQ_BYTES);
	}
	return n ? (double)high / n : 0;
}

/* Share of focus rows (with a value) where column @c >= @th. */
static double col_share(const struct tsl_an_flow *f, const struct focus *fo,
			enum tsl_an_col c, double th)
{
	size_t i, n = 0, hit = 0;

	for (i = 0; i < f->n_rows; i++) {
		float v = tsl_an_row(f, i)[c];

		if (!fo->in[i] || isnan(v))
			continue;
		n++;
		hit += v >= th;
	}
	return n ? (double)hit / n : NAN;
}

static double cwnd_limited_share(const struct tsl_an_flow *f, const struct focus *fo)
{
	size_t i, n = 0, hit = 0;

	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);

		if (!fo->in[i] || isnan(r[TSL_AN_CWND]) || isnan(r[TSL_AN_IN_FLIGHT]) ||
		    !(r[TSL_AN_CWND] > 0))
			continue;
		n++;
		hit += r[TSL_AN_IN_FLIGHT] >= TH(CWND_FULL) * r[TSL_AN_CWND];
	}
	return n ? (double)hit / n : 0;
}

/*
 * ICMP jitter that lasts: the share of windows of TH(JITTER_WINDOW)
 * intervals (with enough probes) whose interquartile range is >= 1 ms and
 * >= 30 % of the window's median. Quartiles, not extremes, so that a few
 * probes delayed by scheduling on the hosts do not count as a path's jitter.
 */
static double jitter_windows(const struct tsl_an_flow *f, const double *icmp)
{
	size_t i, len, w = 0, hit = 0, width = TH(JITTER_WINDOW);

	/* windows of the span; the intervals without a row hold no probe */
	for (i = 0; i < f->n_rows; i += len) {
		size_t win = tsl_an_pos(f, i) / width, k, m = 0;
		double q1, q3, med;

		for (len = 1; i + len < f->n_rows &&
		     tsl_an_pos(f, i + len) / width == win; len++)
			;
		for (k = 0; k < len; k++)
			m += !isnan(icmp[i + k]);
		if (m < TH(JITTER_WIN_MIN))
			continue;
		q1 = tsl_quantile(icmp + i, len, 0.25);
		q3 = tsl_quantile(icmp + i, len, 0.75);
		med = tsl_quantile(icmp + i, len, 0.5);
		w++;
		hit += q3 - q1 >= TH(JITTER_US) && q3 - q1 >= TH(JITTER_REL) * med;
	}
	return w ? (double)hit / w : 0;
}

static void fstats_fill(struct fstats *s, const struct tsl_flow_report *fr,
			uint64_t iv_ns)
{
	const struct tsl_an_flow *f = fr->f;
	double *rtt, *infl;
	struct focus all;

	s->f = f;
	s->mss = f->t.mss ? f->t.mss : 1448;
	s->res = col_median(f, &s->fo, TSL_AN_RES_P50);
	if (isnan(s->res) && f->res.n)
		s->res = tsl_hist_quantile(&f->res, 0.5);
	s->res90 = col_median(f, &s->fo, TSL_AN_RES_P90);
	/*
	 * Episodes found in how long data waits: inside them, the wait
	 * includes the intervals without reads while data was queued.
	 */
	if (fr->ep.signal == TSL_EP_RESIDENCE && fr->ep.n && iv_ns) {
		double *w = tsl_residence_series(f, iv_ns);
		size_t i;

		if (w) {
			for (i = 0; i < f->n_rows; i++)
				if (!s->fo.in[i])
					w[i] = NAN;
			s->res = fmax(isnan(s->res) ? 0 : s->res, tsl_median(w, f->n_rows));
			s->res90 = fmax(isnan(s->res90) ? 0 : s->res90,
					tsl_quantile(w, f->n_rows, 0.9));
			free(w);
		}
	}
	s->recvq_share = share_recvq(f, &s->fo);
	s->app_cpu = col_mean(f, &s->fo, TSL_AN_APP_CPU);
	s->app_user = col_mean(f, &s->fo, TSL_AN_APP_USER);
	s->r_share = col_mean(f, &s->fo, TSL_AN_APP_R);
	s->s_share = col_mean(f, &s->fo, TSL_AN_APP_S);
	s->d_share = col_mean(f, &s->fo, TSL_AN_APP_D);
	s->nvcsw = col_mean(f, &s->fo, TSL_AN_APP_NVCSW);
	s->idle = col_mean(f, &s->fo, TSL_AN_APP_CPU_IDLE);
	s->iowait = col_mean(f, &s->fo, TSL_AN_H_IOWAIT);
	s->rtt_p50 = f->rtt.n ? tsl_hist_quantile(&f->rtt, 0.5) : NAN;
	s->rtt_p90 = f->rtt.n ? tsl_hist_quantile(&f->rtt, 0.9) : NAN;
	s->rtt_min = f->rtt.n ? (double)f->rtt.min : NAN;
	all.in = NULL;
	s->icmp_med = s->icmp_p10 = s->icmp_p90 = s->icmp_iqr = NAN;
	s->tcp_iqr = s->tcp_med = NAN;
	rtt = tsl_an_series(f, TSL_AN_ICMP_RTT);
	if (rtt) {
		s->icmp_med = tsl_quantile(rtt, f->n_rows, 0.5);
		s->icmp_p10 = tsl_quantile(rtt, f->n_rows, 0.1);
		s->icmp_p90 = tsl_quantile(rtt, f->n_rows, 0.9);
		s->icmp_iqr = tsl_quantile(rtt, f->n_rows, 0.75) -
			      tsl_quantile(rtt, f->n_rows, 0.25);
		s->jitter_win_share = jitter_windows(f, rtt);
	}
	free(rtt);
	if (f->rtt.n) {
		s->tcp_med = tsl_hist_quantile(&f->rtt, 0.5);
		s->tcp_iqr = tsl_hist_quantile(&f->rtt, 0.75) -
			     tsl_hist_quantile(&f->rtt, 0.25);
	}
	s->run_delay = col_mean(f, &s->fo, TSL_AN_APP_RUN_DELAY);
	s->run_delay_share = col_share(f, &s->fo, TSL_AN_APP_RUN_DELAY,
				       TH(RUN_DELAY_PCT));
	s->recvq_abs_share = share_recvq_abs(f, &s->fo);
	s->cwnd_share = cwnd_limited_share(f, &s->fo);
	s->icmp_n = f->t.icmp_samples;
	s->corr_inflight = NAN;
	rtt = tsl_an_series(f, TSL_AN_RTT_P90);
	infl = tsl_an_series(f, TSL_AN_IN_FLIGHT);
	if (rtt && infl)
		s->corr_inflight = tsl_pearson(rtt, infl, f->n_rows);
	free(rtt);
	free(infl);
	(void)all;
}

/* ---- the rules, one flow ---- */

typedef bool (*rule_fn)(const struct fstats *s, struct tsl_verdict *v);

static bool app_not_reading(const struct fstats *s, struct tsl_verdict *v)
{
	double contra = 0;

	if (s->recvq_share < TH(SHARE) || !(s->res >= TH(RESIDENCE_US)))
		return false;
	SUP(v, "recv_q_high_share", s->recvq_share, TH(SHARE));
	SUP(v, "read_residence_p50_us", s->res, TH(RESIDENCE_US));
	if (s->s_share >= TH(SLEEP_SHARE))
		SUP(v, "owner_sleeping_share", s->s_share, TH(SLEEP_SHARE));
	if (s->app_cpu < TH(APP_LOW_CPU_PCT))
		SUP(v, "owner_cpu_pct", s->app_cpu, TH(APP_LOW_CPU_PCT));
	if (s->app_cpu >= TH(APP_CPU_PCT)) {
		CON(v, "owner_cpu_pct", s->app_cpu, TH(APP_CPU_PCT));
		contra += TH(W_STRONG);
	}
	if (s->d_share >= TH(D_SHARE)) {
		CON(v, "owner_disk_wait_share", s->d_share, TH(D_SHARE));
		contra += TH(W_STRONG);
	}
	if (s->nvcsw >= TH(NVCSW_PS) && s->idle <= TH(IDLE_PCT)) {
		CON(v, "owner_involuntary_cs_ps", s->nvcsw, TH(NVCSW_PS));
		contra += TH(W_WEAK);
	}
	/* an owner that is runnable wants to read: it is not ignoring the socket */
	if (s->r_share >= TH(RUNNABLE_SHARE)) {
		CON(v, "owner_running_share", s->r_share, TH(RUNNABLE_SHARE));
		contra += TH(W_STRONG);
	}
	if (s->run_delay >= TH(RUN_DELAY_PCT)) {
		CON(v, "owner_runqueue_wait_pct", s->run_delay, TH(RUN_DELAY_PCT));
		contra += TH(W_WEAK);
	}
	v->confidence = confidence(s->res / TH(RESIDENCE_US),
				   s->recvq_share, contra);
	return true;
}

static bool app_cpu_bound(const struct fstats *s, struct tsl_verdict *v)
{
	double contra = 0, user_frac = s->app_user / s->app_cpu;

	if ((s->recvq_share < TH(SHARE) && !(s->res >= TH(RESIDENCE_US))) ||
	    !(s->app_cpu >= TH(APP_CPU_PCT)))
		return false;
	SUP(v, "owner_cpu_pct", s->app_cpu, TH(APP_CPU_PCT));
	SUP(v, "recv_q_high_share", s->recvq_share, TH(SHARE));
	SUP(v, "read_residence_p50_us", s->res, TH(RESIDENCE_US));
	if (s->r_share >= TH(RUNNABLE_SHARE))
		SUP(v, "owner_running_share", s->r_share, TH(RUNNABLE_SHARE));
	if (user_frac >= TH(USER_FRACTION)) {
		SUP(v, "owner_user_fraction", user_frac, TH(USER_FRACTION));
	} else {
		CON(v, "owner_user_fraction", user_frac, TH(USER_FRACTION));
		contra += TH(W_WEAK);
	}
	if (s->d_share >= TH(D_SHARE)) {
		CON(v, "owner_disk_wait_share", s->d_share, TH(D_SHARE));
		contra += TH(W_STRONG);
	}
	v->confidence = confidence(s->app_cpu / TH(APP_CPU_PCT) * 2,
				   isnan(s->r_share) ? TH(SHARE_UNKNOWN) : s->r_share, contra);
	return true;
}

static bool app_blocked(const struct fstats *s, struct tsl_verdict *v)
{
	double contra = 0, share;

	if (!(s->res >= TH(RESIDENCE_US)) ||
	    !(s->d_share >= TH(D_SHARE) || s->iowait >= TH(IOWAIT_PCT)))
		return false;
	SUP(v, "read_residence_p50_us", s->res, TH(RESIDENCE_US));
	if (s->d_share >= TH(D_SHARE))
		SUP(v, "owner_disk_wait_share", s->d_share, TH(D_SHARE));
	if (s->iowait >= TH(IOWAIT_PCT))
		SUP(v, "host_iowait_pct", s->iowait, TH(IOWAIT_PCT));
	if (s->app_cpu >= TH(APP_CPU_PCT)) {
		CON(v, "owner_cpu_pct", s->app_cpu, TH(APP_CPU_PCT));
		contra += TH(W_STRONG);
	}
	share = s->d_share >= TH(D_SHARE) ? s->d_share : TH(SHARE_UNKNOWN);
	v->confidence = confidence(s->res / TH(RESIDENCE_US), share, contra);
	return true;
}

/* Fraction of focus rows where the peer's advertised window is the limit. */
static double window_limited(const struct fstats *s, double *wnd_med)
{
	const struct tsl_an_flow *f = s->f;
	double small = fmax(TH(SMALL_WND), TH(SMALL_WND_MSS) * s->mss);
	double *w = malloc((f->n_rows ? f->n_rows : 1) * sizeof(*w));
	size_t i, n = 0, lim = 0;

	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);
		double wnd = !isnan(r[TSL_AN_SND_WND]) ? r[TSL_AN_SND_WND] : r[TSL_AN_RCV_WND];
		bool l = false, known = false;

		if (w)
			w[i] = s->fo.in[i] ? wnd : NAN;
		if (!s->fo.in[i])
			continue;
		if (!isnan(r[TSL_AN_RCV_WND]) || !isnan(r[TSL_AN_RCVBUF])) {
			known = true;
			l |= r[TSL_AN_RCV_WND] <= small || r[TSL_AN_RCVBUF] <= TH(SMALL_WND);
		}
		if (!isnan(r[TSL_AN_SND_WND])) {
			known = true;
			l |= r[TSL_AN_SND_WND] <= small;
			if (!isnan(r[TSL_AN_CWND]) && !isnan(r[TSL_AN_IN_FLIGHT]))
				l |= r[TSL_AN_CWND] * s->mss > r[TSL_AN_SND_WND] &&
				     r[TSL_AN_IN_FLIGHT] * s->mss >= TH(WND_IN_FLIGHT) * r[TSL_AN_SND_WND];
		}
		n += known;
		lim += l;
	}
	*wnd_med = w ? tsl_median(w, f->n_rows) : NAN;
	free(w);
	return n ? (double)lim / n : 0;
}

static bool rcvbuf_limited(const struct fstats *s, struct tsl_verdict *v)
{
	double wnd, share = window_limited(s, &wnd), contra = 0, secs;
	const struct tsl_an_flow *f = s->f;

	if (share < TH(WND_SHARE) || s->res >= TH(RESIDENCE_US))
		return false;
	/*
	 * The receiving end is recorded too: a window closed by a queue its
	 * reader does not drain is not a small buffer (that reader's own
	 * rules say why); only a window small while its queue is short is.
	 */
	if (s->peer && (s->peer->res >= TH(RESIDENCE_US) ||
			s->peer->recvq_abs_share >= TH(SHARE)))
		return false;
	SUP(v, "window_limited_share", share, TH(WND_SHARE));
	if (s->peer && s->peer->f->t.reads) {
		SUP(v, "peer_read_residence_p50_us", s->peer->res, TH(RESIDENCE_US));
		SUP(v, "peer_recv_q_64k_share", s->peer->recvq_abs_share, TH(SHARE));
	}
	SUP(v, "window_median_bytes", wnd,
	    fmax(TH(SMALL_WND), TH(SMALL_WND_MSS) * s->mss));
	secs = (f->last_ns - f->first_ns) / 1e9;
	if (secs > 0)
		SUP(v, "throughput_bytes_ps",
		    (f->t.acked_bytes + f->t.read_bytes) / secs, NAN);
	if (s->f->t.reads)
		SUP(v, "read_residence_p50_us", s->res, TH(RESIDENCE_US));
	if (s->recvq_share >= TH(SHARE)) {
		CON(v, "recv_q_high_share", s->recvq_share, TH(SHARE));
		contra += TH(W_STRONG);
	}
	v->confidence = confidence(fmax(TH(SMALL_WND), TH(SMALL_WND_MSS) * s->mss) /
				   fmax(wnd, 1), share, contra);
	return true;
}

/*
 * The writer is held by its send buffer: the queued memory (skmem w, else
 * send_q) stays near the buffer's size (skmem tb) and seldom drains. A
 * paced or otherwise app-limited writer lets the queue drain between its
 * writes, however full it is right after one.
 */
static bool sndbuf_limited(const struct fstats *s, struct tsl_verdict *v)
{
	const struct tsl_an_flow *f = s->f;
	size_t i, n = 0, full = 0, all = 0, drained = 0, asleep = 0, known = 0;
	double wnd, wshare, share, dshare, contra = 0;

	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);
		double q = max2(r[TSL_AN_SD_SEND_Q], NAN), w = r[TSL_AN_SD_WQ];
		double tb = r[TSL_AN_SD_TB];
		bool is_full;

		if (isnan(tb) || tb <= 0 || (isnan(q) && isnan(w)))
			continue;
		is_full = !isnan(w) ? w >= TH(WQ_TB) * tb : q >= TH(SNDQ_TB) * tb;
		all++;
		drained += !isnan(w) ? w < TH(WQ_DRAINED) * tb :
				       q < TH(WQ_DRAINED) * TH(SNDQ_TB) * tb;
		if (!s->fo.in[i])
			continue;
		n++;
		full += is_full;
		if (is_full && !isnan(r[TSL_AN_APP_S])) {
			known++;
			asleep += r[TSL_AN_APP_S] > 0;
		}
	}
	share = n ? (double)full / n : 0;
	dshare = all ? (double)drained / all : 1;
	if (share < TH(WND_SHARE) || dshare > TH(DRAINED_SHARE))
		return false;
	wshare = window_limited(s, &wnd);
	SUP(v, "send_q_full_share", share, TH(WND_SHARE));
	SUP(v, "send_q_drained_share", dshare, TH(DRAINED_SHARE));
	if (known)
		SUP(v, "owner_sleeping_with_send_q_full", (double)asleep / known, TH(SLEEP_SHARE));
	if (wshare >= TH(WND_SHARE)) {
		CON(v, "window_limited_share", wshare, TH(WND_SHARE));
		contra += TH(W_STRONG);
	} else {
		SUP(v, "window_limited_share", wshare, TH(WND_SHARE));
	}
	if (s->cwnd_share >= TH(CWND_SHARE)) {
		CON(v, "cwnd_limited_share", s->cwnd_share, TH(CWND_SHARE));
		contra += TH(W_STRONG);
	} else {
		SUP(v, "cwnd_limited_share", s->cwnd_share, TH(CWND_SHARE));
	}
	if (known && (double)asleep / known < TH(SLEEP_SHARE)) {
		CON(v, "owner_sleeping_with_send_q_full", (double)asleep / known, TH(SLEEP_SHARE));
		contra += TH(W_WEAK);
	}
	/* the receiving end does not drain its queue: the send queue backs up behind it */
	if (s->peer && (s->peer->res >= TH(RESIDENCE_US) ||
			s->peer->recvq_abs_share >= TH(SHARE))) {
		CON(v, "peer_read_residence_p50_us", s->peer->res, TH(RESIDENCE_US));
		contra += TH(W_STRONG);
	}
	v->confidence = confidence(share / TH(WND_SHARE) * 2, share, contra);
	return true;
}

static bool delayed_ack(const struct fstats *s, struct tsl_verdict *v)
{
	const struct tsl_an_flow *f = s->f;
	double acks = col_sum(f, &s->fo, TSL_AN_ACKS);
	double acks_rx = col_sum(f, &s->fo, TSL_AN_ACKS_RX);
	double tshare = acks ? col_sum(f, &s->fo, TSL_AN_ACK_TIMER) / acks : 0;
	double tdelay = f->ackd_timer.n ? tsl_hist_quantile(&f->ackd_timer, 0.5) : NAN;
	double dshare = acks_rx ? col_sum(f, &s->fo, TSL_AN_DELAYED_RX) / acks_rx : 0;
	double rtt = col_median(f, &s->fo, TSL_AN_RTT_P50);
	double mean_len = col_mean(f, &s->fo, TSL_AN_TX_LEN);
	bool own = tshare >= TH(TIMER_SHARE) && tdelay >= TH(DELACK_MIN_US) &&
		   tdelay <= TH(DELACK_MAX_US);
	bool peer = dshare >= TH(TIMER_SHARE) && rtt >= TH(DELACK_MIN_US);
	double icmp = col_median(f, &s->fo, TSL_AN_ICMP_RTT);
	double contra = 0, ratio;

	if (!own && !peer)
		return false;
	if (own) {
		SUP(v, "timer_ack_share", tshare, TH(TIMER_SHARE));
		SUP(v, "timer_ack_delay_p50_us", tdelay, TH(DELACK_MIN_US));
	}
	if (peer) {
		SUP(v, "acks_received_delayed_share", dshare, TH(TIMER_SHARE));
		SUP(v, "rtt_p50_us", rtt, TH(DELACK_MIN_US));
	}
	if (mean_len < s->mss)
		SUP(v, "tx_len_mean", mean_len, s->mss);
	if (icmp >= TH(PATH_RATIO_LO) * rtt) {
		CON(v, "icmp_rtt_p50_us", icmp, TH(PATH_RATIO_LO) * rtt);
		contra += TH(W_STRONG);
	} else {
		SUP(v, "icmp_rtt_p50_us", icmp, TH(PATH_RATIO_LO) * rtt);
	}
	ratio = own ? tdelay / TH(DELACK_MIN_US) : rtt / TH(DELACK_MIN_US);
	v->confidence = confidence(ratio * 2, fmax(own ? tshare : 0, peer ? dshare : 0),
				   contra);
	return true;
}

static bool path_latency(const struct fstats *s, struct tsl_verdict *v)
{
	double ratio = s->rtt_p50 / s->icmp_med;
	double spread = s->icmp_p90 - s->icmp_p10, contra = 0;

	if (s->icmp_n) {
		if (!(s->icmp_med >= TH(PATH_RTT_US)) ||
		    !(ratio >= TH(PATH_RATIO_LO) && ratio <= TH(PATH_RATIO_HI)))
			return false;
		SUP(v, "icmp_rtt_p50_us", s->icmp_med, TH(PATH_RTT_US));
		SUP(v, "tcp_to_icmp_rtt_ratio", ratio, TH(PATH_RATIO_HI));
		if (spread >= TH(JITTER_REL) * s->icmp_med) {
			CON(v, "icmp_rtt_spread_us", spread, TH(JITTER_REL) * s->icmp_med);
			contra += TH(W_PATH_SPREAD);
		} else {
			SUP(v, "icmp_rtt_spread_us", spread, TH(JITTER_REL) * s->icmp_med);
		}
		v->confidence = confidence(s->icmp_med / TH(PATH_RTT_US), 1, contra);
		return true;
	}
	if (!(s->rtt_min >= TH(PATH_RTT_US)) ||
	    !(s->rtt_p90 <= TH(PATH_RATIO_HI) * s->rtt_min))
		return false;
	SUP(v, "rtt_min_us", s->rtt_min, TH(PATH_RTT_US));
	SUP(v, "rtt_p90_us", s->rtt_p90, TH(PATH_RATIO_HI) * s->rtt_min);
	CON(v, "icmp_samples", 0, 1);
	v->confidence = confidence(s->rtt_min / TH(PATH_RTT_US), 1, TH(W_NO_ICMP));
	return true;
}

/*
 * Jitter that lasts and that TCP sees too: ICMP quartiles spread in most
 * one-second windows, over the recording's quartiles, and TCP's RTT
 * samples (this end's, else the peer's) spread as much.
 */
static bool path_jitter(const struct fstats *s, struct tsl_verdict *v)
{
	const struct tsl_an_flow *f = s->f;
	double iqr = s->icmp_iqr, contra = 0, rv, tiqr = s->tcp_iqr, tmed = s->tcp_med;

	if (!(iqr >= TH(JITTER_US)) || !(iqr >= TH(JITTER_REL) * s->icmp_med) ||
	    s->jitter_win_share < TH(JITTER_WIN_SHARE))
		return false;
	if (isnan(tiqr) && s->peer) {
		tiqr = s->peer->tcp_iqr;
		tmed = s->peer->tcp_med;
	}
	if (!isnan(tiqr) && (!(tiqr >= TH(JITTER_US)) ||
			     !(tiqr >= TH(JITTER_REL) * tmed)))
		return false;
	SUP(v, "icmp_rtt_spread_us", iqr, TH(JITTER_US));
	SUP(v, "icmp_rtt_p50_us", s->icmp_med, NAN);
	SUP(v, "jittery_window_share", s->jitter_win_share, TH(JITTER_WIN_SHARE));
	if (!isnan(tiqr)) {
		SUP(v, "tcp_rtt_spread_us", tiqr, TH(JITTER_US));
	} else {
		CON(v, "tcp_rtt_samples", 0, 1);
		contra += TH(W_WEAK);
	}
	rv = col_mean(f, &s->fo, TSL_AN_RTTVAR) / col_mean(f, &s->fo, TSL_AN_SRTT);
	if (rv >= TH(RTTVAR_REL)) {
		SUP(v, "rttvar_to_srtt", rv, TH(RTTVAR_REL));
	} else if (!isnan(rv)) {
		CON(v, "rttvar_to_srtt", rv, TH(RTTVAR_REL));
		contra += TH(W_WEAK);
	}
	if (s->corr_inflight >= TH(QUEUE_CORR) && s->cwnd_share >= TH(CWND_SHARE)) {
		CON(v, "rtt_in_flight_pearson", s->corr_inflight, TH(QUEUE_CORR));
		contra += TH(W_STRONG);
	}
	/* A CPU never idle here delays the replies' softirq and the ACKs itself. */
	if (s->idle <= TH(IDLE_PCT)) {
		CON(v, "owner_cpu_idle_pct", s->idle, TH(IDLE_PCT));
		contra += TH(W_STRONG);
	}
	v->confidence = confidence(iqr / TH(JITTER_US), s->jitter_win_share, contra);
	return true;
}

static double local_drops(const struct tsl_an_flow *f)
{
	double d = f->t.drops, lo = NAN, hi = NAN;
	size_t i;

	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);

		if (!isnan(r[TSL_AN_H_NIC_DROPS]))
			d += r[TSL_AN_H_NIC_DROPS];
		if (!isnan(r[TSL_AN_H_NIC_ERRORS]))
			d += r[TSL_AN_H_NIC_ERRORS];
		if (!isnan(r[TSL_AN_H_BACKLOG_DROP]))
			d += r[TSL_AN_H_BACKLOG_DROP];
		if (!isnan(r[TSL_AN_SD_DROPS])) {
			lo = isnan(lo) ? r[TSL_AN_SD_DROPS] : fmin(lo, r[TSL_AN_SD_DROPS]);
			hi = isnan(hi) ? r[TSL_AN_SD_DROPS] : fmax(hi, r[TSL_AN_SD_DROPS]);
		}
	}
	if (!isnan(lo))
		d += hi - lo;
	return d;
}

static bool path_loss(const struct fstats *s, struct tsl_verdict *v)
{
	const struct tsl_an_flow *f = s->f;
	double rate = f->t.tx_segs ? (double)f->t.retrans_segs / f->t.tx_segs : 0;
	double probes = f->t.icmp_samples + f->t.icmp_lost;
	double icmp_loss = probes ? f->t.icmp_lost / probes : 0;
	double drops = local_drops(f), contra = 0, share;
	size_t i, n = 0, hit = 0;

	if (rate < TH(LOSS_RATE) && !(icmp_loss > 0))
		return false;
	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);

		if (!s->fo.in[i] || isnan(r[TSL_AN_TX]))
			continue;
		n++;
		hit += r[TSL_AN_RETRANS] > 0 || r[TSL_AN_ICMP_LOST] > 0;
	}
	share = n ? (double)hit / n : 0;
	SUP(v, "retrans_rate", rate, TH(LOSS_RATE));
	if (probes)
		SUP(v, "icmp_loss_rate", icmp_loss, 0);
	SUP(v, "rtos", f->t.rtos, NAN);
	if (drops > 0) {
		CON(v, "local_drops", drops, 0);
		contra += TH(W_STRONG);
	} else {
		SUP(v, "local_drops", drops, 0);
	}
	v->confidence = confidence(fmax(rate / TH(LOSS_RATE), icmp_loss > 0 ? 2 : 0),
				   share, contra);
	return true;
}

static bool reordering(const struct fstats *s, struct tsl_verdict *v)
{
	const struct tsl_an_flow *f = s->f;
	double rate = f->t.data_rx ? (double)f->t.ofo / f->t.data_rx : 0;
	double sack = col_sum(f, &s->fo, TSL_AN_H_SACK_REORDER), contra = 0, share;
	size_t i, n = 0, hit = 0;

	/* a receiver's out-of-order arrivals are its sender's retransmissions, when recorded */
	double retrans = fmax(f->t.retrans_segs, s->peer ? s->peer->f->t.retrans_segs : 0);

	if (rate < TH(OFO_RATE) && !(sack > 0))
		return false;
	if (retrans > TH(OFO_RETRANS) * fmax(f->t.ofo, sack))
		return false;
	for (i = 0; i < f->n_rows; i++) {
		const float *r = tsl_an_row(f, i);

		if (!s->fo.in[i] || isnan(r[TSL_AN_DATA_RX]) || !r[TSL_AN_DATA_RX])
			continue;
		n++;
		hit += r[TSL_AN_OFO] > 0;
	}
	share = n ? (double)hit / n : 0;
	SUP(v, "ofo_rate", rate, TH(OFO_RATE));
	SUP(v, "TcpExt.TCPSACKReorder", sack, 0);
	SUP(v, "retrans_segs", retrans, TH(OFO_RETRANS) * f->t.ofo);
	if (f->t.icmp_lost) {
		CON(v, "icmp_lost", f->t.icmp_lost, 0);
		contra += TH(W_WEAK);
	}
	v->confidence = confidence(rate / TH(OFO_RATE), share, contra);
	return true;
}

static bool queueing_delay(const struct fstats *s, struct tsl_verdict *v)
{
	double x = s->rtt_p90 / s->rtt_min, contra = 0;
	double *rtt, *icmp, ic = NAN;

	/*
	 * A queue the flow builds: RTT grows with in_flight while the sender
	 * fills its cwnd. An app-limited sender's in_flight is rate x RTT, so
	 * it follows any RTT change without queueing anything.
	 */
	if (!(s->corr_inflight >= TH(QUEUE_CORR)) || !(x >= TH(QUEUE_RTT_X)) ||
	    s->cwnd_share < TH(CWND_SHARE))
		return false;
	SUP(v, "rtt_in_flight_pearson", s->corr_inflight, TH(QUEUE_CORR));
	SUP(v, "cwnd_limited_share", s->cwnd_share, TH(CWND_SHARE));
	SUP(v, "rtt_p90_to_min", x, TH(QUEUE_RTT_X));
	rtt = tsl_an_series(s->f, TSL_AN_RTT_P90);
	icmp = tsl_an_series(s->f, TSL_AN_ICMP_RTT);
	if (rtt && icmp)
		ic = tsl_pearson(rtt, icmp, s->f->n_rows);
	free(rtt);
	free(icmp);
	SUP(v, "rtt_icmp_pearson", ic, TH(RTT_ICMP_CORR));
	if (s->recvq_share >= TH(SHARE)) {
		CON(v, "recv_q_high_share", s->recvq_share, TH(SHARE));
		contra += TH(W_WEAK);
	}
	v->confidence = confidence(x / TH(QUEUE_RTT_X) * 2, s->corr_inflight, contra);
	return true;
}

/*
 * The owner waits for a CPU while data waits for it: its run-queue wait
 * (schedstat run_delay) is a large share of the interval. Without
 * schedstat: it is runnable in most samples, yet uses little CPU, on a CPU
 * that is never idle (or is switched out involuntarily often).
 */
static bool cpu_contention(const struct fstats *s, struct tsl_verdict *v)
{
	double contra = 0, ratio, share;
	bool waiting = s->res90 >= TH(CONTENTION_RES_US) ||
		       s->recvq_share >= TH(SHARE);
	bool busy_cpu = s->idle <= TH(IDLE_PCT);

	if (!waiting)
		return false;
	if (!isnan(s->run_delay)) {
		if (!(s->run_delay >= TH(RUN_DELAY_PCT)))
			return false;
		SUP(v, "owner_runqueue_wait_pct", s->run_delay, TH(RUN_DELAY_PCT));
		ratio = s->run_delay / TH(RUN_DELAY_PCT);
		share = s->run_delay_share;
	} else if (busy_cpu && s->r_share >= TH(RUNNABLE_SHARE) &&
		   s->app_cpu < TH(APP_CPU_PCT)) {
		SUP(v, "owner_running_share", s->r_share, TH(RUNNABLE_SHARE));
		CON(v, "owner_runqueue_wait_pct", NAN, TH(RUN_DELAY_PCT));
		ratio = 2;
		share = s->r_share;
		contra += TH(W_INFERRED);
	} else if (busy_cpu && s->nvcsw >= TH(NVCSW_PS)) {
		ratio = s->nvcsw / TH(NVCSW_PS);
		share = 1 - s->idle / 100;
	} else {
		return false;
	}
	if (!isnan(s->idle))
		SUP(v, "owner_cpu_idle_pct", s->idle, TH(IDLE_PCT));
	SUP(v, "owner_involuntary_cs_ps", s->nvcsw, TH(NVCSW_PS));
	if (s->res90 >= TH(CONTENTION_RES_US))
		SUP(v, "read_residence_p90_us", s->res90, TH(CONTENTION_RES_US));
	else
		SUP(v, "recv_q_high_share", s->recvq_share, TH(SHARE));
	if (s->app_cpu >= TH(APP_CPU_PCT)) {
		CON(v, "owner_cpu_pct", s->app_cpu, TH(APP_CPU_PCT));
		contra += TH(W_STRONG);
	} else {
		SUP(v, "owner_cpu_pct", s->app_cpu, TH(APP_CPU_PCT));
	}
	if (s->s_share >= TH(ASLEEP_SHARE)) {
		CON(v, "owner_sleeping_share", s->s_share, TH(ASLEEP_SHARE));
		contra += TH(W_WEAK);
	}
	if (!busy_cpu && !isnan(s->idle)) {
		CON(v, "owner_cpu_idle_pct", s->idle, TH(IDLE_PCT));
		contra += TH(W_WEAK);
	}
	v->confidence = confidence(ratio, isnan(share) ? TH(SHARE_UNKNOWN) : share, contra);
	return true;
}

static const rule_fn flow_rules[TSL_V_NCATEGORIES] = {
	[TSL_V_APP_NOT_READING] = app_not_reading,
	[TSL_V_APP_CPU_BOUND] = app_cpu_bound,
	[TSL_V_APP_BLOCKED] = app_blocked,
	[TSL_V_RCVBUF_LIMITED] = rcvbuf_limited,
	[TSL_V_SNDBUF_LIMITED] = sndbuf_limited,
	[TSL_V_DELAYED_ACK] = delayed_ack,
	[TSL_V_PATH_LATENCY] = path_latency,
	[TSL_V_PATH_JITTER] = path_jitter,
	[TSL_V_PATH_LOSS] = path_loss,
	[TSL_V_REORDERING] = reordering,
	[TSL_V_QUEUEING_DELAY] = queueing_delay,
	[TSL_V_CPU_CONTENTION] = cpu_contention,
};

/* ---- host-wide rules ---- */

struct hstats {
	const struct tsl_an_model *m;
	const bool *in;		/* host intervals in focus */
};

/* The host's row @i (0 .. n_host - 1): the intervals without one have no value. */
static const float *hrow(const struct tsl_an_model *m, size_t i)
{
	return m->host + i * TSL_AN_NCOLS;
}

/* Share of focus intervals (with a value) where column @c >= @th, and its mean there. */
static double host_share(const struct hstats *h, enum tsl_an_col c, double th,
			 double *mean, double *max)
{
	size_t i, n = 0, hit = 0;
	double s = 0;

	*max = NAN;
	for (i = 0; i < h->m->n_host; i++) {
		float v = hrow(h->m, i)[c];

		if (!h->in[i] || isnan(v))
			continue;
		n++;
		s += v;
		hit += v >= th;
		if (isnan(*max) || v > *max)
			*max = v;
	}
	*mean = n ? s / n : NAN;
	return n ? (double)hit / n : 0;
}

static bool host_pct_rule(const struct hstats *h, struct tsl_verdict *v,
			  enum tsl_an_col c, double th, const char *name)
{
	double mean, max, share = host_share(h, c, th, &mean, &max);

	if (share < TH(SHARE))
		return false;
	SUP(v, name, max, th);
	SUP(v, "focus_share", share, TH(SHARE));
	v->confidence = confidence(max / th, share, 0);
	return true;
}

static bool softirq_overload(const struct hstats *h, struct tsl_verdict *v)
{
	double mean, max;

	if (!host_pct_rule(h, v, TSL_AN_H_SOFTIRQ, TH(SOFTIRQ_PCT),
			   "softirq_max_pct"))
		return false;
	host_share(h, TSL_AN_H_NET_RX, 0, &mean, &max);
	SUP(v, "net_rx_per_interval", mean, NAN);
	return true;
}

static bool cpu_steal(const struct hstats *h, struct tsl_verdict *v)
{
	return host_pct_rule(h, v, TSL_AN_H_STEAL, TH(STEAL_PCT),
			     "steal_max_pct");
}

static bool nic_errors(const struct hstats *h, struct tsl_verdict *v)
{
	double emean, emax, dmean, dmax, es, ds, total = 0;
	size_t i, n = 0;

	es = host_share(h, TSL_AN_H_NIC_ERRORS, 1, &emean, &emax);
	ds = host_share(h, TSL_AN_H_NIC_DROPS, 1, &dmean, &dmax);
	for (i = 0; i < h->m->n_host; i++) {
		const float *r = hrow(h->m, i);

		if (!h->in[i])
			continue;
		n += !isnan(r[TSL_AN_H_NIC_ERRORS]);
		if (!isnan(r[TSL_AN_H_NIC_ERRORS]))
			total += r[TSL_AN_H_NIC_ERRORS];
		if (!isnan(r[TSL_AN_H_NIC_DROPS]))
			total += r[TSL_AN_H_NIC_DROPS];
	}
	if (!(total > 0))
		return false;
	SUP(v, "nic_errors_and_drops", total, 0);
	SUP(v, "focus_share", fmax(es, ds), 0);
	v->confidence = confidence(1 + total, fmax(es, ds), 0);
	(void)n;
	return true;
}

typedef bool (*host_rule_fn)(const struct hstats *h, struct tsl_verdict *v);

static const host_rule_fn host_rules[TSL_V_NCATEGORIES] = {
	[TSL_V_SOFTIRQ_OVERLOAD] = softirq_overload,
	[TSL_V_CPU_STEAL] = cpu_steal,
	[TSL_V_NIC_ERRORS] = nic_errors,
};

/* ---- driver ---- */

static int push(struct tsl_report *r, const struct tsl_verdict *v)
{
	void *p = realloc(r->verdicts, (r->n_verdicts + 1) * sizeof(*v));

	if (!p)
		return -ENOMEM;
	r->verdicts = p;
	r->verdicts[r->n_verdicts++] = *v;
	return 0;
}

static void verdict_init(struct tsl_verdict *v, enum tsl_category cat,
			 const struct tsl_an_flow *f)
{
	memset(v, 0, sizeof(*v));
	v->cat = cat;
	v->flow = f;
	v->layer = advice[cat].layer;
	v->confirm = advice[cat].confirm;
	v->expected = advice[cat].expected;
}

/* Focus rows of a flow: its episodes, or every row with data. */
static int focus_flow(const struct tsl_flow_report *fr, struct focus *fo)
{
	const struct tsl_an_flow *f = fr->f;
	size_t i, j;

	fo->n = f->n_rows;
	fo->in = calloc(fo->n ? fo->n : 1, sizeof(*fo->in));
	if (!fo->in)
		return -ENOMEM;
	/* episodes are in order, apart: one walk over the rows */
	for (i = 0, j = 0; i < fo->n && j < fr->ep.n; i++) {
		while (j < fr->ep.n && fr->ep.v[j].end < tsl_an_pos(f, i))
			j++;
		fo->in[i] = j < fr->ep.n && fr->ep.v[j].start <= tsl_an_pos(f, i);
	}
	for (i = 0; i < fo->n; i++)
		fo->count += fo->in[i];
	if (!fo->count) {
		for (i = 0; i < fo->n; i++)
			fo->in[i] = true;
		fo->count = fo->n;
	}
	return 0;
}

/* An address as IPv6 (IPv4 as ::ffff:a.b.c.d) in @out. */
static void addr16(const struct tsl_an_flow *f, const uint8_t *a, uint8_t out[16])
{
	if (f->id.flags & TSL_F_IPV6) {
		memcpy(out, a, 16);
		return;
	}
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, a, 4);
}

/* The same connection seen from its other end: addresses and ports swapped. */
static bool is_peer(const struct tsl_an_flow *a, const struct tsl_an_flow *b)
{
	uint8_t as[16], ad[16], bs[16], bd[16];

	if (a == b || !a->has_id || !b->has_id || a->id.id.sport != b->id.id.dport ||
	    a->id.id.dport != b->id.id.sport)
		return false;
	addr16(a, a->id.id.saddr, as);
	addr16(a, a->id.id.daddr, ad);
	addr16(b, b->id.id.saddr, bs);
	addr16(b, b->id.id.daddr, bd);
	return !memcmp(as, bd, 16) && !memcmp(ad, bs, 16);
}

static const struct tsl_flow_report *find_peer(const struct tsl_report *r,
					       const struct tsl_flow_report *fr)
{
	size_t k;

	for (k = 0; k < r->n_flows; k++)
		if (is_peer(fr->f, r->flows[k].f))
			return &r->flows[k];
	return NULL;
}

static int flow_verdicts(struct tsl_report *r, const struct tsl_flow_report *fr)
{
	const struct tsl_flow_report *pfr = find_peer(r, fr);
	struct fstats s, ps;
	unsigned int c;
	int ret = 0;

	memset(&s, 0, sizeof(s));
	memset(&ps, 0, sizeof(ps));
	if (focus_flow(fr, &s.fo))
		return -ENOMEM;
	fstats_fill(&s, fr, r->o.iv_ns);
	if (pfr) {
		/* the other end over the whole recording, not its episodes */
		ps.fo.n = ps.fo.count = pfr->f->n_rows;
		ps.fo.in = malloc((ps.fo.n ? ps.fo.n : 1) * sizeof(*ps.fo.in));
		if (!ps.fo.in) {
			free(s.fo.in);
			return -ENOMEM;
		}
		memset(ps.fo.in, 1, (ps.fo.n ? ps.fo.n : 1) * sizeof(*ps.fo.in));
		fstats_fill(&ps, pfr, r->o.iv_ns);
		s.peer = &ps;
	}
	for (c = 0; c < TSL_V_NCATEGORIES && !ret; c++) {
		struct tsl_verdict v;

		if (!flow_rules[c])
			continue;
		verdict_init(&v, c, fr->f);
		if (flow_rules[c](&s, &v))
			ret = push(r, &v);
	}
	free(s.fo.in);
	free(ps.fo.in);
	return ret;
}

/* Mark the host's rows in the intervals of @fr's episodes; whether it has any. */
static bool focus_host(const struct tsl_an_model *m,
		       const struct tsl_flow_report *fr, bool *in)
{
	size_t i, j;

	for (j = 0; j < fr->ep.n; j++) {
		int64_t lo = fr->f->first + (int64_t)fr->ep.v[j].start;
		int64_t hi = fr->f->first + (int64_t)fr->ep.v[j].end;
		size_t a = 0, b = m->n_host;

		while (a < b) {		/* the first row at or after lo */
			size_t mid = a + (b - a) / 2;

			if (m->host_iv[mid] < lo)
				a = mid + 1;
			else
				b = mid;
		}
		for (i = a; i < m->n_host && m->host_iv[i] <= hi; i++)
			in[i] = true;
	}
	return fr->ep.n;
}

static int host_verdicts(struct tsl_report *r)
{
	const struct tsl_an_model *m = &r->m;
	bool *in = calloc(m->n_host ? m->n_host : 1, sizeof(*in));
	struct hstats h = { .m = m, .in = in };
	size_t i, k;
	bool any = false;
	unsigned int c;
	int ret = 0;

	if (!in)
		return -ENOMEM;
	/* the intervals of every flow's episodes, else all */
	for (k = 0; k < r->n_flows; k++)
		any |= focus_host(m, &r->flows[k], in);
	if (!any)
		for (i = 0; i < m->n_host; i++)
			in[i] = true;
	for (c = 0; c < TSL_V_NCATEGORIES && !ret; c++) {
		struct tsl_verdict v;

		if (!host_rules[c])
			continue;
		verdict_init(&v, c, NULL);
		if (host_rules[c](&h, &v))
			ret = push(r, &v);
	}
	free(in);
	return ret;
}

static int cmp_verdict(const void *a, const void *b)
{
	const struct tsl_verdict *x = a, *y = b;

	if (x->confidence != y->confidence)
		return x->confidence > y->confidence ? -1 : 1;
	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	if (x->flow && y->flow)
		return x->flow->cookie < y->flow->cookie ? -1 :
		       x->flow->cookie > y->flow->cookie;
	return !!x->flow - !!y->flow;
}

int tsl_verdicts_build(struct tsl_report *r)
{
	struct tsl_verdict healthy;
	double best = 0;
	size_t k;

	/* below, every failure is memory running out */
	for (k = 0; k < r->n_flows; k++)
		if (flow_verdicts(r, &r->flows[k]))
			return tsl_an_nomem(r->name);
	if (host_verdicts(r))
		return tsl_an_nomem(r->name);
	for (k = 0; k < r->n_verdicts; k++)
		best = fmax(best, r->verdicts[k].confidence);
	if (best < TH(HEALTHY) && r->n_flows) {
		verdict_init(&healthy, TSL_V_HEALTHY, NULL);
		healthy.confidence = 1 - best;
		SUP(&healthy, "best_other_confidence", best, TH(HEALTHY));
		if (push(r, &healthy))
			return tsl_an_nomem(r->name);
	}
	if (r->n_verdicts)	/* none: an empty recording */
		qsort(r->verdicts, r->n_verdicts, sizeof(*r->verdicts), cmp_verdict);
	return 0;
}
