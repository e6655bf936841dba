// SPDX-License-Identifier: GPL-2.0-or-later
// sock_diag queries: tcp_info and skmem of one TCP socket, found by its tuple and cookie.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "sources.h"

_Static_assert(TSL_SKMEM_N <= SK_MEMINFO_VARS, "skmem layout");

struct tsl_sock_diag {
	struct nl_sock *sk;
};

struct query {
	struct tsl_sockinfo *out;
	int err;		/* -ENOENT until a reply arrived */
};

static int open_failed(uint32_t netns, int err)
{
	if (netns)
		fprintf(stderr, "tcpsleuth: sock_diag: cannot open in network namespace %u: %s\n",
			netns, strerror(-err));
	else
		fprintf(stderr, "tcpsleuth: sock_diag: cannot open: %s\n",
			strerror(-err));
	return err;
}

int tsl_sock_diag_open(struct tsl_sock_diag **sdp, uint32_t netns)
{
	struct tsl_sock_diag *sd = calloc(1, sizeof(*sd));
	int err = -ENOMEM;

	if (!sd)
		return open_failed(netns, -ENOMEM);
	sd->sk = nl_socket_alloc();
	if (!sd->sk)
		goto err_alloc;
	err = nl_connect(sd->sk, NETLINK_SOCK_DIAG);
	if (err) {
		err = -EPROTONOSUPPORT;
		goto err_connect;
	}
	nl_socket_disable_auto_ack(sd->sk);
	*sdp = sd;
	return 0;

err_connect:
	nl_socket_free(sd->sk);
err_alloc:
	free(sd);
	return open_failed(netns, err);
}

void tsl_sock_diag_close(struct tsl_sock_diag *sd)
{
	if (!sd)
		return;
	nl_socket_free(sd->sk);
	free(sd);
}

/* An IPv4 request for an AF_INET6 flow takes a v4-mapped address's last 4 bytes. */
static void put_addr(__be32 *dst, const uint8_t *a, int flow_family, int family)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (family == AF_INET6)
		memcpy(dst, a, 16);
	else if (flow_family == AF_INET6 && !memcmp(a, mapped, sizeof(mapped)))
		memcpy(dst, a + 12, 4);
	else
		memcpy(dst, a, 4);
}

struct nl_msg *tsl_sock_diag_request(const struct tsl_sock_id *id, int family)
{
	struct inet_diag_req_v2 req = {
		.sdiag_family = family,
		.sdiag_protocol = IPPROTO_TCP,
		.idiag_ext = (1 << (INET_DIAG_INFO - 1)) |
			     (1 << (INET_DIAG_SKMEMINFO - 1)),
		.idiag_states = ~0u,
		.id = {
			.idiag_sport = htons(id->sport),
			.idiag_dport = htons(id->dport),
			.idiag_if = 0,
			.idiag_cookie = { (uint32_t)id->cookie,
					  (uint32_t)(id->cookie >> 32) },
		},
	};
	struct nl_msg *msg;

	put_addr(req.id.idiag_src, id->saddr, id->family, family);
	put_addr(req.id.idiag_dst, id->daddr, id->family, family);
	msg = nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST);
	if (msg && nlmsg_append(msg, &req, sizeof(req), NLMSG_ALIGNTO)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (!msg)
		fprintf(stderr, "tcpsleuth: sock_diag: query failed: %s\n",
			strerror(ENOMEM));
	return msg;
}

/* A malformed reply: -EINVAL after saying what is wrong with it. */
__attribute__((format(printf, 1, 2)))
static int bad_reply(const char *fmt, ...)
{
	char why[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tcpsleuth: sock_diag: reply: %s\n", why);
	return -EINVAL;
}

int tsl_sock_diag_parse(const struct nlmsghdr *nlh, struct tsl_sockinfo *out)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *tb[INET_DIAG_MAX + 1];
	const struct inet_diag_msg *m;
	int len, err;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return bad_reply("type %u, not SOCK_DIAG_BY_FAMILY",
				 nlh->nlmsg_type);
	if (!nlmsg_valid_hdr(h, sizeof(*m)))
		return bad_reply("%u bytes, too short", nlh->nlmsg_len);
	if (nlmsg_parse(h, sizeof(*m), tb, INET_DIAG_MAX, NULL))
		return bad_reply("malformed attributes");
	m = nlmsg_data(h);
	memset(out, 0, sizeof(*out));
	out->cookie = m->id.idiag_cookie[0] |
		      (uint64_t)m->id.idiag_cookie[1] << 32;
	out->family = m->idiag_family;
	out->state = m->idiag_state;
	out->rqueue = m->idiag_rqueue;
	out->wqueue = m->idiag_wqueue;
	if (tb[INET_DIAG_INFO]) {
		err = tsl_tcp_info_parse(nla_data(tb[INET_DIAG_INFO]),
					 nla_len(tb[INET_DIAG_INFO]), out);
		if (err)
			return err;	/* said */
	}
	if (tb[INET_DIAG_SKMEMINFO]) {
		len = nla_len(tb[INET_DIAG_SKMEMINFO]);
		if (len < (int)sizeof(out->skmem))
			return bad_reply("skmem of %d bytes, too short", len);
		memcpy(out->skmem, nla_data(tb[INET_DIAG_SKMEMINFO]),
		       sizeof(out->skmem));
		out->has_skmem = true;
	}
	return 0;
}

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct query *q = arg;

	q->err = tsl_sock_diag_parse(nlmsg_hdr(msg), q->out);
	return NL_OK;
}

static int query_family(struct tsl_sock_diag *sd, const struct tsl_sock_id *id,
			int family, struct tsl_sockinfo *out)
{
	struct query q = { .out = out, .err = -ENOENT };
	struct nl_msg *msg = tsl_sock_diag_request(id, family);
	int err;

	if (!msg)
		return -ENOMEM;	/* said */
	nl_socket_modify_cb(sd->sk, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &q);
	err = nl_send_auto(sd->sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sd->sk);
	if (err == -NLE_OBJ_NOTFOUND)
		return -ENOENT;
	if (err < 0) {
		fprintf(stderr, "tcpsleuth: sock_diag: query failed: %s\n",
			nl_geterror(err));
		return -EIO;
	}
	return q.err;	/* 0, -ENOENT (no reply), or -EINVAL (said) */
}

int tsl_sock_diag_query(struct tsl_sock_diag *sd, const struct tsl_sock_id *id,
			struct tsl_sockinfo *out)
{
	int err = query_family(sd, id, id->family, out);

	/* A dual-stack socket talking IPv4 is found through AF_INET. */
	if (err == -ENOENT && id->family == AF_INET6)
		err = query_family(sd, id, AF_INET, out);
	return err;
}
