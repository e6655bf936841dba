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
#include "causes.h"

const char *const tsl_category_names[TSL_V_NCATEGORIES] = {
	"healthy", "app_not_reading", "app_cpu_bound", "app_blocked",
	"rcvbuf_limited", "sndbuf_limited", "delayed_ack", "path_latency",
	"path_jitter", "path_loss", "reordering", "queueing_delay",
	"cpu_contention", "softirq_overload", "cpu_steal", "nic_errors",
	"cgroup_throttled", "local_queue", "nagle_delack", "insufficient_data",
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
	[TSL_V_CGROUP_THROTTLED] = { "Hardware/scheduling",
		"cat /sys/fs/cgroup/$(cut -d: -f3 /proc/PID/cgroup)/cpu.stat twice, a second apart; raise cpu.max",
		"nr_throttled and throttled_usec grow while data waits; the waits go when the quota is raised" },
	[TSL_V_LOCAL_QUEUE] = { "Linux network stack",
		"tc -s qdisc show dev IF during the transfer; try fq_codel or a smaller limit, or pace the sender",
		"the qdisc's backlog holds the added delay; RTT falls to the path's when the queue is kept short" },
	[TSL_V_NAGLE_DELACK] = { "TCP stack",
		"set TCP_NODELAY on the writer (or write each message in one call) and repeat",
		"the second part of each message leaves at once; the ~40 ms waits for the peer's delayed ACK disappear" },
	[TSL_V_INSUFFICIENT_DATA] = { "-",
		"record longer, or while the traffic of interest flows (--port, --host)",
		"flows with enough segments and time to be judged" },
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
	v->confidence = TH(HOST_WEIGHT) * confidence(max / th, share, 0);
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
	v->confidence = TH(HOST_WEIGHT) * confidence(1 + total, fmax(es, ds), 0);
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
	v->explains = v->stalled_s = v->active_s = NAN;
	v->cat = cat;
	v->flow = f;
	v->layer = advice[cat].layer;
	v->confirm = advice[cat].confirm;
	v->expected = advice[cat].expected;
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

/* @us as "850 us", "12.3 ms" or "2.41 s" in @buf. */
static const char *dur(double us, char *buf, size_t len)
{
	if (isnan(us))
		snprintf(buf, len, "-");
	else if (us < 1000)
		snprintf(buf, len, "%.0f \u00b5s", us);
	else if (us < 1e6)
		snprintf(buf, len, "%.3g ms", us / 1e3);
	else
		snprintf(buf, len, "%.3g s", us / 1e6);
	return buf;
}

/*
 * The verdict in one sentence: what happened, how much time it took, and
 * the share of the flow's held-up time that explains.
 */
static void flow_summary(struct tsl_verdict *v, const struct tsl_causes *c,
			 enum tsl_category cat)
{
	const struct tsl_ledger *l = &v->flow->lg;
	char a[24], b[24], d[24];
	const char *what;
	size_t n;

	dur(c->us[cat], a, sizeof(a));
	switch (cat) {
	case TSL_V_APP_NOT_READING:
		what = "the receiving application did not read: data waited unread in its receive queue (or the peer's window stayed closed)";
		break;
	case TSL_V_APP_CPU_BOUND:
		what = "the receiving application was busy on the CPU while data waited unread";
		break;
	case TSL_V_CPU_CONTENTION:
		what = "the receiving application waited for a CPU (run-queue delay) while data waited unread";
		break;
	case TSL_V_CGROUP_THROTTLED:
		what = "the receiving application's cgroup was throttled (cpu.max) while data waited unread";
		break;
	case TSL_V_APP_BLOCKED:
		what = "the receiving application was blocked on I/O while data waited unread";
		break;
	case TSL_V_RCVBUF_LIMITED:
		what = "the receiver's window, small even when open, held the sender back: its receive buffer is too small for the path";
		break;
	case TSL_V_SNDBUF_LIMITED:
		what = "the send buffer was full: the writer could not queue more";
		break;
	case TSL_V_PATH_LOSS:
		what = "segments were lost: the sender was in loss recovery, or data waited behind a hole for its retransmission";
		break;
	case TSL_V_REORDERING:
		what = "segments arrived out of order: data waited behind holes that filled without a retransmission";
		break;
	case TSL_V_QUEUEING_DELAY:
		what = "a queue raised the RTT above the path's floor in step with the flow's own bytes in flight, while the flow waited for ACKs";
		break;
	case TSL_V_LOCAL_QUEUE:
		what = "this host's own qdisc on the flow's way out held a backlog that raised the RTT above the path's floor, while the flow waited for ACKs";
		break;
	case TSL_V_PATH_JITTER:
		what = "the path's delay varied: round trips took longer than the path's floor, unrelated to the flow's own bytes in flight";
		break;
	case TSL_V_PATH_LATENCY:
		what = "the path itself is long";
		break;
	case TSL_V_NIC_ERRORS:
		what = "this host's network interfaces dropped or mangled segments: the flow spent the time recovering them";
		break;
	case TSL_V_NAGLE_DELACK:
		what = "small writes waited for the peer's delayed ACK (Nagle's algorithm without TCP_NODELAY)";
		break;
	default:
		what = tsl_category_names[cat];
		break;
	}
	n = (size_t)snprintf(v->summary, sizeof(v->summary), "%c%s", what[0] - 32, what + 1);
	if (cat == TSL_V_PATH_LATENCY && n < sizeof(v->summary))
		n += (size_t)snprintf(v->summary + n, sizeof(v->summary) - n,
				      " (a round trip of %s at least)", dur(l->floor_us, b, sizeof(b)));
	if (n < sizeof(v->summary))
		snprintf(v->summary + n, sizeof(v->summary) - n,
			 "; %s of the flow's %s went to it, %.0f %% of the %s it was held up.",
			 a, dur(c->active_us, d, sizeof(d)), 100 * v->explains,
			 dur(c->stalled_us, b, sizeof(b)));
}

/* Evidence common to a flow's verdicts: what the share is a share of. */
static void flow_evidence(struct tsl_verdict *v, const struct tsl_causes *c,
			  enum tsl_category cat)
{
	const struct tsl_ledger *l = &v->flow->lg;

	SUP(v, "explains", v->explains, NAN);
	SUP(v, "cause_s", c->us[cat] / 1e6, NAN);
	SUP(v, "stalled_s", c->stalled_us / 1e6, NAN);
	SUP(v, "active_s", c->active_us / 1e6, NAN);
	switch (cat) {
	case TSL_V_PATH_LOSS:
		SUP(v, "recoveries", l->recoveries, NAN);
		SUP(v, "holes_lost", l->holes - l->holes_reorder, NAN);
		if (c->local_drops > 0)
			CON(v, "local_drops", c->local_drops, 0);
		break;
	case TSL_V_NIC_ERRORS:
		SUP(v, "local_drops", c->local_drops, 0);
		break;
	case TSL_V_REORDERING:
		SUP(v, "holes_reordered", l->holes_reorder, NAN);
		SUP(v, "duplicate_segments", l->dup_segs, NAN);
		break;
	case TSL_V_PATH_LATENCY:
	case TSL_V_PATH_JITTER:
	case TSL_V_QUEUEING_DELAY:
		SUP(v, "rtt_floor_us", l->floor_us, TH(LAN_RTT_US));
		SUP(v, "cwnd_wait_rtt_us", l->cwnd_rtt_us, NAN);
		SUP(v, "turn_rtt_us", l->turn_rtt_us, NAN);
		break;
	case TSL_V_NAGLE_DELACK:
		SUP(v, "ack_waits", l->ack_waits + l->delack_waits, NAN);
		break;
	default:
		break;
	}
	if (!c->owner_known && (cat == TSL_V_APP_NOT_READING || cat == TSL_V_APP_CPU_BOUND ||
				cat == TSL_V_CPU_CONTENTION || cat == TSL_V_APP_BLOCKED))
		CON(v, "owner_sampled", 0, 1);
}

/*
 * A flow's verdicts: every cause that explains some of its stalled time.
 * confidence = explains x materiality x weight, where materiality is the
 * stalled share of its active time over TH(MATERIAL) (at most 1) and the
 * weight follows its bytes (TH(FLOW_WEIGHT)). Without the owner's samples,
 * the split of unread time among the reader's causes is a guess: halved.
 */
static int emit(struct tsl_report *r, const struct tsl_an_flow *f,
		const struct tsl_causes *c, double w)
{
	double mat;
	unsigned int k;

	if (!(c->stalled_us > 0) || !(c->active_us > 0))
		return 0;
	/* held up for much of its time, or its bytes kept long from their reader */
	mat = fmin(1, fmax(c->stalled_us / (c->active_us * TH(MATERIAL)),
			   c->delivery_share / TH(MATERIAL_DELIVERY)));
	for (k = 0; k < TSL_V_NCATEGORIES; k++) {
		struct tsl_verdict v;
		double strength = 1;

		if (!(c->us[k] > 0))
			continue;
		if (!c->owner_known && (k == TSL_V_APP_CPU_BOUND || k == TSL_V_CPU_CONTENTION ||
					k == TSL_V_APP_BLOCKED))
			strength = 0.5;
		verdict_init(&v, k, f);
		v.explains = c->us[k] / c->stalled_us;
		v.stalled_s = c->stalled_us / 1e6;
		v.active_s = c->active_us / 1e6;
		v.confidence = v.explains * mat * strength * w;
		if (v.confidence < 0.005)
			continue;
		flow_evidence(&v, c, k);
		flow_summary(&v, c, k);
		if (push(r, &v))
			return -ENOMEM;
	}
	return 0;
}

static int flow_verdicts(struct tsl_report *r, const struct tsl_flow_report *fr,
			 double max_bytes)
{
	const struct tsl_flow_report *pfr = find_peer(r, fr);
	struct tsl_causes c;

	tsl_causes_flow(fr->f, pfr ? pfr->f : NULL, r->o.iv_ns / 1e3, &c);
	return emit(r, fr->f, &c, TH(FLOW_WEIGHT) + (1 - TH(FLOW_WEIGHT)) *
		    (max_bytes > 0 ? fmin(1, c.bytes / max_bytes) : 1));
}

/*
 * Many flows, none long enough to be judged alone (short requests, one
 * connection each): their waits added up are judged as one, named after
 * the flow that carried most. 0, 1 when even together they are too few, or
 * -ENOMEM.
 */
static int short_flows(struct tsl_report *r)
{
	const struct tsl_an_flow *big = NULL;
	struct tsl_causes sum, c;
	uint64_t segs = 0, first = UINT64_MAX, last = 0;
	unsigned int j;
	size_t k;

	memset(&sum, 0, sizeof(sum));
	for (k = 0; k < r->n_flows; k++) {
		const struct tsl_an_flow *f = r->flows[k].f;

		tsl_causes_flow(f, NULL, r->o.iv_ns / 1e3, &c);
		for (j = 0; j < TSL_V_NCATEGORIES; j++)
			sum.us[j] += c.us[j];
		sum.stalled_us += c.stalled_us;
		sum.active_us += c.active_us;
		sum.owner_known |= c.owner_known;
		segs += f->t.tx_segs + f->t.data_rx;
		first = f->first_ns < first ? f->first_ns : first;
		last = f->last_ns > last ? f->last_ns : last;
		if (!big || c.bytes > sum.bytes) {
			big = f;
			sum.bytes = c.bytes;
		}
	}
	if (segs < TH(MIN_SEGMENTS) || last < first + TH(MIN_ACTIVE_S) * 1e9)
		return 1;
	return emit(r, big, &sum, 1) ? -ENOMEM : 0;
}

/* One verdict per cause: the flow where it weighs most. */
static void keep_best(struct tsl_report *r)
{
	size_t i, j, n = 0;

	for (i = 0; i < r->n_verdicts; i++) {
		for (j = 0; j < n; j++)
			if (r->verdicts[j].cat == r->verdicts[i].cat)
				break;
		if (j == n)
			r->verdicts[n++] = r->verdicts[i];
		else if (r->verdicts[i].confidence > r->verdicts[j].confidence)
			r->verdicts[j] = r->verdicts[i];
	}
	r->n_verdicts = n;
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
		for (k = 0; k < r->n_verdicts && r->verdicts[k].cat != c; k++)
			;
		if (k < r->n_verdicts)	/* a flow's verdict says it already */
			continue;
		verdict_init(&v, c, NULL);
		if (!host_rules[c](&h, &v))
			continue;
		snprintf(v.summary, sizeof(v.summary),
			 "Host-wide, %s: %s (context: no share of a flow's time is measured for it).",
			 tsl_category_names[c], v.expected);
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
	double best = 0, max_bytes = 0;
	size_t k, judged = 0;

	for (k = 0; k < r->n_flows; k++)
		if (tsl_causes_enough(r->flows[k].f)) {
			max_bytes = fmax(max_bytes, tsl_causes_bytes(r->flows[k].f));
			judged++;
		}
	if (r->n_flows && !judged) {
		int ret = short_flows(r);

		if (ret < 0)
			return tsl_an_nomem(r->name);
		if (!ret)
			goto host;
		verdict_init(&healthy, TSL_V_INSUFFICIENT_DATA, NULL);
		healthy.confidence = 1;
		snprintf(healthy.summary, sizeof(healthy.summary),
			 "No flow carried enough to be judged: each needs %.0f segments over %.0f s at least.",
			 TH(MIN_SEGMENTS), TH(MIN_ACTIVE_S));
		healthy.explains = NAN;
		SUP(&healthy, "flows", r->n_flows, NAN);
		SUP(&healthy, "min_segments", TH(MIN_SEGMENTS), NAN);
		return push(r, &healthy) ? tsl_an_nomem(r->name) : 0;
	}
	/* below, every failure is memory running out */
	for (k = 0; k < r->n_flows; k++)
		if (tsl_causes_enough(r->flows[k].f) &&
		    flow_verdicts(r, &r->flows[k], max_bytes))
			return tsl_an_nomem(r->name);
host:
	keep_best(r);
	if (host_verdicts(r))
		return tsl_an_nomem(r->name);
	for (k = 0; k < r->n_verdicts; k++)
		best = fmax(best, r->verdicts[k].confidence);
	if (best < TH(HEALTHY) && r->n_flows) {
		verdict_init(&healthy, TSL_V_HEALTHY, NULL);
		healthy.confidence = 1 - best;
		snprintf(healthy.summary, sizeof(healthy.summary),
			 "No cause explains a material share of any flow's time (the likeliest reaches a confidence of %.2f).",
			 best);
		SUP(&healthy, "best_other_confidence", best, TH(HEALTHY));
		if (push(r, &healthy))
			return tsl_an_nomem(r->name);
	}
	if (r->n_verdicts)	/* none: an empty recording */
		qsort(r->verdicts, r->n_verdicts, sizeof(*r->verdicts), cmp_verdict);
	return 0;
}
