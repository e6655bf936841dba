// SPDX-License-Identifier: GPL-2.0-or-later
// The path prober: ICMP echo to each traced flow's peer, from the flow's namespace.
#ifndef TSL_PATHPROBE_H
#define TSL_PATHPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netns.h"

/*
 * One echo request per peer per tick, to the peer addresses of traced flows
 * and nowhere else. Peers are (namespace, family, address); flows sharing a
 * peer share its probes. A v4-mapped IPv6 peer is probed over IPv4.
 *
 * Sockets: one per namespace and family, a ping socket (SOCK_DGRAM; needs
 * net.ipv4.ping_group_range of that namespace to allow the reader's group)
 * or, failing that, a raw socket (needs CAP_NET_RAW). Replies are matched to
 * requests by identifier, sequence number, source address and payload, and
 * timed by the kernel's receive timestamp, so how late in a tick they are
 * read does not change the round trip.
 */

#define TSL_PROBE_TIMEOUT_NS	1000000000ull	/* unanswered after this: lost */
#define TSL_PROBE_MAX_PEERS	256
#define TSL_PROBE_PAYLOAD	"tcpsleuth-probe"	/* 16 bytes with the NUL */
#define TSL_PROBE_LEN		(8 + sizeof(TSL_PROBE_PAYLOAD))

struct tsl_pathprobe_opts {
	uint64_t timeout_ns;	/* 0: TSL_PROBE_TIMEOUT_NS */
	unsigned int max_peers;	/* 0 or more than TSL_PROBE_MAX_PEERS: that */
	/* The clock of send times and timeouts; NULL: CLOCK_REALTIME, which
	 * the kernel's receive timestamps use. Tests pass a fake one. */
	uint64_t (*clock)(void *arg);
	void *clock_arg;
	/* Tests: called instead of opening sockets and sendto(); a request of
	 * @len bytes (no IP header) to @addr of @family in namespace @netns;
	 * >= 0 when sent, a negative errno when not (as sendto()'s -errno:
	 * -EAGAIN and -ENOBUFS skip a tick, others end the peer's probes). */
	int (*send)(void *arg, uint32_t netns, int family, const uint8_t *addr,
		    const void *buf, size_t len);
	void *send_arg;
	uint16_t send_id;	/* with @send: the identifier requests carry */
};

/* What one flow's peer gave in one tick. */
struct tsl_probe_result {
	uint64_t cookie;
	bool has_rtt;
	uint32_t rtt_us;	/* median of the replies read in the tick */
	uint32_t lost;		/* probes that passed the timeout in the tick */
};

/* 0, or a negative errno, said by it, that ends the tick (tsl_pathprobe_tick() returns it). */
typedef int (*tsl_probe_emit_fn)(void *arg, const struct tsl_probe_result *r);

struct tsl_pathprobe;

/* @ns: where sockets for other namespaces are made (not needed with o->send). NULL without memory, said. */
struct tsl_pathprobe *tsl_pathprobe_new(struct tsl_netns *ns,
					const struct tsl_pathprobe_opts *o);
void tsl_pathprobe_free(struct tsl_pathprobe *pp);

/*
 * Probe the peer @addr (network order; 4 or 16 bytes by @family) of flow
 * @cookie in namespace @netns. 0 when probed, 1 when not (too many peers,
 * said once; an address that is not one host's, not said), -ENOMEM (said).
 */
int tsl_pathprobe_add(struct tsl_pathprobe *pp, uint64_t cookie,
		      uint32_t netns, int family, const uint8_t *addr);
/* Stop probing for flow @cookie; a peer no flow needs is forgotten. */
void tsl_pathprobe_remove(struct tsl_pathprobe *pp, uint64_t cookie);

/*
 * One tick: read every reply waiting, count probes older than the timeout
 * as lost, call @emit for each flow whose peer replied or lost a probe since
 * the last tick, then, if @send, send the next probe to every peer.
 * 0, or a negative errno, said: -ENOMEM, -ENOTRECOVERABLE (see
 * tsl_netns_run()), or what @emit returned. A peer whose socket cannot be
 * made or which refuses probes is said once and not probed again: no error.
 */
int tsl_pathprobe_tick(struct tsl_pathprobe *pp, bool send,
		       tsl_probe_emit_fn emit, void *arg);

/*
 * A reply read from the socket of (@netns, @family), @src its sender:
 * 1 when it answered a probe, 0 when it is not ours. Tests call it with
 * crafted packets; @rx_ns is on the prober's clock, 0 when unknown (the
 * probe is answered, but gives no round trip).
 */
int tsl_pathprobe_input(struct tsl_pathprobe *pp, uint32_t netns, int family,
			const uint8_t *src, const void *buf, size_t len,
			bool ip_header, uint64_t rx_ns);

/* An echo request with our payload into @buf (TSL_PROBE_LEN bytes); its length. */
size_t tsl_icmp_echo_build(int family, uint16_t id, uint16_t seq, void *buf);
/*
 * An echo reply carrying our payload? 0 and @id, @seq; 1 for anything else
 * (not ours: no error, nothing said).
 * @ip_header: @buf starts with an IPv4 header (raw IPv4 sockets).
 */
int tsl_icmp_echo_parse(int family, bool ip_header, const void *buf,
			size_t len, uint16_t *id, uint16_t *seq);

#endif /* TSL_PATHPROBE_H */
