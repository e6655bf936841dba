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

/*
 * The recording session. Everything here is under tsl_lock, which is
 * never held across a sleep longer than one pass of the drain or a hook
 * detach's grace periods: the end of a stream waits for a full reader's
 * socket by rescheduling the drain work, not by sleeping with the lock
 * held (see tsl_drain_fn()). The family's commands run in parallel
 * (.parallel_ops, genl.c) and serialize on this lock alone, so that no
 * other generic netlink family waits for it.
 */
static DEFINE_MUTEX(tsl_lock);
static struct {
	bool active;		/* hooks attached, stream flowing */
	bool stopping;		/* STOP asked: the work item finishes it */
	bool detached;		/* stopping: the hooks are off, the rings final */
	bool end_sent;		/* stopping: the rings are sent, END is next */
	unsigned int end_tries;	/* stopping: attempts at the current step */
	int end_from;		/* stopping: the first CPU whose counters END has yet to send */
	u32 end_reason;		/* stopping: enum tsl_end_reason */
	bool gone;		/* the reader's socket was released: send nothing */
	bool unloading;		/* module exit began: no START from now on */
	bool confined;		/* recording only @net's sockets */
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

/*
 * Whether the recording is one confined to @net, so that all it holds
 * (flows, counters, filter) is @net's own. Under tsl_lock.
 */
bool tsl_stream_confined_to(const struct net *net)
{
	return tsl_sess.active && tsl_sess.confined && net_eq(tsl_sess.net, net);
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
 * One step of the end of the stream to a reader that is still there: what
 * the rings hold, then END. A step the reader's full socket refused
 * (-EAGAIN, or -ENOMEM) is tried again 5 ms later, TSL_END_TRIES times at
 * most; records still in the rings then are counted as dropped. Returns
 * -EINPROGRESS while a step is to be tried again, else 0 or the negative
 * errno that ended the stream early. Under tsl_lock, hooks detached.
 */
static int tsl_finish_step(void)
{
	int err;

	if (!tsl_sess.end_sent) {
		err = tsl_drain();
		if ((err == -EAGAIN || err == -ENOMEM) &&
		    ++tsl_sess.end_tries < TSL_END_TRIES)
			return -EINPROGRESS;
		tsl_discard_rest();
		if (err)
			return err;
		tsl_sess.end_sent = true;
		tsl_sess.end_tries = 0;
	}
	err = tsl_send_end(tsl_sess.end_reason, &tsl_sess.end_from);
	if ((err == -EAGAIN || err == -ENOMEM) && ++tsl_sess.end_tries < TSL_END_TRIES)
		return -EINPROGRESS;
	return err;
}

/* Hooks off and the rings final, once per session. Under tsl_lock. */
static void tsl_session_detach(void)
{
	if (tsl_sess.detached)
		return;
	tsl_loadgen_stop();
	tsl_hooks_detach();
	tsl_ring_quiesce();
	tsl_sess.detached = true;
}

/*
 * The session is over: flows forgotten, pages and namespace let go. @err
 * is how its last step ended (tsl_finish_step()). Under tsl_lock.
 */
static void tsl_session_close(int err)
{
	if (tsl_sess.gone)
		pr_info("reader %u went away without STOP\n", tsl_sess.portid);
	else if (err)
		pr_info("reader %u: %s: %s (%d)\n", tsl_sess.portid,
			tsl_sess.end_sent ? "cannot send END" :
			"records left unsent, no END", tsl_send_failure(err), err);
	tsl_flow_clear();
	tsl_pool_release();
	put_net(tsl_sess.net);
	WRITE_ONCE(tsl_sess.net, NULL);
	tsl_sess.active = false;
	tsl_sess.stopping = false;
	tsl_sess.detached = false;
	tsl_sess.end_sent = false;
	tsl_sess.end_tries = 0;
	tsl_sess.end_from = 0;
	tsl_sess.gone = false;
	tsl_sess.confined = false;
}

/*
 * End the session at once, with no retry: for a reader that is gone
 * (nothing is sent; what the rings hold is counted as dropped). Under
 * tsl_lock.
 */
static void tsl_session_end_gone(void)
{
	if (!tsl_sess.active)
		return;
	tsl_sess.gone = true;
	tsl_session_detach();
	tsl_discard_rest();
	tsl_session_close(0);
}

/*
 * The stopping session's next step (tsl_finish_step()): true while it is
 * to be tried again, false once the session is closed. Under tsl_lock.
 */
static bool tsl_session_end_step(void)
{
	int err;

	tsl_session_detach();
	err = tsl_finish_step();
	if (err == -EINPROGRESS)
		return true;
	tsl_session_close(err);
	return false;
}

static void tsl_drain_fn(struct work_struct *work)
{
	int err;

	mutex_lock(&tsl_lock);
	if (!tsl_sess.active)
		goto out;
	if (tsl_sess.stopping) {
		/* The lock is let go between tries: see tsl_lock. */
		if (tsl_session_end_step())
			schedule_delayed_work(&tsl_drain_work, msecs_to_jiffies(5));
		goto out;
	}
	err = tsl_drain();
	if (err && err != -EAGAIN && err != -ENOMEM) {
		/* The reader went away without STOP. */
		tsl_session_end_gone();
		goto out;
	}
	if (!tsl_sess.unloading)
		schedule_delayed_work(&tsl_drain_work,
				      msecs_to_jiffies(err ? 2 : tsl_drain_ms));
out:
	mutex_unlock(&tsl_lock);
}

/*
 * Start a recording that streams to @portid in @net in @family's messages,
 * of the sockets @f passes (@f is the stream's from now on, and published
 * even if the start fails; @confined: it names @net alone): counters and
 * flows from zero, record times chosen, the hooks attached, the drain
 * scheduled. Under tsl_lock, with no recording active and the module not
 * unloading (tsl_stream_unloading()).
 */
int tsl_stream_start(const struct genl_family *family, u32 portid,
		     struct net *net, struct tsl_filter *f, bool confined)
{
	int err;

	tsl_filter_replace(f);
	tsl_ring_reset();
	tsl_flow_clear();
	tsl_probes_reset();
	tsl_sess.family = family;
	tsl_sess.confined = confined;
	WRITE_ONCE(tsl_sess.portid, portid);
	WRITE_ONCE(tsl_sess.net, get_net(net));
	tsl_clock_start();
	tsl_filter_session_start();
	err = tsl_hooks_attach();
	if (err) {
		put_net(net);
		WRITE_ONCE(tsl_sess.net, NULL);
		tsl_sess.confined = false;
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
	tsl_sess.end_reason = TSL_END_STOPPED;
	mod_delayed_work(system_wq, &tsl_drain_work, 0);
}

/*
 * The module is going: the recording, if any, ends now (END with
 * TSL_END_UNLOAD, while the family that carries it is still registered),
 * START is refused from now on (tsl_stream_unloading()) and the drain does
 * not run again. The lock is let go between tries, as the drain work does.
 */
void tsl_stream_shutdown(void)
{
	mutex_lock(&tsl_lock);
	tsl_sess.unloading = true;
	if (tsl_sess.active) {
		tsl_sess.stopping = true;
		tsl_sess.end_reason = TSL_END_UNLOAD;
	}
	while (tsl_sess.active && tsl_session_end_step()) {
		mutex_unlock(&tsl_lock);
		msleep(5);
		mutex_lock(&tsl_lock);
	}
	mutex_unlock(&tsl_lock);
	cancel_delayed_work_sync(&tsl_drain_work);
}

/*
 * A reader's socket was released (closed, or its process killed) without
 * STOP: its session ends here and now, whatever the rings hold, and
 * nothing more is sent to its port id, which any socket may bind from
 * now on. The chain is a blocking one, called from netlink_release()
 * after the socket left the port table: sleeping is allowed.
 *
 * Every netlink socket's release runs this chain, under its rwsem's read
 * side. Sockets other than the recording one are turned away without
 * tsl_lock; for the recording one, the wait for tsl_lock is at most one
 * drain pass (nothing sleeps under it for longer, see tsl_lock), and the
 * end itself sends nothing and retries nothing: the hooks' detach (its
 * grace periods) is all it waits for. Only a notifier's (un)registration,
 * the rwsem's write side, would wait that long.
 */
static int tsl_netlink_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    n->portid != READ_ONCE(tsl_sess.portid) ||
	    !net_eq(n->net, READ_ONCE(tsl_sess.net)))
		return NOTIFY_DONE;
	mutex_lock(&tsl_lock);
	if (tsl_sess.active && n->portid == tsl_sess.portid &&
	    net_eq(n->net, tsl_sess.net))
		tsl_session_end_gone();
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
