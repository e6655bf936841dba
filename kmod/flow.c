// SPDX-License-Identifier: GPL-2.0
/*
 * Per-socket state: a preallocated open-addressing table keyed by the
 * socket pointer. Probes on any CPU look up, claim (cmpxchg) and release
 * entries without locks; the table never allocates after load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/log2.h>
#include <linux/sock_diag.h>
#include "compat.h"
#include "tsl.h"
#include "flow.h"

struct tsl_flow *tsl_flows;
u32 tsl_flow_mask;
u32 tsl_flow_shift;
static atomic_t tsl_flows_used = ATOMIC_INIT(0);
struct tsl_flow tsl_flow_none;		/* sk NULL: matches no socket */
DEFINE_PER_CPU(struct tsl_flow *, tsl_flow_last) = &tsl_flow_none;

static void tsl_flow_forget_last(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(tsl_flow_last, cpu) = &tsl_flow_none;
}

u32 tsl_flow_in_use(void)
{
	return atomic_read(&tsl_flows_used);
}

static void tsl_flow_fill(struct tsl_flow *f, struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 cookie[2];

	BUILD_BUG_ON(offsetof(struct tsl_flow, cookie) != sizeof(f->sk));
	BUILD_BUG_ON(sizeof(struct tsl_flow) != 64);
	/* f->cookie is already 0: released entries are left that way. */
	memset((u8 *)f + offsetof(struct tsl_flow, snd_una), 0,
	       sizeof(*f) - offsetof(struct tsl_flow, snd_una));
	f->snd_una = READ_ONCE(tp->snd_una);
	f->copied_seq = READ_ONCE(tp->copied_seq);
	f->ack_seq = READ_ONCE(tp->rcv_nxt);
	f->rx_high = f->ack_seq;
	f->drops = tsl_sk_drops(sk);
	sock_diag_save_cookie(sk, cookie);
	smp_store_release(&f->cookie, ((u64)cookie[1] << 32) | cookie[0]);
}

/*
 * @sk becomes established: the receive side's baselines start from what
 * the socket holds now. A flow claimed earlier, in SYN-SENT (its SYN was a
 * traced transmission), took them while copied_seq and rcv_nxt were still
 * 0, and its first read would have counted the peer's initial sequence
 * number as bytes. Data can neither be read nor acknowledged before this.
 */
void tsl_flow_established(struct tsl_flow *f, const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	f->copied_seq = READ_ONCE(tp->copied_seq);
	f->ack_seq = READ_ONCE(tp->rcv_nxt);
	f->rx_high = f->ack_seq;
}

/*
 * A slot for @sk, which had none at the last look. NULL when the table is
 * full (max_flows, or no free slot near the key's home).
 */
struct tsl_flow *tsl_flow_claim(struct sock *sk)
{
	u32 home = tsl_flow_home(sk);
	struct tsl_flow *f;
	u32 i, j;

	if (atomic_inc_return(&tsl_flows_used) > tsl_max_flows)
		goto err_full;
	for (i = 0; i < TSL_BUCKET; i++) {
		f = tsl_slot(home, i);
		if (!READ_ONCE(f->sk) && !cmpxchg(&f->sk, NULL, sk))
			break;
	}
	if (i == TSL_BUCKET)
		goto err_full;
	/* Another CPU may have claimed a slot for @sk at the same time:
	 * the lowest slot wins, the others step back.
	 */
	for (j = 0; j < i; j++) {
		if (READ_ONCE(tsl_slot(home, j)->sk) == sk) {
			WRITE_ONCE(f->sk, NULL);
			atomic_dec(&tsl_flows_used);
			f = tsl_slot(home, j);
			return smp_load_acquire(&f->cookie) ? f : NULL;
		}
	}
	tsl_flow_fill(f, sk);
	this_cpu_write(tsl_flow_last, f);
	return f;

err_full:
	atomic_dec(&tsl_flows_used);
	return NULL;
}

void tsl_flow_put(struct tsl_flow *f)
{
	const struct sock *sk = READ_ONCE(f->sk);

	if (!sk)
		return;
	WRITE_ONCE(f->cookie, 0);
	if (cmpxchg(&f->sk, sk, NULL) == sk)
		atomic_dec(&tsl_flows_used);
}

/* Forget every flow; only while no probe is attached. */
void tsl_flow_clear(void)
{
	u32 i;

	for (i = 0; i <= tsl_flow_mask; i++) {
		tsl_flows[i].cookie = 0;
		tsl_flows[i].sk = NULL;
	}
	atomic_set(&tsl_flows_used, 0);
	tsl_flow_forget_last();
}

int tsl_flow_init(void)
{
	u32 slots;

	if (tsl_max_flows < 1 || tsl_max_flows > TSL_MAX_FLOWS_MAX) {
		pr_err("max_flows=%u out of range 1..%u\n", tsl_max_flows,
		       TSL_MAX_FLOWS_MAX);
		return -EINVAL;
	}
	/* Twice the flows, so that home buckets stay sparse. */
	slots = roundup_pow_of_two(tsl_max_flows) * 2;
	tsl_flow_mask = slots - 1;
	tsl_flow_shift = BITS_PER_LONG - ilog2(slots);
	/* vmalloc: page granularity, where kmalloc would round up to a power of two. */
	tsl_flows = vzalloc(array_size(slots, sizeof(*tsl_flows)));
	return tsl_flows ? 0 : -ENOMEM;
}

void tsl_flow_exit(void)
{
	tsl_flow_forget_last();
	vfree(tsl_flows);
	tsl_flows = NULL;
}
