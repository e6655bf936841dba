// SPDX-License-Identifier: GPL-2.0-or-later
// Verdicts: which cause the measurements point to, how strongly, and the test that would confirm it.
#ifndef TSL_AN_VERDICT_H
#define TSL_AN_VERDICT_H

#include <stddef.h>

#include "analysis.h"

/*
 * Rules. "Focus" intervals are a flow's episode intervals (RTT p90, or
 * read residence p90 for a flow without RTT samples), or all of its
 * intervals when it has none; host-wide rules use the union of all flows'
 * episodes. A rule whose gate does not hold says nothing. Otherwise
 *
 *   confidence = 0.45 + 0.25 * margin + 0.30 * share - sum(contradictions)
 *
 * clamped to 0..1, where margin = min(1, log2(value / threshold) / 2) (full
 * at 4x the threshold) and share is the fraction of focus intervals showing
 * the pattern. `healthy` is given (host-wide) only when no verdict reaches
 * 0.5, with confidence 1 - the best other one.
 *
 * category          gate (all must hold)                         contradicting (weight)
 * ----------------  -------------------------------------------  ----------------------------------
 * app_not_reading   recv_q >= 64 KiB or >= 80 % of rcvbuf in      owner CPU >= 70 % (.30), owner in D
 *                   >= 30 % of focus intervals; read residence    >= 30 % (.30), involuntary switches
 *                   p50 >= 10 ms                                  >= 100/s with CPU idle <= 10 % (.15),
 *                                                                 owner runnable >= 50 % (.30), run-
 *                                                                 queue wait >= 20 % (.15)
 * app_cpu_bound     recv_q high >= 30 % or residence >= 10 ms;    owner in D >= 30 % (.30), user time
 *                   owner CPU >= 70 % of one core                 < 50 % of its CPU (.15)
 * app_blocked       residence >= 10 ms; owner in D >= 30 % of     owner CPU >= 70 % (.30)
 *                   samples or host iowait >= 20 %
 * rcvbuf_limited    window-limited in >= 50 % of intervals:       recv_q high (.30)
 *                   rcv_wnd or snd_wnd <= max(16 KiB, 4 MSS),
 *                   rcvbuf <= 16 KiB, or snd_wnd < cwnd*MSS with
 *                   in_flight*MSS >= 50 % of snd_wnd; residence
 *                   < 10 ms; the peer (same connection, other
 *                   end, when recorded): residence < 10 ms and
 *                   recv_q >= 64 KiB in < 30 % of its intervals
 * sndbuf_limited    skmem w >= 80 % of tb (no w: send_q >= 70 %)  window-limited >= 50 % (.30), cwnd-
 *                   in >= 50 % of focus intervals; below half of  limited >= 50 % (.30), owner not
 *                   that in <= 20 % of all intervals (drains:     sleeping while full (.15), peer's
 *                   app-limited)                                  residence >= 10 ms or recv_q >= 64
 *                                                                 KiB in >= 30 % (.30)
 * delayed_ack       timer ACKs >= 30 % of ACKs sent with their    ICMP RTT >= 70 % of TCP RTT p50 (.30)
 *                   delay p50 in 20..200 ms, or ACKs received
 *                   flagged delayed >= 30 % with RTT p50 >= 20 ms
 * path_latency      ICMP RTT median >= 1 ms; TCP RTT p50 / ICMP   ICMP p90-p10 >= 30 % of median (.35),
 *                   median in 0.7..1.5 (no ICMP: min RTT >= 1 ms, no ICMP samples (.25)
 *                   RTT p90 <= 1.5 x min)
 * path_jitter       ICMP p75-p25 >= 1 ms and >= 30 % of median,   RTT follows in_flight with cwnd-
 *                   also within >= 50 % of 1 s windows (10        limited sender (.30); rttvar < 30
 *                   intervals, >= 5 probes); TCP RTT samples      % srtt (.15); no TCP RTT samples
 *                   (own, else peer's) p75-p25 as large           (.15)
 * path_loss         retransmitted >= 0.5 % of segments sent, or   local drops (socket, NIC, backlog)
 *                   ICMP probes lost                              > 0 (.30)
 * reordering        out-of-order >= 1 % of segments received (or  ICMP probes lost (.15)
 *                   TCPSACKReorder > 0); retransmits <= 25 % of
 *                   out-of-order arrivals
 * queueing_delay    Pearson(RTT p90, in_flight) >= 0.5; RTT p90   recv_q high (.15)
 *                   >= 2 x min RTT; in_flight >= 80 % of cwnd
 *                   in >= 50 % of focus intervals
 * cpu_contention    residence p90 >= 5 ms or recv_q high; owner   owner CPU >= 70 % (.30), owner
 *                   run-queue wait (schedstat) >= 20 % of the     sleeping >= 70 % (.15), its CPU
 *                   interval; without schedstat: idle on the      idle > 10 % (.15), wait inferred
 *                   owner's CPU (stat field 39) <= 10 % and       without schedstat (.10)
 *                   owner runnable >= 50 % with CPU < 70 %, or
 *                   involuntary switches >= 100/s
 * softirq_overload  softirq >= 30 % on some CPU in >= 30 % of     -
 *                   focus intervals (host)
 * cpu_steal         steal >= 10 % on some CPU in >= 30 % of       -
 *                   focus intervals (host)
 * nic_errors        NIC errors or drops > 0 in focus intervals    -
 *                   (host)
 */
/*
 * Every number the rules use: name, value, and where the number comes
 * from. The rules read them as TH(NAME) (verdicts.c); the JSON report
 * shows the thresholds beside the values they were compared with. Shares
 * are fractions of a flow's focus intervals unless said otherwise.
 */
#define TSL_VERDICT_NUMBERS(X) \
	/* confidence = C_BASE + C_MARGIN * margin + C_SHARE * share - contradictions */ \
	X(C_BASE, 0.45, "a gate that just holds, with no margin and no share, stays below HEALTHY") \
	X(C_MARGIN, 0.25, "weight of the margin over the threshold, full at 4x it") \
	X(C_SHARE, 0.30, "weight of the share of focus intervals that show the pattern") \
	X(HEALTHY, 0.5, "healthy is said when no verdict reaches this; half way, by construction") \
	/* contradiction weights */ \
	X(W_STRONG, 0.30, "a contradiction that by itself points to another cause") \
	X(W_WEAK, 0.15, "a contradiction that weakens the case without pointing elsewhere") \
	X(W_INFERRED, 0.10, "the evidence was inferred (no schedstat), not measured") \
	X(W_NO_ICMP, 0.25, "path_latency without ICMP: the floor is the flow's own min RTT, which its queue can raise") \
	X(W_PATH_SPREAD, 0.35, "path_latency while ICMP p90-p10 >= JITTER_REL of its median: the path varies, it is not only long") \
	/* the time ledger (ledger.c) and its causes (causes.c) */ \
	X(MIN_SEGMENTS, 50, "a flow of fewer segments (sent plus received) is not judged: too few events to tell a rate from chance") \
	X(MIN_ACTIVE_S, 1.0, "nor one active for less than a second: ten intervals") \
	X(LAN_RTT_US, 1000.0, "a data-centre round trip: what a path's floor is compared with (METHODOLOGY.md: a path counts as long from 1 ms)") \
	X(MATERIAL, 0.2, "a flow stalled for 20 % of its active time is as slow as the confidence scale goes") \
	X(MATERIAL_DELIVERY, 0.5, "bytes that wait to be read as long as they took to cross the path are as slow as the confidence scale goes") \
	X(WND_VARIES, 0.5, "the peer's window going below half its largest: its reader lags (not its buffer)") \
	X(SMALL_WND_MAX, 65536.0, "a peer window never above 64 KiB is its buffer's size, not a reader's lag (Linux's default tcp_rmem gives 128 KiB and grows)") \
	X(HOST_WEIGHT, 0.5, "host-wide conditions (softirq, steal, NIC errors) are context: no share of a flow's time is measured for them") \
	X(FLOW_WEIGHT, 0.5, "a flow's verdicts weigh 0.5 plus 0.5 x its bytes over the busiest flow's") \
	X(LG_GRACE_US, 1000.0, "a byte read within 1 ms of its arrival has not waited: a prompt reader's wake-up on a loaded host") \
	X(LG_FOLLOW_US, 2000.0, "a segment sent within 2 ms of an ACK was released by it (wake-up and softirq latency)") \
	X(LG_REORDER_RTT, 0.5, "a hole filled within half a round trip was not retransmitted: the data came late, by reordering") \
	/* the receiving application */ \
	X(RECVQ_BYTES, 65536.0, "recv_q 'high': 64 KiB, half of Linux's default tcp_rmem (128 KiB), the part that is window; a round figure") \
	X(RECVQ_RCVBUF, 0.8, "or 80 % of the socket's receive buffer (skmem rb): the window is about to close") \
	X(RESIDENCE_US, 10000.0, "data unread for 10 ms: ten LAN round trips; a round figure") \
	X(SHARE, 0.3, "a pattern that holds in under 30 % of focus intervals is taken as chance; a round figure") \
	X(APP_CPU_PCT, 70.0, "owner CPU-bound: 70 % of one core; below, it has time left to read") \
	X(APP_LOW_CPU_PCT, 30.0, "owner idle enough to read: under 30 % of one core") \
	X(D_SHARE, 0.3, "owner in D state (blocked on I/O) in 30 % of samples") \
	X(SLEEP_SHARE, 0.5, "owner sleeping in half of the samples: it waits, it is not busy") \
	X(USER_FRACTION, 0.5, "user time at least half of the owner's CPU time: it computes, not the kernel for it") \
	X(SHARE_UNKNOWN, 0.5, "the share a rule takes when it could not be measured: neither for nor against") \
	X(IOWAIT_PCT, 20.0, "host iowait 20 %: disk waits large enough to stall a reader") \
	/* windows and buffers */ \
	X(SMALL_WND, 16384.0, "a window this small cannot fill even a LAN path: 16 KiB") \
	X(SMALL_WND_MSS, 4.0, "or 4 segments: with fewer, three duplicate ACKs cannot follow a loss") \
	X(WND_IN_FLIGHT, 0.5, "in_flight at half of snd_wnd while snd_wnd < cwnd: the peer's window, not cwnd, is the limit") \
	X(WND_SHARE, 0.5, "window-limited in half of all intervals") \
	X(SNDQ_TB, 0.7, "send_q at 70 % of the send buffer (skmem tb) counts as full when skmem w is missing") \
	X(WQ_TB, 0.8, "skmem w at 80 % of tb: the send buffer is full") \
	X(WQ_DRAINED, 0.5, "the send buffer below half full counts as drained") \
	X(DRAINED_SHARE, 0.2, "drained in over 20 % of intervals: the writer, not the buffer, is the limit") \
	X(CWND_FULL, 0.8, "in_flight at 80 % of cwnd: the sender is cwnd-limited") \
	X(CWND_SHARE, 0.5, "cwnd-limited in half of the focus intervals") \
	/* ACKs */ \
	X(TIMER_SHARE, 0.3, "delayed-ACK timer sent 30 % of the ACKs") \
	X(DELACK_MIN_US, 20000.0, "Linux's delayed-ACK timer starts at 40 ms (TCP_DELACK_MIN); half of it, for early firing") \
	X(DELACK_MAX_US, 200000.0, "and goes up to 200 ms (TCP_DELACK_MAX)") \
	/* the path */ \
	X(PATH_RTT_US, 1000.0, "a path counts as long from an ICMP RTT of 1 ms (METHODOLOGY.md)") \
	X(PATH_RATIO_LO, 0.7, "TCP RTT p50 at least 0.7 of the ICMP median: the flow sees the path's delay ...") \
	X(PATH_RATIO_HI, 1.5, "... and at most 1.5 of it: nothing much added by hosts or queues") \
	X(JITTER_US, 1000.0, "ICMP p75-p25 of 1 ms counts as jitter (as PATH_RTT_US)") \
	X(JITTER_REL, 0.3, "and 30 % of the median") \
	X(JITTER_WINDOW, 10, "jitter is checked in windows of 10 intervals (1 s at 100 ms) ...") \
	X(JITTER_WIN_MIN, 5, "... that hold at least 5 probes ...") \
	X(JITTER_WIN_SHARE, 0.5, "... and must show in half of those windows, not once") \
	X(RTTVAR_REL, 0.3, "rttvar under 30 % of srtt: the flow itself does not see the variation") \
	X(LOSS_RATE, 0.005, "0.5 % of segments retransmitted: enough to cut Reno/CUBIC throughput visibly") \
	X(OFO_RATE, 0.01, "1 % of segments received out of order") \
	X(OFO_RETRANS, 0.25, "with retransmissions under 25 % of them: the holes filled themselves") \
	X(QUEUE_CORR, 0.5, "Pearson(RTT p90, in_flight) of 0.5: RTT follows the flow's own bytes") \
	X(RTT_ICMP_CORR, 0.3, "Pearson(RTT, ICMP RTT) of 0.3: the flow's RTT moves with the path's") \
	X(QUEUE_RTT_X, 2.0, "RTT p90 twice the flow's min RTT: a queue worth naming") \
	/* CPUs */ \
	X(NVCSW_PS, 100.0, "100 involuntary context switches a second: the owner is preempted often") \
	X(RUN_DELAY_PCT, 20.0, "runnable but waiting for a CPU 20 % of the time (schedstat)") \
	X(RUNNABLE_SHARE, 0.5, "owner runnable in half of the samples") \
	X(ASLEEP_SHARE, 0.7, "owner asleep in 70 % of samples: it does not want the CPU it would be denied") \
	X(IDLE_PCT, 10.0, "the owner's CPU under 10 % idle: busy with others") \
	X(CONTENTION_RES_US, 5000.0, "read residence p90 of 5 ms: half of RESIDENCE_US, as contention delays reads without stopping them") \
	X(SOFTIRQ_PCT, 30.0, "softirq above 30 % on a CPU: an interrupt storm (METHODOLOGY.md)") \
	X(STEAL_PCT, 10.0, "steal above 10 %: an overcommitted host (METHODOLOGY.md)")

#define TSL_VN_ENUM(id, value, source) TSL_VN_##id,
enum tsl_verdict_number {
	TSL_VERDICT_NUMBERS(TSL_VN_ENUM)
	TSL_VN_COUNT,
};
#undef TSL_VN_ENUM

/* The values and where they come from, by enum tsl_verdict_number. */
extern const double tsl_verdict_numbers[TSL_VN_COUNT];
extern const char *const tsl_verdict_number_sources[TSL_VN_COUNT];

/*
 * Evaluate every rule on @r's flows and host; fills r->verdicts. 0, or
 * -ENOMEM after printing "out of memory while analysing".
 */
int tsl_verdicts_build(struct tsl_report *r);

#endif /* TSL_AN_VERDICT_H */
