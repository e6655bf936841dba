/* SPDX-License-Identifier: GPL-2.0 */
/* Every kernel-version difference tcpsleuth cares about, in one place. */
#ifndef _TSL_COMPAT_H
#define _TSL_COMPAT_H

#include <linux/version.h>
#include <net/tcp.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "tcpsleuth needs Linux 5.10 or later"
#endif
#if !defined(CONFIG_X86_64)
#error "tcpsleuth supports x86_64 only (kprobe argument access)"
#endif
#if !defined(CONFIG_KPROBES) || !defined(CONFIG_TRACEPOINTS)
#error "tcpsleuth needs CONFIG_KPROBES and CONFIG_TRACEPOINTS"
#endif

/* tcp_snd_cwnd() accessor: 5.19. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 19, 0)
#define tsl_snd_cwnd(tp)	tcp_snd_cwnd(tp)
#else
#define tsl_snd_cwnd(tp)	((tp)->snd_cwnd)
#endif

/*
 * genl_family.resv_start_op: 6.1. New families set it past their last
 * command so that every command gets strict header and attribute checks.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define TSL_HAVE_GENL_RESV_START_OP 1
#endif

/* sk_drops: an atomic_t up to 6.16 (a per-NUMA object from 6.17). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#error "tcpsleuth has not been checked against Linux 6.16 and later"
#endif
#define tsl_sk_drops(sk)	atomic_read(&(sk)->sk_drops)

#endif /* _TSL_COMPAT_H */
