/* SPDX-License-Identifier: GPL-2.0 */
/* One single-producer ring of fixed records per CPU (ring.c). */
#ifndef _TSL_RING_H
#define _TSL_RING_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/percpu.h>
#include <linux/irq_work.h>
#include <tcpsleuth.h>
#include "clock.h"

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

int tsl_ring_init(void (*kick)(struct irq_work *work));
void tsl_ring_exit(void);
void tsl_ring_reset(void);
void tsl_ring_quiesce(void);
u32 tsl_ring_records(void);
u64 tsl_ring_refused(void);
struct sk_buff;
size_t tsl_ring_stats_size(int from);
int tsl_ring_stats_put(struct sk_buff *skb, int *from, size_t reserve);

/*
 * Records attempted (written or dropped) on @r: those delivered, those
 * still queued and those dropped. Under the stream's lock
 * (tsl_stream_lock()), so that delivered and tail agree.
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

/*
 * Bytes of the record's union that a record of @kind fills in, each of its
 * fields (pads included) written by its handler. A slot keeps the bytes of
 * the record it held before: tsl_ring_reserve_at() zeroes the rest of the
 * union, so that no stale byte reaches the reader. @kind is a constant
 * where this is inlined: the switch and the zeroing fold to a few stores.
 */
static __always_inline unsigned int tsl_kind_bytes(unsigned int kind)
{
	switch (kind) {
	case TSL_EV_FLOW:	return sizeof(struct tsl_ev_flow);
	case TSL_EV_TX:		return sizeof(struct tsl_ev_tx);
	case TSL_EV_ACK_RX:	return sizeof(struct tsl_ev_ack_rx);
	case TSL_EV_DATA_RX:	return sizeof(struct tsl_ev_data_rx);
	case TSL_EV_READ:	return sizeof(struct tsl_ev_read);
	case TSL_EV_ACK_TX:	return sizeof(struct tsl_ev_ack_tx);
	case TSL_EV_RETRANS:	return sizeof(struct tsl_ev_retrans);
	case TSL_EV_RTO:	return sizeof(struct tsl_ev_rto);
	case TSL_EV_STATE:	return sizeof(struct tsl_ev_state);
	case TSL_EV_DROP:	return sizeof(struct tsl_ev_drop);
	default:		return 0;
	}
}

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
 * (TSL_A_CPU) and the reader fills it in. The union past @kind's fields is
 * zeroed (tsl_kind_bytes()); the caller writes every field of its kind,
 * pads too. A ring that reaches kick_at
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
	if (tsl_kind_bytes(kind) < sizeof(ev->raw))
		memset(ev->raw + tsl_kind_bytes(kind), 0,
		       sizeof(ev->raw) - tsl_kind_bytes(kind));
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

#endif /* _TSL_RING_H */
