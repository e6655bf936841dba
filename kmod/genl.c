// SPDX-License-Identifier: GPL-2.0
/*
 * The "tcpsleuth" generic netlink family: its policies and the control
 * commands (INFO, START with its filter, STOP; SET_FILTER refused); the
 * stream of events a START begins is stream.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <tcpsleuth.h>
#include "compat.h"
#include "tsl.h"
#include "clock.h"
#include "ring.h"
#include "flow.h"
#include "filter.h"
#include "hooks.h"
#include "stream.h"
#include "genl.h"

static struct genl_family tsl_family;

/*
 * Whether the sender is confined to its own network namespace: it is
 * outside the initial one, or lacks CAP_NET_ADMIN over the initial user
 * namespace. GENL_ADMIN_PERM asks the latter of every command today; the
 * test is written whole so that what a reader may record does not hang
 * on the operations' flags. A confined reader records only its own
 * namespace's sockets and sees nothing of another namespace's recording.
 */
static bool tsl_confined(const struct sk_buff *skb, struct genl_info *info)
{
	return !net_eq(genl_info_net(info), &init_net) ||
	       !netlink_capable(skb, CAP_NET_ADMIN);
}

/*
 * START's filter into *@out: TSL_A_FILTER, or every socket and event kind
 * without it; a confined sender's names its own namespace alone.
 */
static int tsl_start_filter(struct genl_info *info, bool confined,
			    struct tsl_filter **out)
{
	struct tsl_filter *f;
	int err;

	if (info->attrs[TSL_A_FILTER]) {
		err = tsl_filter_parse(info->attrs[TSL_A_FILTER], &f,
				       info->extack);
		/* Older kernels answer policy range violations with ERANGE. */
		if (err == -ERANGE)
			err = -EINVAL;
		if (err)
			return err;
	} else {
		f = tsl_filter_new();
		if (!f)
			return -ENOMEM;
	}
	if (confined) {
		err = tsl_filter_confine(f, genl_info_net(info)->ns.inum,
					 info->extack);
		if (err) {
			kfree(f);
			return err;
		}
	}
	*out = f;
	return 0;
}

/*
 * START, with the recording's filter in the same message: it is installed
 * under tsl_lock with the start, so no other socket can swap it between
 * the two.
 */
static int tsl_cmd_start(struct sk_buff *skb, struct genl_info *info)
{
	bool confined = tsl_confined(skb, info);
	struct tsl_filter *f;
	int err;

	err = tsl_start_filter(info, confined, &f);
	if (err)
		return err;
	tsl_stream_lock();
	if (tsl_stream_unloading()) {
		/* its drain would outlive the module */
		NL_SET_ERR_MSG(info->extack, "the module is being unloaded");
		err = -ESHUTDOWN;
	} else if (tsl_stream_active()) {
		NL_SET_ERR_MSG(info->extack, "another reader is recording");
		err = -EBUSY;
	} else {
		err = tsl_stream_start(&tsl_family, info->snd_portid,
				       genl_info_net(info), f, confined);
		f = NULL;
		if (err)
			NL_SET_ERR_MSG(info->extack, "cannot attach the probes");
	}
	tsl_stream_unlock();
	kfree(f);
	return err;
}

/* The stream ends asynchronously: the reader must keep reading till END. */
static int tsl_cmd_stop(struct sk_buff *skb, struct genl_info *info)
{
	int err = 0;

	tsl_stream_lock();
	if (!tsl_stream_active() || !tsl_stream_is(info)) {
		NL_SET_ERR_MSG(info->extack, "this socket is not recording");
		err = -ENOENT;
	} else {
		tsl_stream_stop();
	}
	tsl_stream_unlock();
	return err;
}

/*
 * SET_FILTER keeps its number but is refused: the filter travels in
 * START's TSL_A_FILTER, so that a recording's filter is the one its own
 * reader started it with. A reader that sends SET_FILTER predates that.
 */
static int tsl_cmd_set_filter(struct sk_buff *skb, struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack,
		       "the filter goes with START (TSL_A_FILTER in TSL_CMD_START); this reader is older than the module");
	return -EOPNOTSUPP;
}

/* INFO: the TSC's rate if it times this recording's records (or would the next's). */
static int tsl_put_tsc_khz(struct sk_buff *skb)
{
	u32 khz = !tsl_stream_active() ? tsl_tsc_khz_usable() :
		  static_branch_likely(&tsl_tsc) ? tsc_khz : 0;

	return khz ? nla_put_u32(skb, TSL_A_TSC_KHZ, khz) : 0;
}

/*
 * The module's description, and what the recording holds (flows, CPU
 * counters, filter) when @session; with @hits, the hooks' hit counts,
 * which count every socket on the host. The counters of CPUs from *@from
 * on, as many as fit, come last (*@from: nr_cpu_ids without @session).
 * Under tsl_lock.
 */
static int tsl_info_fill(struct sk_buff *skb, bool session, bool hits, int *from)
{
	const struct tsl_filter *f;
	int err;

	if (nla_put_u32(skb, TSL_A_VERSION, TSL_VERSION_CODE) ||
	    nla_put_string(skb, TSL_A_KERNEL, init_utsname()->release) ||
	    nla_put_u8(skb, TSL_A_ACTIVE, tsl_stream_active()) ||
	    nla_put_u32(skb, TSL_A_BUF_RECORDS, tsl_ring_records()) ||
	    nla_put_u32(skb, TSL_A_RECORD_SIZE, sizeof(struct tsl_event)) ||
	    nla_put_u32(skb, TSL_A_MAX_FLOWS, tsl_max_flows) ||
	    nla_put_u32(skb, TSL_A_NR_CPUS, nr_cpu_ids) ||
	    tsl_clock_put(skb, false) || tsl_put_tsc_khz(skb) ||
	    tsl_hooks_put(skb, hits))
		return -EMSGSIZE;
	if (!session) {
		*from = nr_cpu_ids;
		return 0;
	}
	if (nla_put_u32(skb, TSL_A_FLOWS_IN_USE, tsl_flow_in_use()) ||
	    nla_put_u64_64bit(skb, TSL_A_FLOWS_REFUSED, tsl_ring_refused(), TSL_A_PAD))
		return -EMSGSIZE;
	rcu_read_lock();
	f = rcu_dereference(tsl_filter);
	err = f ? tsl_filter_put(skb, f) : 0;
	rcu_read_unlock();
	return err ?: tsl_ring_stats_put(skb, from, 0);
}

/*
 * INFO. A confined sender (tsl_confined()) gets the module's description
 * and whether a reader is recording; what a recording holds only when the
 * recording is one confined to the sender's own namespace; never the
 * hooks' hit counts. Nothing in it then names or counts another
 * namespace's flows. The reply holds the counters of as many CPUs as
 * fit; CPU_STATS messages follow it with the rest, before the ACK.
 */
static int tsl_cmd_info(struct sk_buff *skb, struct genl_info *info)
{
	bool confined = tsl_confined(skb, info);
	struct sk_buff *msg;
	int err, from = 0;
	void *hdr;

	msg = genlmsg_new(TSL_STATS_MSG_BYTES, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tsl_family, 0, TSL_CMD_INFO);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	tsl_stream_lock();
	err = tsl_info_fill(msg, !confined ||
			    tsl_stream_confined_to(genl_info_net(info)),
			    !confined, &from);
	if (err)
		goto err_unlock;
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	if (!err)
		err = tsl_stream_cpu_stats(&tsl_family, genl_info_net(info),
					   info->snd_portid, info->snd_seq,
					   &from, NLA_HDRLEN);
	tsl_stream_unlock();
	return err;

err_unlock:
	tsl_stream_unlock();
err_free:
	nlmsg_free(msg);
	return err;
}

/* The filter's contents are validated against tsl_filter_policy by
 * tsl_filter_parse(), so that errors are the same on every kernel.
 */
static const struct nla_policy tsl_policy[TSL_A_MAX + 1] = {
	[TSL_A_FILTER] = { .type = NLA_NESTED },
};

static const struct genl_small_ops tsl_ops[] = {
	{ .cmd = TSL_CMD_INFO, .doit = tsl_cmd_info, .flags = GENL_ADMIN_PERM },
	{ .cmd = TSL_CMD_SET_FILTER, .doit = tsl_cmd_set_filter,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TSL_CMD_START, .doit = tsl_cmd_start, .flags = GENL_ADMIN_PERM },
	{ .cmd = TSL_CMD_STOP, .doit = tsl_cmd_stop, .flags = GENL_ADMIN_PERM },
};

static struct genl_family tsl_family __ro_after_init = {
	.name		= TSL_GENL_NAME,
	.version	= TSL_GENL_VERSION,
	.maxattr	= TSL_A_MAX,
	.policy		= tsl_policy,
	.netnsok	= true,
	/*
	 * Our commands serialize on tsl_lock alone (stream.c), not on the
	 * generic netlink core's genl_mutex, which every family without
	 * parallel_ops takes around each of its commands: a command of ours
	 * waiting for tsl_lock (a drain pass, a hook detach's grace periods)
	 * must not hold up every other family's on the host. Nothing here
	 * relies on genl_mutex: the session, the hooks and the counters INFO
	 * reads are tsl_lock's, the filter is RCU's. Commands still hold the
	 * core's cb_lock for reading, so genl_unregister_family() waits for
	 * running ones; a family's registration (its write side) would wait
	 * for one of ours that waits for tsl_lock, and new generic netlink
	 * messages behind it: that is why tsl_lock is never held across the
	 * end of a stream's retries, only a drain pass or a hook detach.
	 */
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.small_ops	= tsl_ops,
	.n_small_ops	= ARRAY_SIZE(tsl_ops),
#ifdef TSL_HAVE_GENL_RESV_START_OP
	.resv_start_op	= TSL_CMD_MAX + 1,
#endif
};

int tsl_genl_init(void)
{
	return genl_register_family(&tsl_family);
}

/*
 * No recording outlives the family its messages belong to: the session
 * ends, and from then on START is refused, before the family goes (a
 * command may still run until genl_unregister_family() returns).
 */
void tsl_genl_exit(void)
{
	tsl_stream_shutdown();
	genl_unregister_family(&tsl_family);
}
