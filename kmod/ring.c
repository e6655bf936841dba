// SPDX-License-Identifier: GPL-2.0
/* Per-CPU rings of fixed-size event records: preallocated, one writer each. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/log2.h>
#include <net/netlink.h>
#include "tsl.h"
#include "compat.h"
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

/*
 * Wait for @cpu's drain kick, if one is queued or running. irq_work_sync()
 * only for a busy one: on PREEMPT_RT it waits in a sleeping path that took
 * about 16 ms even for an idle item (6.1-rt), 4 s over 256 possible CPUs,
 * which delayed END past the reader's patience. An idle kick with no probe
 * left to queue it stays idle.
 */
static void tsl_ring_kick_sync(int cpu)
{
	struct irq_work *kick = &per_cpu_ptr(&tsl_rings, cpu)->kick;

	if (tsl_irq_work_busy(kick))
		irq_work_sync(kick);
}

/* Wait for drain kicks the probes queued; none can be queued afterwards. */
void tsl_ring_quiesce(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tsl_ring_kick_sync(cpu);
}

/*
 * Bytes one CPU's counters take in TSL_A_CPUS: the TSL_A_CPU_STATS nest
 * that tsl_ring_cpu_put() writes (148 on x86_64, whose 64-bit attributes
 * need no padding).
 */
static size_t tsl_ring_cpu_size(void)
{
	return nla_total_size(0) +				/* TSL_A_CPU_STATS */
	       nla_total_size(sizeof(u32)) +			/* CPU */
	       3 * nla_total_size_64bit(sizeof(u64)) +		/* PRODUCED, DELIVERED, DROPPED */
	       nla_total_size(sizeof(u32)) +			/* QUEUED */
	       nla_total_size(sizeof_field(struct tsl_ring, dropped_kind));
}

/* A ring that never produced a record: all its counters are zero. */
static bool tsl_ring_idle(int cpu)
{
	return !tsl_ring_produced(per_cpu_ptr(&tsl_rings, cpu));
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
 * Bytes tsl_ring_stats_put() needs for the CPUs from @from on: the
 * TSL_A_CPUS nest and one TSL_A_CPU_STATS per CPU that produced records.
 * Under the stream's lock, as tsl_ring_produced().
 */
size_t tsl_ring_stats_size(int from)
{
	size_t bytes = nla_total_size(0);
	int cpu;

	for (cpu = from; cpu < nr_cpu_ids; cpu++)
		if (cpu_possible(cpu) && !tsl_ring_idle(cpu))
			bytes += tsl_ring_cpu_size();
	return bytes;
}

/*
 * The counters of the CPUs from *@from on, as TSL_A_CPUS, leaving @reserve
 * bytes of @skb's tailroom for the attributes that follow. A CPU whose
 * ring never produced a record is left out: the reader counts a CPU it was
 * not told of as all zero. Puts as many CPUs as fit; *@from becomes the
 * first CPU not put, nr_cpu_ids when all were. -EMSGSIZE if not even the
 * nest fits. Under the stream's lock, as tsl_ring_produced().
 */
int tsl_ring_stats_put(struct sk_buff *skb, int *from, size_t reserve)
{
	struct nlattr *nest;
	int cpu;

	if (skb_tailroom(skb) < nla_total_size(0) + reserve)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TSL_A_CPUS);
	if (!nest)
		return -EMSGSIZE;
	for (cpu = *from; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_possible(cpu) || tsl_ring_idle(cpu))
			continue;
		/* room in the message, and in the nest's 16-bit length */
		if (skb_tailroom(skb) < tsl_ring_cpu_size() + reserve ||
		    skb_tail_pointer(skb) - (unsigned char *)nest +
		    tsl_ring_cpu_size() > U16_MAX)
			break;
		if (tsl_ring_cpu_put(skb, cpu)) {
			/* the size above is exact: cannot happen */
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	*from = cpu;
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

		tsl_ring_kick_sync(cpu);
		kvfree(r->slots);
		r->slots = NULL;
	}
}
