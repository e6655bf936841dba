// SPDX-License-Identifier: GPL-2.0-or-later
// The egress qdisc of each traced flow: its device found by a route lookup in the flow's namespace, its root qdisc's statistics.
#ifndef TSL_QDISC_H
#define TSL_QDISC_H

#include <stdbool.h>
#include <stdint.h>

#include "netns.h"

/*
 * A flow's egress device is the one the kernel routes its peer through from
 * its local address (RTM_GETROUTE with RTA_DST and RTA_SRC, in the flow's
 * namespace): the device its segments leave by, which need not be the one
 * that holds the local address. The lookup is cached and done again every
 * TSL_QDISC_ROUTE_NS: a tick costs one qdisc dump per namespace.
 *
 * Each tick dumps the qdiscs of every namespace with traced flows, once per
 * namespace (a libnl route/qdisc cache, refilled), and gives each flow its
 * device's root qdisc. The root's statistics cover the whole device: a
 * classful root (htb, tbf, netem with a child, prio) counts its children's
 * packets in its own backlog, qlen and drops, and mq sums its per-queue
 * children when dumped. Ingress and clsact are not roots and are not read.
 * A device without a queue (loopback, veth unless given a qdisc) has a
 * noqueue root whose counters stay zero.
 */

#define TSL_QDISC_ROUTE_NS	10000000000ull	/* a flow's route, looked up again */

/* The statistics of a root qdisc (gnet_stats_basic and gnet_stats_queue). */
struct tsl_qdisc_stats {
	uint32_t ifindex;
	uint32_t handle;
	char kind[16];		/* "tbf", "netem", "noqueue", ... */
	uint64_t bytes, packets;	/* sent */
	uint64_t drops, overlimits, requeues;
	uint64_t qlen;		/* packets queued: tc's "backlog Np" */
	uint64_t backlog;	/* bytes queued */
};

/* One flow's root qdisc in one tick. */
struct tsl_qdisc_result {
	uint64_t cookie;
	bool rebase;	/* another device or qdisc than the last tick's: counters start again */
	struct tsl_qdisc_stats st;
};

/* 0, or a negative errno, said by it, that ends the tick. */
typedef int (*tsl_qdisc_emit_fn)(void *arg, const struct tsl_qdisc_result *r);

struct tsl_qdiscs;
struct nl_cache;
struct nl_msg;
struct nlmsghdr;

/* @ns: where sockets for other namespaces are made (NULL: only the reader's). NULL without memory, said. */
struct tsl_qdiscs *tsl_qdiscs_new(struct tsl_netns *ns);
void tsl_qdiscs_free(struct tsl_qdiscs *q);
/*
 * Follow flow @cookie in namespace @netns, from @saddr to @daddr (network
 * order; 4 or 16 bytes by @family; a v4-mapped pair is looked up as IPv4).
 * 0, or -ENOMEM (said).
 */
int tsl_qdiscs_add(struct tsl_qdiscs *q, uint64_t cookie, uint32_t netns,
		   int family, const uint8_t *saddr, const uint8_t *daddr);
/* Stop following flow @cookie; a namespace no flow needs is let go. */
void tsl_qdiscs_remove(struct tsl_qdiscs *q, uint64_t cookie);
/*
 * One tick at @now_ns (CLOCK_MONOTONIC): @emit for each flow whose device's
 * root qdisc was found. 0, or a negative errno, said: -ENOMEM,
 * -ENOTRECOVERABLE (see tsl_netns_run()), or what @emit returned. A
 * namespace whose socket cannot be made, or whose dump fails, is said once
 * and its flows are not sampled again: no error.
 */
int tsl_qdiscs_tick(struct tsl_qdiscs *q, uint64_t now_ns,
		    tsl_qdisc_emit_fn emit, void *arg);

/* The parts below, exposed for the tests. */

/* The route lookup of a flow: RTM_GETROUTE for @dst from @src (NULL: any). NULL without memory, said. */
struct nl_msg *tsl_route_request(int family, const uint8_t *src,
				 const uint8_t *dst);
/* The output device of an RTM_NEWROUTE reply: 0 and @ifindex; -EINVAL (not said) when it has none. */
int tsl_route_parse_oif(const struct nlmsghdr *nlh, uint32_t *ifindex);
/* The root qdisc of @ifindex in @cache (a route/qdisc cache): 0 and @out; -ENOENT when it has none. */
int tsl_qdisc_root(struct nl_cache *cache, uint32_t ifindex,
		   struct tsl_qdisc_stats *out);

#endif /* TSL_QDISC_H */
