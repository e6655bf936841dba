// SPDX-License-Identifier: GPL-2.0
/*
 * Where each event comes from: tracepoints found by name; where no
 * tracepoint exists, a function-entry hook: an ftrace_ops callback, or a
 * kprobe where ftrace cannot hook the function. Resolved once at load;
 * attached only while a reader records.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/tracepoint.h>
#include <net/genetlink.h>
#include "tsl.h"

DEFINE_PER_CPU(u64 [TSL_HOOK_COUNT], tsl_hook_hits);

static bool tsl_use_kprobes;
module_param_named(use_kprobes, tsl_use_kprobes, bool, 0444);
MODULE_PARM_DESC(use_kprobes,
		 "Hook functions with kprobes instead of ftrace callbacks (default no)");

#define TSL_MAX_ALTS 4

struct tsl_hook_alt {
	enum tsl_hook_type type;
	const char *target;
	void *handler;	/* tracepoint probe, ftrace_func_t or kprobe pre_handler */
};

#ifdef TSL_HAVE_FTRACE
#define TSL_FTRACE_ALT(target, handler) { TSL_HOOK_FTRACE, target, handler },
#else
#define TSL_FTRACE_ALT(target, handler)
#endif
/* A function-entry hook: ftrace where it can, else a kprobe. */
#define TSL_ENTRY_ALTS(target, name)					\
	TSL_FTRACE_ALT(target, tsl_ftrace_##name)			\
	{ TSL_HOOK_KPROBE, target, tsl_kprobe_##name }

struct tsl_hook {
	const char *event;
	struct tsl_hook_alt alt[TSL_MAX_ALTS];
	/* resolved at load */
	int chosen;		/* index into alt, -1 when none is available */
	struct tracepoint *tp;
#ifdef TSL_HAVE_FTRACE
	struct ftrace_ops ops;	/* filter set at load, registered to attach */
#endif
	/* while attached */
	struct kprobe kp;
	bool attached;
};

static struct tsl_hook tsl_hooks[TSL_HOOK_COUNT] = {
	[TSL_HOOK_TX] = { "tx,ack_tx", {
		TSL_ENTRY_ALTS("__tcp_transmit_skb", tx) } },
	[TSL_HOOK_ACK_RX] = { "ack_rx", {
		TSL_ENTRY_ALTS("tcp_rate_gen", ack_rx) } },
	[TSL_HOOK_DATA_RX] = { "data_rx,drop", {
		{ TSL_HOOK_TRACEPOINT, "tcp_probe", tsl_probe_data_rx } } },
	[TSL_HOOK_READ] = { "read", {
		TSL_ENTRY_ALTS("__tcp_cleanup_rbuf", read),
		TSL_ENTRY_ALTS("tcp_cleanup_rbuf", read) } },
	[TSL_HOOK_RETRANS] = { "retrans", {
		{ TSL_HOOK_TRACEPOINT, "tcp_retransmit_skb", tsl_probe_retrans } } },
	[TSL_HOOK_RTO] = { "rto", {
		TSL_ENTRY_ALTS("tcp_retransmit_timer", rto) } },
	[TSL_HOOK_STATE] = { "state", {
		{ TSL_HOOK_TRACEPOINT, "inet_sock_set_state", tsl_probe_state } } },
	[TSL_HOOK_DESTROY] = { "flow_end", {
		{ TSL_HOOK_TRACEPOINT, "tcp_destroy_sock", tsl_probe_destroy } } },
	[TSL_HOOK_TIMER_ENTRY] = { "ack_tx_timer", {
		{ TSL_HOOK_TRACEPOINT, "timer_expire_entry", tsl_probe_timer_entry } } },
	[TSL_HOOK_TIMER_EXIT] = { "ack_tx_timer", {
		{ TSL_HOOK_TRACEPOINT, "timer_expire_exit", tsl_probe_timer_exit } } },
};

struct tsl_tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void tsl_tp_match(struct tracepoint *tp, void *priv)
{
	struct tsl_tp_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

static struct tracepoint *tsl_tp_find(const char *name)
{
	struct tsl_tp_lookup l = { .name = name };

	for_each_kernel_tracepoint(tsl_tp_match, &l);
	return l.tp;
}

/*
 * A kprobe target exists and may be probed. Registered disabled, the probe
 * is resolved and checked against the blacklist without patching any code.
 */
static bool tsl_kprobe_usable(const char *symbol)
{
	struct kprobe kp = { .symbol_name = symbol,
			     .flags = KPROBE_FLAG_DISABLED };

	if (register_kprobe(&kp))
		return false;
	unregister_kprobe(&kp);
	return true;
}

#ifdef TSL_HAVE_FTRACE
/*
 * Point the hook's ftrace_ops at @symbol, an exact name in
 * available_filter_functions; nothing is patched until it is registered.
 */
static bool tsl_ftrace_usable(struct tsl_hook *h, const struct tsl_hook_alt *a)
{
	char name[KSYM_NAME_LEN];

	if (tsl_use_kprobes)
		return false;
	strscpy(name, a->target, sizeof(name));
	memset(&h->ops, 0, sizeof(h->ops));
	h->ops.func = a->handler;
	h->ops.flags = TSL_FTRACE_OPS_FLAGS;
	if (ftrace_set_filter(&h->ops, name, strlen(name), 1))
		return false;
	return true;
}

/* Drop the filter (an unregistered ops with an empty filter is inert). */
static void tsl_ftrace_release(struct tsl_hook *h)
{
	if (h->chosen >= 0 && h->alt[h->chosen].type == TSL_HOOK_FTRACE)
		ftrace_set_filter(&h->ops, NULL, 0, 1);
}
#else
static bool tsl_ftrace_usable(struct tsl_hook *h, const struct tsl_hook_alt *a)
{
	return false;
}

static void tsl_ftrace_release(struct tsl_hook *h) { }
#endif

static void tsl_hook_resolve(struct tsl_hook *h)
{
	int i;

	h->chosen = -1;
	for (i = 0; i < TSL_MAX_ALTS && h->alt[i].target; i++) {
		const struct tsl_hook_alt *a = &h->alt[i];

		if (a->type == TSL_HOOK_TRACEPOINT) {
			h->tp = tsl_tp_find(a->target);
			if (!h->tp)
				continue;
		} else if (a->type == TSL_HOOK_FTRACE) {
			if (!tsl_ftrace_usable(h, a))
				continue;
		} else if (!tsl_kprobe_usable(a->target)) {
			continue;
		}
		h->chosen = i;
		if (i && !tsl_use_kprobes)
			pr_info("%s: %s unavailable, using %s %s\n", h->event,
				h->alt[0].target,
				a->type == TSL_HOOK_KPROBE ? "kprobe" : "hook",
				a->target);
		return;
	}
	pr_warn("%s: no hook available on this kernel\n", h->event);
}

static int tsl_hook_attach(struct tsl_hook *h)
{
	const struct tsl_hook_alt *a = &h->alt[h->chosen];
	int err;

	if (a->type == TSL_HOOK_TRACEPOINT) {
		err = tracepoint_probe_register(h->tp, a->handler, NULL);
#ifdef TSL_HAVE_FTRACE
	} else if (a->type == TSL_HOOK_FTRACE) {
		err = register_ftrace_function(&h->ops);
#endif
	} else {
		memset(&h->kp, 0, sizeof(h->kp));
		h->kp.symbol_name = a->target;
		h->kp.pre_handler = a->handler;
		err = register_kprobe(&h->kp);
	}
	if (err)
		pr_err("cannot attach to %s: %d\n", a->target, err);
	else
		h->attached = true;
	return err;
}

static void tsl_hook_detach(struct tsl_hook *h)
{
	const struct tsl_hook_alt *a = &h->alt[h->chosen];

	if (!h->attached)
		return;
	if (a->type == TSL_HOOK_TRACEPOINT)
		tracepoint_probe_unregister(h->tp, a->handler, NULL);
#ifdef TSL_HAVE_FTRACE
	else if (a->type == TSL_HOOK_FTRACE)
		unregister_ftrace_function(&h->ops);
#endif
	else
		unregister_kprobe(&h->kp);
	h->attached = false;
}

/* Attach every available hook; all or nothing. */
int tsl_hooks_attach(void)
{
	int i, err;

	for (i = 0; i < TSL_HOOK_COUNT; i++) {
		if (tsl_hooks[i].chosen < 0)
			continue;
		err = tsl_hook_attach(&tsl_hooks[i]);
		if (err)
			goto err_attach;
	}
	return 0;

err_attach:
	tsl_hooks_detach();
	return err;
}

/*
 * Detach in reverse; on return no probe runs or will run (unregistering an
 * ftrace_ops waits for callbacks in flight, as tracepoint_synchronize_unregister
 * does for tracepoint probes).
 */
void tsl_hooks_detach(void)
{
	int i;

	for (i = TSL_HOOK_COUNT - 1; i >= 0; i--)
		tsl_hook_detach(&tsl_hooks[i]);
	tracepoint_synchronize_unregister();
}

static u64 tsl_hook_hits_sum(int id)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(tsl_hook_hits, cpu)[id];
	return sum;
}

static int tsl_hook_put(struct sk_buff *skb, int id)
{
	const struct tsl_hook *h = &tsl_hooks[id];
	int alt = h->chosen < 0 ? 0 : h->chosen;
	struct nlattr *nest = nla_nest_start(skb, TSL_A_HOOK);

	if (!nest ||
	    nla_put_string(skb, TSL_HOOK_A_EVENT, h->event) ||
	    nla_put_u8(skb, TSL_HOOK_A_TYPE,
		       h->chosen < 0 ? TSL_HOOK_NONE : h->alt[alt].type) ||
	    nla_put_string(skb, TSL_HOOK_A_TARGET, h->alt[alt].target) ||
	    nla_put_u8(skb, TSL_HOOK_A_FALLBACK, h->chosen != 0) ||
	    nla_put_u8(skb, TSL_HOOK_A_ATTACHED, h->attached) ||
	    nla_put_u64_64bit(skb, TSL_HOOK_A_HITS, tsl_hook_hits_sum(id),
			      TSL_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Every hook, as TSL_A_HOOKS. */
int tsl_hooks_put(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, TSL_A_HOOKS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < TSL_HOOK_COUNT; i++)
		if (tsl_hook_put(skb, i))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int tsl_hooks_init(void)
{
	int i;

	for (i = 0; i < TSL_HOOK_COUNT; i++)
		tsl_hook_resolve(&tsl_hooks[i]);
	return 0;
}

void tsl_hooks_exit(void)
{
	int i;

	tsl_hooks_detach();
	for (i = 0; i < TSL_HOOK_COUNT; i++)
		tsl_ftrace_release(&tsl_hooks[i]);
}
