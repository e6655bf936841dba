// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: holds the direct call of one function (as a BPF trampoline
 * would), so that tcpsleuth's hook on it must fall back. The trampoline
 * returns at once.
 * usage: insmod tsl_holder.ko func=NAME
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/ftrace.h>
#include "compat.h"

#ifndef TSL_HAVE_DIRECT
#error "tsl_holder needs CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS"
#endif

static char *func = "tcp_rate_gen";
module_param(func, charp, 0444);
MODULE_PARM_DESC(func, "Function whose direct call to hold");

void tsl_holder_tramp(void);
asm(".pushsection .text, \"ax\", @progbits\n"
    ".p2align 4\n"
    ".globl tsl_holder_tramp\n"
    ".type tsl_holder_tramp, @function\n"
    "tsl_holder_tramp:\n\t"
    ASM_ENDBR
    CALL_DEPTH_ACCOUNT
    ASM_RET
    ".size tsl_holder_tramp, .-tsl_holder_tramp\n"
    ".popsection\n");

static struct ftrace_ops ops __maybe_unused;
static unsigned long ip;

static int __init holder_init(void)
{
	struct kprobe kp = { .symbol_name = func, .flags = KPROBE_FLAG_DISABLED };
	int err;

	/* the function's address, for the kernels that register by address */
	err = register_kprobe(&kp);
	if (err) {
		pr_err("%s: not found (%d)\n", func, err);
		return err;
	}
	ip = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
#ifndef TSL_DIRECT_BY_ADDR
	err = ftrace_set_filter(&ops, func, strlen(func), 1);
	if (err) {
		pr_err("%s: cannot filter on it (%d)\n", func, err);
		return err;
	}
#endif
	err = tsl_direct_register(&ops, ip, (unsigned long)tsl_holder_tramp);
	if (err) {
		pr_err("%s: cannot take its direct call (%d)\n", func, err);
		return err;
	}
	pr_info("holding the direct call of %s\n", func);
	return 0;
}

static void __exit holder_exit(void)
{
	tsl_direct_unregister(&ops, ip, (unsigned long)tsl_holder_tramp);
	tsl_sync_trampolines();
#ifndef TSL_DIRECT_BY_ADDR
	ftrace_free_filter(&ops);
#endif
}

module_init(holder_init);
module_exit(holder_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcpsleuth test helper: holds one function's direct call");
