// SPDX-License-Identifier: GPL-2.0-or-later
// Causes: each flow's waits (its time ledger) attributed to the causes the measurements point to, with the share each explains.
#ifndef TSL_AN_CAUSES_H
#define TSL_AN_CAUSES_H

#include <stdbool.h>

#include "analysis.h"
#include "verdicts.h"

/* One flow's time, by cause (us), and what the attribution rests on. */
struct tsl_causes {
	double us[TSL_V_NCATEGORIES];
	double stalled_us;	/* their sum: the time the flow waited for something */
	double active_us;	/* first to last event */
	double bytes;		/* carried, either way */
	bool owner_known;	/* the reader's process was sampled */
	double local_drops;	/* NIC errors and drops, socket drops: segments */
	/*
	 * The share of a received byte's way it spent waiting to be read:
	 * its read residence beyond a prompt reader's, against that plus the
	 * path's one-way floor (a LAN's at least); 0 for a flow that sends more
	 * than it reads, or without a floor.
	 */
	double delivery_share;
};

/* Bytes @f carried, either way: what weighs its verdicts. */
double tsl_causes_bytes(const struct tsl_an_flow *f);
/* Whether @f carried enough to be judged (TH(MIN_SEGMENTS), TH(MIN_ACTIVE_S)). */
bool tsl_causes_enough(const struct tsl_an_flow *f);
/*
 * Attribute @f's ledger (intervals of @iv_us); @peer: the other end of its
 * connection, if recorded.
 */
void tsl_causes_flow(const struct tsl_an_flow *f, const struct tsl_an_flow *peer,
		     double iv_us, struct tsl_causes *c);

#endif /* TSL_AN_CAUSES_H */
