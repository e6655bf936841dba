// SPDX-License-Identifier: GPL-2.0
/*
 * Debug builds only (make TSL_LOADGEN=1): a synthetic event source for
 * measuring how fast the reader drains the rings. While a reader records
 * and loadgen_rate was > 0 when it started, a pinned hrtimer on every CPU
 * writes loadgen_rate / 1000 tx records per millisecond through the same
 * ring code as the probes. With discard=1 the drain takes records off the rings
 * without sending them (they count as delivered), so the probes' own cost
 * can be told from the delivery's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include "ring.h"
#include "loadgen.h"

static unsigned int tsl_loadgen_rate;
module_param_named(loadgen_rate, tsl_loadgen_rate, uint, 0644);
MODULE_PARM_DESC(loadgen_rate, "Debug: synthetic events per second per CPU while recording");

bool tsl_loadgen_discard;
module_param_named(discard, tsl_loadgen_discard, bool, 0644);
MODULE_PARM_DESC(discard, "Debug: the drain consumes records without sending them");

static DEFINE_PER_CPU(struct hrtimer, tsl_loadgen_timer);
static DEFINE_PER_CPU(u64, tsl_loadgen_owed);	/* events per ms * 1000 */
static bool tsl_loadgen_on;

static void tsl_loadgen_emit(u32 n)
{
	struct tsl_wr w;
	struct tsl_event *ev;
	unsigned long flags;

	while (n--) {
		local_irq_save(flags);
		if (tsl_ring_reserve(&w, &ev, TSL_EV_TX, 0)) {
			memset(&ev->tx, 0, sizeof(ev->tx));
			ev->tx.len = 1448;
			ev->tx.segs = 1;
			tsl_ring_commit(&w);
		}
		local_irq_restore(flags);
	}
}

static enum hrtimer_restart tsl_loadgen_tick(struct hrtimer *t)
{
	u64 *owed = this_cpu_ptr(&tsl_loadgen_owed);

	if (!READ_ONCE(tsl_loadgen_on))
		return HRTIMER_NORESTART;
	*owed += READ_ONCE(tsl_loadgen_rate);
	tsl_loadgen_emit(div_u64(*owed, 1000));
	*owed %= 1000;
	hrtimer_forward_now(t, ms_to_ktime(1));
	return HRTIMER_RESTART;
}

static void tsl_loadgen_arm(void *unused)
{
	struct hrtimer *t = this_cpu_ptr(&tsl_loadgen_timer);

	hrtimer_start(t, ms_to_ktime(1), HRTIMER_MODE_REL_PINNED);
}

/* A recording started: every online CPU starts generating. */
void tsl_loadgen_start(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		hrtimer_init(per_cpu_ptr(&tsl_loadgen_timer, cpu), CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED);
		per_cpu_ptr(&tsl_loadgen_timer, cpu)->function = tsl_loadgen_tick;
		per_cpu(tsl_loadgen_owed, cpu) = 0;
	}
	/* No timer at all at rate 0: the probes' cost is measured so. */
	if (!READ_ONCE(tsl_loadgen_rate))
		return;
	WRITE_ONCE(tsl_loadgen_on, true);
	on_each_cpu(tsl_loadgen_arm, NULL, 1);
}

/* Before the session's final drain: no record is written after this. */
void tsl_loadgen_stop(void)
{
	int cpu;

	WRITE_ONCE(tsl_loadgen_on, false);
	for_each_possible_cpu(cpu)
		hrtimer_cancel(per_cpu_ptr(&tsl_loadgen_timer, cpu));
}
