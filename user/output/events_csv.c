// SPDX-License-Identifier: GPL-2.0-or-later
// CSV output: one row per record of a recording, merged across CPUs by time.
#include <arpa/inet.h>
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tcpsleuth.h>

#include "output.h"
#include "write.h"
#include "recording/recording.h"

enum col {
	C_TIME, C_WALL, C_CPU, C_EVENT, C_COOKIE, C_SADDR, C_SPORT, C_DADDR,
	C_DPORT, C_NETNS, C_SEQ, C_END_SEQ, C_LEN, C_SEGS, C_RETRANS, C_CWND,
	C_IN_FLIGHT, C_SNDQ, C_SND_WND, C_ACK, C_ACKED, C_RTT, C_SRTT,
	C_RTTVAR, C_RTO, C_SSTHRESH, C_CA_STATE, C_DELAYED, C_RCV_NXT, C_RCVQ,
	C_RCV_WND, C_RCVBUF, C_OFO, C_UNSEEN, C_BYTES, C_RES_FIRST, C_RES_LAST, C_PID,
	C_COMM, C_DELAY, C_REASON, C_TOTAL_RETRANS, C_PACKETS_OUT,
	C_RETRANSMITS, C_BACKOFF, C_OLDSTATE, C_NEWSTATE, C_COUNT, C_TOTAL,
	NCOLS
};
_Static_assert(NCOLS == TSL_CSV_NCOLS, "column count");

const char *const tsl_csv_columns[TSL_CSV_NCOLS] = {
	"time_ns", "wall_time", "cpu", "event", "cookie", "saddr", "sport",
	"daddr", "dport", "netns", "seq", "end_seq", "len", "segs", "retrans",
	"cwnd", "in_flight", "sndq", "snd_wnd", "ack", "acked", "rtt_us",
	"srtt_us", "rttvar_us", "rto_us", "ssthresh", "ca_state", "delayed",
	"rcv_nxt", "rcvq", "rcv_wnd", "rcvbuf", "ofo", "unseen", "bytes",
	"res_first_us", "res_last_us", "pid", "comm", "delay_us", "reason",
	"total_retrans", "packets_out", "retransmits", "backoff", "oldstate",
	"newstate", "count", "total",
};

static const char *const ca_names[] = {
	"open", "disorder", "cwr", "recovery", "loss",
};

static const char *const reason_names[] = {
	[TSL_ACK_OTHER] = "other", [TSL_ACK_TIMER] = "timer",
	[TSL_ACK_QUICK] = "quick", [TSL_ACK_PIGGYBACK] = "piggyback",
	[TSL_ACK_WINDOW] = "window",
};

static const char *const tcp_state_names[] = {
	[1] = "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"NEW_SYN_RECV",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- rows ---- */

struct row {
	char cell[NCOLS][4 * TSL_COMM_LEN + 2];	/* an escaped comm */
};

static void setu(struct row *r, enum col c, uint64_t v)
{
	snprintf(r->cell[c], sizeof(r->cell[c]), "%" PRIu64, v);
}

/* At most @max bytes of @s, which need not be NUL-terminated (comm). */
static void sets(struct row *r, enum col c, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n >= sizeof(r->cell[c]))
		n = sizeof(r->cell[c]) - 1;
	memcpy(r->cell[c], s, n);
	r->cell[c][n] = '\0';
}

static void set_name(struct row *r, enum col c, const char *const *names,
		     size_t n, unsigned int v)
{
	if (v < n && names[v])
		sets(r, c, names[v], sizeof(r->cell[c]));
	else
		setu(r, c, v);
}

static void set_wall(struct row *r, const struct tsl_iter_index *ix, uint64_t ts)
{
	tsl_iter_wall_str(ix, ts, r->cell[C_WALL], sizeof(r->cell[C_WALL]));
}

static void set_flow(struct row *r, const struct tsl_iter_flow *f)
{
	int family = f->flags & TSL_F_IPV6 ? AF_INET6 : AF_INET;

	inet_ntop(family, f->id.saddr, r->cell[C_SADDR], sizeof(r->cell[C_SADDR]));
	inet_ntop(family, f->id.daddr, r->cell[C_DADDR], sizeof(r->cell[C_DADDR]));
	setu(r, C_SPORT, f->id.sport);
	setu(r, C_DPORT, f->id.dport);
	setu(r, C_NETNS, f->id.netns);
}

static void fill_tx(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_tx *e = &ev->tx;

	setu(r, C_SEQ, e->seq);
	setu(r, C_END_SEQ, e->end_seq);
	setu(r, C_LEN, e->len);
	setu(r, C_SEGS, e->segs);
	setu(r, C_RETRANS, !!(ev->flags & TSL_F_RETRANS));
	setu(r, C_CWND, e->cwnd);
	setu(r, C_IN_FLIGHT, e->in_flight);
	setu(r, C_SNDQ, e->sndq);
	setu(r, C_SND_WND, e->snd_wnd);
}

static void fill_ack_rx(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_ack_rx *e = &ev->ack_rx;

	setu(r, C_ACK, e->ack);
	setu(r, C_ACKED, e->acked);
	if (e->rtt_us >= 0)	/* -1: no RTT sample, left empty */
		setu(r, C_RTT, e->rtt_us);
	setu(r, C_SRTT, e->srtt_us);
	setu(r, C_RTTVAR, e->rttvar_us);
	setu(r, C_RTO, e->rto_us);
	setu(r, C_CWND, e->cwnd);
	setu(r, C_SSTHRESH, e->ssthresh);
	setu(r, C_SND_WND, e->snd_wnd);
	set_name(r, C_CA_STATE, ca_names, ARRAY_SIZE(ca_names), e->ca_state);
	setu(r, C_DELAYED, !!(ev->flags & TSL_F_DELAYED));
}

static void fill_data_rx(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_data_rx *e = &ev->data_rx;

	setu(r, C_SEQ, e->seq);
	setu(r, C_LEN, e->len);
	setu(r, C_RCV_NXT, e->rcv_nxt);
	setu(r, C_RCVQ, e->rcvq);
	setu(r, C_RCV_WND, e->rcv_wnd);
	setu(r, C_RCVBUF, e->rcvbuf);
	setu(r, C_OFO, !!(ev->flags & TSL_F_OFO));
	setu(r, C_UNSEEN, !!(ev->flags & TSL_F_UNSEEN));
}

static void fill_read(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_read *e = &ev->read;

	setu(r, C_SEQ, e->seq);
	setu(r, C_BYTES, e->bytes);
	setu(r, C_RCVQ, e->rcvq);
	setu(r, C_RES_FIRST, e->res_first_us);
	setu(r, C_RES_LAST, e->res_last_us);
	setu(r, C_PID, e->pid);
	tsl_csv_name(e->comm, TSL_COMM_LEN, r->cell[C_COMM],
		      sizeof(r->cell[C_COMM]));
}

static void fill_ack_tx(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_ack_tx *e = &ev->ack_tx;

	setu(r, C_ACK, e->ack);
	setu(r, C_DELAY, e->delay_us);
	setu(r, C_RCV_WND, e->rcv_wnd);
	setu(r, C_BYTES, e->bytes);
	set_name(r, C_REASON, reason_names, ARRAY_SIZE(reason_names), e->reason);
}

static void fill_retrans(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_retrans *e = &ev->retrans;

	setu(r, C_SEQ, e->seq);
	setu(r, C_END_SEQ, e->end_seq);
	setu(r, C_SEGS, e->segs);
	setu(r, C_TOTAL_RETRANS, e->total_retrans);
	set_name(r, C_CA_STATE, ca_names, ARRAY_SIZE(ca_names), e->ca_state);
}

static void fill_rto(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_rto *e = &ev->rto;

	setu(r, C_RTO, e->rto_us);
	setu(r, C_ACK, e->snd_una);	/* snd_una, as in ack_rx's ack column */
	setu(r, C_PACKETS_OUT, e->packets_out);
	setu(r, C_RETRANSMITS, e->retransmits);
	setu(r, C_BACKOFF, e->backoff);
}

static void fill_state(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_state *e = &ev->state;

	set_name(r, C_OLDSTATE, tcp_state_names, ARRAY_SIZE(tcp_state_names),
		 e->oldstate);
	set_name(r, C_NEWSTATE, tcp_state_names, ARRAY_SIZE(tcp_state_names),
		 e->newstate);
	setu(r, C_PID, e->pid);
	tsl_csv_name(e->comm, TSL_COMM_LEN, r->cell[C_COMM],
		      sizeof(r->cell[C_COMM]));
}

static void fill_drop(struct row *r, const struct tsl_event *ev)
{
	const struct tsl_ev_drop *e = &ev->drop;

	setu(r, C_COUNT, e->count);
	setu(r, C_TOTAL, e->total);
	setu(r, C_RCVQ, e->rcvq);
	setu(r, C_RCVBUF, e->rcvbuf);
}

static void (*const fillers[])(struct row *, const struct tsl_event *) = {
	[TSL_EV_TX] = fill_tx, [TSL_EV_ACK_RX] = fill_ack_rx,
	[TSL_EV_DATA_RX] = fill_data_rx, [TSL_EV_READ] = fill_read,
	[TSL_EV_ACK_TX] = fill_ack_tx, [TSL_EV_RETRANS] = fill_retrans,
	[TSL_EV_RTO] = fill_rto, [TSL_EV_STATE] = fill_state,
	[TSL_EV_DROP] = fill_drop,
};

struct conv {
	FILE *out;
	const struct tsl_iter_index *ix;
};

static int write_row(void *arg, const struct tsl_event *ev)
{
	const struct conv *cv = arg;
	const struct tsl_iter_index *ix = cv->ix;
	FILE *out = cv->out;
	const char *name = tsl_kind_name(ev->kind);
	const struct tsl_iter_flow *f = tsl_iter_find_flow(ix, ev->cookie);
	const char *cells[NCOLS];
	struct row r;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	setu(&r, C_TIME, ev->ts_ns);
	set_wall(&r, ix, ev->ts_ns);
	setu(&r, C_CPU, ev->cpu);
	if (name)
		sets(&r, C_EVENT, name, sizeof(r.cell[C_EVENT]));
	else
		snprintf(r.cell[C_EVENT], sizeof(r.cell[C_EVENT]), "kind%u",
			 ev->kind);
	setu(&r, C_COOKIE, ev->cookie);
	if (f)
		set_flow(&r, f);
	if (ev->kind < ARRAY_SIZE(fillers) && fillers[ev->kind])
		fillers[ev->kind](&r, ev);
	for (i = 0; i < NCOLS; i++)
		cells[i] = r.cell[i];
	tsl_csv_row(out, cells, NCOLS);
	return 0;
}

int tsl_csv_convert(int fd, const char *name, FILE *out)
{
	static const struct tsl_iter_ops ops = { .event = write_row };
	struct tsl_iter_index ix;
	struct conv cv = { .out = out, .ix = &ix };

	return tsl_csv_recording(fd, name, &ix, out, tsl_csv_columns, NCOLS,
				 &ops, &cv);
}
