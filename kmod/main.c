// SPDX-License-Identifier: GPL-2.0
/* tcpsleuth.ko: module parameters, init and exit of every part. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include "tsl.h"
#include "ring.h"
#include "flow.h"
#include "filter.h"
#include "hooks.h"
#include "stream.h"
#include "genl.h"

unsigned int tsl_buf_kb = 256;
module_param_named(buf_kb, tsl_buf_kb, uint, 0444);
MODULE_PARM_DESC(buf_kb, "Event ring size per CPU in KiB, rounded down to a power of two records (default 256, 1..65536)");

unsigned int tsl_max_flows = 512;
module_param_named(max_flows, tsl_max_flows, uint, 0444);
MODULE_PARM_DESC(max_flows, "Sockets traced at once at most (default 512, 1..1048576)");

unsigned int tsl_drain_ms = 20;
module_param_named(drain_ms, tsl_drain_ms, uint, 0444);
MODULE_PARM_DESC(drain_ms, "Interval between ring drains in ms (default 20, 1..100)");

bool tsl_use_tsc = true;
module_param_named(tsc, tsl_use_tsc, bool, 0444);
MODULE_PARM_DESC(tsc, "Time records with the TSC where the kernel keeps time with it (default Y)");

static int __init tsl_init(void)
{
	int err;

	if (tsl_drain_ms < 1 || tsl_drain_ms > TSL_DRAIN_MS_MAX) {
		pr_err("drain_ms=%u out of range 1..%u\n", tsl_drain_ms,
		       TSL_DRAIN_MS_MAX);
		return -EINVAL;
	}
	err = tsl_ring_init(tsl_stream_kick);
	if (err)
		return err;
	err = tsl_flow_init();
	if (err)
		goto err_flow;
	err = tsl_filter_init();
	if (err)
		goto err_filter;
	err = tsl_hooks_init();
	if (err)
		goto err_hooks;
	err = tsl_stream_init();
	if (err)
		goto err_stream;
	err = tsl_genl_init();
	if (err)
		goto err_genl;
	pr_info("loaded: %u records per CPU, %u flows\n", tsl_ring_records(),
		tsl_max_flows);
	return 0;

err_genl:
	tsl_stream_exit();
err_stream:
	tsl_hooks_exit();
err_hooks:
	tsl_filter_exit();
err_filter:
	tsl_flow_exit();
err_flow:
	tsl_ring_exit();
	return err;
}

static void __exit tsl_exit(void)
{
	tsl_genl_exit();
	tsl_stream_exit();
	tsl_hooks_exit();
	tsl_filter_exit();
	tsl_flow_exit();
	tsl_ring_exit();
	pr_info("unloaded\n");
}

module_init(tsl_init);
module_exit(tsl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-socket TCP event tracing over generic netlink");
MODULE_VERSION(TSL_VERSION_STR);
MODULE_ALIAS_GENL_FAMILY(TSL_GENL_NAME);
