// SPDX-License-Identifier: GPL-2.0
/* Per-CPU rings of fixed-size event records: preallocated, one writer each. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/log2.h>
#include <net/netlink.h>
#include "tsl.h"
#include "ring.h"

DEFINE_PER_CPU(struct tsl_ring, tsl_rings);

static u32 tsl_ring_nr;		/* records per ring, a power of two */

u32 tsl_ring_records(void)
{
	return tsl_ring_nr;
}

/* Counters and indices back to zero; only while no probe is attached. */
void tsl_ring_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct tsl_ring *r = per_cpu_ptr(&tsl_rings, cpu);

		r->head = 0;
		r->tail = 0;
		r->dropped = 0;
		r->delivered = 0;
		r->refused = 0;
		memset(r->dropped_kind, 0, sizeof(r->dropped_kind));
	}
}

/* Wait for drain kicks the probes queued; none can be queued afterwards. */
void tsl_ring_quiesce(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(&tsl_rings, cpu)->kick);
}

static int tsl_ring_cpu_put(struct sk_buff *skb, int cpu)
{
	const struct tsl_ring *r = per_cpu_ptr(&tsl_rings, cpu);
	struct nlattr *nest = nla_nest_start(skb, TSL_A_CPU_STATS);

	if (!nest ||
	    nla_put_u32(skb, TSL_CPU_A_CPU, cpu) ||
	    nla_put_u64_64bit(skb, TSL_CPU_A_PRODUCED, tsl_ring_produced(r), TSL_CPU_A_PAD) ||
	    nla_put_u64_64bit(skb, TSL_CPU_A_DELIVERED, r->delivered, TSL_CPU_A_PAD) ||
	    nla_put_u64_64bit(skb, TSL_CPU_A_DROPPED, READ_ONCE(r->dropped), TSL_CPU_A_PAD) ||
	    nla_put_u32(skb, TSL_CPU_A_QUEUED, READ_ONCE(r->head) - r->tail) ||
	    nla_put(skb, TSL_CPU_A_DROPPED_KIND, sizeof(r->dropped_kind),
		    r->dropped_kind))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Every CPU's ring counters, as TSL_A_CPUS. Under the stream's lock, as
 * tsl_ring_produced().
 */
int tsl_ring_stats_put(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, TSL_A_CPUS);
	int cpu;

	if (!nest)
		return -EMSGSIZE;
	for_each_possible_cpu(cpu)
		if (tsl_ring_cpu_put(skb, cpu))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Events of flows the flow table had no room for, on every CPU. */
u64 tsl_ring_refused(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(&tsl_rings, cpu)->refused);
	return sum;
}

/* @kick drains the rings: a ring that is half full queues it (irq_work). */
int tsl_ring_init(void (*kick)(struct irq_work *work))
{
	size_t bytes;
	int cpu;

	BUILD_BUG_ON(sizeof(struct tsl_event) != TSL_EVENT_SIZE);
	/* tsl_ring_reserve_at() writes these four fields as one u64 */
	BUILD_BUG_ON(offsetof(struct tsl_event, cpu) % 8 ||
		     offsetof(struct tsl_event, pad) + 4 !=
		     offsetof(struct tsl_event, cpu) + 8);
	/* 1 KiB holds 16 records; the largest is far below kvmalloc()'s INT_MAX */
	if (tsl_buf_kb < 1 || tsl_buf_kb > TSL_BUF_KB_MAX) {
		pr_err("buf_kb=%u out of range 1..%u\n", tsl_buf_kb, TSL_BUF_KB_MAX);
		return -EINVAL;
	}
	bytes = (size_t)tsl_buf_kb * 1024;
	tsl_ring_nr = rounddown_pow_of_two(bytes / sizeof(struct tsl_event));
	for_each_possible_cpu(cpu) {
		struct tsl_ring *r = per_cpu_ptr(&tsl_rings, cpu);

		r->slots = kvzalloc_node((size_t)tsl_ring_nr * sizeof(*r->slots),
					 GFP_KERNEL, cpu_to_node(cpu));
		if (!r->slots)
			goto err_alloc;
		r->mask = tsl_ring_nr - 1;
		r->kick_at = tsl_ring_nr / 2;
		init_irq_work(&r->kick, kick);
	}
	tsl_ring_reset();
	return 0;

err_alloc:
	tsl_ring_exit();
	return -ENOMEM;
}

void tsl_ring_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct tsl_ring *r = per_cpu_ptr(&tsl_rings, cpu);

		irq_work_sync(&r->kick);
		kvfree(r->slots);
		r->slots = NULL;
	}
}
