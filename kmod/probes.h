/* SPDX-License-Identifier: GPL-2.0 */
/* The probe handlers (probes.c), one per hook, and the hits they count. */
#ifndef _TSL_PROBES_H
#define _TSL_PROBES_H

#include <linux/types.h>
#include <linux/percpu.h>
#include "compat.h"

/* The hooks, by the handler each runs (hooks.c attaches them). */
enum tsl_hook_id {
	TSL_HOOK_TX,		/* tx and ack_tx */
	TSL_HOOK_ACK_RX,
	TSL_HOOK_DATA_RX,
	TSL_HOOK_READ,
	TSL_HOOK_RETRANS,
	TSL_HOOK_RTO,
	TSL_HOOK_STATE,
	TSL_HOOK_DESTROY,
	TSL_HOOK_TIMER_ENTRY,
	TSL_HOOK_TIMER_EXIT,
	TSL_HOOK_COUNT,
};

/* Times each hook ran, per CPU: every handler counts its own. */
DECLARE_PER_CPU(u64 [TSL_HOOK_COUNT], tsl_hook_hits);

struct kprobe;
struct pt_regs;
struct sk_buff;
struct sock;
struct timer_list;
void tsl_probe_data_rx(void *data, struct sock *sk, struct sk_buff *skb);
void tsl_probe_retrans(void *data, const struct sock *sk,
		       const struct sk_buff *skb);
void tsl_probe_state(void *data, const struct sock *sk, const int oldstate,
		     const int newstate);
void tsl_probe_destroy(void *data, struct sock *sk);
void tsl_probe_timer_entry(void *data, struct timer_list *timer,
			   unsigned long baseclk);
void tsl_probe_timer_exit(void *data, struct timer_list *timer);
int tsl_kprobe_tx(struct kprobe *p, struct pt_regs *regs);
int tsl_kprobe_ack_rx(struct kprobe *p, struct pt_regs *regs);
int tsl_kprobe_read(struct kprobe *p, struct pt_regs *regs);
int tsl_kprobe_rto(struct kprobe *p, struct pt_regs *regs);
#ifdef TSL_HAVE_FTRACE
struct ftrace_ops;
void tsl_ftrace_tx(unsigned long ip, unsigned long parent_ip,
		   struct ftrace_ops *op, tsl_fregs_t *fr);
void tsl_ftrace_ack_rx(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_ops *op, tsl_fregs_t *fr);
void tsl_ftrace_read(unsigned long ip, unsigned long parent_ip,
		     struct ftrace_ops *op, tsl_fregs_t *fr);
void tsl_ftrace_rto(unsigned long ip, unsigned long parent_ip,
		    struct ftrace_ops *op, tsl_fregs_t *fr);
#endif
#ifdef TSL_HAVE_DIRECT
/* Trampolines (not C functions: only their addresses are used). */
void tsl_tramp_tx(void);
void tsl_tramp_ack_rx(void);
void tsl_tramp_read(void);
void tsl_tramp_rto(void);
#endif

/* A recording starts: forget what the handlers learnt in the last one. */
void tsl_probes_reset(void);

#endif /* _TSL_PROBES_H */
