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
#define TSL_TH_RECVQ_BYTES	65536.0
#define TSL_TH_RECVQ_RCVBUF	0.8
#define TSL_TH_RESIDENCE_US	10000.0
#define TSL_TH_SHARE		0.3
#define TSL_TH_APP_CPU_PCT	70.0
#define TSL_TH_APP_LOW_CPU_PCT	30.0
#define TSL_TH_D_SHARE		0.3
#define TSL_TH_IOWAIT_PCT	20.0
#define TSL_TH_SMALL_WND	16384.0
#define TSL_TH_SMALL_WND_MSS	4.0
#define TSL_TH_WND_SHARE	0.5
#define TSL_TH_SNDQ_TB		0.7
#define TSL_TH_WQ_TB		0.8
#define TSL_TH_WQ_DRAINED	0.5
#define TSL_TH_DRAINED_SHARE	0.2
#define TSL_TH_CWND_FULL	0.8
#define TSL_TH_CWND_SHARE	0.5
#define TSL_TH_TIMER_SHARE	0.3
#define TSL_TH_DELACK_MIN_US	20000.0
#define TSL_TH_DELACK_MAX_US	200000.0
#define TSL_TH_PATH_RTT_US	1000.0
#define TSL_TH_PATH_RATIO_LO	0.7
#define TSL_TH_PATH_RATIO_HI	1.5
#define TSL_TH_JITTER_US	1000.0
#define TSL_TH_JITTER_REL	0.3
#define TSL_TH_JITTER_WINDOW	10
#define TSL_TH_JITTER_WIN_MIN	5
#define TSL_TH_JITTER_WIN_SHARE	0.5
#define TSL_TH_RTTVAR_REL	0.3
#define TSL_TH_LOSS_RATE	0.005
#define TSL_TH_OFO_RATE		0.01
#define TSL_TH_OFO_RETRANS	0.25
#define TSL_TH_QUEUE_CORR	0.5
#define TSL_TH_QUEUE_RTT_X	2.0
#define TSL_TH_NVCSW_PS		100.0
#define TSL_TH_RUN_DELAY_PCT	20.0
#define TSL_TH_RUNNABLE_SHARE	0.5
#define TSL_TH_IDLE_PCT		10.0
#define TSL_TH_CONTENTION_RES_US 5000.0
#define TSL_TH_SOFTIRQ_PCT	30.0
#define TSL_TH_STEAL_PCT	10.0
#define TSL_TH_HEALTHY		0.5

struct tsl_report;

/* Evaluate every rule on @r's flows and host; fills r->verdicts. 0 or -1. */
int tsl_verdicts_build(struct tsl_report *r);

#endif /* TSL_AN_VERDICT_H */
