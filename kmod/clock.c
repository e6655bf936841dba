// SPDX-License-Identifier: GPL-2.0
/* Record times: the TSC where the kernel keeps time with it (see clock.h). */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/netlink.h>
#include <tcpsleuth.h>
#include "tsl.h"
#include "clock.h"

DEFINE_STATIC_KEY_FALSE(tsl_tsc);

/*
 * tsc_khz when record times may come from the TSC, else 0: where the
 * kernel's own timekeeping reads the TSC (its clocksource's counter, read
 * between two TSC reads, falls between them) and has not found it
 * unstable, the TSC is synchronized across CPUs and steady.
 */
u32 tsl_tsc_khz_usable(void)
{
	struct system_time_snapshot snap;
	u64 c0, c1;

	if (!tsl_use_tsc || check_tsc_unstable() || tsc_khz < 1000)
		return 0;
	c0 = rdtsc_ordered();
	ktime_get_snapshot(&snap);
	c1 = rdtsc_ordered();
	return c0 <= snap.cycles && snap.cycles <= c1 ? tsc_khz : 0;
}

void tsl_clock_start(void)
{
	if (tsl_tsc_khz_usable())
		static_branch_enable(&tsl_tsc);
	else
		static_branch_disable(&tsl_tsc);
}

/*
 * The clock pair of a message: CLOCK_MONOTONIC and CLOCK_REALTIME and,
 * with @cycles while records are timed by the TSC, the TSC at the same
 * instant (the middle of two reads around the monotonic one). Taken after
 * the records were gathered, so every record's time is before it.
 */
int tsl_clock_put(struct sk_buff *skb, bool cycles)
{
	u64 c0 = 0, c1 = 0, mono;

	cycles = cycles && static_branch_likely(&tsl_tsc);
	if (cycles)
		c0 = rdtsc_ordered();
	mono = ktime_get_ns();
	if (cycles)
		c1 = rdtsc_ordered();
	if (nla_put_u64_64bit(skb, TSL_A_MONO_NS, mono, TSL_A_PAD) ||
	    nla_put_u64_64bit(skb, TSL_A_REAL_NS, ktime_get_real_ns(), TSL_A_PAD))
		return -EMSGSIZE;
	if (cycles && (nla_put_u64_64bit(skb, TSL_A_CYCLES, c0 + (c1 - c0) / 2, TSL_A_PAD) ||
		   nla_put_u32(skb, TSL_A_TSC_KHZ, tsc_khz)))
		return -EMSGSIZE;
	return 0;
}
