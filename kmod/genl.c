// SPDX-License-Identifier: GPL-2.0
/*
 * The "tcpsleuth" generic netlink family: its policies and the control
 * commands (INFO, SET_FILTER, START, STOP); the stream of events a START
 * begins is stream.c's.
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

static int tsl_cmd_start(struct sk_buff *skb, struct genl_info *info)
{
	int err;

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
				       genl_info_net(info));
		if (err)
			NL_SET_ERR_MSG(info->extack, "cannot attach the probes");
	}
	tsl_stream_unlock();
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

static int tsl_cmd_set_filter(struct sk_buff *skb, struct genl_info *info)
{
	struct tsl_filter *f;
	int err;

	if (!info->attrs[TSL_A_FILTER]) {
		NL_SET_ERR_MSG(info->extack, "TSL_A_FILTER is missing");
		return -EINVAL;
	}
	err = tsl_filter_parse(info->attrs[TSL_A_FILTER], &f, info->extack);
	/* Older kernels answer policy range violations with ERANGE. */
	if (err == -ERANGE)
		err = -EINVAL;
	if (err)
		return err;
	/* A recording's filter is its reader's: another socket may not swap it. */
	tsl_stream_lock();
	if (tsl_stream_active() && !tsl_stream_is(info)) {
		NL_SET_ERR_MSG(info->extack, "another reader is recording");
		err = -EBUSY;
	} else {
		tsl_filter_replace(f);
		f = NULL;
	}
	tsl_stream_unlock();
	kfree(f);
	return err;
}

/* INFO: the TSC's rate if it times this recording's records (or would the next's). */
static int tsl_put_tsc_khz(struct sk_buff *skb)
{
	u32 khz = !tsl_stream_active() ? tsl_tsc_khz_usable() :
		  static_branch_likely(&tsl_tsc) ? tsc_khz : 0;

	return khz ? nla_put_u32(skb, TSL_A_TSC_KHZ, khz) : 0;
}

/* INFO's attributes; the counters of CPUs from *@from on, as many as fit, last. */
static int tsl_info_fill(struct sk_buff *skb, int *from)
{
	const struct tsl_filter *f;
	int err;

	if (nla_put_u32(skb, TSL_A_VERSION, TSL_VERSION_CODE) ||
	    nla_put_string(skb, TSL_A_KERNEL, init_utsname()->release) ||
	    nla_put_u8(skb, TSL_A_ACTIVE, tsl_stream_active()) ||
	    nla_put_u32(skb, TSL_A_BUF_RECORDS, tsl_ring_records()) ||
	    nla_put_u32(skb, TSL_A_RECORD_SIZE, sizeof(struct tsl_event)) ||
	    nla_put_u32(skb, TSL_A_MAX_FLOWS, tsl_max_flows) ||
	    nla_put_u32(skb, TSL_A_FLOWS_IN_USE, tsl_flow_in_use()) ||
	    nla_put_u32(skb, TSL_A_NR_CPUS, nr_cpu_ids) ||
	    nla_put_u64_64bit(skb, TSL_A_FLOWS_REFUSED, tsl_ring_refused(), TSL_A_PAD) ||
	    tsl_clock_put(skb, false) || tsl_put_tsc_khz(skb) ||
	    tsl_hooks_put(skb))
		return -EMSGSIZE;
	rcu_read_lock();
	f = rcu_dereference(tsl_filter);
	err = f ? tsl_filter_put(skb, f) : 0;
	rcu_read_unlock();
	return err ?: tsl_ring_stats_put(skb, from, 0);
}

/*
 * The reply holds the counters of as many CPUs as fit; CPU_STATS messages
 * follow it with the rest, before the ACK.
 */
static int tsl_cmd_info(struct sk_buff *skb, struct genl_info *info)
{
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
	err = tsl_info_fill(msg, &from);
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
