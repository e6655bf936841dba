// SPDX-License-Identifier: GPL-2.0
/*
 * Probe handlers: run in the context of the traced stack (softirq or the
 * socket owner's task), never sleep, allocate or take a lock. Each one
 * filters, finds the socket's flow and writes records to this CPU's ring.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/stringify.h>
#include <linux/timer.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>
#include <trace/events/tcp.h>
#include <trace/events/sock.h>
#include <trace/events/timer.h>
#include "compat.h"
#include "clock.h"
#include "ring.h"
#include "flow.h"
#include "filter.h"
#include "probes.h"

/*
 * Handler prototypes must match what the kernel passes: checked at compile
 * time, at file scope, so that every check is made whether or not any code
 * calls it. A tracepoint's register_trace_*() takes its probe's exact type.
 */
#define TSL_TP_TYPECHECK(tp, probe) \
	static_assert(sizeof(register_trace_##tp(probe, NULL)) == sizeof(int))
TSL_TP_TYPECHECK(tcp_probe, tsl_probe_data_rx);
TSL_TP_TYPECHECK(tcp_retransmit_skb, tsl_probe_retrans);
TSL_TP_TYPECHECK(inet_sock_set_state, tsl_probe_state);
TSL_TP_TYPECHECK(tcp_destroy_sock, tsl_probe_destroy);
TSL_TP_TYPECHECK(timer_expire_entry, tsl_probe_timer_entry);
TSL_TP_TYPECHECK(timer_expire_exit, tsl_probe_timer_exit);
/* function hooks whose arguments are read from registers */
static_assert(__same_type(&tcp_rate_gen,
			  void (*)(struct sock *, u32, u32, bool, struct rate_sample *)));
static_assert(__same_type(&tcp_cleanup_rbuf, void (*)(struct sock *, int)));
static_assert(__same_type(&tcp_retransmit_timer, void (*)(struct sock *)));
#ifdef TSL_HAVE_FTRACE
static_assert(__same_type(&tsl_ftrace_tx, ftrace_func_t));
static_assert(__same_type(&tsl_ftrace_ack_rx, ftrace_func_t));
static_assert(__same_type(&tsl_ftrace_read, ftrace_func_t));
static_assert(__same_type(&tsl_ftrace_rto, ftrace_func_t));
#endif

DEFINE_PER_CPU(u64 [TSL_HOOK_COUNT], tsl_hook_hits);

/* The delayed-ACK timer's socket while its handler runs on this CPU. */
static DEFINE_PER_CPU(const struct sock *, tsl_delack_sk);
/* tcp_delack_timer, learnt from the first delack timer of a traced flow. */
static void (*tsl_delack_fn)(struct timer_list *);

void tsl_probes_reset(void)
{
	WRITE_ONCE(tsl_delack_fn, NULL);
}

/* jiffies_to_usecs() without the call where a jiffy is whole microseconds. */
static __always_inline u32 tsl_jiffies_us(unsigned long j)
{
#if USEC_PER_SEC % HZ == 0
	return (USEC_PER_SEC / HZ) * j;
#else
	return jiffies_to_usecs(j);
#endif
}

static __always_inline void tsl_hit(enum tsl_hook_id id)
{
	this_cpu_inc(tsl_hook_hits[id]);
}

/* The flow record, once per flow (retried until a ring takes it). */
static noinline void tsl_announce(struct tsl_flow *f, const struct sock *sk)
{
	struct tsl_wr w;
	struct tsl_event *ev;

	if (!tsl_ring_reserve(&w, &ev, TSL_EV_FLOW, f->cookie))
		return;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		ev->flags = TSL_F_IPV6;
		memcpy(ev->flow.saddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(ev->flow.daddr, &sk->sk_v6_daddr, 16);
	} else
#endif
	{
		memset(&ev->flow, 0, sizeof(ev->flow));
		memcpy(ev->flow.saddr, &sk->sk_rcv_saddr, 4);
		memcpy(ev->flow.daddr, &sk->sk_daddr, 4);
	}
	ev->flow.sport = sk->sk_num;
	ev->flow.dport = ntohs(sk->sk_dport);
	ev->flow.netns = sock_net(sk)->ns.inum;
	tsl_ring_commit(&w);
	f->announced = 1;
}

/*
 * The filter if it wants some of @kinds, for a hook hit whose socket the
 * port map let through. Called with preemption off (tracepoint context)
 * or interrupts off (the function hooks' handlers).
 */
static __always_inline const struct tsl_filter *tsl_gate_kinds(u32 kinds)
{
	const struct tsl_filter *flt = rcu_dereference_sched(tsl_filter);

	return likely(flt) && (flt->kinds & kinds) ? flt : NULL;
}

/*
 * What a hook hit runs for every socket: the port map, then the filter's
 * kinds. Inline, with the rest of each handler out of line (noinline), so
 * that a hit of a socket that is not traced saves and restores no
 * registers.
 */
static __always_inline const struct tsl_filter *tsl_gate(const struct sock *sk,
							 u32 kinds)
{
	return tsl_ports_named(sk) ? tsl_gate_kinds(kinds) : NULL;
}

/*
 * The flow of a socket that passed tsl_gate() into *@fp, if it passes the
 * whole filter; false when it does not or there is no room. A bool, so
 * that the caller's test folds into the paths here.
 */
static __always_inline bool tsl_flow_for(const struct tsl_filter *flt,
					 struct sock *sk, struct tsl_flow **fp)
{
	struct tsl_flow *f;

	if (!tsl_filter_match(flt, sk))
		return false;
	f = this_cpu_read(tsl_flow_last);
	if (likely(tsl_flow_is(f, sk)))
		goto found;
	f = tsl_flow_find(sk);
	if (!f)
		f = tsl_flow_claim(sk);
	if (unlikely(!f)) {
		this_cpu_inc(tsl_rings.refused);
		return false;
	}
found:
	if (unlikely(!f->announced))
		tsl_announce(f, sk);
	*fp = f;
	return true;
}

static __always_inline bool tsl_wants(u32 kind)
{
	const struct tsl_filter *flt = rcu_dereference_sched(tsl_filter);

	return flt && (flt->kinds & BIT(kind));
}

#define TSL_RX_KINDS (BIT(TSL_EV_DATA_RX) | BIT(TSL_EV_READ) | \
		      BIT(TSL_EV_ACK_TX) | BIT(TSL_EV_DROP))

static noinline void tsl_emit_drop(struct tsl_flow *f, struct sock *sk,
				   u32 wanted, u32 now)
{
	struct tsl_wr w;
	struct tsl_event *ev;

	if (wanted & BIT(TSL_EV_DROP)) {
		if (tsl_ring_reserve(&w, &ev, TSL_EV_DROP, f->cookie)) {
			ev->drop.count = now - f->drops;
			ev->drop.total = now;
			ev->drop.rcvq = tcp_sk(sk)->rcv_nxt - tcp_sk(sk)->copied_seq;
			ev->drop.rcvbuf = READ_ONCE(sk->sk_rcvbuf);
			tsl_ring_commit(&w);
		}
	}
	f->drops = now;
}

/* A drop event when the socket's drop counter moved (out of line then). */
static __always_inline void tsl_check_drops(struct tsl_flow *f,
					    struct sock *sk, u32 wanted)
{
	u32 now = tsl_sk_drops(sk);

	if (unlikely(now != f->drops))
		tsl_emit_drop(f, sk, wanted, now);
}

/*
 * Payload can reach the receive queue where tcp_probe does not fire: on the
 * segment that completes a passive open (tcp_rcv_state_process in
 * SYN_RECV) and in the states after a close (FIN_WAIT1/2). Once rcv_nxt is
 * past all that data_rx showed, the rest is recorded as one data_rx with
 * TSL_F_UNSEEN, at the next arrival or read.
 */
static noinline void tsl_emit_unseen(struct tsl_flow *f, struct sock *sk,
				     u32 wanted, u64 now, u32 rcv_nxt)
{
	struct tsl_wr w;
	struct tsl_event *ev;
	u32 len;

	/* a FIN unseen too takes a sequence number, not a byte */
	len = rcv_nxt - f->rx_high - !!sock_flag(sk, SOCK_DONE);
	if (len && (wanted & BIT(TSL_EV_DATA_RX))) {
		if (tsl_ring_reserve_at(&w, &ev, TSL_EV_DATA_RX, f->cookie, now)) {
			ev->flags = TSL_F_UNSEEN;
			ev->data_rx.seq = f->rx_high;
			ev->data_rx.len = len;
			ev->data_rx.rcv_nxt = f->rx_high;
			ev->data_rx.rcvq = rcv_nxt - READ_ONCE(tcp_sk(sk)->copied_seq);
			ev->data_rx.rcv_wnd = tcp_sk(sk)->rcv_wnd;
			ev->data_rx.rcvbuf = READ_ONCE(sk->sk_rcvbuf);
			tsl_ring_commit(&w);
		}
	}
	f->rx_high = rcv_nxt;
}

/* Payload no hook saw, when rcv_nxt is past what data_rx showed. */
static __always_inline void tsl_check_unseen(struct tsl_flow *f,
					     struct sock *sk, u32 wanted, u64 now)
{
	u32 rcv_nxt = READ_ONCE(tcp_sk(sk)->rcv_nxt);

	if (unlikely(after(rcv_nxt, f->rx_high)))
		tsl_emit_unseen(f, sk, wanted, now, rcv_nxt);
}

static __always_inline void tsl_data_rx_body(const struct tsl_filter *flt,
					     struct sock *sk,
					     struct sk_buff *skb)
{
	u32 wanted = flt->kinds;
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	struct tsl_flow *f;
	struct tsl_wr w;
	struct tsl_event *ev;
	u32 len;
	u64 now;

	if (!tsl_flow_for(flt, sk, &f))
		return;
	tsl_check_drops(f, sk, wanted);
	len = cb->end_seq - cb->seq;
	if (unlikely(cb->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN)))
		len -= !!(cb->tcp_flags & TCPHDR_SYN) +
		       !!(cb->tcp_flags & TCPHDR_FIN);
	if (!len) {
		/* a FIN alone, in order: past the payload shown as well */
		if (cb->seq == f->rx_high && cb->end_seq != cb->seq)
			f->rx_high = cb->end_seq;
		return;
	}
	now = tsl_now();
	tsl_check_unseen(f, sk, wanted, now);
	if (after(cb->end_seq, f->rx_high))
		f->rx_high = cb->end_seq;
	if (!(wanted & BIT(TSL_EV_DATA_RX)))
		return;
	if (!tsl_ring_reserve_at(&w, &ev, TSL_EV_DATA_RX, f->cookie, now))
		return;
	ev->flags = cb->seq != tp->rcv_nxt ? TSL_F_OFO : 0;
	ev->data_rx.seq = cb->seq;
	ev->data_rx.len = len;
	ev->data_rx.rcv_nxt = tp->rcv_nxt;
	ev->data_rx.rcvq = tp->rcv_nxt - tp->copied_seq;
	ev->data_rx.rcv_wnd = tp->rcv_wnd;
	ev->data_rx.rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	tsl_ring_commit(&w);
}

static noinline void notrace tsl_data_rx(const struct tsl_filter *flt,
				 struct sock *sk, struct sk_buff *skb)
{
	unsigned long flags;

	local_irq_save(flags);
	tsl_data_rx_body(flt, sk, skb);
	local_irq_restore(flags);
}

/* tcp_probe, at the start of tcp_rcv_established: a segment arrives. */
void tsl_probe_data_rx(void *data, struct sock *sk, struct sk_buff *skb)
{
	const struct tsl_filter *flt;

	tsl_hit(TSL_HOOK_DATA_RX);
	flt = tsl_gate(sk, TSL_RX_KINDS);
	if (flt)
		tsl_data_rx(flt, sk, skb);
}

static __always_inline void tsl_read(const struct tsl_filter *flt,
				     struct sock *sk)
{
	u32 wanted = flt->kinds;
	struct tcp_sock *tp = tcp_sk(sk);
	struct tsl_flow *f;
	struct tsl_wr w;
	struct tsl_event *ev;
	u32 copied;
	u64 now;

	if (!tsl_flow_for(flt, sk, &f))
		return;
	copied = READ_ONCE(tp->copied_seq);
	if (copied == f->copied_seq)
		return;
	tsl_check_drops(f, sk, wanted);
	now = tsl_now();
	tsl_check_unseen(f, sk, wanted, now);
	if (tsl_ring_reserve_at(&w, &ev, TSL_EV_READ, f->cookie, now)) {
		/* Reading the FIN advances copied_seq by one: no data byte. */
		ev->read.bytes = copied - f->copied_seq -
				 (sock_flag(sk, SOCK_DONE) &&
				  copied == READ_ONCE(tp->rcv_nxt));
		ev->read.rcvq = READ_ONCE(tp->rcv_nxt) - copied;
		/* residence: the reader's (TSL_F_DERIVE); 0 as the flag
		 * says, not what the slot's last record left there
		 */
		ev->read.res_first_us = 0;
		ev->read.res_last_us = 0;
		ev->read.pid = current->tgid;
		memcpy(ev->read.comm, current->comm, TSL_COMM_LEN);
		ev->read.seq = f->copied_seq;
		tsl_ring_commit(&w);
	}
	f->copied_seq = copied;
	if (f->owner_pid != current->tgid) {
		f->owner_pid = current->tgid;
		memcpy(f->owner_comm, current->comm, TSL_COMM_LEN);
	}
}

/*
 * A hit whose socket the port map passed, out of line with the function's
 * own parameters: the direct-call trampoline calls it (after its own port
 * test) and so does tsl_on_read() for the other kinds of hook.
 */
static noinline void notrace __used tsl_read_named(struct sock *sk, int copied)
{
	const struct tsl_filter *flt;
	unsigned long flags;

	local_irq_save(flags);
	flt = tsl_gate_kinds(BIT(TSL_EV_READ));
	if (flt)
		tsl_read(flt, sk);
	local_irq_restore(flags);
}

/*
 * tcp_cleanup_rbuf(sk, copied): recvmsg and friends consumed data. A
 * blocking recvmsg also calls it with nothing copied before it sleeps.
 */
static __always_inline void tsl_on_read(struct sock *sk, int copied)
{
	tsl_hit(TSL_HOOK_READ);
	if (copied > 0 && tsl_ports_named(sk))
		tsl_read_named(sk, copied);
}

static void tsl_emit_tx(struct tsl_flow *f, struct sock *sk,
			const struct sk_buff *skb, u64 now)
{
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	const struct tcp_sock *tp = tcp_sk(sk);
	struct tsl_wr w;
	struct tsl_event *ev;

	if (!tsl_ring_reserve_at(&w, &ev, TSL_EV_TX, f->cookie, now))
		return;
	ev->flags = before(cb->seq, tp->snd_nxt) ? TSL_F_RETRANS : 0;
	ev->tx.seq = cb->seq;
	ev->tx.end_seq = cb->end_seq;
	ev->tx.len = skb->len;
	ev->tx.segs = tcp_skb_pcount(skb);
	ev->tx.cwnd = tsl_snd_cwnd(tp);
	ev->tx.in_flight = tcp_packets_in_flight(tp);
	ev->tx.sndq = READ_ONCE(tp->write_seq) - tp->snd_una;
	ev->tx.snd_wnd = tp->snd_wnd;
	tsl_ring_commit(&w);
}

static void tsl_emit_ack_tx(struct tsl_flow *f, struct sock *sk, u32 rcv_nxt,
			    u8 reason, u64 now)
{
	u32 reason_pad = reason;
	struct tsl_wr w;
	struct tsl_event *ev;

	if (!tsl_ring_reserve_at(&w, &ev, TSL_EV_ACK_TX, f->cookie, now))
		return;
	ev->ack_tx.ack = rcv_nxt;
	ev->ack_tx.delay_us = 0;	/* the reader's (TSL_F_DERIVE) */
	ev->ack_tx.rcv_wnd = tcp_sk(sk)->rcv_wnd;
	ev->ack_tx.bytes = rcv_nxt - f->ack_seq;
	/* reason and the zero pad after it in one store (little-endian) */
	BUILD_BUG_ON(offsetof(struct tsl_ev_ack_tx, reason) + sizeof(reason_pad) !=
		     sizeof(struct tsl_ev_ack_tx));
	memcpy((u8 *)&ev->ack_tx + offsetof(struct tsl_ev_ack_tx, reason),
	       &reason_pad, sizeof(reason_pad));
	tsl_ring_commit(&w);
}

static __always_inline void tsl_tx(const struct tsl_filter *flt,
				   struct sock *sk, struct sk_buff *skb,
				   u32 rcv_nxt)
{
	u32 wanted = flt->kinds;
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	bool acks_new, data;
	struct tsl_flow *f;
	u8 reason;
	u64 now;

	if (!tsl_flow_for(flt, sk, &f))
		return;
	/* One time for both records of a segment that carries an ACK too. */
	now = tsl_now();
	data = cb->end_seq != cb->seq;
	if (data && (wanted & BIT(TSL_EV_TX)))
		tsl_emit_tx(f, sk, skb, now);
	acks_new = rcv_nxt != f->ack_seq;
	if (data && !acks_new)
		return;
	if (data)
		reason = TSL_ACK_PIGGYBACK;
	else if (this_cpu_read(tsl_delack_sk) == sk)
		reason = TSL_ACK_TIMER;
	else
		reason = acks_new ? TSL_ACK_QUICK : TSL_ACK_WINDOW;
	if (wanted & BIT(TSL_EV_ACK_TX))
		tsl_emit_ack_tx(f, sk, rcv_nxt, reason, now);
	if (acks_new)
		f->ack_seq = rcv_nxt;
}

/* As tsl_read_named(). */
static noinline void notrace __used tsl_tx_named(struct sock *sk,
						 struct sk_buff *skb,
						 int clone_it, gfp_t gfp,
						 u32 rcv_nxt)
{
	const struct tsl_filter *flt;
	unsigned long flags;

	if (TCP_SKB_CB(skb)->tcp_flags & (TCPHDR_SYN | TCPHDR_RST))
		return;
	local_irq_save(flags);
	flt = tsl_gate_kinds(BIT(TSL_EV_TX) | BIT(TSL_EV_ACK_TX));
	if (flt)
		tsl_tx(flt, sk, skb, rcv_nxt);
	local_irq_restore(flags);
}

/*
 * __tcp_transmit_skb(sk, skb, clone_it, gfp_mask, rcv_nxt): every segment
 * TCP sends on an established socket, data (tx) or pure ACK (ack_tx).
 */
static __always_inline void tsl_on_tx(struct sock *sk, struct sk_buff *skb,
				      int clone_it, gfp_t gfp, u32 rcv_nxt)
{
	tsl_hit(TSL_HOOK_TX);
	if (tsl_ports_named(sk))
		tsl_tx_named(sk, skb, clone_it, gfp, rcv_nxt);
}

static __always_inline void tsl_ack_rx(const struct tsl_filter *flt,
				       struct sock *sk,
				       const struct rate_sample *rs)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	struct tsl_flow *f;
	struct tsl_wr w;
	struct tsl_event *ev;

	if (!tsl_flow_for(flt, sk, &f))
		return;
	if (tsl_ring_reserve(&w, &ev, TSL_EV_ACK_RX, f->cookie)) {
		ev->flags = rs->is_ack_delayed ? TSL_F_DELAYED : 0;
		ev->ack_rx.ack = tp->snd_una;
		ev->ack_rx.acked = tp->snd_una - f->snd_una;
		ev->ack_rx.rtt_us = rs->rtt_us > S32_MAX ? S32_MAX : (s32)rs->rtt_us;
		ev->ack_rx.srtt_us = tp->srtt_us >> 3;
		ev->ack_rx.rttvar_us = tp->mdev_us >> 2;
		ev->ack_rx.rto_us = tsl_jiffies_us(icsk->icsk_rto);
		ev->ack_rx.cwnd = tsl_snd_cwnd(tp);
		ev->ack_rx.ssthresh = tp->snd_ssthresh;
		ev->ack_rx.snd_wnd = tp->snd_wnd;
		ev->ack_rx.ca_state = icsk->icsk_ca_state;
		memset(ev->ack_rx.pad, 0, sizeof(ev->ack_rx.pad));
		tsl_ring_commit(&w);
	}
	f->snd_una = tp->snd_una;
}

/* As tsl_read_named(). */
static noinline void notrace __used tsl_ack_rx_named(struct sock *sk,
						     u32 delivered, u32 lost,
						     bool is_sack_reneg,
						     struct rate_sample *rs)
{
	const struct tsl_filter *flt;
	unsigned long flags;

	local_irq_save(flags);
	flt = tsl_gate_kinds(BIT(TSL_EV_ACK_RX));
	if (flt)
		tsl_ack_rx(flt, sk, rs);
	local_irq_restore(flags);
}

/*
 * tcp_rate_gen(sk, delivered, lost, is_sack_reneg, rs): called once per
 * ACK that acknowledged something, after RTT estimation and before
 * congestion control; rs->rtt_us is the kernel's RTT sample for it.
 */
static __always_inline void tsl_on_ack_rx(struct sock *sk, u32 delivered,
					  u32 lost, bool is_sack_reneg,
					  struct rate_sample *rs)
{
	tsl_hit(TSL_HOOK_ACK_RX);
	if (tsl_ports_named(sk))
		tsl_ack_rx_named(sk, delivered, lost, is_sack_reneg, rs);
}

static __always_inline void tsl_retrans_body(const struct tsl_filter *flt,
					     struct sock *sk,
					     const struct sk_buff *skb)
{
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tsl_flow *f;
	struct tsl_wr w;
	struct tsl_event *ev;

	if (!tsl_flow_for(flt, sk, &f))
		return;
	if (!tsl_ring_reserve(&w, &ev, TSL_EV_RETRANS, f->cookie))
		return;
	ev->retrans.seq = cb->seq;
	ev->retrans.end_seq = cb->end_seq;
	ev->retrans.segs = tcp_skb_pcount(skb);
	ev->retrans.total_retrans = tcp_sk(sk)->total_retrans;
	ev->retrans.ca_state = inet_csk(sk)->icsk_ca_state;
	memset(ev->retrans.pad, 0, sizeof(ev->retrans.pad));
	tsl_ring_commit(&w);
}

static noinline void notrace tsl_retrans(const struct tsl_filter *flt,
					 struct sock *sk,
					 const struct sk_buff *skb)
{
	unsigned long flags;

	local_irq_save(flags);
	tsl_retrans_body(flt, sk, skb);
	local_irq_restore(flags);
}

/* tcp_retransmit_skb tracepoint: a segment (maybe GSO) was sent again. */
void tsl_probe_retrans(void *data, const struct sock *csk,
		       const struct sk_buff *skb)
{
	const struct tsl_filter *flt;

	tsl_hit(TSL_HOOK_RETRANS);
	flt = tsl_gate(csk, BIT(TSL_EV_RETRANS));
	if (flt)
		tsl_retrans(flt, (struct sock *)csk, skb);
}

static __always_inline void tsl_rto(const struct tsl_filter *flt,
				    struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	struct tsl_flow *f;
	struct tsl_wr w;
	struct tsl_event *ev;

	if (!tsl_flow_for(flt, sk, &f))
		return;
	if (!tsl_ring_reserve(&w, &ev, TSL_EV_RTO, f->cookie))
		return;
	ev->rto.rto_us = tsl_jiffies_us(icsk->icsk_rto);
	ev->rto.snd_una = tcp_sk(sk)->snd_una;
	ev->rto.packets_out = tcp_sk(sk)->packets_out;
	ev->rto.retransmits = icsk->icsk_retransmits;
	ev->rto.backoff = icsk->icsk_backoff;
	memset(ev->rto.pad, 0, sizeof(ev->rto.pad));
	tsl_ring_commit(&w);
}

/* As tsl_read_named(). */
static noinline void notrace __used tsl_rto_named(struct sock *sk)
{
	const struct tsl_filter *flt;
	unsigned long flags;

	local_irq_save(flags);
	flt = tsl_gate_kinds(BIT(TSL_EV_RTO));
	if (flt)
		tsl_rto(flt, sk);
	local_irq_restore(flags);
}

/* tcp_retransmit_timer(sk): the retransmission timer expired. */
static __always_inline void tsl_on_rto(struct sock *sk)
{
	tsl_hit(TSL_HOOK_RTO);
	if (tsl_ports_named(sk))
		tsl_rto_named(sk);
}

static void tsl_emit_state(struct tsl_flow *f, int oldstate, int newstate)
{
	struct tsl_wr w;
	struct tsl_event *ev;

	if (!tsl_wants(TSL_EV_STATE))
		return;
	if (!tsl_ring_reserve(&w, &ev, TSL_EV_STATE, f->cookie))
		return;
	ev->state.oldstate = oldstate;
	ev->state.newstate = newstate;
	memset(ev->state.pad, 0, sizeof(ev->state.pad));
	if (in_task()) {
		ev->state.pid = current->tgid;
		memcpy(ev->state.comm, current->comm, TSL_COMM_LEN);
	} else {
		ev->state.pid = f->owner_pid;
		memcpy(ev->state.comm, f->owner_comm, TSL_COMM_LEN);
	}
	tsl_ring_commit(&w);
}

static void tsl_state(struct sock *sk, int oldstate, int newstate)
{
	const struct tsl_filter *flt;
	struct tsl_flow *f;

	if (newstate == TCP_ESTABLISHED) {
		flt = tsl_gate(sk, TSL_EV_ALL);
		if (!flt || !tsl_flow_for(flt, sk, &f))
			return;
		tsl_flow_established(f, sk);
	} else {
		f = tsl_flow_lookup(sk);
		if (!f)
			return;
	}
	if (in_task() && f->owner_pid != current->tgid) {
		f->owner_pid = current->tgid;
		memcpy(f->owner_comm, current->comm, TSL_COMM_LEN);
	}
	tsl_emit_state(f, oldstate, newstate);
	if (newstate == TCP_CLOSE)
		tsl_flow_put(f);
}

/*
 * inet_sock_set_state: TCP state changes. A flow starts when a socket
 * becomes established (its 4-tuple is final then) and ends on close.
 */
void tsl_probe_state(void *data, const struct sock *csk, const int oldstate,
		     const int newstate)
{
	unsigned long flags;

	tsl_hit(TSL_HOOK_STATE);
	if (csk->sk_protocol != IPPROTO_TCP)
		return;
	local_irq_save(flags);
	tsl_state((struct sock *)csk, oldstate, newstate);
	local_irq_restore(flags);
}

/* tcp_destroy_sock: the socket is going away, whatever its state. */
void tsl_probe_destroy(void *data, struct sock *sk)
{
	struct tsl_flow *f;

	tsl_hit(TSL_HOOK_DESTROY);
	f = tsl_flow_lookup(sk);
	if (f)
		tsl_flow_put(f);
}

/*
 * timer_expire_entry/exit bracket every timer callback; while a traced
 * socket's delayed-ACK timer runs, ACKs it sends are marked as timer-sent.
 */
void tsl_probe_timer_entry(void *data, struct timer_list *timer,
			   unsigned long baseclk)
{
	void (*fn)(struct timer_list *) = READ_ONCE(tsl_delack_fn);
	const struct sock *sk;

	tsl_hit(TSL_HOOK_TIMER_ENTRY);
	if (fn && timer->function != fn)
		return;
	sk = (const struct sock *)container_of(timer, struct inet_connection_sock,
					       icsk_delack_timer);
	if (!fn) {
		/* Only a traced socket's own delack timer can sit there. */
		if (!tsl_flow_lookup(sk))
			return;
		WRITE_ONCE(tsl_delack_fn, timer->function);
	}
	this_cpu_write(tsl_delack_sk, sk);
}

void tsl_probe_timer_exit(void *data, struct timer_list *timer)
{
	tsl_hit(TSL_HOOK_TIMER_EXIT);
	if (this_cpu_read(tsl_delack_sk))
		this_cpu_write(tsl_delack_sk, NULL);
}

/*
 * Function-entry hooks: the same handlers behind an ftrace_ops callback
 * (called straight from the function's ftrace trampoline) or, where ftrace
 * cannot hook the function, a kprobe. Arguments are read from the
 * registers of the x86_64 calling convention.
 */
#define TSL_ARG(regs, n, type)	((type)regs_get_kernel_argument(regs, n))

int tsl_kprobe_tx(struct kprobe *p, struct pt_regs *regs)
{
	tsl_on_tx(TSL_ARG(regs, 0, struct sock *),
		  TSL_ARG(regs, 1, struct sk_buff *), TSL_ARG(regs, 2, int),
		  TSL_ARG(regs, 3, gfp_t), TSL_ARG(regs, 4, u32));
	return 0;
}

int tsl_kprobe_ack_rx(struct kprobe *p, struct pt_regs *regs)
{
	tsl_on_ack_rx(TSL_ARG(regs, 0, struct sock *), TSL_ARG(regs, 1, u32),
		      TSL_ARG(regs, 2, u32), TSL_ARG(regs, 3, bool),
		      TSL_ARG(regs, 4, struct rate_sample *));
	return 0;
}

int tsl_kprobe_read(struct kprobe *p, struct pt_regs *regs)
{
	tsl_on_read(TSL_ARG(regs, 0, struct sock *), TSL_ARG(regs, 1, int));
	return 0;
}

int tsl_kprobe_rto(struct kprobe *p, struct pt_regs *regs)
{
	tsl_on_rto(TSL_ARG(regs, 0, struct sock *));
	return 0;
}

#ifdef TSL_HAVE_DIRECT
/*
 * Direct calls: the function's fentry call is patched to call one of these
 * trampolines. At that point the argument registers hold the function's
 * arguments and %rax is free (none of the four is variadic). A trampoline
 * counts the hit, tests the socket's ports against the port map (see
 * filter.h) with %rax alone, and returns if neither is named: that is all a
 * hit of a socket that is not traced costs. Otherwise it keeps the
 * argument registers the function takes, calls a handler declared with
 * the function's own parameters, puts them back and returns into the
 * function. No ftrace trampoline and no recursion guard: only these four
 * functions lead here and no handler calls any of them. The asm part may
 * be preempted (each of its memory accesses is one instruction); the
 * handler runs with interrupts off. No frame pointer: the kernels here
 * unwind with ORC, which objtool builds for these instructions too.
 *
 * The asm spells out what it reads: struct sock's port fields (checked
 * against offsetof() below), the hook's slot in the per-CPU tsl_hook_hits
 * (%gs-relative, as the compiler addresses per-CPU data on x86_64) and
 * tsl_portmap, tested with bt.
 */
#define TSL_SK_DPORT	12
#define TSL_SK_NUM	14
static_assert(offsetof(struct sock, sk_dport) == TSL_SK_DPORT);
static_assert(offsetof(struct sock, sk_num) == TSL_SK_NUM);
static_assert(sizeof(((struct sock *)0)->sk_num) == 2);

#define TSL_HITS_TX	0
#define TSL_HITS_ACK_RX	1
#define TSL_HITS_READ	3
#define TSL_HITS_RTO	5
static_assert(TSL_HITS_TX == TSL_HOOK_TX && TSL_HITS_ACK_RX == TSL_HOOK_ACK_RX &&
	      TSL_HITS_READ == TSL_HOOK_READ && TSL_HITS_RTO == TSL_HOOK_RTO);

/* Skips the handler (to 1:) when copied (the second argument) is not > 0. */
#define TSL_READ_COPIED	"testl %esi, %esi\n\tjle 1f\n\t"

#define TSL_TRAMPOLINE(name, handler, hits, test, save, restore)		\
	asm(".pushsection .text, \"ax\", @progbits\n"			\
	    ".p2align 4\n"						\
	    ".globl " #name "\n"					\
	    ".type " #name ", @function\n"				\
	    #name ":\n\t"						\
	    ASM_ENDBR							\
	    CALL_DEPTH_ACCOUNT						\
	    "incq %gs:tsl_hook_hits+8*" __stringify(hits) "(%rip)\n\t"	\
	    test							\
	    "movzwl " __stringify(TSL_SK_NUM) "(%rdi), %eax\n\t"	\
	    "btq %rax, tsl_portmap(%rip)\n\t"				\
	    "jc 2f\n\t"							\
	    "movzwl " __stringify(TSL_SK_DPORT) "(%rdi), %eax\n\t"	\
	    "rolw $8, %ax\n\t"						\
	    "btq %rax, tsl_portmap(%rip)\n\t"				\
	    "jnc 1f\n"							\
	    "2:\n\t"							\
	    save							\
	    "call " #handler "\n\t"					\
	    restore							\
	    "1:\n\t"							\
	    ASM_RET							\
	    ".size " #name ", .-" #name "\n"				\
	    ".popsection\n")

#define TSL_SAVE1	"pushq %rdi\n\t"
#define TSL_RESTORE1	"popq %rdi\n\t"
#define TSL_SAVE2	TSL_SAVE1 "pushq %rsi\n\t"
#define TSL_RESTORE2	"popq %rsi\n\t" TSL_RESTORE1
#define TSL_SAVE5	TSL_SAVE2 "pushq %rdx\n\tpushq %rcx\n\tpushq %r8\n\t"
#define TSL_RESTORE5	"popq %r8\n\tpopq %rcx\n\tpopq %rdx\n\t" TSL_RESTORE2

TSL_TRAMPOLINE(tsl_tramp_tx, tsl_tx_named, TSL_HITS_TX, "",
	       TSL_SAVE5, TSL_RESTORE5);
TSL_TRAMPOLINE(tsl_tramp_ack_rx, tsl_ack_rx_named, TSL_HITS_ACK_RX, "",
	       TSL_SAVE5, TSL_RESTORE5);
TSL_TRAMPOLINE(tsl_tramp_read, tsl_read_named, TSL_HITS_READ, TSL_READ_COPIED,
	       TSL_SAVE2, TSL_RESTORE2);
TSL_TRAMPOLINE(tsl_tramp_rto, tsl_rto_named, TSL_HITS_RTO, "",
	       TSL_SAVE1, TSL_RESTORE1);
#endif

#ifdef TSL_HAVE_FTRACE
#define TSL_FARG(fr, n, type)	((type)tsl_farg(fr, n))

/* Runs the body with the recursion guard held (preemption off). */
#define TSL_FTRACE_CALLBACK(name, fr)					\
	static __always_inline void name##_body(tsl_fregs_t *fr);		\
	void name(unsigned long ip, unsigned long parent_ip,		\
		  struct ftrace_ops *op, tsl_fregs_t *fr)			\
	{								\
		int bit = tsl_ftrace_enter(ip, parent_ip);		\
									\
		if (bit < 0)						\
			return;						\
		name##_body(fr);					\
		tsl_ftrace_exit(bit);					\
	}								\
	static __always_inline void name##_body(tsl_fregs_t *fr)

TSL_FTRACE_CALLBACK(tsl_ftrace_tx, fr)
{
	tsl_on_tx(TSL_FARG(fr, 0, struct sock *),
		  TSL_FARG(fr, 1, struct sk_buff *), TSL_FARG(fr, 2, int),
		  TSL_FARG(fr, 3, gfp_t), TSL_FARG(fr, 4, u32));
}

TSL_FTRACE_CALLBACK(tsl_ftrace_ack_rx, fr)
{
	tsl_on_ack_rx(TSL_FARG(fr, 0, struct sock *), TSL_FARG(fr, 1, u32),
		      TSL_FARG(fr, 2, u32), TSL_FARG(fr, 3, bool),
		      TSL_FARG(fr, 4, struct rate_sample *));
}

TSL_FTRACE_CALLBACK(tsl_ftrace_read, fr)
{
	tsl_on_read(TSL_FARG(fr, 0, struct sock *), TSL_FARG(fr, 1, int));
}

TSL_FTRACE_CALLBACK(tsl_ftrace_rto, fr)
{
	tsl_on_rto(TSL_FARG(fr, 0, struct sock *));
}
#endif
