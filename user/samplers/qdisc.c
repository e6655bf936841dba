// SPDX-License-Identifier: GPL-2.0-or-later
// The egress qdisc of each traced flow: route lookups and root qdisc statistics through libnl-route, per namespace.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>

#include "qdisc.h"

struct flow {
	uint64_t cookie;
	uint32_t netns;
	int family;
	uint8_t saddr[16], daddr[16];
	uint32_t ifindex;	/* 0: no route found */
	uint64_t looked_ns;	/* 0: not looked up yet */
	bool seen;		/* the last_* are of the last tick's result */
	uint32_t last_ifindex, last_handle;
	uint64_t last_bytes;
};

/* The route socket of one namespace: sockets stay where they were made. */
struct ns {
	uint32_t ino;
	struct nl_sock *sk;	/* NULL: not made yet */
	struct nl_cache *cache;	/* route/qdisc, refilled each tick */
	bool failed;		/* said; its flows are not sampled */
};

struct tsl_qdiscs {
	struct tsl_netns *netns;
	struct flow *flows;
	size_t n_flows;
	struct ns *ns;
	size_t n_ns;
};

static int oom(void)
{
	fprintf(stderr, "tcpsleuth: qdisc: out of memory\n");
	return -ENOMEM;
}

struct tsl_qdiscs *tsl_qdiscs_new(struct tsl_netns *netns)
{
	struct tsl_qdiscs *q = calloc(1, sizeof(*q));

	if (!q) {
		oom();
		return NULL;
	}
	q->netns = netns;
	return q;
}

static void ns_close(struct ns *n)
{
	if (n->cache)
		nl_cache_free(n->cache);
	if (n->sk)
		nl_socket_free(n->sk);
}

void tsl_qdiscs_free(struct tsl_qdiscs *q)
{
	size_t i;

	if (!q)
		return;
	for (i = 0; i < q->n_ns; i++)
		ns_close(&q->ns[i]);
	free(q->ns);
	free(q->flows);
	free(q);
}

static struct ns *ns_of(struct tsl_qdiscs *q, uint32_t ino)
{
	size_t i;

	for (i = 0; i < q->n_ns; i++)
		if (q->ns[i].ino == ino)
			return &q->ns[i];
	return NULL;
}

/* A v4-mapped IPv6 address: its IPv4 part, else NULL. */
static const uint8_t *v4_of(const uint8_t *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, mapped, sizeof(mapped)) ? NULL : a + 12;
}

int tsl_qdiscs_add(struct tsl_qdiscs *q, uint64_t cookie, uint32_t netns,
		   int family, const uint8_t *saddr, const uint8_t *daddr)
{
	struct flow *f;
	size_t i, alen;
	void *p;

	for (i = 0; i < q->n_flows; i++)
		if (q->flows[i].cookie == cookie)
			return 0;
	if (!ns_of(q, netns)) {
		p = realloc(q->ns, (q->n_ns + 1) * sizeof(*q->ns));
		if (!p)
			return oom();
		q->ns = p;
		q->ns[q->n_ns++] = (struct ns){ .ino = netns };
	}
	p = realloc(q->flows, (q->n_flows + 1) * sizeof(*q->flows));
	if (!p)
		return oom();
	q->flows = p;
	f = &q->flows[q->n_flows++];
	*f = (struct flow){ .cookie = cookie, .netns = netns, .family = family };
	if (family == AF_INET6 && v4_of(saddr) && v4_of(daddr)) {
		f->family = AF_INET;
		saddr = v4_of(saddr);
		daddr = v4_of(daddr);
	}
	alen = f->family == AF_INET6 ? 16 : 4;
	memcpy(f->saddr, saddr, alen);
	memcpy(f->daddr, daddr, alen);
	return 0;
}

void tsl_qdiscs_remove(struct tsl_qdiscs *q, uint64_t cookie)
{
	uint32_t ino;
	size_t i;

	for (i = 0; i < q->n_flows && q->flows[i].cookie != cookie; i++)
		;
	if (i == q->n_flows)
		return;
	ino = q->flows[i].netns;
	q->flows[i] = q->flows[--q->n_flows];
	for (i = 0; i < q->n_flows; i++)
		if (q->flows[i].netns == ino)
			return;
	for (i = 0; q->ns[i].ino != ino; i++)
		;
	ns_close(&q->ns[i]);
	q->ns[i] = q->ns[--q->n_ns];
}

/* ---- route lookups ---- */

struct nl_msg *tsl_route_request(int family, const uint8_t *src,
				 const uint8_t *dst)
{
	int alen = family == AF_INET6 ? 16 : 4;
	struct rtmsg rtm = {
		.rtm_family = family,
		.rtm_dst_len = alen * 8,
		.rtm_src_len = src ? alen * 8 : 0,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);

	if (msg && (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) ||
		    nla_put(msg, RTA_DST, alen, dst) ||
		    (src && nla_put(msg, RTA_SRC, alen, src)))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (!msg)
		oom();
	return msg;
}

int tsl_route_parse_oif(const struct nlmsghdr *nlh, uint32_t *ifindex)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *tb[RTA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    !nlmsg_valid_hdr(h, sizeof(struct rtmsg)) ||
	    nlmsg_parse(h, sizeof(struct rtmsg), tb, RTA_MAX, NULL) ||
	    !tb[RTA_OIF] || nla_len(tb[RTA_OIF]) < 4)
		return -EINVAL;
	*ifindex = nla_get_u32(tb[RTA_OIF]);
	return *ifindex ? 0 : -EINVAL;
}

static int on_route(struct nl_msg *msg, void *arg)
{
	uint32_t *ifindex = arg;

	if (tsl_route_parse_oif(nlmsg_hdr(msg), ifindex))
		*ifindex = 0;
	return NL_OK;
}

/*
 * The egress device of @f, into f->ifindex: 0 when there is no route (an
 * error reply, a malformed one). Only memory is a failure: -ENOMEM, said.
 */
static int lookup(struct ns *n, struct flow *f, uint64_t now_ns)
{
	struct nl_msg *msg = tsl_route_request(f->family, f->saddr, f->daddr);
	uint32_t ifindex = 0;
	int err;

	if (!msg)
		return -ENOMEM;	/* said */
	nl_socket_modify_cb(n->sk, NL_CB_VALID, NL_CB_CUSTOM, on_route,
			    &ifindex);
	err = nl_send_auto(n->sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_recvmsgs_default(n->sk);
	f->ifindex = err < 0 ? 0 : ifindex;
	f->looked_ns = now_ns ? now_ns : 1;
	return 0;
}

/* ---- qdiscs ---- */

int tsl_qdisc_root(struct nl_cache *cache, uint32_t ifindex,
		   struct tsl_qdisc_stats *out)
{
	struct rtnl_qdisc *qd = rtnl_qdisc_get_by_parent(cache, ifindex,
							 TC_H_ROOT);
	struct rtnl_tc *tc;
	const char *kind;

	if (!qd)
		return -ENOENT;
	tc = TC_CAST(qd);
	memset(out, 0, sizeof(*out));
	out->ifindex = ifindex;
	out->handle = rtnl_tc_get_handle(tc);
	kind = rtnl_tc_get_kind(tc);
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
	out->bytes = rtnl_tc_get_stat(tc, RTNL_TC_BYTES);
	out->packets = rtnl_tc_get_stat(tc, RTNL_TC_PACKETS);
	out->drops = rtnl_tc_get_stat(tc, RTNL_TC_DROPS);
	out->overlimits = rtnl_tc_get_stat(tc, RTNL_TC_OVERLIMITS);
	out->requeues = rtnl_tc_get_stat(tc, RTNL_TC_REQUEUES);
	out->qlen = rtnl_tc_get_stat(tc, RTNL_TC_QLEN);
	out->backlog = rtnl_tc_get_stat(tc, RTNL_TC_BACKLOG);
	rtnl_qdisc_put(qd);
	return 0;
}

struct open_args {
	struct nl_sock *sk;
	int err;
};

static int open_route(void *arg)
{
	struct open_args *a = arg;

	a->sk = nl_socket_alloc();
	if (!a->sk)
		return -ENOMEM;
	a->err = nl_connect(a->sk, NETLINK_ROUTE);
	return 0;
}

/* A namespace that fails is said once and not sampled again: 0 (@n->failed), or -ENOTRECOVERABLE, -ENOMEM (said). */
static int ns_failed(struct ns *n, const char *what, const char *why)
{
	if (n->ino)
		fprintf(stderr, "tcpsleuth: qdisc: %s in network namespace %u: %s\n",
			what, n->ino, why);
	else
		fprintf(stderr, "tcpsleuth: qdisc: %s: %s\n", what, why);
	n->failed = true;
	return 0;
}

/* The socket of @n, made in its namespace, and its qdiscs now: 0 (see ns_failed()) or < 0 (said). */
static int ns_refresh(struct tsl_qdiscs *q, struct ns *n)
{
	struct open_args a = { 0 };
	int err;

	if (!n->sk) {
		err = tsl_netns_run(q->netns, n->ino, open_route, &a);
		if (err == -ENOTRECOVERABLE)
			return err;
		if (err == -ENOMEM || (!err && !a.sk))
			return oom();
		if (err) {	/* said by netns */
			n->failed = true;
			return 0;
		}
		if (a.err) {
			nl_socket_free(a.sk);
			return ns_failed(n, "cannot open", nl_geterror(a.err));
		}
		n->sk = a.sk;
		nl_socket_disable_auto_ack(n->sk);
	}
	if (!n->cache)
		err = rtnl_qdisc_alloc_cache(n->sk, &n->cache);
	else
		err = nl_cache_refill(n->sk, n->cache);
	if (err < 0)
		return ns_failed(n, "dump failed", nl_geterror(err));
	return 0;
}

/* One flow: its result to @emit when its device has a root qdisc. */
static int flow_tick(struct ns *n, struct flow *f, uint64_t now_ns,
		     tsl_qdisc_emit_fn emit, void *arg)
{
	struct tsl_qdisc_result r = { .cookie = f->cookie };
	int err;

	if (!f->looked_ns || now_ns - f->looked_ns >= TSL_QDISC_ROUTE_NS) {
		err = lookup(n, f, now_ns);
		if (err)
			return err;
	}
	/* no route, or no root qdisc (the device is gone) */
	if (!f->ifindex || tsl_qdisc_root(n->cache, f->ifindex, &r.st))
		return 0;
	r.rebase = !f->seen || f->last_ifindex != r.st.ifindex ||
		   f->last_handle != r.st.handle || r.st.bytes < f->last_bytes;
	f->seen = true;
	f->last_ifindex = r.st.ifindex;
	f->last_handle = r.st.handle;
	f->last_bytes = r.st.bytes;
	return emit(arg, &r);
}

int tsl_qdiscs_tick(struct tsl_qdiscs *q, uint64_t now_ns,
		    tsl_qdisc_emit_fn emit, void *arg)
{
	size_t i, j;
	int err;

	for (i = 0; i < q->n_ns; i++) {
		struct ns *n = &q->ns[i];

		if (!n->failed) {
			err = ns_refresh(q, n);
			if (err)
				return err;	/* said */
		}
		for (j = 0; !n->failed && j < q->n_flows; j++) {
			if (q->flows[j].netns != n->ino)
				continue;
			err = flow_tick(n, &q->flows[j], now_ns, emit, arg);
			if (err)
				return err;
		}
	}
	return 0;
}
