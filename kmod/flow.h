/* SPDX-License-Identifier: GPL-2.0 */
/* The flow table (flow.c): per-socket state, preallocated, lock-free. */
#ifndef _TSL_FLOW_H
#define _TSL_FLOW_H

#include <linux/types.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <net/sock.h>
#include <tcpsleuth.h>

/* One socket's entry; one cache line. */
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
void tsl_flow_established(struct tsl_flow *f, const struct sock *sk);
void tsl_flow_clear(void);
u32 tsl_flow_in_use(void);

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

#endif /* _TSL_FLOW_H */
