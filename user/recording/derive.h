// SPDX-License-Identifier: GPL-2.0-or-later
// What the module leaves to the reader: how long read data sat queued and how long an ACK waited.
#ifndef TSL_DERIVE_H
#define TSL_DERIVE_H

#include <tcpsleuth.h>

/*
 * The module records data_rx, read and ack_tx as they happen and leaves a
 * read's residence (res_first_us, res_last_us) and an ACK's delay
 * (delay_us) to the reader (TSL_F_DERIVE): they are worked out here from
 * the flow's data_rx records, in time order. Memory grows with the flows
 * open at once: a flow's state goes when its state record says TCP_CLOSE.
 */
struct tsl_derive;

/*
 * NULL, or -ENOMEM from tsl_derive_event(), when out of memory: nothing is
 * printed, as these know no input to name; the caller, which knows the
 * recording, says so.
 */
struct tsl_derive *tsl_derive_new(void);
void tsl_derive_free(struct tsl_derive *d);

/*
 * Take @ev (records in time order) and fill in what the module left out.
 * 0, or -ENOMEM (not printed).
 */
int tsl_derive_event(struct tsl_derive *d, struct tsl_event *ev);

/* Whether tsl_derive_event() would change or learn from @ev. */
static inline int tsl_derive_wants(const struct tsl_event *ev)
{
	switch (ev->kind) {
	case TSL_EV_DATA_RX:
	case TSL_EV_STATE:
	case TSL_EV_READ:
	case TSL_EV_ACK_TX:
		return 1;
	default:
		return 0;
	}
}

#endif /* TSL_DERIVE_H */
