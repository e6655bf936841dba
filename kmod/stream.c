// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream of a recording: the per-CPU rings drained by a work
 * item and sent as unicast EVENTS batches, their records in pages kept for
 * reuse, to the one reader that started recording; then END.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <tcpsleuth.h>
#include "tsl.h"
#include "clock.h"
#include "ring.h"
#include "flow.h"
#include "filter.h"
#include "hooks.h"
#include "probes.h"
#include "loadgen.h"
#include "stream.h"

/*
 * Records per message at most: 63 KiB of records, carried in 16 pages
 * (fragments of the message; its linear part holds only the headers).
 * Fewer, larger messages: each costs an allocation, a wake-up of the
 * reader and two system calls there.
 */
#define TSL_BATCH	1008
#define TSL_PAGE_RECORDS	(PAGE_SIZE / sizeof(struct tsl_event))
#define TSL_END_TRIES	200	/* final drain: 5 ms apart, 1 s in all */

/*
 * Pages the EVENTS messages carry their records in, kept for reuse while
 * a recording lasts: one is free again when its count is back to the
 * pool's own reference (the reader's socket let go of its message). A
 * page from the allocator comes zeroed (init_on_alloc, on in Debian's
 * kernels); a reused one is only overwritten. Messages are read in the
 * order they were sent, so the page after the last one given is usually
 * free. Under tsl_lock.
 */
#define TSL_POOL_PAGES	64	/* 256 KiB: four messages in flight */

static struct {
	struct page *page[TSL_POOL_PAGES];
	unsigned int n;		/* pages held */
	unsigned int next;	/* where the search starts */
} tsl_pool;

/* A page for a message's records, with a reference for the message. */
static struct page *tsl_page_get(void)
{
	struct page *pg;
	unsigned int i;

	for (i = 0; i < tsl_pool.n; i++) {
		pg = tsl_pool.page[tsl_pool.next];
		if (++tsl_pool.next == tsl_pool.n)
			tsl_pool.next = 0;
		if (page_ref_count(pg) == 1) {
			get_page(pg);
			return pg;
		}
	}
	pg = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	if (pg && tsl_pool.n < TSL_POOL_PAGES) {
		get_page(pg);
		tsl_pool.page[tsl_pool.n++] = pg;
	}
	return pg;
}

/* Pages still in unread messages go when their messages do. */
static void tsl_pool_release(void)
{
	while (tsl_pool.n)
		put_page(tsl_pool.page[--tsl_pool.n]);
	tsl_pool.next = 0;
}

/* The recording session. Everything here is under tsl_lock. */
static DEFINE_MUTEX(tsl_lock);
static struct {
	bool active;		/* hooks attached, stream flowing */
	bool stopping;		/* STOP asked: the work item finishes it */
	bool gone;		/* the reader's socket was released: send nothing */
	bool unloading;		/* module exit began: no START from now on */
	const struct genl_family *family;	/* the messages' */
	u32 portid;
	struct net *net;
} tsl_sess;

void tsl_stream_lock(void)
{
	mutex_lock(&tsl_lock);
}

void tsl_stream_unlock(void)
{
	mutex_unlock(&tsl_lock);
}

/* Whether a reader is recording. Under tsl_lock. */
bool tsl_stream_active(void)
{
	return tsl_sess.active;
}

/* Whether the module is going away (START is refused). Under tsl_lock. */
bool tsl_stream_unloading(void)
{
	return tsl_sess.unloading;
}

/* Whether @info comes from the socket that is recording. Under tsl_lock. */
bool tsl_stream_is(struct genl_info *info)
{
	return tsl_sess.portid == info->snd_portid &&
	       net_eq(tsl_sess.net, genl_info_net(info));
}

static void tsl_drain_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(tsl_drain_work, tsl_drain_fn);

/* A ring's early drain (tsl_ring_init()'s kick). */
void tsl_stream_kick(struct irq_work *work)
{
	/* A ring is half full: drain now rather than at the next tick. */
	mod_delayed_work(system_wq, &tsl_drain_work, 0);
}

/*
 * Send up to TSL_BATCH records of @cpu's ring. Records leave the ring only
 * once the reader's socket took the message (debug builds with discard=1:
 * at once, unsent). Returns records sent, 0 when empty, or a negative errno
 * (-EAGAIN: the reader's socket is full).
 */
static int tsl_send_batch(int cpu)
{
	struct tsl_ring *r = per_cpu_ptr(&tsl_rings, cpu);
	u32 tail = r->tail, head = smp_load_acquire(&r->head);
	u32 n = min_t(u32, head - tail, TSL_BATCH);
	u32 done, k, at, part, bytes = n * sizeof(struct tsl_event);
	struct sk_buff *skb;
	struct nlattr *nla;
	struct page *pg;
	void *hdr;
	int err, i;

	BUILD_BUG_ON(DIV_ROUND_UP(TSL_BATCH, TSL_PAGE_RECORDS) > MAX_SKB_FRAGS);
	BUILD_BUG_ON(NLA_HDRLEN + TSL_BATCH * sizeof(struct tsl_event) > U16_MAX);
	if (!n)
		return 0;
	if (tsl_drain_discards())
		goto consumed;
	skb = genlmsg_new(256, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, tsl_sess.family, 0, TSL_CMD_EVENTS);
	if (!hdr ||
	    nla_put_u32(skb, TSL_A_CPU, cpu) ||
	    nla_put_u64_64bit(skb, TSL_A_SEQ, r->delivered, TSL_A_PAD) ||
	    nla_put_u64_64bit(skb, TSL_A_PRODUCED, tsl_ring_produced(r), TSL_A_PAD) ||
	    nla_put_u64_64bit(skb, TSL_A_DROPPED, READ_ONCE(r->dropped), TSL_A_PAD) ||
	    tsl_clock_put(skb, true) || skb_tailroom(skb) < NLA_HDRLEN) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	/* TSL_A_RECORDS last: its header ends the linear part, its data the fragments */
	nla = skb_put(skb, NLA_HDRLEN);
	nla->nla_type = TSL_A_RECORDS;
	nla->nla_len = NLA_HDRLEN + bytes;
	for (done = 0, i = 0; done < n; done += k, i++) {
		pg = tsl_page_get();
		if (!pg) {
			nlmsg_free(skb);
			return -ENOMEM;
		}
		k = min_t(u32, n - done, TSL_PAGE_RECORDS);
		at = (tail + done) & r->mask;
		part = min(k, r->mask + 1 - at);
		memcpy(page_address(pg), &r->slots[at], part * sizeof(struct tsl_event));
		memcpy((struct tsl_event *)page_address(pg) + part, r->slots,
		       (k - part) * sizeof(struct tsl_event));
		skb_add_rx_frag(skb, i, pg, 0, k * sizeof(struct tsl_event), PAGE_SIZE);
	}
	genlmsg_end(skb, hdr);		/* measures the linear part */
	nlmsg_hdr(skb)->nlmsg_len += bytes;
	err = genlmsg_unicast(tsl_sess.net, skb, tsl_sess.portid);
	if (err)
		return err;
consumed:
	r->delivered += n;
	smp_store_release(&r->tail, tail + n);
	return n;
}

/* Drain every ring once as far as the reader takes it. */
static int tsl_drain(void)
{
	int cpu, n;

	for_each_possible_cpu(cpu) {
		/* A partial batch empties the ring: go on to the next CPU. */
		do {
			n = tsl_send_batch(cpu);
		} while (n == TSL_BATCH);
		if (n < 0)
			return n;
	}
	return 0;
}

/*
 * Records still in a ring when the stream ends cannot be delivered: they
 * are counted as dropped so that produced = delivered + dropped holds.
 */
static void tsl_discard_rest(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct tsl_ring *r = per_cpu_ptr(&tsl_rings, cpu);
		u32 left = r->head - r->tail;
		u32 i;

		for (i = 0; i < left; i++) {
			u8 kind = r->slots[(r->tail + i) & r->mask].kind;

			if (kind <= TSL_EV_MAX)
				r->dropped_kind[kind]++;
		}
		r->dropped += left;
		r->tail = r->head;
	}
}

/*
 * Send the counters of the CPUs from *@from on in CPU_STATS messages with
 * sequence @seq to @portid in @net, until those left take at most @rest
 * bytes of TSL_A_CPUS (tsl_ring_stats_size(); NLA_HDRLEN: until none is
 * left). *@from moves past the CPUs of each message sent, so that a caller
 * retries (-EAGAIN: the reader's socket is full) from where it stopped.
 * Under tsl_lock.
 */
int tsl_stream_cpu_stats(const struct genl_family *family, struct net *net,
			 u32 portid, u32 seq, int *from, size_t rest)
{
	struct sk_buff *skb;
	void *hdr;
	int next, err;

	while (*from < nr_cpu_ids && tsl_ring_stats_size(*from) > rest) {
		skb = genlmsg_new(TSL_STATS_MSG_BYTES, GFP_KERNEL);
		if (!skb)
			return -ENOMEM;
		next = *from;
		hdr = genlmsg_put(skb, 0, seq, family, 0, TSL_CMD_CPU_STATS);
		if (!hdr || tsl_ring_stats_put(skb, &next, 0) || next == *from) {
			nlmsg_free(skb);
			return -EMSGSIZE;
		}
		genlmsg_end(skb, hdr);
		err = genlmsg_unicast(net, skb, portid);
		if (err)
			return err;
		*from = next;
	}
	return 0;
}

/*
 * END's attributes besides TSL_A_CPUS: the reason, the refused flows and
 * the clock pair (80 bytes at most).
 */
#define TSL_END_ATTRS	128

/*
 * END, after CPU_STATS messages with the counters of the CPUs from *@from
 * on that END has no room for; END is as large as the counters left need
 * (a few hundred bytes where few CPUs ran a probe).
 */
static int tsl_send_end(u32 reason, int *from)
{
	struct sk_buff *skb;
	void *hdr;
	int err, next;

	err = tsl_stream_cpu_stats(tsl_sess.family, tsl_sess.net,
				   tsl_sess.portid, 0, from,
				   TSL_STATS_MSG_BYTES - TSL_END_ATTRS);
	if (err)
		return err;
	skb = genlmsg_new(TSL_END_ATTRS + tsl_ring_stats_size(*from), GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	next = *from;
	hdr = genlmsg_put(skb, 0, 0, tsl_sess.family, 0, TSL_CMD_END);
	if (!hdr || nla_put_u32(skb, TSL_A_END_REASON, reason) ||
	    nla_put_u64_64bit(skb, TSL_A_FLOWS_REFUSED, tsl_ring_refused(), TSL_A_PAD) ||
	    tsl_clock_put(skb, true) || tsl_ring_stats_put(skb, &next, 0) ||
	    next < nr_cpu_ids) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_unicast(tsl_sess.net, skb, tsl_sess.portid);
}

/* Why the end of the stream could not be sent, for the kernel log. */
static const char *tsl_send_failure(int err)
{
	switch (err) {
	case -ECONNREFUSED:
		return "the reader's socket is gone";
	case -EAGAIN:
		return "the reader's socket stayed full";
	case -ENOMEM:
		return "out of memory";
	case -EMSGSIZE:
		return "the message did not fit";
	default:
		return "netlink error";
	}
}

/*
 * The end of the stream to a reader that is still there: what the rings
 * hold (retrying while the reader's socket is full), then END. The rest
 * is counted as dropped. Says in the kernel log what failed.
 */
static void tsl_stream_finish(u32 reason)
{
	int tries, from = 0, err = 0;

	for (tries = 0; tries < TSL_END_TRIES; tries++) {
		err = tsl_drain();
		if (err != -EAGAIN && err != -ENOMEM)
			break;
		msleep(5);
	}
	tsl_discard_rest();
	if (err) {
		pr_info("reader %u: records left unsent, no END: %s (%d)\n",
			tsl_sess.portid, tsl_send_failure(err), err);
		return;
	}
	for (tries = 0; tries < TSL_END_TRIES; tries++) {
		err = tsl_send_end(reason, &from);
		if (err != -EAGAIN && err != -ENOMEM)
			break;
		msleep(5);
	}
	if (err)
		pr_info("reader %u: cannot send END: %s (%d)\n", tsl_sess.portid,
			tsl_send_failure(err), err);
}

/*
 * End the session: detach, deliver what the rings hold and END unless the
 * reader is gone, forget flows. Under tsl_lock.
 */
static void tsl_session_end(u32 reason)
{
	if (!tsl_sess.active)
		return;
	tsl_loadgen_stop();
	tsl_hooks_detach();
	tsl_ring_quiesce();
	if (tsl_sess.gone) {
		tsl_discard_rest();
		pr_info("reader %u went away without STOP\n", tsl_sess.portid);
	} else {
		tsl_stream_finish(reason);
	}
	tsl_flow_clear();
	tsl_pool_release();
	put_net(tsl_sess.net);
	tsl_sess.net = NULL;
	tsl_sess.active = false;
	tsl_sess.stopping = false;
	tsl_sess.gone = false;
}

static void tsl_drain_fn(struct work_struct *work)
{
	int err;

	mutex_lock(&tsl_lock);
	if (!tsl_sess.active)
		goto out;
	if (tsl_sess.stopping) {
		tsl_session_end(TSL_END_STOPPED);
		goto out;
	}
	err = tsl_drain();
	if (err && err != -EAGAIN && err != -ENOMEM) {
		/* The reader went away without STOP. */
		tsl_sess.gone = true;
		tsl_session_end(TSL_END_STOPPED);
		goto out;
	}
	if (!tsl_sess.unloading)
		schedule_delayed_work(&tsl_drain_work,
				      msecs_to_jiffies(err ? 2 : tsl_drain_ms));
out:
	mutex_unlock(&tsl_lock);
}

/*
 * Start a recording that streams to @portid in @net in @family's messages:
 * counters and flows from zero, record times chosen, the hooks attached,
 * the drain scheduled. Under tsl_lock, with no recording active and the
 * module not unloading (tsl_stream_unloading()).
 */
int tsl_stream_start(const struct genl_family *family, u32 portid,
		     struct net *net)
{
	int err;

	tsl_ring_reset();
	tsl_flow_clear();
	tsl_probes_reset();
	tsl_sess.family = family;
	WRITE_ONCE(tsl_sess.portid, portid);
	tsl_sess.net = get_net(net);
	tsl_clock_start();
	tsl_filter_session_start();
	err = tsl_hooks_attach();
	if (err) {
		put_net(tsl_sess.net);
		tsl_sess.net = NULL;
		return err;
	}
	tsl_sess.active = true;
	tsl_loadgen_start();
	schedule_delayed_work(&tsl_drain_work, msecs_to_jiffies(tsl_drain_ms));
	return 0;
}

/*
 * STOP: the work item ends the recording, asynchronously; the reader must
 * keep reading till END. Under tsl_lock, while a recording is active.
 */
void tsl_stream_stop(void)
{
	tsl_sess.stopping = true;
	mod_delayed_work(system_wq, &tsl_drain_work, 0);
}

/*
 * The module is going: the recording, if any, ends now (END with
 * TSL_END_UNLOAD, while the family that carries it is still registered),
 * START is refused from now on (tsl_stream_unloading()) and the drain does
 * not run again.
 */
void tsl_stream_shutdown(void)
{
	mutex_lock(&tsl_lock);
	tsl_sess.unloading = true;
	tsl_session_end(TSL_END_UNLOAD);
	mutex_unlock(&tsl_lock);
	cancel_delayed_work_sync(&tsl_drain_work);
}

/*
 * A reader's socket was released (closed, or its process killed) without
 * STOP: its session ends here and now, whatever the rings hold, and
 * nothing more is sent to its port id, which any socket may bind from
 * now on. The chain is a blocking one, called from netlink_release()
 * after the socket left the port table: sleeping is allowed.
 */
static int tsl_netlink_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    n->portid != READ_ONCE(tsl_sess.portid))
		return NOTIFY_DONE;
	mutex_lock(&tsl_lock);
	if (tsl_sess.active && n->portid == tsl_sess.portid &&
	    net_eq(n->net, tsl_sess.net)) {
		tsl_sess.gone = true;
		tsl_session_end(TSL_END_STOPPED);
	}
	mutex_unlock(&tsl_lock);
	return NOTIFY_DONE;
}

static struct notifier_block tsl_netlink_nb = {
	.notifier_call = tsl_netlink_event,
};

int tsl_stream_init(void)
{
	return netlink_register_notifier(&tsl_netlink_nb);
}

void tsl_stream_exit(void)
{
	netlink_unregister_notifier(&tsl_netlink_nb);
}
