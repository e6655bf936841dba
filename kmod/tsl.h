/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the parts of tcpsleuth.ko. */
#ifndef _TSL_H
#define _TSL_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/irq_work.h>
#include <linux/hash.h>
#include <linux/jump_label.h>
#include <linux/math64.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <net/sock.h>
#include <tcpsleuth.h>
#include "compat.h"

#define TSL_VERSION_STR	"0.1.0"
#define TSL_VERSION_CODE ((0 << 16) | (1 << 8) | 0)

/* Module parameters (main.c). */
extern unsigned int tsl_buf_kb;
extern unsigned int tsl_max_flows;
extern unsigned int tsl_drain_ms;
extern bool tsl_use_tsc;

/*
 * Record times (ring.c). Where the kernel keeps time with the TSC (so it
 * is synchronized across CPUs and steady), a record's time is the TSC itself
 * (no clocksource call) and every EVENTS message carries a (TSC,
 * CLOCK_MONOTONIC) pair the reader converts with; elsewhere, or with
 * tsc=0, CLOCK_MONOTONIC in ns. Chosen at the start of each recording,
 * before the hooks are attached. Durations between record times are the
 * reader's to work out (TSL_F_DERIVE).
 */
DECLARE_STATIC_KEY_FALSE(tsl_tsc);
u32 tsl_tsc_khz_usable(void);
void tsl_clock_start(void);

static __always_inline u64 tsl_now(void)
{
	if (static_branch_likely(&tsl_tsc))
		return rdtsc_ordered();
	return ktime_get_ns();
}

/* ring.c: one single-producer ring of fixed records per CPU. */
struct tsl_ring {
	struct tsl_event *slots;
	u32 mask;
	u32 head;			/* written by the producer (this CPU) */
	u32 tail;			/* written by the consumer (drain work) */
	u32 kick_at;			/* fill level that schedules an early drain */
	u64 dropped;			/* records refused because the ring was full */
	u64 delivered;			/* records handed to the reader */
	u64 dropped_kind[__TSL_EV_MAX];
	u64 refused;			/* events of flows the table had no room for */
	struct irq_work kick;
};

DECLARE_PER_CPU(struct tsl_ring, tsl_rings);

int tsl_ring_init(void);
void tsl_ring_exit(void);
void tsl_ring_reset(void);
void tsl_ring_quiesce(void);
u32 tsl_ring_records(void);
void tsl_ring_kick_fn(struct irq_work *work);	/* genl.c */

/*
 * Records attempted (written or dropped) on @r: those delivered, those
 * still queued and those dropped. Under the drain's lock (tsl_lock in
 * genl.c), so that delivered and tail agree.
 */
static inline u64 tsl_ring_produced(const struct tsl_ring *r)
{
	return r->delivered + (u32)(READ_ONCE(r->head) - r->tail) +
	       READ_ONCE(r->dropped);
}

/*
 * Kinds whose records leave part to the reader (TSL_F_DERIVE): a read's
 * residence and an ACK's delay are worked out from the flow's data_rx
 * records, which the probes would otherwise have to remember per flow.
 */
#define TSL_DERIVED_KINDS	(BIT(TSL_EV_READ) | BIT(TSL_EV_ACK_TX))

/* A record being written: the head that commits it. */
struct tsl_wr {
	u32 head;
};

/*
 * Reserve one record of @kind on this CPU's ring. Interrupts are off: each
 * handler disables them once around its body (which also keeps it on this
 * CPU and in an RCU-sched read-side section for the filter), so a probe
 * that fires from an interrupt on this CPU cannot interleave with one
 * already writing, and a hit that writes two records pays for one pair.
 * The ring is addressed %gs-relative (this_cpu_*), which interrupts off
 * make consistent. Returns false (and counts the drop) when full; else
 * *@evp is the record, which the caller fills and commits with
 * tsl_ring_commit(@w). @ts is the record's time; tsl_ring_reserve() takes
 * it now. The record's cpu is left 0: the EVENTS message names the CPU
 * (TSL_A_CPU) and the reader fills it in. A ring that reaches kick_at
 * records schedules an early drain.
 */
static __always_inline bool tsl_ring_reserve_at(struct tsl_wr *w,
						struct tsl_event **evp,
						unsigned int kind, u64 cookie,
						u64 ts)
{
	struct tsl_event *ev;
	u32 head = this_cpu_read(tsl_rings.head);
	u32 used = head - this_cpu_read(tsl_rings.tail);

	/* the tail is read before the slot is written (acquire) */
	barrier();
	if (unlikely(used >= this_cpu_read(tsl_rings.kick_at))) {
		struct tsl_ring *r = this_cpu_ptr(&tsl_rings);

		if (used > r->mask) {	/* kick_at <= mask: one test above */
			r->dropped++;
			r->dropped_kind[kind]++;
			return false;
		}
		if (used == r->kick_at)
			irq_work_queue(&r->kick);
	}
	w->head = head;
	ev = this_cpu_read(tsl_rings.slots) + (head & this_cpu_read(tsl_rings.mask));
	ev->ts_ns = ts;
	ev->cookie = cookie;
	/* cpu 0, kind, flags and pad 0 in one store (x86_64: little-endian) */
	*(u64 *)&ev->cpu = (u64)kind << 16 |
			   (u64)(BIT(kind) & TSL_DERIVED_KINDS ? TSL_F_DERIVE : 0) << 24;
	*evp = ev;
	return true;
}

static __always_inline bool tsl_ring_reserve(struct tsl_wr *w,
					     struct tsl_event **evp,
					     unsigned int kind, u64 cookie)
{
	return tsl_ring_reserve_at(w, evp, kind, cookie, tsl_now());
}

/* Publish the record tsl_ring_reserve*() gave (interrupts still off). */
static __always_inline void tsl_ring_commit(const struct tsl_wr *w)
{
	barrier();	/* release: the record is written before head moves */
	this_cpu_write(tsl_rings.head, w->head + 1);
}

/* flow.c: per-socket state, preallocated, lock-free; one cache line. */
struct tsl_flow {
	const struct sock *sk;		/* key; NULL when free */
	u64 cookie;
	u32 snd_una;			/* last snd_una seen by ack_rx */
	u32 copied_seq;			/* last copied_seq seen by read */
	u32 ack_seq;			/* last rcv_nxt acknowledged */
	u32 drops;			/* last sk_drops seen */
	u32 rx_high;			/* end of the payload data_rx has shown */
	u32 owner_pid;
	char owner_comm[TSL_COMM_LEN];
	u8 announced;			/* the flow record is in a ring */
	u8 pad[7];
};

int tsl_flow_init(void);
void tsl_flow_exit(void);
struct tsl_flow *tsl_flow_claim(struct sock *sk);
void tsl_flow_put(struct tsl_flow *f);

#define TSL_BUCKET	8	/* slots searched from a key's home slot */
extern struct tsl_flow *tsl_flows;
extern u32 tsl_flow_mask;	/* slots - 1, a power of two less one */
extern u32 tsl_flow_shift;	/* 64 - log2(slots) */

/* hash_ptr() with the table's size worked out once, at load. */
static __always_inline u32 tsl_flow_home(const struct sock *sk)
{
	return ((unsigned long)sk * GOLDEN_RATIO_64) >> tsl_flow_shift;
}

static __always_inline struct tsl_flow *tsl_slot(u32 home, u32 i)
{
	return &tsl_flows[(home + i) & tsl_flow_mask];
}

static __always_inline u64 tsl_sk_cookie_now(const struct sock *sk)
{
	return atomic64_read(&sk->sk_cookie);
}

/*
 * The flow each CPU found last (&tsl_flow_none when none, never NULL):
 * the hits on a CPU come mostly in runs on one socket (a segment's
 * arrival, the ACK it carries, the read and the reply that follow), and
 * checking the last one costs a few loads where the table's lookup hashes
 * and probes. It is only a hint: a hit needs the entry to be @sk's, with
 * @sk's cookie, as the table's lookup does.
 */
extern struct tsl_flow tsl_flow_none;
DECLARE_PER_CPU(struct tsl_flow *, tsl_flow_last);

/* Whether @f, a CPU's last flow, is @sk's and filled in. */
static __always_inline bool tsl_flow_is(const struct tsl_flow *f,
					const struct sock *sk)
{
	u64 cookie;

	if (READ_ONCE(f->sk) != sk)
		return false;
	cookie = smp_load_acquire(&f->cookie);
	return cookie && cookie == tsl_sk_cookie_now(sk);
}

/*
 * The table's entry for @sk, or NULL, made this CPU's last flow. A zero
 * cookie means the entry is still being filled in. An entry whose cookie
 * differs from the socket's is stale (its socket was freed unseen and the
 * memory reused): it is released.
 */
static __always_inline struct tsl_flow *tsl_flow_find(const struct sock *sk)
{
	u32 home = tsl_flow_home(sk);
	u32 i;

	for (i = 0; i < TSL_BUCKET; i++) {
		struct tsl_flow *f = tsl_slot(home, i);
		u64 cookie;

		if (READ_ONCE(f->sk) != sk)
			continue;
		cookie = smp_load_acquire(&f->cookie);
		if (unlikely(!cookie))
			return NULL;
		if (unlikely(cookie != tsl_sk_cookie_now(sk))) {
			tsl_flow_put(f);
			return NULL;
		}
		this_cpu_write(tsl_flow_last, f);
		return f;
	}
	return NULL;
}

/* The entry for @sk, or NULL. Inline: every recorded event looks it up. */
static __always_inline struct tsl_flow *tsl_flow_lookup(const struct sock *sk)
{
	struct tsl_flow *f = this_cpu_read(tsl_flow_last);

	return likely(tsl_flow_is(f, sk)) ? f : tsl_flow_find(sk);
}

void tsl_flow_clear(void);
u32 tsl_flow_in_use(void);

/* filter.c */
struct tsl_prefix {
	u8 family;
	u8 len;
	__be32 addr[4];
};

struct tsl_filter {
	struct rcu_head rcu;
	u32 kinds;			/* 1 << TSL_EV_* */
	u8 n_port, n_lport, n_rport, n_addr, n_netns;
	bool more;			/* any list but port[] */
	u16 port[TSL_FILTER_MAX_ENTRIES];
	u16 lport[TSL_FILTER_MAX_ENTRIES];
	u16 rport[TSL_FILTER_MAX_ENTRIES];
	u32 netns[TSL_FILTER_MAX_ENTRIES];
	struct tsl_prefix addr[TSL_FILTER_MAX_ENTRIES];
	DECLARE_BITMAP(port_bits, 1 << 16);	/* port[] */
};

extern struct tsl_filter __rcu *tsl_filter;

/*
 * The port map: a bit per port number the published filter names, every
 * bit when it names none. A socket neither of whose ports is in it is not
 * traced, whatever the rest of the filter says; that test is all a hook
 * hit of such a socket runs (the direct-call trampolines make it in asm).
 * It is read without RCU: tsl_filter_replace() sets the new filter's bits
 * before publishing it and clears the old one's after, so it never lacks a
 * port of the filter a reader goes on to find, and a port it holds beyond
 * that only sends the hit on to the exact test, tsl_filter_match().
 */
#define TSL_PORTMAP_LONGS	BITS_TO_LONGS(1 << 16)
extern unsigned long tsl_portmap[TSL_PORTMAP_LONGS];

/*
 * Whether a socket the port map passed is known to pass the filter's port
 * list too: enabled at START (no hook attached, the map is the filter's
 * alone) when the filter has no local or remote port list, disabled before
 * any later filter change moves a bit, until the next START. A hit that
 * passed a stale bit then finds the exact test in place.
 */
DECLARE_STATIC_KEY_FALSE(tsl_portmap_exact);

static __always_inline bool tsl_ports_named(const struct sock *sk)
{
	return test_bit(sk->sk_num, tsl_portmap) ||
	       test_bit(ntohs(sk->sk_dport), tsl_portmap);
}

/*
 * Whether @sk passes the filter @f, exactly: for sockets the port map let
 * through, before their flow is looked up. Every hook is TCP's, so @sk is
 * an AF_INET or AF_INET6 socket. The local and remote port lists, network
 * namespaces and addresses, tsl_filter_more(), are out of line.
 */
bool tsl_filter_more(const struct tsl_filter *f, const struct sock *sk);

static __always_inline bool tsl_filter_match(const struct tsl_filter *f,
					     const struct sock *sk)
{
	if (!static_branch_likely(&tsl_portmap_exact) && f->n_port &&
	    !test_bit(sk->sk_num, f->port_bits) &&
	    !test_bit(ntohs(sk->sk_dport), f->port_bits))
		return false;
	return likely(!f->more) || tsl_filter_more(f, sk);
}

int tsl_filter_parse(struct nlattr *nest, struct tsl_filter **out,
		     struct netlink_ext_ack *extack);
int tsl_filter_put(struct sk_buff *skb, const struct tsl_filter *f);
void tsl_filter_replace(struct tsl_filter *f);
void tsl_filter_session_start(void);
int tsl_filter_init(void);
void tsl_filter_exit(void);

/* hooks.c: where each event comes from on the running kernel. */
enum tsl_hook_id {
	TSL_HOOK_TX,		/* tx and ack_tx */
	TSL_HOOK_ACK_RX,
	TSL_HOOK_DATA_RX,
	TSL_HOOK_READ,
	TSL_HOOK_RETRANS,
	TSL_HOOK_RTO,
	TSL_HOOK_STATE,
	TSL_HOOK_DESTROY,
	TSL_HOOK_TIMER_ENTRY,
	TSL_HOOK_TIMER_EXIT,
	TSL_HOOK_COUNT,
};

DECLARE_PER_CPU(u64 [TSL_HOOK_COUNT], tsl_hook_hits);

int tsl_hooks_init(void);
void tsl_hooks_exit(void);
int tsl_hooks_attach(void);
void tsl_hooks_detach(void);
int tsl_hooks_put(struct sk_buff *skb);

/* probes.c: the handlers hooks.c attaches. */
struct kprobe;
struct pt_regs;
struct timer_list;
void tsl_probe_data_rx(void *data, struct sock *sk, struct sk_buff *skb);
void tsl_probe_retrans(void *data, const struct sock *sk,
		       const struct sk_buff *skb);
void tsl_probe_state(void *data, const struct sock *sk, const int oldstate,
		     const int newstate);
void tsl_probe_destroy(void *data, struct sock *sk);
void tsl_probe_timer_entry(void *data, struct timer_list *timer,
			   unsigned long baseclk);
void tsl_probe_timer_exit(void *data, struct timer_list *timer);
int tsl_kprobe_tx(struct kprobe *p, struct pt_regs *regs);
int tsl_kprobe_ack_rx(struct kprobe *p, struct pt_regs *regs);
int tsl_kprobe_read(struct kprobe *p, struct pt_regs *regs);
int tsl_kprobe_rto(struct kprobe *p, struct pt_regs *regs);
#ifdef TSL_HAVE_FTRACE
struct ftrace_ops;
void tsl_ftrace_tx(unsigned long ip, unsigned long parent_ip,
		   struct ftrace_ops *op, tsl_fregs_t *fr);
void tsl_ftrace_ack_rx(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_ops *op, tsl_fregs_t *fr);
void tsl_ftrace_read(unsigned long ip, unsigned long parent_ip,
		     struct ftrace_ops *op, tsl_fregs_t *fr);
void tsl_ftrace_rto(unsigned long ip, unsigned long parent_ip,
		    struct ftrace_ops *op, tsl_fregs_t *fr);
#endif
#ifdef TSL_HAVE_DIRECT
/* Trampolines (not C functions: only their addresses are used). */
void tsl_tramp_tx(void);
void tsl_tramp_ack_rx(void);
void tsl_tramp_read(void);
void tsl_tramp_rto(void);
#endif
void tsl_probes_reset(void);

/* loadgen.c: debug builds only. */
#ifdef TSL_LOADGEN
void tsl_loadgen_start(void);
void tsl_loadgen_stop(void);
extern bool tsl_loadgen_discard;
static inline bool tsl_drain_discards(void) { return READ_ONCE(tsl_loadgen_discard); }
#else
static inline void tsl_loadgen_start(void) { }
static inline void tsl_loadgen_stop(void) { }
static inline bool tsl_drain_discards(void) { return false; }
#endif

/* genl.c */
int tsl_genl_init(void);
void tsl_genl_exit(void);

#endif /* _TSL_H */
