// SPDX-License-Identifier: GPL-2.0-or-later
// The time ledger: where each flow's time went, worked out from its events in one time-ordered pass.
#ifndef TSL_AN_LEDGER_H
#define TSL_AN_LEDGER_H

#include <stdint.h>
#include <tcpsleuth.h>

#include "analysis.h"

/*
 * Every item is time the flow spent waiting for one thing, measured from
 * its own events:
 *
 * unread       data sat in the receive queue: per read, from the arrival
 *              of the oldest byte it takes (its residence) to the read,
 *              less LG_GRACE_US, the union over reads (a queue that is
 *              never emptied counts once); per interval too, so the owner's
 *              state in that interval can say why (verdicts.c)
 * hole_loss,   received data waited in the out-of-order queue for a missing
 * hole_reorder segment: from the first arrival beyond rcv_nxt to the arrival
 *              that fills rcv_nxt; a hole filled within LG_REORDER_RTT of
 *              the RTT came by reordering, a longer one by retransmission
 * recovery     the sender, from its first retransmission (or from the last
 *              ACK before a retransmission timeout) until the ACK of all it
 *              had sent then
 * rwnd_zero,   the sender, from a transmission that filled the peer's
 * rwnd         window (zero: the window was closed) to the next one
 * cwnd         ... that filled the congestion window (split into queue and
 *              floor later)
 * cwnd_after_loss  ... that filled a congestion window a loss had cut and
 *              that had not grown back to where the loss found it: the
 *              loss's doing, not the path's length or queue
 * sndbuf       (from tcp_info's chrono stats when sampled; verdicts.c)
 * turn         a request/response flow: a client (its first payload went
 *              out) from its request's last piece to the answer's first
 *              byte; a server from its answer's last piece to a pure ACK
 *              of it (one that comes with the next request also waited
 *              for the client's work, and is not counted)
 * ack_wait     a segment that left only when the ACK of the one before came
 *              back after the peer's delayed-ACK timer (Nagle's wait)
 * delack_tx    ACKs this side delayed on its timer while the peer's next
 *              segment waited for them (the server of ack_wait)
 */
/* 0, or -ENOMEM (memory or the rows' budget ran out). */
int tsl_ledger_event(struct tsl_an_model *m, struct tsl_an_flow *f,
		     const struct tsl_event *ev);
/*
 * After the merge (the flow's rows hold its samples): open waits are closed
 * at its last event, the floor is found, the holes are sorted out.
 */
void tsl_ledger_finish(struct tsl_an_flow *f);

#endif /* TSL_AN_LEDGER_H */
