// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: a recording built event by event (and sample by sample) in memory, then analysed.
#ifndef TSL_TEST_EV_SEQ_H
#define TSL_TEST_EV_SEQ_H

#include <stdint.h>
#include <tcpsleuth.h>

#include "analysis/analysis.h"
#include "mem_recording.h"

#define SEQ_T0	1000000000000ull	/* 1000 s */
#define SEQ_US	1000ull
#define SEQ_MS	1000000ull
#define SEQ_MSS	1000
#define SEQ_PID	4242

struct seq {
	struct mem_rec m;
	uint64_t n;		/* records written */
	uint64_t cookie;	/* of the records put from now on */
	/* the sample being built */
	const char *names[64];
	uint32_t n_names, names_written;
	struct tsl_rec_sample_entry e[64];
	uint32_t n_e;
};

void seq_open(struct seq *s);
/* One record, in its own EVENTS chunk, for s->cookie at SEQ_T0 + ev.ts_ns. */
void seq_put(struct seq *s, struct tsl_event ev);
void seq_tx(struct seq *s, uint64_t t, uint32_t seq, uint32_t len,
	    uint32_t in_flight, uint32_t cwnd, uint32_t snd_wnd);
void seq_ack(struct seq *s, uint64_t t, uint32_t ack, uint32_t acked,
	     int32_t rtt_us, uint32_t snd_wnd);
void seq_rx(struct seq *s, uint64_t t, uint32_t seq, uint32_t len, uint32_t rcv_nxt);
/* A read of @bytes from @seq: the reader works out their residence from the arrivals. */
void seq_read(struct seq *s, uint64_t t, uint32_t seq, uint32_t bytes);
void seq_retrans(struct seq *s, uint64_t t, uint32_t seq, uint32_t len);
/*
 * A sample of the reader's process (SEQ_PID) at SEQ_T0 + @t covering the
 * @iv before it: state, CPU time and run-queue delay in it.
 */
void seq_proc(struct seq *s, uint64_t t, uint64_t iv, char state,
	      uint32_t cpu_ms, uint32_t run_delay_ms);
/* Finish, analyse with the defaults; the report in @r (tsl_report_free() it). */
void seq_report(struct seq *s, struct tsl_report *r);

#endif /* TSL_TEST_EV_SEQ_H */
