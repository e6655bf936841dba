// SPDX-License-Identifier: GPL-2.0
/*
 * Where each event comes from: tracepoints found by name; where no
 * tracepoint exists, a function-entry hook: a direct call from the
 * function's fentry site to a trampoline of ours, else an ftrace_ops
 * callback, else a kprobe. Resolved at load; attached only while a reader
 * records (where the preferred kind cannot be attached, e.g. because a BPF
 * trampoline holds the function's direct call, the next one is).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/tracepoint.h>
#include <net/genetlink.h>
#include <tcpsleuth.h>
#include "compat.h"
#include "probes.h"
#include "hooks.h"

static char *tsl_func_hooks = "direct";
module_param_named(func_hooks, tsl_func_hooks, charp, 0444);
MODULE_PARM_DESC(func_hooks,
		 "Preferred function-entry hook: direct (default), ftrace or kprobe; "
		 "later kinds are the fallbacks");

/* The first kind of function hook func_hooks allows (see tsl_fn_rank()). */
static enum tsl_hook_type tsl_first_fn_type = TSL_HOOK_DIRECT;

#define TSL_MAX_ALTS 8

struct tsl_hook_alt {
	enum tsl_hook_type type;
	const char *target;
	void *handler;	/* tracepoint probe, trampoline, ftrace_func_t or kprobe pre_handler */
};

#ifdef TSL_HAVE_DIRECT
#define TSL_DIRECT_ALT(target, tramp) { TSL_HOOK_DIRECT, target, tramp },
#else
#define TSL_DIRECT_ALT(target, tramp)
#endif
#ifdef TSL_HAVE_FTRACE
#define TSL_FTRACE_ALT(target, handler) { TSL_HOOK_FTRACE, target, handler },
#else
#define TSL_FTRACE_ALT(target, handler)
#endif
/* A function-entry hook: a direct call, an ftrace callback or a kprobe. */
#define TSL_ENTRY_ALTS(target, name)					\
	TSL_DIRECT_ALT(target, tsl_tramp_##name)			\
	TSL_FTRACE_ALT(target, tsl_ftrace_##name)			\
	{ TSL_HOOK_KPROBE, target, tsl_kprobe_##name }

/* A function hook's place in the order of preference; -1 for tracepoints. */
static int tsl_fn_rank(enum tsl_hook_type type)
{
	switch (type) {
	case TSL_HOOK_DIRECT:
		return 0;
	case TSL_HOOK_FTRACE:
		return 1;
	case TSL_HOOK_KPROBE:
		return 2;
	default:
		return -1;
	}
}

/* Whether func_hooks lets hooks of @type be used. */
static bool tsl_type_allowed(enum tsl_hook_type type)
{
	int rank = tsl_fn_rank(type);

	return rank < 0 || rank >= tsl_fn_rank(tsl_first_fn_type);
}

struct tsl_hook {
	const char *event;
	struct tsl_hook_alt alt[TSL_MAX_ALTS];
	/* resolved at load */
	int chosen;		/* index into alt, -1 when none is available */
	int preferred;		/* the first alternative func_hooks allows */
	int at_load;		/* chosen at load; each attach starts from it */
	struct tracepoint *tp;
#if defined(TSL_HAVE_FTRACE) || defined(TSL_HAVE_DIRECT)
	struct ftrace_ops ops;	/* filter set at load, registered to attach */
	unsigned long ip;	/* the function's address (direct calls on 5.10) */
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
 * *@addr (unless NULL) gets the target's address.
 */
static bool tsl_kprobe_usable(const char *symbol, unsigned long *addr)
{
	struct kprobe kp = { .symbol_name = symbol,
			     .flags = KPROBE_FLAG_DISABLED };

	if (register_kprobe(&kp))
		return false;
	if (addr)
		*addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return true;
}

#if defined(TSL_HAVE_FTRACE) || defined(TSL_HAVE_DIRECT)
static bool tsl_is_ftrace_type(enum tsl_hook_type type)
{
	return type == TSL_HOOK_FTRACE || type == TSL_HOOK_DIRECT;
}

/*
 * Point the hook's ftrace_ops at @a's target, an exact name in
 * available_filter_functions; nothing is patched until it is registered.
 */
static bool tsl_ftrace_usable(struct tsl_hook *h, const struct tsl_hook_alt *a)
{
	char name[KSYM_NAME_LEN];

	memset(&h->ops, 0, sizeof(h->ops));
	if (a->type == TSL_HOOK_FTRACE) {
		h->ops.func = a->handler;
		h->ops.flags = TSL_FTRACE_OPS_FLAGS;
	}
#ifdef TSL_DIRECT_BY_ADDR
	/* registered by address: the kprobe lookup resolves the name */
	if (a->type == TSL_HOOK_DIRECT)
		return tsl_kprobe_usable(a->target, &h->ip);
#endif
	strscpy(name, a->target, sizeof(name));
	return !ftrace_set_filter(&h->ops, name, strlen(name), 1);
}

/* Drop the filter (an unregistered ops with an empty filter is inert). */
static void tsl_ftrace_release(struct tsl_hook *h)
{
	if (h->chosen >= 0 && tsl_is_ftrace_type(h->alt[h->chosen].type))
		ftrace_set_filter(&h->ops, NULL, 0, 1);
}
#else
static bool tsl_is_ftrace_type(enum tsl_hook_type type)
{
	return false;
}

static bool tsl_ftrace_usable(struct tsl_hook *h, const struct tsl_hook_alt *a)
{
	return false;
}

static void tsl_ftrace_release(struct tsl_hook *h) { }
#endif

static const char *tsl_type_name(enum tsl_hook_type type)
{
	switch (type) {
	case TSL_HOOK_TRACEPOINT:
		return "tracepoint";
	case TSL_HOOK_DIRECT:
		return "direct call";
	case TSL_HOOK_FTRACE:
		return "ftrace callback";
	default:
		return "kprobe";
	}
}

/* The first alternative func_hooks allows, available or not; -1 if none. */
static int tsl_hook_preferred(const struct tsl_hook *h)
{
	int i;

	for (i = 0; i < TSL_MAX_ALTS && h->alt[i].target; i++)
		if (tsl_type_allowed(h->alt[i].type))
			return i;
	return -1;
}

/* Choose the first available alternative from @from on. */
static void tsl_hook_resolve(struct tsl_hook *h, int from)
{
	int i;

	h->chosen = -1;
	for (i = from; i < TSL_MAX_ALTS && h->alt[i].target; i++) {
		const struct tsl_hook_alt *a = &h->alt[i];

		if (!tsl_type_allowed(a->type))
			continue;
		if (a->type == TSL_HOOK_TRACEPOINT) {
			h->tp = tsl_tp_find(a->target);
			if (!h->tp)
				continue;
		} else if (tsl_is_ftrace_type(a->type)) {
			if (!tsl_ftrace_usable(h, a))
				continue;
		} else if (!tsl_kprobe_usable(a->target, NULL)) {
			continue;
		}
		h->chosen = i;
		if (i != h->preferred)
			pr_info("%s: %s %s unavailable, using %s %s\n", h->event,
				tsl_type_name(h->alt[h->preferred].type),
				h->alt[h->preferred].target,
				tsl_type_name(a->type), a->target);
		return;
	}
	pr_warn("%s: no hook available on this kernel\n", h->event);
}

static int tsl_hook_register(struct tsl_hook *h)
{
	const struct tsl_hook_alt *a = &h->alt[h->chosen];

	switch (a->type) {
	case TSL_HOOK_TRACEPOINT:
		return tracepoint_probe_register(h->tp, a->handler, NULL);
#ifdef TSL_HAVE_DIRECT
	case TSL_HOOK_DIRECT:
		return tsl_direct_register(&h->ops, h->ip,
					   (unsigned long)a->handler);
#endif
#ifdef TSL_HAVE_FTRACE
	case TSL_HOOK_FTRACE:
		return register_ftrace_function(&h->ops);
#endif
	default:
		memset(&h->kp, 0, sizeof(h->kp));
		h->kp.symbol_name = a->target;
		h->kp.pre_handler = a->handler;
		return register_kprobe(&h->kp);
	}
}

/*
 * Attach the alternative chosen at load; where a direct call cannot be had
 * (another user, a BPF trampoline say, holds the function's), the next one.
 */
static int tsl_hook_attach(struct tsl_hook *h)
{
	int err;

	if (h->chosen != h->at_load) {
		/* an earlier attach fell back: try the first choice again */
		tsl_ftrace_release(h);
		tsl_hook_resolve(h, h->at_load);
		if (h->chosen < 0)
			return -ENOENT;
	}
	for (;;) {
		const struct tsl_hook_alt *a = &h->alt[h->chosen];

		err = tsl_hook_register(h);
		if (!err) {
			h->attached = true;
			return 0;
		}
		if (a->type != TSL_HOOK_DIRECT) {
			pr_err("cannot attach %s to %s: %d\n",
			       tsl_type_name(a->type), a->target, err);
			return err;
		}
		pr_info("%s: the direct call of %s is taken (%d), trying the next hook\n",
			h->event, a->target, err);
		tsl_ftrace_release(h);
		tsl_hook_resolve(h, h->chosen + 1);
		if (h->chosen < 0)
			return err;
	}
}

static void tsl_hook_detach(struct tsl_hook *h)
{
	const struct tsl_hook_alt *a;

	if (!h->attached)
		return;
	a = &h->alt[h->chosen];
	switch (a->type) {
	case TSL_HOOK_TRACEPOINT:
		tracepoint_probe_unregister(h->tp, a->handler, NULL);
		break;
#ifdef TSL_HAVE_DIRECT
	case TSL_HOOK_DIRECT:
		tsl_direct_unregister(&h->ops, h->ip, (unsigned long)a->handler);
		break;
#endif
#ifdef TSL_HAVE_FTRACE
	case TSL_HOOK_FTRACE:
		unregister_ftrace_function(&h->ops);
		break;
#endif
	default:
		unregister_kprobe(&h->kp);
	}
	h->attached = false;
}

/* Attach every available hook; all or nothing. */
int tsl_hooks_attach(void)
{
	int i, err;

	for (i = 0; i < TSL_HOOK_COUNT; i++) {
		if (tsl_hooks[i].at_load < 0)
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
 * does for tracepoint probes; tsl_sync_trampolines() for a task preempted in
 * a direct-call trampoline).
 */
void tsl_hooks_detach(void)
{
	bool direct = false;
	int i;

	for (i = TSL_HOOK_COUNT - 1; i >= 0; i--) {
		struct tsl_hook *h = &tsl_hooks[i];

		direct |= h->attached && h->alt[h->chosen].type == TSL_HOOK_DIRECT;
		tsl_hook_detach(h);
	}
	tracepoint_synchronize_unregister();
	if (direct)
		tsl_sync_trampolines();
}

static u64 tsl_hook_hits_sum(int id)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(tsl_hook_hits, cpu)[id];
	return sum;
}

static int tsl_hook_put(struct sk_buff *skb, int id, bool hits)
{
	const struct tsl_hook *h = &tsl_hooks[id];
	int alt = h->chosen < 0 ? 0 : h->chosen;
	struct nlattr *nest = nla_nest_start(skb, TSL_A_HOOK);

	if (!nest ||
	    nla_put_string(skb, TSL_HOOK_A_EVENT, h->event) ||
	    nla_put_u8(skb, TSL_HOOK_A_TYPE,
		       h->chosen < 0 ? TSL_HOOK_NONE : h->alt[alt].type) ||
	    nla_put_string(skb, TSL_HOOK_A_TARGET, h->alt[alt].target) ||
	    nla_put_u8(skb, TSL_HOOK_A_FALLBACK, h->chosen != h->preferred) ||
	    nla_put_u8(skb, TSL_HOOK_A_ATTACHED, h->attached) ||
	    (hits && nla_put_u64_64bit(skb, TSL_HOOK_A_HITS,
				       tsl_hook_hits_sum(id), TSL_A_PAD)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Every hook, as TSL_A_HOOKS; with @hits, how often each ran (every TCP
 * socket's hits on the host, whatever the filter).
 */
int tsl_hooks_put(struct sk_buff *skb, bool hits)
{
	struct nlattr *nest = nla_nest_start(skb, TSL_A_HOOKS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < TSL_HOOK_COUNT; i++)
		if (tsl_hook_put(skb, i, hits))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int tsl_hooks_init(void)
{
	int i;

	if (sysfs_streq(tsl_func_hooks, "direct")) {
		tsl_first_fn_type = TSL_HOOK_DIRECT;
	} else if (sysfs_streq(tsl_func_hooks, "ftrace")) {
		tsl_first_fn_type = TSL_HOOK_FTRACE;
	} else if (sysfs_streq(tsl_func_hooks, "kprobe")) {
		tsl_first_fn_type = TSL_HOOK_KPROBE;
	} else {
		pr_err("func_hooks=%s: want direct, ftrace or kprobe\n",
		       tsl_func_hooks);
		return -EINVAL;
	}
	for (i = 0; i < TSL_HOOK_COUNT; i++) {
		tsl_hooks[i].preferred = tsl_hook_preferred(&tsl_hooks[i]);
		tsl_hook_resolve(&tsl_hooks[i], 0);
		tsl_hooks[i].at_load = tsl_hooks[i].chosen;
	}
	return 0;
}

void tsl_hooks_exit(void)
{
	int i;

	tsl_hooks_detach();
	for (i = 0; i < TSL_HOOK_COUNT; i++)
		tsl_ftrace_release(&tsl_hooks[i]);
}
