// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: a recording built event by event (and sample by sample) in memory, then analysed.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ev_seq.h"
#include "recording/recording.h"

void seq_open(struct seq *s)
{
	memset(s, 0, sizeof(*s));
	s->cookie = 0x77;
	mem_rec_open(&s->m, SEQ_T0);
}

void seq_put(struct seq *s, struct tsl_event ev)
{
	struct tsl_rec_events e = { .cpu = 0, .n_records = 1, .seq = s->n,
		.produced = s->n + 1, .unused = TSL_REC_UNUSED };

	ev.ts_ns += SEQ_T0;
	ev.cookie = s->cookie;
	e.mono_ns = ev.ts_ns;
	e.real_ns = 1795482123000000000ull + (ev.ts_ns - SEQ_T0);
	assert_int_equal(tsl_rec_write_events(s->m.w, &e, &ev), 0);
	s->n++;
}

void seq_tx(struct seq *s, uint64_t t, uint32_t seq, uint32_t len,
	    uint32_t in_flight, uint32_t cwnd, uint32_t snd_wnd)
{
	struct tsl_event ev = { .ts_ns = t, .kind = TSL_EV_TX };

	ev.tx = (struct tsl_ev_tx){ .seq = seq, .end_seq = seq + len, .len = len,
		.segs = 1, .cwnd = cwnd, .in_flight = in_flight, .sndq = len,
		.snd_wnd = snd_wnd };
	seq_put(s, ev);
}

void seq_ack(struct seq *s, uint64_t t, uint32_t ack, uint32_t acked,
	     int32_t rtt_us, uint32_t snd_wnd)
{
	struct tsl_event ev = { .ts_ns = t, .kind = TSL_EV_ACK_RX };

	ev.ack_rx = (struct tsl_ev_ack_rx){ .ack = ack, .acked = acked,
		.rtt_us = rtt_us, .srtt_us = rtt_us > 0 ? rtt_us : 1000,
		.cwnd = 10, .snd_wnd = snd_wnd };
	seq_put(s, ev);
}

void seq_rx(struct seq *s, uint64_t t, uint32_t seq, uint32_t len, uint32_t rcv_nxt)
{
	struct tsl_event ev = { .ts_ns = t, .kind = TSL_EV_DATA_RX };

	ev.flags = seq != rcv_nxt ? TSL_F_OFO : 0;
	ev.data_rx = (struct tsl_ev_data_rx){ .seq = seq, .len = len,
		.rcv_nxt = rcv_nxt, .rcv_wnd = 65535, .rcvbuf = 131072 };
	seq_put(s, ev);
}

void seq_read(struct seq *s, uint64_t t, uint32_t seq, uint32_t bytes)
{
	struct tsl_event ev = { .ts_ns = t, .kind = TSL_EV_READ,
				.flags = TSL_F_DERIVE };

	ev.read = (struct tsl_ev_read){ .bytes = bytes, .seq = seq, .pid = SEQ_PID };
	memcpy(ev.read.comm, "reader", 7);
	seq_put(s, ev);
}

void seq_retrans(struct seq *s, uint64_t t, uint32_t seq, uint32_t len)
{
	struct tsl_event ev = { .ts_ns = t, .kind = TSL_EV_RETRANS };

	ev.retrans = (struct tsl_ev_retrans){ .seq = seq, .end_seq = seq + len, .segs = 1 };
	seq_put(s, ev);
}

static uint32_t key(struct seq *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->n_names; i++)
		if (!strcmp(s->names[i], name))
			return i;
	s->names[s->n_names] = name;
	return s->n_names++;
}

static void ent(struct seq *s, uint16_t flags, const char *name, int64_t value)
{
	s->e[s->n_e++] = (struct tsl_rec_sample_entry){ .source = TSL_SRC_PROC,
		.flags = flags, .key = key(s, name), .id = SEQ_PID, .value = value };
}

void seq_proc(struct seq *s, uint64_t t, uint64_t iv, char state,
	      uint32_t cpu_ms, uint32_t run_delay_ms)
{
	struct tsl_rec_sample smp = { .version = TSL_SAMPLE_VERSION,
		.entry_size = sizeof(struct tsl_rec_sample_entry),
		.mono_ns = SEQ_T0 + t, .interval_ns = iv,
		.sources = 1u << TSL_SRC_PROC };
	char buf[512];
	size_t len = 0;
	uint32_t i;

	s->n_e = 0;
	ent(s, 0, "state", state);
	ent(s, TSL_SAMPLE_DELTA, "utime_ms", cpu_ms);
	ent(s, TSL_SAMPLE_DELTA, "stime_ms", 0);
	ent(s, 0, "processor", 0);
	ent(s, TSL_SAMPLE_DELTA, "run_delay_ns", (int64_t)run_delay_ms * 1000000);
	smp.n_entries = s->n_e;
	for (i = s->names_written; i < s->n_names; i++) {
		size_t n = strlen(s->names[i]) + 1;

		memcpy(buf + len, s->names[i], n);
		len += n;
	}
	if (s->n_names > s->names_written)
		assert_int_equal(tsl_rec_write_names(s->m.w, s->names_written,
						     s->n_names - s->names_written,
						     buf, len), 0);
	s->names_written = s->n_names;
	assert_int_equal(tsl_rec_write_sample(s->m.w, &smp, s->e), 0);
}

void seq_report(struct seq *s, struct tsl_report *r)
{
	struct tsl_report_opts o;
	int fd;

	mem_rec_finish(&s->m);
	fd = mem_rec_file(&s->m);
	tsl_report_opts_default(&o);
	assert_int_equal(tsl_report_build(fd, "seq.rec", &o, r), 0);
	close(fd);
	free(s->m.image);
	s->m.image = NULL;
}
