// SPDX-License-Identifier: GPL-2.0-or-later
// System samples: /proc and /sys counters, cgroup CPU throttling, sock_diag socket state, egress qdiscs and ICMP probes of each flow's peer, one SAMPLE chunk per tick.
#ifndef TSL_SAMPLERS_H
#define TSL_SAMPLERS_H

#include <stdbool.h>
#include <stdint.h>
#include <tcpsleuth.h>

#include "recording/recording.h"

/* Where a socket is: the identity the module reported in its flow record. */
struct tsl_sock_id {
	uint64_t cookie;
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t saddr[16], daddr[16];	/* network order */
	uint16_t sport, dport;	/* host order */
	uint32_t netns;		/* namespace inode number; 0: the reader's */
};

/*
 * What is sampled, per tick (keys in recording.h's TSL_SAMPLE_KEYS, or
 * composite): the host's SNMP counters, CPU shares, softirqs and NIC
 * counters; per owner process of a traced flow, /proc/PID and its cgroup
 * v2 group's cpu.stat and cpu.max (TSL_SRC_CGROUP, id pid); per traced
 * socket, tcp_info and skmem (TSL_SRC_SOCK), the root qdisc of its egress
 * device (TSL_SRC_QDISC, qdisc.h) and an echo to its peer (TSL_SRC_ICMP),
 * all three by socket cookie.
 *
 * Sockets are queried, their devices' qdiscs read and their peers probed
 * (icmp_probe.h), from the flow's network namespace, found from its inode
 * number (netns.h). A flow whose namespace is gone is no longer sampled;
 * that is said once.
 */

struct tsl_sampler_opts {
	const char *procroot;	/* NULL: "/proc" */
	const char *sysroot;	/* NULL: "/sys" */
	const char *runroot;	/* NULL: "/run/netns" */
	bool no_sock_diag;	/* do not query sockets, nor their qdiscs (tests) */
	bool no_icmp;		/* do not probe flows' peers */
	uint64_t icmp_interval_ns;	/* probe when this much passed; 0: every tick */
};

/*
 * Errors: the functions below return 0, or a negative errno after the one
 * line that says why has been printed (callers print nothing more); NULL
 * likewise. A source that fails (a malformed /proc file, no sock_diag) is
 * said once and not sampled again: the other sources go on, no error. What is
 * not a failure is not said: a counter missing on this kernel, a process
 * that exited, a socket that closed, a namespace that is gone.
 */

struct tsl_sampler;

/* NULL without memory (said). */
struct tsl_sampler *tsl_sampler_new(struct tsl_rec_writer *w,
				    const struct tsl_sampler_opts *o);
void tsl_sampler_free(struct tsl_sampler *s);
/* Learn pids and sockets of traced flows from kernel records; 0 or -ENOMEM (said). */
int tsl_sampler_observe(struct tsl_sampler *s, const struct tsl_event *ev,
			unsigned int n);
/* 0 (also when the pid or socket is known, or too many are), or -ENOMEM (said). */
int tsl_sampler_add_pid(struct tsl_sampler *s, uint32_t pid);
int tsl_sampler_add_sock(struct tsl_sampler *s, const struct tsl_sock_id *id);
/*
 * Sample everything and write a SAMPLE chunk stamped @mono_ns: 0, or a
 * negative errno after saying why: -ENOMEM, -ENOTRECOVERABLE (the thread is
 * stuck in another network namespace), or the recording's write error (the
 * writer says why; -EIO when it gives no errno).
 */
int tsl_sampler_tick(struct tsl_sampler *s, uint64_t mono_ns);

#endif /* TSL_SAMPLERS_H */
