/* SPDX-License-Identifier: GPL-2.0 */
/* The event stream of a recording (stream.c): the rings, drained to its reader. */
#ifndef _TSL_STREAM_H
#define _TSL_STREAM_H

#include <linux/types.h>

struct genl_family;
struct genl_info;
struct irq_work;
struct net;
struct tsl_filter;

int tsl_stream_init(void);
void tsl_stream_exit(void);

/* The recording session is under this lock; so are the calls below it. */
void tsl_stream_lock(void);
void tsl_stream_unlock(void);
bool tsl_stream_active(void);
bool tsl_stream_unloading(void);
bool tsl_stream_is(struct genl_info *info);
bool tsl_stream_confined_to(const struct net *net);
int tsl_stream_start(const struct genl_family *family, u32 portid,
		     struct net *net, struct tsl_filter *f, bool confined);
void tsl_stream_stop(void);

/*
 * Payload of a message that carries CPUs' counters (END, CPU_STATS, the
 * INFO reply): its buffer is 16 KiB, an order-2 allocation, and holds
 * those of about 100 CPUs (148 bytes each on x86_64); tsl_stream_cpu_stats()
 * sends the rest ahead of END, or after the INFO reply. Needs
 * <net/genetlink.h>.
 */
#define TSL_STATS_MSG_BYTES \
	(SKB_WITH_OVERHEAD(16384) - NLMSG_HDRLEN - GENL_HDRLEN)
int tsl_stream_cpu_stats(const struct genl_family *family, struct net *net,
			 u32 portid, u32 seq, int *from, size_t rest);

/* Without the lock: */
void tsl_stream_shutdown(void);
void tsl_stream_kick(struct irq_work *work);

#endif /* _TSL_STREAM_H */
