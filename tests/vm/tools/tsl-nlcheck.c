// SPDX-License-Identifier: GPL-2.0-or-later
// Sends tcpsleuth netlink requests straight to the module, bypassing the
// reader's own checks.
//
// tsl-nlcheck filter
//   malformed filters in START (EINVAL with an extack message), a valid one
//   (accepted), and SET_FILTER (refused: the filter goes with START).
// tsl-nlcheck perm
//   every command, run unprivileged: EPERM.
// tsl-nlcheck swap PORT OTHER SECONDS
//   one socket STARTs with a filter of PORT; a second one tries to swap it
//   for OTHER (SET_FILTER, START) and asks INFO for it; the first records
//   SECONDS and names the ports of the flows it got. One line per check.
// tsl-nlcheck stall SECONDS HOLD
//   START (every socket) on a socket with the smallest receive buffer,
//   never read: after SECONDS, STOP, still without reading, for HOLD
//   seconds (the module retries the end of the stream meanwhile).
// tsl-nlcheck ctrl SECONDS
//   for SECONDS, ask the nlctrl family for itself (CTRL_CMD_GETFAMILY)
//   again and again; print the slowest answer in ms.
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
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
				 NLM_F_ACK, TSL_CMD_START, TSL_GENL_VERSION))
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A generic netlink socket with extended ACKs, @r taking its errors and ACKs. */
static struct nl_sock *open_socket(struct reply *r, int *family)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "tsl-nlcheck: cannot open a generic netlink socket\n");
		return NULL;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	*family = genl_ctrl_resolve(sk, TSL_GENL_NAME);
	if (*family < 0) {
		fprintf(stderr, "tsl-nlcheck: family %s not found\n", TSL_GENL_NAME);
		nl_socket_free(sk);
		return NULL;
	}
	/* Stream messages (sequence 0) come between a request and its ACK. */
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, r);
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	return sk;
}

/* @cmd, with a filter of @port if not 0 (an empty one if -1); its errno in r->error. */
static int command(struct nl_sock *sk, int family, int cmd, int port, int flags,
		   struct reply *r)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	int err = -1;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 flags, cmd, TSL_GENL_VERSION))
		goto out;
	if (port) {
		nest = nla_nest_start(msg, TSL_A_FILTER);
		if (!nest || (port > 0 && nla_put_u16(msg, TSL_FILTER_A_PORT, port)))
			goto out;
		nla_nest_end_keep_empty(msg, nest);
	}
	r->error = -1;
	r->msg[0] = 0;
	if (nl_send_auto(sk, msg) < 0)
		goto out;
	if (flags & NLM_F_ACK)
		while (r->error == -1 && nl_recvmsgs_default(sk) >= 0)
			;
	err = 0;
out:
	nlmsg_free(msg);
	return err;
}

static int check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: ", ok ? "ok" : "fail", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return !ok;
}

/* INFO's filter, for the swap check. */
static struct {
	int replied, has_filter, ports, port;
} info;

static int on_info(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[TSL_A_MAX + 1], *a;
	int rem;

	(void)arg;
	if (genlmsg_hdr(nlmsg_hdr(msg))->cmd != TSL_CMD_INFO ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, TSL_A_MAX, NULL))
		return NL_OK;
	info.replied = 1;
	if (!tb[TSL_A_FILTER])
		return NL_OK;
	info.has_filter = 1;
	nla_for_each_nested(a, tb[TSL_A_FILTER], rem)
		if (nla_type(a) == TSL_FILTER_A_PORT) {
			info.ports++;
			info.port = nla_get_u16(a);
		}
	return NL_OK;
}

/* The recording's flows, by service port (the lower of the two). */
static struct {
	int ended, flows, on_port, other;
} rec;
static int rec_port;

static int on_stream(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *g = genlmsg_hdr(nlmsg_hdr(msg));
	struct nlattr *tb[TSL_A_MAX + 1];
	const struct tsl_event *ev;
	int i, n;

	(void)arg;
	if (g->cmd == TSL_CMD_END)
		rec.ended = 1;
	if (g->cmd != TSL_CMD_EVENTS ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, TSL_A_MAX, NULL) || !tb[TSL_A_RECORDS])
		return NL_OK;
	ev = nla_data(tb[TSL_A_RECORDS]);
	n = nla_len(tb[TSL_A_RECORDS]) / sizeof(*ev);
	for (i = 0; i < n; i++) {
		int lo;

		if (ev[i].kind != TSL_EV_FLOW)
			continue;
		lo = ev[i].flow.sport < ev[i].flow.dport ? ev[i].flow.sport : ev[i].flow.dport;
		rec.flows++;
		if (lo == rec_port)
			rec.on_port++;
		else
			rec.other++;
	}
	return NL_OK;
}

/* Read @sk's stream for @seconds, or until END. */
static void read_stream(struct nl_sock *sk, double seconds)
{
	double end = now() + seconds;

	while (!rec.ended && now() < end) {
		struct pollfd p = { .fd = nl_socket_get_fd(sk), .events = POLLIN };

		if (poll(&p, 1, 50) > 0)
			nl_recvmsgs_default(sk);
	}
}

static int check_swap(int port, int other, double seconds)
{
	struct reply ra, rb;
	struct nl_sock *a, *b;
	int fa, fb, failed = 0;

	a = open_socket(&ra, &fa);
	b = open_socket(&rb, &fb);
	if (!a || !b)
		return 1;
	nl_socket_set_buffer_size(a, 8 << 20, 0);
	rec_port = port;
	nl_socket_modify_cb(a, NL_CB_VALID, NL_CB_CUSTOM, on_stream, NULL);
	nl_socket_modify_cb(b, NL_CB_VALID, NL_CB_CUSTOM, on_info, NULL);
	if (command(a, fa, TSL_CMD_START, port, NLM_F_ACK, &ra) || ra.error) {
		printf("fail start: errno %d, extack \"%s\"\n", ra.error, ra.msg);
		return 1;
	}
	command(b, fb, TSL_CMD_SET_FILTER, other, NLM_F_ACK, &rb);
	failed += check(rb.error == EOPNOTSUPP && rb.msg[0], "set-filter-refused",
			"SET_FILTER from another socket: errno %d (want %d), extack \"%s\"",
			rb.error, EOPNOTSUPP, rb.msg);
	command(b, fb, TSL_CMD_START, other, NLM_F_ACK, &rb);
	failed += check(rb.error == EBUSY, "start-refused",
			"START with another filter from another socket: errno %d (want %d), extack \"%s\"",
			rb.error, EBUSY, rb.msg);
	command(b, fb, TSL_CMD_INFO, 0, NLM_F_ACK, &rb);
	failed += check(info.replied && info.ports == 1 && info.port == port,
			"info-filter", "INFO's filter: %d ports, the last %d (want %d alone)",
			info.ports, info.port, port);
	read_stream(a, seconds);
	command(a, fa, TSL_CMD_STOP, 0, 0, &ra);
	read_stream(a, 10);
	failed += check(rec.ended, "end", "END %s", rec.ended ? "received" : "missing");
	failed += check(rec.on_port > 0 && !rec.other, "flows",
			"%d flows on port %d, %d on other ports (want some, and none)",
			rec.on_port, port, rec.other);
	nl_socket_free(b);
	nl_socket_free(a);
	return failed;
}

static int stall(double seconds, double hold)
{
	struct reply r;
	int family, tiny = 1;
	struct nl_sock *sk = open_socket(&r, &family);

	if (!sk)
		return 1;
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny));
	/* -1: the ACK was lost to a full socket, the START went through. */
	if (command(sk, family, TSL_CMD_START, 0, NLM_F_ACK, &r) || r.error > 0) {
		printf("fail start: errno %d, extack \"%s\"\n", r.error, r.msg);
		return 1;
	}
	printf("started\n");
	fflush(stdout);
	usleep(seconds * 1e6);
	if (command(sk, family, TSL_CMD_STOP, 0, 0, &r))
		return 1;
	printf("stopped\n");
	fflush(stdout);
	usleep(hold * 1e6);
	nl_socket_free(sk);
	return 0;
}

static int ctrl(double seconds)
{
	struct nl_sock *sk = nl_socket_alloc();
	double end = now() + seconds, worst = 0;
	int n = 0;

	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "tsl-nlcheck: cannot open a generic netlink socket\n");
		return 1;
	}
	while (now() < end) {
		double t = now();

		if (genl_ctrl_resolve(sk, "nlctrl") < 0) {
			fprintf(stderr, "tsl-nlcheck: nlctrl did not answer\n");
			return 1;
		}
		t = now() - t;
		worst = t > worst ? t : worst;
		n++;
		usleep(20000);
	}
	printf("nlctrl: %d requests, the slowest %.0f ms\n", n, worst * 1000);
	nl_socket_free(sk);
	return 0;
}

static int check_filters(void)
{
	struct reply r;
	int family, failed = 0;
	struct nl_sock *sk = open_socket(&r, &family);
	size_t i;

	if (!sk)
		return 1;
	command(sk, family, TSL_CMD_SET_FILTER, 5201, NLM_F_ACK, &r);
	failed += check(r.error == EOPNOTSUPP && r.msg[0], "SET_FILTER refused",
			"errno %d (want %d), extack \"%s\"", r.error, EOPNOTSUPP, r.msg);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (send_case(sk, family, cases[i].fill, &r)) {
			printf("fail %s: could not send\n", cases[i].name);
			failed++;
			continue;
		}
		while (r.error == -1 && nl_recvmsgs_default(sk) >= 0)
			;
		failed += check(r.error == cases[i].want && (!cases[i].want || r.msg[0]),
				cases[i].name, "errno %d (want %d), extack \"%s\"",
				r.error, cases[i].want, r.msg);
	}
	/* The valid filter started a recording: the socket's release ends it. */
	nl_socket_free(sk);
	return failed;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct reply r;
	struct nl_sock *sk;
	int family, failed;

	if (!strcmp(mode, "filter") && argc == 2)
		return check_filters() ? 1 : 0;
	if (!strcmp(mode, "perm") && argc == 2) {
		sk = open_socket(&r, &family);
		if (!sk)
			return 1;
		failed = check_perm(sk, family, &r);
		nl_socket_free(sk);
		return failed ? 1 : 0;
	}
	if (!strcmp(mode, "swap") && argc == 5)
		return check_swap(atoi(argv[2]), atoi(argv[3]), atof(argv[4])) ? 1 : 0;
	if (!strcmp(mode, "stall") && argc == 4)
		return stall(atof(argv[2]), atof(argv[3]));
	if (!strcmp(mode, "ctrl") && argc == 3)
		return ctrl(atof(argv[2]));
	fprintf(stderr, "usage: tsl-nlcheck filter|perm|swap PORT OTHER SECONDS|"
		"stall SECONDS HOLD|ctrl SECONDS\n");
	return 2;
}
