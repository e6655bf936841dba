// SPDX-License-Identifier: GPL-2.0-or-later
// Sends tcpsleuth netlink requests the module must refuse: malformed filters
// (EINVAL with an extack message) and, run unprivileged, every command (EPERM).
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <tcpsleuth.h>

struct reply {
	int error;
	char msg[256];
};

/* Captures the kernel's error and its extack message. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	struct reply *r = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int ack_len = sizeof(*nlh) + sizeof(*err);

	(void)nla;
	r->error = -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += err->msg.nlmsg_len - sizeof(*nlh);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + ack_len),
		      nlh->nlmsg_len - ack_len, NULL) == 0 && tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->error = 0;
	return NL_STOP;
}

typedef int (*fill_fn)(struct nl_msg *msg);

static int port_u32(struct nl_msg *m) { return nla_put_u32(m, TSL_FILTER_A_PORT, 80); }
static int kinds_unknown(struct nl_msg *m) { return nla_put_u32(m, TSL_FILTER_A_KINDS, 1u << 30); }
static int port_zero(struct nl_msg *m) { return nla_put_u16(m, TSL_FILTER_A_PORT, 0); }
static int unknown_attr(struct nl_msg *m) { return nla_put_u32(m, TSL_FILTER_A_MAX + 1, 1); }

static int ports_17(struct nl_msg *m)
{
	for (int i = 0; i < 17; i++)
		if (nla_put_u16(m, TSL_FILTER_A_PORT, 1000 + i))
			return -1;
	return 0;
}

static int prefix(struct nl_msg *m, int family, int len, int addrlen)
{
	unsigned char addr[16] = { 10 };
	struct nlattr *p = nla_nest_start(m, TSL_FILTER_A_ADDR);

	if (!p || nla_put_u8(m, TSL_PREFIX_A_FAMILY, family) ||
	    nla_put(m, TSL_PREFIX_A_ADDR, addrlen, addr) ||
	    nla_put_u8(m, TSL_PREFIX_A_LEN, len))
		return -1;
	nla_nest_end(m, p);
	return 0;
}

static int prefix_33(struct nl_msg *m) { return prefix(m, AF_INET, 33, 4); }
static int prefix_129(struct nl_msg *m) { return prefix(m, AF_INET6, 129, 16); }
static int prefix_badlen(struct nl_msg *m) { return prefix(m, AF_INET, 8, 16); }
static int prefix_family(struct nl_msg *m) { return prefix(m, 99, 8, 4); }
static int good(struct nl_msg *m) { return nla_put_u16(m, TSL_FILTER_A_PORT, 5201) || prefix(m, AF_INET, 8, 4); }

static const struct {
	const char *name;
	fill_fn fill;
	int want;
} cases[] = {
	{ "port as u32", port_u32, EINVAL },
	{ "unknown event kind", kinds_unknown, EINVAL },
	{ "port 0", port_zero, EINVAL },
	{ "unknown attribute", unknown_attr, EINVAL },
	{ "17 ports", ports_17, EINVAL },
	{ "IPv4 prefix length 33", prefix_33, EINVAL },
	{ "IPv6 prefix length 129", prefix_129, EINVAL },
	{ "IPv4 family, 16-byte address", prefix_badlen, EINVAL },
	{ "unknown family", prefix_family, EINVAL },
	{ "valid filter", good, 0 },
};

static int send_case(struct nl_sock *sk, int family, fill_fn fill, struct reply *r)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	int err = -1;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 NLM_F_ACK, TSL_CMD_SET_FILTER, TSL_GENL_VERSION))
		goto out;
	nest = nla_nest_start(msg, TSL_A_FILTER);
	if (!nest || fill(msg))
		goto out;
	nla_nest_end(msg, nest);
	r->error = -1;
	r->msg[0] = 0;
	if (nl_send_auto(sk, msg) < 0)
		goto out;
	nl_recvmsgs_default(sk);
	err = 0;
out:
	nlmsg_free(msg);
	return err;
}

/* Every command without CAP_NET_ADMIN: EPERM. */
static int check_perm(struct nl_sock *sk, int family, struct reply *r)
{
	static const struct { const char *name; int cmd; } cmds[] = {
		{ "INFO", TSL_CMD_INFO }, { "SET_FILTER", TSL_CMD_SET_FILTER },
		{ "START", TSL_CMD_START }, { "STOP", TSL_CMD_STOP },
	};
	int failed = 0;
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct nl_msg *msg = nlmsg_alloc();

		r->error = -1;
		if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
					 NLM_F_ACK, cmds[i].cmd, TSL_GENL_VERSION) ||
		    nl_send_auto(sk, msg) < 0) {
			printf("fail %s: could not send\n", cmds[i].name);
			failed++;
		} else {
			nl_recvmsgs_default(sk);
			printf("%s %s: errno %d (want %d)\n", r->error == EPERM ? "ok" : "fail",
			       cmds[i].name, r->error, EPERM);
			failed += r->error != EPERM;
		}
		nlmsg_free(msg);
	}
	return failed;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct reply r;
	int family, one = 1, failed = 0;
	size_t i;

	if (argc != 2 || (strcmp(argv[1], "filter") && strcmp(argv[1], "perm"))) {
		fprintf(stderr, "usage: tsl-nlcheck filter|perm\n");
		return 2;
	}

	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "tsl-nlcheck: cannot open a generic netlink socket\n");
		return 1;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	family = genl_ctrl_resolve(sk, TSL_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "tsl-nlcheck: family %s not found\n", TSL_GENL_NAME);
		return 1;
	}
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, &r);
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &r);
	if (!strcmp(argv[1], "perm")) {
		failed = check_perm(sk, family, &r);
		nl_socket_free(sk);
		return failed ? 1 : 0;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (send_case(sk, family, cases[i].fill, &r)) {
			printf("fail %s: could not send\n", cases[i].name);
			failed++;
			continue;
		}
		if (r.error != cases[i].want || (cases[i].want && !r.msg[0])) {
			printf("fail %s: errno %d (want %d), extack \"%s\"\n",
			       cases[i].name, r.error, cases[i].want, r.msg);
			failed++;
		} else {
			printf("ok %s: errno %d, extack \"%s\"\n", cases[i].name, r.error, r.msg);
		}
	}
	nl_socket_free(sk);
	return failed ? 1 : 0;
}
