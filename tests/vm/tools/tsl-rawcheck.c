// SPDX-License-Identifier: GPL-2.0-or-later
// Records one port's events straight from the module and checks each record
// byte by byte: past its kind's fields the record's union must be zero (no
// byte of whatever record used the ring slot before).
//
// tsl-rawcheck PORT SECONDS
//   START with a filter of the port (every kind), read EVENTS for SECONDS, STOP,
//   read till END. Prints the records per kind and the stale ones; exit
//   status 1 if any record had a stale byte or none came.
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <tcpsleuth.h>

static const size_t kind_bytes[TSL_EV_MAX + 1] = {
	[TSL_EV_FLOW] = sizeof(struct tsl_ev_flow),
	[TSL_EV_TX] = sizeof(struct tsl_ev_tx),
	[TSL_EV_ACK_RX] = sizeof(struct tsl_ev_ack_rx),
	[TSL_EV_DATA_RX] = sizeof(struct tsl_ev_data_rx),
	[TSL_EV_READ] = sizeof(struct tsl_ev_read),
	[TSL_EV_ACK_TX] = sizeof(struct tsl_ev_ack_tx),
	[TSL_EV_RETRANS] = sizeof(struct tsl_ev_retrans),
	[TSL_EV_RTO] = sizeof(struct tsl_ev_rto),
	[TSL_EV_STATE] = sizeof(struct tsl_ev_state),
	[TSL_EV_DROP] = sizeof(struct tsl_ev_drop),
};

static struct {
	unsigned long records[TSL_EV_MAX + 1], stale[TSL_EV_MAX + 1], bad_kind;
	int ended, error;
} st;

static void check_record(const struct tsl_event *ev)
{
	size_t i;

	if (ev->kind < TSL_EV_FLOW || ev->kind > TSL_EV_MAX) {
		st.bad_kind++;
		return;
	}
	st.records[ev->kind]++;
	for (i = kind_bytes[ev->kind]; i < sizeof(ev->raw); i++) {
		if (ev->raw[i]) {
			if (!st.stale[ev->kind])
				printf("stale: kind %u, union byte %zu is 0x%02x\n",
				       ev->kind, i, ev->raw[i]);
			st.stale[ev->kind]++;
			return;
		}
	}
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *g = genlmsg_hdr(nlmsg_hdr(msg));
	struct nlattr *tb[TSL_A_MAX + 1];
	const struct tsl_event *ev;
	int i, n;

	(void)arg;
	if (g->cmd == TSL_CMD_END) {
		st.ended = 1;
		return NL_STOP;
	}
	if (g->cmd != TSL_CMD_EVENTS ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, TSL_A_MAX, NULL) || !tb[TSL_A_RECORDS])
		return NL_OK;
	ev = nla_data(tb[TSL_A_RECORDS]);
	n = nla_len(tb[TSL_A_RECORDS]) / sizeof(*ev);
	for (i = 0; i < n; i++)
		check_record(&ev[i]);
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	(void)nla;
	(void)arg;
	st.error = -err->error;
	return NL_STOP;
}

static int command(struct nl_sock *sk, int family, int cmd, int port)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	int err = -1;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, cmd,
				 TSL_GENL_VERSION))
		goto out;
	if (port) {
		nest = nla_nest_start(msg, TSL_A_FILTER);
		if (!nest || nla_put_u16(msg, TSL_FILTER_A_PORT, port))
			goto out;
		nla_nest_end(msg, nest);
	}
	err = nl_send_auto(sk, msg) < 0 ? -1 : 0;
out:
	nlmsg_free(msg);
	return err;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk = nl_socket_alloc();
	unsigned long total = 0, stale = 0;
	double end, stop_at;
	int family, port, stopped = 0, k;

	if (argc != 3 || (port = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: tsl-rawcheck PORT SECONDS\n");
		return 2;
	}
	stop_at = now() + atof(argv[2]);
	if (!sk || genl_connect(sk) || (family = genl_ctrl_resolve(sk, TSL_GENL_NAME)) < 0) {
		fprintf(stderr, "tsl-rawcheck: no %s family\n", TSL_GENL_NAME);
		return 1;
	}
	nl_socket_disable_seq_check(sk);
	nl_socket_disable_auto_ack(sk);
	nl_socket_set_buffer_size(sk, 8 << 20, 0);
	nl_socket_set_msg_buf_size(sk, 1 << 17);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, NULL);
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, NULL);
	if (command(sk, family, TSL_CMD_START, port)) {
		fprintf(stderr, "tsl-rawcheck: cannot send\n");
		return 1;
	}
	end = stop_at + 10;
	while (!st.ended && !st.error && now() < end) {
		struct pollfd p = { .fd = nl_socket_get_fd(sk), .events = POLLIN };

		if (!stopped && now() >= stop_at) {
			if (command(sk, family, TSL_CMD_STOP, 0))
				break;
			stopped = 1;
		}
		if (poll(&p, 1, 100) > 0)
			nl_recvmsgs_default(sk);
	}
	if (st.error || !st.ended) {
		fprintf(stderr, "tsl-rawcheck: %s (errno %d)\n",
			st.error ? "the module refused a command" : "no END", st.error);
		return 1;
	}
	for (k = TSL_EV_FLOW; k <= TSL_EV_MAX; k++) {
		if (!st.records[k])
			continue;
		printf("kind %d: %lu records, %lu stale\n", k, st.records[k], st.stale[k]);
		total += st.records[k];
		stale += st.stale[k];
	}
	printf("records %lu, stale %lu, unknown kind %lu\n", total, stale, st.bad_kind);
	nl_socket_free(sk);
	return total && !stale && !st.bad_kind ? 0 : 1;
}
