/* SPDX-License-Identifier: GPL-2.0 */
/* Every kernel-version difference tcpsleuth cares about, in one place. */
#ifndef _TSL_COMPAT_H
#define _TSL_COMPAT_H

#include <linux/version.h>
#include <linux/ftrace.h>
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

/*
 * Function-entry hooks through ftrace_ops callbacks (CONFIG_DYNAMIC_FTRACE;
 * kprobes are the fallback otherwise).
 * 5.11 changed the callback's last argument from pt_regs to ftrace_regs,
 * which on x86_64 (DYNAMIC_FTRACE_WITH_ARGS) holds the argument registers
 * without FTRACE_OPS_FL_SAVE_REGS, and callbacks without
 * FTRACE_OPS_FL_RECURSION are called straight from the trampoline and
 * guard themselves (the guard also disables preemption). On 5.10 the
 * registers come only with SAVE_REGS, and ftrace wraps a callback that is
 * not FTRACE_OPS_FL_RECURSION_SAFE in its own guard with preemption off.
 * ftrace_regs_get_argument(): 6.2 (a macro wherever it exists).
 */
#ifdef CONFIG_DYNAMIC_FTRACE
#define TSL_HAVE_FTRACE 1
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0) && \
	defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
typedef struct ftrace_regs tsl_fregs_t;
#define TSL_FTRACE_OPS_FLAGS		0
#define tsl_ftrace_enter(ip, pip)	ftrace_test_recursion_trylock(ip, pip)
#define tsl_ftrace_exit(bit)		ftrace_test_recursion_unlock(bit)
#ifdef ftrace_regs_get_argument
#define tsl_farg(fr, n)			ftrace_regs_get_argument(fr, n)
#else
#define tsl_farg(fr, n)			regs_get_kernel_argument(&(fr)->regs, n)
#endif
#elif LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
typedef struct pt_regs tsl_fregs_t;
#define TSL_FTRACE_OPS_FLAGS		FTRACE_OPS_FL_SAVE_REGS
#define tsl_ftrace_enter(ip, pip)	0
#define tsl_ftrace_exit(bit)		do { (void)(bit); } while (0)
#define tsl_farg(fr, n)			regs_get_kernel_argument(fr, n)
#else
#undef TSL_HAVE_FTRACE
#endif
#endif

/*
 * Direct calls (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS): a function's fentry
 * call patched to call a trampoline of ours, with no ftrace trampoline in
 * between. 5.10 registers one by the function's address; 5.16 added the
 * form that takes an ftrace_ops filtered to the function (..._multi), which
 * 6.5 renamed to register_ftrace_direct() and gave unregister a third
 * argument (whether to free the ops' filter).
 */
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS
#define TSL_HAVE_DIRECT 1
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define tsl_direct_register(ops, ip, tramp)	register_ftrace_direct(ops, tramp)
#define tsl_direct_unregister(ops, ip, tramp)	unregister_ftrace_direct(ops, tramp, false)
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5, 16, 0)
#define tsl_direct_register(ops, ip, tramp)	register_ftrace_direct_multi(ops, tramp)
#define tsl_direct_unregister(ops, ip, tramp)	unregister_ftrace_direct_multi(ops, tramp)
#else
#define TSL_DIRECT_BY_ADDR 1
#define tsl_direct_register(ops, ip, tramp)	register_ftrace_direct(ip, tramp)
#define tsl_direct_unregister(ops, ip, tramp)	unregister_ftrace_direct(ip, tramp)
#endif
#endif

/*
 * A trampoline's instructions: ENDBR where the kernel has IBT (5.18: its
 * address is taken), call-depth accounting (6.2), the return thunk (the
 * kernels here all have ASM_RET).
 */
#include <asm/linkage.h>
#include <asm/nospec-branch.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 18, 0)
#include <asm/ibt.h>
#endif
#ifndef ASM_ENDBR
#define ASM_ENDBR ""
#endif
#ifndef CALL_DEPTH_ACCOUNT
#define CALL_DEPTH_ACCOUNT ""
#endif
#ifndef ASM_RET
#define ASM_RET "ret\n\t"
#endif

/*
 * After a trampoline of ours is unhooked, wait until no task can still be
 * in it: tasks RCU where tasks can be preempted there, else any RCU grace
 * period (no CPU is between two instructions of it across a quiescent state).
 */
#ifdef CONFIG_TASKS_RCU
#define tsl_sync_trampolines()	synchronize_rcu_tasks()
#else
#define tsl_sync_trampolines()	synchronize_rcu()
#endif

/*
 * Whether an irq_work is queued or running. irq_work_is_busy(): 5.17 (the
 * flags it reads are the same from 5.10 on).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 17, 0)
#define tsl_irq_work_busy(w)	irq_work_is_busy(w)
#else
#define tsl_irq_work_busy(w)	(atomic_read(&(w)->node.a_flags) & IRQ_WORK_BUSY)
#endif

/* sk_drops: an atomic_t up to 6.16 (a per-NUMA object from 6.17). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#error "tcpsleuth has not been checked against Linux 6.16 and later"
#endif
#define tsl_sk_drops(sk)	atomic_read(&(sk)->sk_drops)

#endif /* _TSL_COMPAT_H */
