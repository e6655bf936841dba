// SPDX-License-Identifier: GPL-2.0-or-later
// Capture over generic netlink: commands to the module and its event stream.
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "filter.h"
#include "fail.h"
#include "netlink.h"
#include "tsc_clock.h"

#define RCVBUF_BYTES	(8 << 20)	/* socket receive buffer */
#define MSGBUF_BYTES	(256 << 10)	/* one recv(); messages are up to 64 KiB
					 * (EVENTS; END, INFO and CPU_STATS up to 16) */
#define REPLY_TIMEOUT_MS 5000

#define POL_U8		{ .type = NLA_U8, .maxlen = 1 }
#define POL_U32		{ .type = NLA_U32, .maxlen = 4 }
#define POL_U64		{ .type = NLA_U64, .maxlen = 8 }
#define POL_STRING	{ .type = NLA_STRING }
#define POL_NESTED	{ .type = NLA_NESTED }

static struct nla_policy top_policy[TSL_A_MAX + 1] = {
	[TSL_A_VERSION]		= POL_U32,
	[TSL_A_KERNEL]		= POL_STRING,
	[TSL_A_ACTIVE]		= POL_U8,
	[TSL_A_BUF_RECORDS]	= POL_U32,
	[TSL_A_RECORD_SIZE]	= POL_U32,
	[TSL_A_MAX_FLOWS]	= POL_U32,
	[TSL_A_FLOWS_IN_USE]	= POL_U32,
	[TSL_A_FLOWS_REFUSED]	= POL_U64,
	[TSL_A_HOOKS]		= POL_NESTED,
	[TSL_A_CPUS]		= POL_NESTED,
	[TSL_A_FILTER]		= POL_NESTED,
	[TSL_A_CPU]		= POL_U32,
	[TSL_A_SEQ]		= POL_U64,
	[TSL_A_PRODUCED]	= POL_U64,
	[TSL_A_DROPPED]		= POL_U64,
	[TSL_A_RECORDS]		= { .type = NLA_UNSPEC },
	[TSL_A_MONO_NS]		= POL_U64,
	[TSL_A_REAL_NS]		= POL_U64,
	[TSL_A_END_REASON]	= POL_U32,
	[TSL_A_CYCLES]		= POL_U64,
	[TSL_A_TSC_KHZ]		= POL_U32,
	[TSL_A_NR_CPUS]		= POL_U32,
};

static struct nla_policy hook_policy[TSL_HOOK_A_MAX + 1] = {
	[TSL_HOOK_A_EVENT]	= POL_STRING,
	[TSL_HOOK_A_TYPE]	= POL_U8,
	[TSL_HOOK_A_TARGET]	= POL_STRING,
	[TSL_HOOK_A_FALLBACK]	= POL_U8,
	[TSL_HOOK_A_ATTACHED]	= POL_U8,
	[TSL_HOOK_A_HITS]	= POL_U64,
};

static struct nla_policy cpu_policy[TSL_CPU_A_MAX + 1] = {
	[TSL_CPU_A_CPU]		= POL_U32,
	[TSL_CPU_A_PRODUCED]	= POL_U64,
	[TSL_CPU_A_DELIVERED]	= POL_U64,
	[TSL_CPU_A_DROPPED]	= POL_U64,
	[TSL_CPU_A_QUEUED]	= POL_U32,
	[TSL_CPU_A_DROPPED_KIND] = { .type = NLA_UNSPEC },
};

/*
 * CPU counters from CPU_STATS messages, gathered for the message they
 * complete: END (the stream's) or the INFO reply (a request's).
 */
struct cpu_list {
	struct tsl_cpu_stats *cpus;
	unsigned int n;
};

struct tsl_nl {
	struct nl_sock *sk;
	void *buf;			/* MSGBUF_BYTES: what one recv() takes */
	int family;
	/* the request waiting for its ACK */
	uint32_t req_seq;
	bool req_done;
	int req_err;			/* positive errno from the kernel */
	int (*reply)(struct nlmsghdr *nlh, void *arg);	/* prints why it failed */
	void *reply_arg;
	struct cpu_list reply_cpus;	/* CPU_STATS after the reply */
	bool reported;			/* the failure was printed already */
	char detail[256];		/* extack message or local reason */
	/* the stream */
	const struct tsl_stream_ops *ops;
	void *ops_arg;
	bool stream_failed;
	bool stream_ended;		/* END arrived */
	struct cpu_list end_cpus;	/* CPU_STATS before END */
	unsigned long overruns;
	struct tsl_tscmap tsc;		/* this recording's TSC pairs */
};

/* ---- message parsing ---- */

static void copy_string(char *dst, size_t size, const struct nlattr *a)
{
	snprintf(dst, size, "%s", a ? nla_get_string((struct nlattr *)a) : "");
}

static uint64_t get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static uint8_t get_u8(struct nlattr *a)
{
	return a ? nla_get_u8(a) : 0;
}

/* Count the entries of type @type in a nest; -EINVAL if anything else is there. */
static int count_nested(struct nlattr *nest, int type)
{
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			return -EINVAL;
		n++;
	}
	return rem == 0 ? n : -EINVAL;
}

static int parse_hook(struct nlattr *a, struct tsl_hook_info *h)
{
	struct nlattr *tb[TSL_HOOK_A_MAX + 1];

	if (nla_parse_nested(tb, TSL_HOOK_A_MAX, a, hook_policy) < 0)
		return -EINVAL;
	copy_string(h->event, sizeof(h->event), tb[TSL_HOOK_A_EVENT]);
	copy_string(h->target, sizeof(h->target), tb[TSL_HOOK_A_TARGET]);
	h->type = get_u8(tb[TSL_HOOK_A_TYPE]);
	h->fallback = get_u8(tb[TSL_HOOK_A_FALLBACK]);
	h->attached = get_u8(tb[TSL_HOOK_A_ATTACHED]);
	h->has_hits = tb[TSL_HOOK_A_HITS] != NULL;
	h->hits = get_u64(tb[TSL_HOOK_A_HITS]);
	return 0;
}

static int parse_cpu(struct nlattr *a, struct tsl_cpu_stats *c)
{
	struct nlattr *tb[TSL_CPU_A_MAX + 1];
	struct nlattr *kinds;
	int len;

	if (nla_parse_nested(tb, TSL_CPU_A_MAX, a, cpu_policy) < 0 ||
	    !tb[TSL_CPU_A_CPU] || !tb[TSL_CPU_A_PRODUCED] ||
	    !tb[TSL_CPU_A_DELIVERED] || !tb[TSL_CPU_A_DROPPED])
		return -EINVAL;
	c->cpu = nla_get_u32(tb[TSL_CPU_A_CPU]);
	c->produced = nla_get_u64(tb[TSL_CPU_A_PRODUCED]);
	c->delivered = nla_get_u64(tb[TSL_CPU_A_DELIVERED]);
	c->dropped = nla_get_u64(tb[TSL_CPU_A_DROPPED]);
	c->queued = get_u32(tb[TSL_CPU_A_QUEUED]);
	kinds = tb[TSL_CPU_A_DROPPED_KIND];
	if (kinds) {
		len = nla_len(kinds);
		if (len % sizeof(uint64_t))
			return -EINVAL;
		if ((size_t)len > sizeof(c->dropped_kind))
			len = sizeof(c->dropped_kind);	/* newer kinds */
		memcpy(c->dropped_kind, nla_data(kinds), len);
	}
	return 0;
}

/* Parse a TSL_A_CPUS nest of the message @what into a new array. */
static int parse_cpus(struct nlattr *nest, struct tsl_cpu_stats **out,
		      unsigned int *n, const char *what)
{
	struct tsl_cpu_stats *cpus;
	struct nlattr *a;
	int count, rem, i = 0;

	count = count_nested(nest, TSL_A_CPU_STATS);
	if (count < 0)
		return fail("%s: TSL_A_CPUS holds something other than TSL_A_CPU_STATS",
			    what);
	cpus = calloc(count ? count : 1, sizeof(*cpus));
	if (!cpus) {
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return -ENOMEM;
	}
	nla_for_each_nested(a, nest, rem) {
		if (parse_cpu(a, &cpus[i])) {
			free(cpus);
			return fail("%s: malformed TSL_A_CPU_STATS #%d", what, i);
		}
		i++;
	}
	*out = cpus;
	*n = count;
	return 0;
}

static int parse_hooks(struct nlattr *nest, struct tsl_info *info)
{
	struct nlattr *a;
	int count, rem, i = 0;

	count = count_nested(nest, TSL_A_HOOK);
	if (count < 0)
		return fail("INFO message: TSL_A_HOOKS holds something other than TSL_A_HOOK");
	info->hooks = calloc(count ? count : 1, sizeof(*info->hooks));
	if (!info->hooks) {
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return -ENOMEM;
	}
	nla_for_each_nested(a, nest, rem) {
		if (parse_hook(a, &info->hooks[i]))
			return fail("INFO message: malformed TSL_A_HOOK #%d", i);
		i++;
	}
	info->n_hooks = count;
	return 0;
}

static int parse_genl(struct nlmsghdr *nlh, int cmd, struct nlattr **tb,
		      const char *what)
{
	if (!genlmsg_valid_hdr(nlh, 0))
		return fail("%s message: truncated header", what);
	if (((struct genlmsghdr *)nlmsg_data(nlh))->cmd != cmd)
		return fail("%s message: wrong command", what);
	if (genlmsg_parse(nlh, 0, tb, TSL_A_MAX, top_policy) < 0)
		return fail("%s message: malformed attributes", what);
	return 0;
}

int tsl_nl_parse_info(struct nlmsghdr *nlh, struct tsl_info *info)
{
	struct nlattr *tb[TSL_A_MAX + 1];
	int err;

	memset(info, 0, sizeof(*info));
	err = parse_genl(nlh, TSL_CMD_INFO, tb, "INFO");
	if (err)
		return err;
	if (!tb[TSL_A_VERSION] || !tb[TSL_A_RECORD_SIZE])
		return fail("INFO message: no version or record size");
	info->version = nla_get_u32(tb[TSL_A_VERSION]);
	copy_string(info->kernel, sizeof(info->kernel), tb[TSL_A_KERNEL]);
	info->active = get_u8(tb[TSL_A_ACTIVE]);
	info->buf_records = get_u32(tb[TSL_A_BUF_RECORDS]);
	info->record_size = nla_get_u32(tb[TSL_A_RECORD_SIZE]);
	info->max_flows = get_u32(tb[TSL_A_MAX_FLOWS]);
	info->flows_in_use = get_u32(tb[TSL_A_FLOWS_IN_USE]);
	info->flows_refused = get_u64(tb[TSL_A_FLOWS_REFUSED]);
	if (tb[TSL_A_TSC_KHZ])
		info->tsc_khz = nla_get_u32(tb[TSL_A_TSC_KHZ]);
	info->nr_cpus = get_u32(tb[TSL_A_NR_CPUS]);
	if (tb[TSL_A_HOOKS])
		err = parse_hooks(tb[TSL_A_HOOKS], info);
	if (!err && tb[TSL_A_CPUS])
		err = parse_cpus(tb[TSL_A_CPUS], &info->cpus, &info->n_cpus,
				 "INFO message");
	if (!err && tb[TSL_A_FILTER]) {
		err = tsl_filter_get(&info->filter, tb[TSL_A_FILTER],
				     "INFO message");
		info->has_filter = !err;
	}
	if (err)
		tsl_info_free(info);
	return err;
}

int tsl_nl_parse_events(struct nlmsghdr *nlh, struct tsl_batch *b)
{
	static const struct { int type; const char *name; } need[] = {
		{ TSL_A_CPU, "TSL_A_CPU" }, { TSL_A_SEQ, "TSL_A_SEQ" },
		{ TSL_A_PRODUCED, "TSL_A_PRODUCED" },
		{ TSL_A_DROPPED, "TSL_A_DROPPED" },
		{ TSL_A_RECORDS, "TSL_A_RECORDS" },
		{ TSL_A_MONO_NS, "TSL_A_MONO_NS" },
		{ TSL_A_REAL_NS, "TSL_A_REAL_NS" },
	};
	struct nlattr *tb[TSL_A_MAX + 1];
	unsigned int i;
	int len, err;

	memset(b, 0, sizeof(*b));
	err = parse_genl(nlh, TSL_CMD_EVENTS, tb, "EVENTS");
	if (err)
		return err;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!tb[need[i].type])
			return fail("EVENTS message: no %s",
				    need[i].name);
	len = nla_len(tb[TSL_A_RECORDS]);
	if (len % TSL_EVENT_SIZE)
		return fail("EVENTS message: TSL_A_RECORDS length %d is not a multiple of %d",
			    len, TSL_EVENT_SIZE);
	b->cpu = nla_get_u32(tb[TSL_A_CPU]);
	b->seq = nla_get_u64(tb[TSL_A_SEQ]);
	b->produced = nla_get_u64(tb[TSL_A_PRODUCED]);
	b->dropped = nla_get_u64(tb[TSL_A_DROPPED]);
	b->mono_ns = nla_get_u64(tb[TSL_A_MONO_NS]);
	b->real_ns = nla_get_u64(tb[TSL_A_REAL_NS]);
	if (tb[TSL_A_CYCLES]) {
		if (!tb[TSL_A_TSC_KHZ] || !nla_get_u32(tb[TSL_A_TSC_KHZ]))
			return fail(
				    "EVENTS message: TSL_A_CYCLES without a TSC rate");
		b->has_cycles = true;
		b->cycles = nla_get_u64(tb[TSL_A_CYCLES]);
		b->tsc_khz = nla_get_u32(tb[TSL_A_TSC_KHZ]);
	}
	b->records = nla_data(tb[TSL_A_RECORDS]);
	b->n_records = len / TSL_EVENT_SIZE;
	return 0;
}

int tsl_nl_parse_end(struct nlmsghdr *nlh, struct tsl_end *e)
{
	struct nlattr *tb[TSL_A_MAX + 1];
	int err;

	memset(e, 0, sizeof(*e));
	err = parse_genl(nlh, TSL_CMD_END, tb, "END");
	if (err)
		return err;
	if (!tb[TSL_A_END_REASON] || !tb[TSL_A_CPUS])
		return fail("END message: no reason or CPU counters");
	e->reason = nla_get_u32(tb[TSL_A_END_REASON]);
	e->flows_refused = get_u64(tb[TSL_A_FLOWS_REFUSED]);
	return parse_cpus(tb[TSL_A_CPUS], &e->cpus, &e->n_cpus, "END message");
}

int tsl_nl_parse_cpu_stats(struct nlmsghdr *nlh, struct tsl_cpu_stats **cpus,
			   unsigned int *n)
{
	struct nlattr *tb[TSL_A_MAX + 1];
	int err;

	*cpus = NULL;
	*n = 0;
	err = parse_genl(nlh, TSL_CMD_CPU_STATS, tb, "CPU_STATS");
	if (err)
		return err;
	if (!tb[TSL_A_CPUS])
		return fail("CPU_STATS message: no TSL_A_CPUS");
	return parse_cpus(tb[TSL_A_CPUS], cpus, n, "CPU_STATS message");
}

/*
 * *@cpus (*@n of them) becomes @a's CPUs followed by @b's (@nb): both are
 * freed, and @a emptied. 0 or -ENOMEM (printed; nothing is changed).
 */
static int cpus_join(struct cpu_list *a, struct tsl_cpu_stats **cpus,
		     unsigned int *n, struct tsl_cpu_stats *b, unsigned int nb)
{
	struct tsl_cpu_stats *p;

	if (!a->n) {
		*cpus = b;
		*n = nb;
		free(a->cpus);
		a->cpus = NULL;
		return 0;
	}
	p = realloc(a->cpus, ((size_t)a->n + nb) * sizeof(*p));
	if (!p) {
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return -ENOMEM;
	}
	memcpy(p + a->n, b, nb * sizeof(*p));
	free(b);
	*cpus = p;
	*n = a->n + nb;
	a->cpus = NULL;
	a->n = 0;
	return 0;
}

/* A CPU_STATS message: its CPUs join @l's. 0, or a negative errno (printed). */
static int cpus_gather(struct cpu_list *l, struct nlmsghdr *nlh)
{
	struct tsl_cpu_stats *more, *all;
	unsigned int n, n_all;
	int err;

	err = tsl_nl_parse_cpu_stats(nlh, &more, &n);
	if (err)
		return err;
	err = cpus_join(l, &all, &n_all, more, n);
	if (err) {
		free(more);
		return err;
	}
	l->cpus = all;
	l->n = n_all;
	return 0;
}

static void cpus_clear(struct cpu_list *l)
{
	free(l->cpus);
	l->cpus = NULL;
	l->n = 0;
}

void tsl_info_free(struct tsl_info *info)
{
	free(info->hooks);
	free(info->cpus);
	info->hooks = NULL;
	info->cpus = NULL;
	info->n_hooks = info->n_cpus = 0;
}

void tsl_end_free(struct tsl_end *e)
{
	free(e->cpus);
	e->cpus = NULL;
	e->n_cpus = 0;
}

/* ---- socket, requests and the stream ---- */

void tsl_nl_extack(const struct nlmsghdr *nlh, char *out, size_t size)
{
	static struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	};
	const struct nlmsgerr *e = nlmsg_data(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t len = nlmsg_datalen(nlh), off = sizeof(*e);

	out[0] = '\0';
	if (len < sizeof(*e) || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Unless capped, the request follows the error: skip it. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	off = NLMSG_ALIGN(off);
	if (off >= len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      len - off, policy) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		copy_string(out, size, tb[NLMSGERR_ATTR_MSG]);
}

/* NLMSG_ERROR: the ACK (error 0) or the failure of our pending request. */
static void on_error(struct tsl_nl *nl, struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);

	if (nlh->nlmsg_len < (uint32_t)nlmsg_size(sizeof(*e)) ||
	    e->msg.nlmsg_seq != nl->req_seq || nl->req_done)
		return;
	nl->req_done = true;
	nl->req_err = -e->error;
	if (e->error)
		tsl_nl_extack(nlh, nl->detail, sizeof(nl->detail));
}

/*
 * What the module leaves to the reader in each record of a batch: the CPU
 * (the module writes 0; the message names the ring's CPU) and, in a batch
 * timed by the TSC, CLOCK_MONOTONIC for the cycles (the batch's pair joins
 * the map first).
 */
static void settle(struct tsl_tscmap *m, struct tsl_batch *b)
{
	char *rec = (char *)b->records;
	uint16_t cpu = (uint16_t)b->cpu;
	uint32_t i;

	if (b->has_cycles)
		tsl_tscmap_add(m, b->cycles, b->mono_ns, b->tsc_khz);
	for (i = 0; i < b->n_records; i++, rec += TSL_EVENT_SIZE) {
		memcpy(rec + offsetof(struct tsl_event, cpu), &cpu, sizeof(cpu));
		if (b->has_cycles) {
			char *ts = rec + offsetof(struct tsl_event, ts_ns);
			uint64_t t;

			memcpy(&t, ts, sizeof(t));
			t = tsl_tscmap_mono_fast(m, t);
			memcpy(ts, &t, sizeof(t));
		}
	}
	b->has_cycles = false;
}

static int on_stream(struct tsl_nl *nl, struct nlmsghdr *nlh, int cmd)
{
	int ret;

	if (!nl->ops) {
		fprintf(stderr, "tcpsleuth: stream message before START, ignored\n");
		return NL_SKIP;
	}
	if (cmd == TSL_CMD_EVENTS) {
		struct tsl_batch b;

		ret = tsl_nl_parse_events(nlh, &b);
		if (!ret) {
			settle(&nl->tsc, &b);
			ret = nl->ops->events(nl->ops_arg, &b);
		}
	} else {
		struct tsl_end e;

		ret = tsl_nl_parse_end(nlh, &e);
		/* the CPU_STATS before END hold its first CPUs */
		if (!ret && (ret = cpus_join(&nl->end_cpus, &e.cpus, &e.n_cpus,
					     e.cpus, e.n_cpus)))
			tsl_end_free(&e);
		nl->stream_ended = !ret;
		if (!ret) {
			ret = nl->ops->end(nl->ops_arg, &e);
			tsl_end_free(&e);
		}
	}
	if (ret) {	/* the parser or the handler said why */
		nl->stream_failed = true;
		return NL_STOP;
	}
	return NL_OK;
}

/*
 * CPU_STATS: counters that did not fit in END (sequence 0, before it) or
 * in the INFO reply (the request's sequence, after it).
 */
static int on_cpu_stats(struct tsl_nl *nl, struct nlmsghdr *nlh)
{
	if (!nlh->nlmsg_seq) {
		if (!nl->ops)
			return NL_OK;
		if (cpus_gather(&nl->end_cpus, nlh)) {
			nl->stream_failed = true;
			return NL_STOP;
		}
		return NL_OK;
	}
	if (nlh->nlmsg_seq != nl->req_seq || nl->req_done)
		return NL_OK;
	if (cpus_gather(&nl->reply_cpus, nlh)) {
		nl->req_err = EPROTO;
		nl->req_done = true;
		nl->reported = true;
	}
	return NL_OK;
}

static int on_message(struct tsl_nl *nl, struct nlmsghdr *nlh)
{
	int cmd;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		on_error(nl, nlh);
		return NL_OK;
	}
	if (nlh->nlmsg_type != nl->family || !genlmsg_valid_hdr(nlh, 0))
		return NL_OK;
	cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	if (cmd == TSL_CMD_EVENTS || cmd == TSL_CMD_END)
		return on_stream(nl, nlh, cmd);
	if (cmd == TSL_CMD_CPU_STATS)
		return on_cpu_stats(nl, nlh);
	if (nlh->nlmsg_seq != nl->req_seq || !nl->reply)
		return NL_OK;
	if (nl->reply(nlh, nl->reply_arg)) {
		nl->req_err = EPROTO;
		nl->req_done = true;
		nl->reported = true;
	}
	nl->reply = NULL;	/* one reply per request */
	return NL_OK;
}

/*
 * Print why @what failed with @err, once: not when a stream handler or a
 * reply's parser said it already (-ECANCELED, nl->reported). Returns @err.
 */
static int report(const struct tsl_nl *nl, const char *what, int err)
{
	const char *detail = nl ? nl->detail : "";

	if (!err || err == -ECANCELED || (nl && nl->reported))
		return err;

	switch (-err) {
	case ENOENT:
		fprintf(stderr, "tcpsleuth: kernel module not loaded (modprobe tcpsleuth)\n");
		return err;
	case EPERM:
		if (detail[0])	/* the module said why: its own namespace only */
			break;
		fprintf(stderr, "tcpsleuth: permission denied (needs CAP_NET_ADMIN)\n");
		return err;
	case EBUSY:
		fprintf(stderr, "tcpsleuth: %s: another reader is attached\n", what);
		return err;
	case ETIMEDOUT:
		fprintf(stderr, "tcpsleuth: %s: no reply from the kernel module\n", what);
		return err;
	}
	if (detail[0])
		fprintf(stderr, "tcpsleuth: %s: %s: %s\n", what, strerror(-err), detail);
	else
		fprintf(stderr, "tcpsleuth: %s: %s\n", what, strerror(-err));
	return err;
}

static int setup_socket(struct tsl_nl *nl)
{
	int one = 1, fd;

	if (genl_connect(nl->sk) ||
	    nl_socket_set_buffer_size(nl->sk, RCVBUF_BYTES, 0) ||
	    nl_socket_set_msg_buf_size(nl->sk, MSGBUF_BYTES) ||
	    nl_socket_set_nonblocking(nl->sk))
		return -EIO;
	nl_socket_disable_msg_peek(nl->sk);
	fd = nl_socket_get_fd(nl->sk);
	/* Raise above rmem_max when allowed; the capture has CAP_NET_ADMIN. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ RCVBUF_BYTES },
		   sizeof(int));
	/* libnl 3.7 has no API for extended ACKs: ask for them directly. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/*
	 * When our buffer is full the module keeps the records and retries;
	 * an ENOBUFS would report a loss that did not happen.
	 */
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	return 0;
}

int tsl_nl_open(struct tsl_nl **out)
{
	struct tsl_nl *nl;
	int err;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return report(NULL, "netlink", -ENOMEM);
	nl->buf = malloc(MSGBUF_BYTES);
	nl->sk = nl_socket_alloc();
	if (!nl->buf || !nl->sk) {
		err = -ENOMEM;
		goto err_free;
	}
	err = setup_socket(nl);
	if (err)
		goto err_socket;
	nl->family = genl_ctrl_resolve(nl->sk, TSL_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
		goto err_socket;
	}
	*out = nl;
	return 0;

err_socket:
	nl_socket_free(nl->sk);
err_free:
	free(nl->buf);
	free(nl);
	return report(NULL, "netlink", err);
}

void tsl_nl_close(struct tsl_nl *nl)
{
	if (!nl)
		return;
	cpus_clear(&nl->reply_cpus);
	cpus_clear(&nl->end_cpus);
	nl_socket_free(nl->sk);
	free(nl->buf);
	free(nl);
}

unsigned long tsl_nl_overruns(const struct tsl_nl *nl)
{
	return nl->overruns;
}

/*
 * One recv() of what the socket holds, each message handled where it lies:
 * libnl's nl_recvmsgs() would first copy every message into an nl_msg of
 * its own, a copy of each EVENTS batch. 1: read something; 0: nothing was
 * queued; negative errno (nl->detail says why).
 */
static int recv_once(struct tsl_nl *nl)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = nl->buf, .iov_len = MSGBUF_BYTES };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct nlmsghdr *nlh = nl->buf;
	ssize_t n = recvmsg(nl_socket_get_fd(nl->sk), &mh, 0);
	int left;

	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == EINTR)
			return 1;
		if (errno == ENOBUFS) {
			/* the kernel dropped messages for us */
			nl->overruns++;
			return 1;
		}
		snprintf(nl->detail, sizeof(nl->detail), "receive: %s",
			 strerror(errno));
		return -EIO;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		snprintf(nl->detail, sizeof(nl->detail),
			 "a netlink message was larger than %d bytes",
			 MSGBUF_BYTES);
		return -EIO;
	}
	if (from.nl_pid != 0)	/* only the kernel speaks to us */
		return 1;
	for (left = n; nlmsg_ok(nlh, left); nlh = nlmsg_next(nlh, &left))
		if (on_message(nl, nlh) == NL_STOP)
			break;
	return 1;
}

/*
 * Read what is queued on the socket, at most DRAIN_MAX reads at a time so
 * that a stream that never lets the socket empty still returns to the
 * caller (deadlines, samples, signals).
 */
#define DRAIN_MAX 64

static int drain(struct tsl_nl *nl)
{
	for (int i = 0; i < DRAIN_MAX; i++) {
		int ret = recv_once(nl);

		if (nl->stream_failed)
			return -ECANCELED;
		if (ret <= 0)
			return ret;
	}
	return 0;
}

/* tsl_nl_pump() without the message: request() reports as its command. */
static int pump(struct tsl_nl *nl, int timeout_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	return drain(nl);
}

int tsl_nl_pump(struct tsl_nl *nl, int timeout_ms)
{
	return report(nl, "receive", pump(nl, timeout_ms));
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct nl_msg *new_request(struct tsl_nl *nl, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family,
				0, 0, cmd, TSL_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Send @msg, wait for its ACK (handling stream messages meanwhile), free it. */
static int request(struct tsl_nl *nl, struct nl_msg *msg)
{
	int64_t deadline = now_ms() + REPLY_TIMEOUT_MS;
	int ret;

	if (!msg)
		return -ENOMEM;
	nl->detail[0] = '\0';
	nl->reported = false;
	nl->req_done = false;
	nl->req_err = 0;
	cpus_clear(&nl->reply_cpus);
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		snprintf(nl->detail, sizeof(nl->detail), "%s", nl_geterror(ret));
		ret = -EIO;
		goto out;
	}
	nl->req_seq = nlmsg_hdr(msg)->nlmsg_seq;
	ret = 0;
	while (!ret && !nl->req_done) {
		int left = deadline - now_ms();

		ret = left > 0 ? pump(nl, left) : -ETIMEDOUT;
	}
	if (!ret)
		ret = -nl->req_err;
out:
	nl->reply = NULL;
	nlmsg_free(msg);
	return ret;
}

static int info_reply(struct nlmsghdr *nlh, void *arg)
{
	return tsl_nl_parse_info(nlh, arg);
}

int tsl_nl_info(struct tsl_nl *nl, struct tsl_info *info)
{
	int ret;

	memset(info, 0, sizeof(*info));
	nl->reply = info_reply;
	nl->reply_arg = info;
	ret = request(nl, new_request(nl, TSL_CMD_INFO));
	if (!ret && !info->record_size) {
		snprintf(nl->detail, sizeof(nl->detail), "no INFO reply");
		ret = -EPROTO;
	}
	/* the CPU_STATS after the reply hold its last CPUs */
	if (!ret && nl->reply_cpus.n) {
		struct cpu_list first = { info->cpus, info->n_cpus };

		info->cpus = NULL;
		ret = cpus_join(&first, &info->cpus, &info->n_cpus,
				nl->reply_cpus.cpus, nl->reply_cpus.n);
		if (ret) {
			info->cpus = first.cpus;
			nl->reported = true;
		} else {
			nl->reply_cpus.cpus = NULL;
			nl->reply_cpus.n = 0;
		}
	}
	cpus_clear(&nl->reply_cpus);
	if (ret)
		tsl_info_free(info);
	return report(nl, "info", ret);
}

int tsl_nl_start(struct tsl_nl *nl, const struct tsl_filter *f,
		 const struct tsl_stream_ops *ops, void *arg)
{
	struct nl_msg *msg = new_request(nl, TSL_CMD_START);
	int ret = msg ? tsl_filter_put(msg, f) : 0;

	if (ret) {	/* printed */
		nlmsg_free(msg);
		return ret;
	}
	/* Set before sending: records may come before the ACK. */
	nl->ops = ops;
	nl->ops_arg = arg;
	nl->stream_ended = false;
	cpus_clear(&nl->end_cpus);
	tsl_tscmap_init(&nl->tsc);
	ret = request(nl, msg);
	if (ret)
		nl->ops = NULL;
	return report(nl, "start", ret);
}

int tsl_nl_stop(struct tsl_nl *nl)
{
	int err = request(nl, new_request(nl, TSL_CMD_STOP));

	/* The session may have ended meanwhile (reader error, unload). */
	return nl->stream_ended ? err : report(nl, "stop", err);
}

