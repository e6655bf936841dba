/* SPDX-License-Identifier: GPL-2.0 */
/* Record times (clock.c): the TSC where the kernel keeps time with it. */
#ifndef _TSL_CLOCK_H
#define _TSL_CLOCK_H

#include <linux/types.h>
#include <linux/jump_label.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <asm/msr.h>
#include <asm/tsc.h>

/*
 * Where the kernel keeps time with the TSC (so it is synchronized across
 * CPUs and steady), a record's time is the TSC itself (no clocksource
 * call) and every EVENTS message carries a (TSC, CLOCK_MONOTONIC) pair the
 * reader converts with; elsewhere, or with tsc=0, CLOCK_MONOTONIC in ns.
 * Chosen at the start of each recording, before the hooks are attached.
 * Durations between record times are the reader's to work out
 * (TSL_F_DERIVE).
 */
DECLARE_STATIC_KEY_FALSE(tsl_tsc);
u32 tsl_tsc_khz_usable(void);
void tsl_clock_start(void);

/* A message's clock pair, TSL_A_MONO_NS and the rest (see clock.c). */
struct sk_buff;
int tsl_clock_put(struct sk_buff *skb, bool cycles);

static __always_inline u64 tsl_now(void)
{
	if (static_branch_likely(&tsl_tsc))
		return rdtsc_ordered();
	return ktime_get_ns();
}

#endif /* _TSL_CLOCK_H */
