// SPDX-License-Identifier: GPL-2.0-or-later
// Text output of a report: per-flow summary, episodes, ranked verdicts with evidence and the confirming test.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "output.h"
#include "write.h"

#define TOP_CORRELATIONS 5

static void pr_num(FILE *out, double v)
{
	if (isnan(v))
		fputs("-", out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.3g", v);
}

static void pr_dist(FILE *out, const char *what, const struct tsl_hist *h)
{
	if (!h->n)
		return;
	fprintf(out, "    %-20s p50 %.0f  p90 %.0f  p99 %.0f  max %" PRIu64 "  (%" PRIu64 " samples)\n",
		what, tsl_hist_quantile(h, 0.5), tsl_hist_quantile(h, 0.9),
		tsl_hist_quantile(h, 0.99), h->max, h->n);
}

static void flow_section(const struct tsl_report *r,
			 const struct tsl_flow_report *fr, FILE *out)
{
	const struct tsl_an_flow *f = fr->f;
	const struct tsl_an_totals *t = &f->t;
	char name[128], ws[40], we[40];
	unsigned int i;
	size_t j;

	tsl_report_flow_name(f, name, sizeof(name));
	fprintf(out, "\nflow %s (cookie %" PRIu64 ")", name, f->cookie);
	if (f->pid) {
		char comm[4 * sizeof(f->comm) + 1];

		tsl_out_name(f->comm, sizeof(f->comm), comm, sizeof(comm));
		fprintf(out, ", owner %s[%u]", comm, f->pid);
	}
	fprintf(out, "\n    %" PRIu64 " events over %zu intervals; %" PRIu64 " segments sent, %" PRIu64 " retransmitted, %" PRIu64 " RTOs, %" PRIu64 " received (%" PRIu64 " out of order), %" PRIu64 " socket drops\n",
		t->events, tsl_an_span(f), t->tx_segs, t->retrans_segs, t->rtos,
		t->data_rx, t->ofo, t->drops);
	pr_dist(out, "RTT us", &f->rtt);
	pr_dist(out, "ACK delay us", &f->ackd);
	pr_dist(out, "read residence us", &f->res);
	if (t->acks_tx)
		fprintf(out, "    ACKs sent %" PRIu64 ": timer %" PRIu64 ", quick %" PRIu64 ", piggyback %" PRIu64 ", window %" PRIu64 "\n",
			t->acks_tx, t->ack_reason[TSL_ACK_TIMER],
			t->ack_reason[TSL_ACK_QUICK],
			t->ack_reason[TSL_ACK_PIGGYBACK],
			t->ack_reason[TSL_ACK_WINDOW]);
	if (fr->ep.n_values)
		fprintf(out, "    %s p90 per interval: median %.0f us, MAD %.0f us, episode threshold %.0f us\n",
			fr->ep.signal == TSL_EP_RTT ? "RTT" : "read residence",
			fr->ep.median, fr->ep.mad, fr->ep.threshold);
	fprintf(out, "    episodes: %zu\n", fr->ep.n);
	for (j = 0; j < fr->ep.n; j++) {
		const struct tsl_episode *e = &fr->ep.v[j];
		uint64_t s = tsl_an_interval_start(&r->m, f->first + e->start);
		uint64_t x = tsl_an_interval_start(&r->m, f->first + e->end + 1);

		tsl_iter_wall_str(&r->ix, s, ws, sizeof(ws));
		tsl_iter_wall_str(&r->ix, x, we, sizeof(we));
		fprintf(out, "      %s .. %s (%.1f ms): peak %s %.0f us; ",
			ws[0] ? ws : "?", we[0] ? we : "?", (x - s) / 1e6,
			fr->ep.signal == TSL_EP_RTT ? "RTT" : "read residence",
			e->peak_rtt_us);
		for (i = 0; i < TSL_CHECKLIST_FIELDS; i++) {
			fprintf(out, "%s%s ", i ? ", " : "",
				tsl_checklist_fields[i].label);
			pr_num(out, tsl_checklist_value(&e->c, i));
		}
		fputc('\n', out);
	}
	for (j = 0; j < fr->n_corr && j < TOP_CORRELATIONS; j++) {
		const struct tsl_corr_entry *c = &fr->corr[j];

		if (!j)
			fputs("    RTT p90 correlates most with:\n", out);
		fprintf(out, "      %-28s pearson %+.2f spearman %+.2f lag %+d (%zu intervals)\n",
			tsl_an_col_names[c->col], c->c.pearson, c->c.spearman,
			c->c.lag, c->c.n);
	}
}

static void pr_evidence(FILE *out, const char *what,
			const struct tsl_evidence *e, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fprintf(out, "      %s %s = ", what, e[i].name);
		pr_num(out, e[i].value);
		if (!isnan(e[i].threshold)) {
			fputs(" (threshold ", out);
			pr_num(out, e[i].threshold);
			fputc(')', out);
		}
		fputc('\n', out);
	}
}

static void verdict_section(const struct tsl_report *r, FILE *out)
{
	char name[128];
	size_t k;

	fputs("\nverdicts, most likely first:\n", out);
	if (!r->n_verdicts)
		fputs("  none: no flows were recorded\n", out);
	for (k = 0; k < r->n_verdicts; k++) {
		const struct tsl_verdict *v = &r->verdicts[k];

		if (v->flow)
			tsl_report_flow_name(v->flow, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "host-wide");
		fprintf(out, "  %zu. %s  confidence %.2f  [%s]  %s\n", k + 1,
			tsl_category_names[v->cat], v->confidence, v->layer, name);
		pr_evidence(out, "+", v->sup, v->n_sup);
		pr_evidence(out, "-", v->con, v->n_con);
		fprintf(out, "      test to confirm: %s\n", v->confirm);
		fprintf(out, "      expected outcome: %s\n", v->expected);
	}
}

static void lost_section(const struct tsl_report *r, FILE *out)
{
	const struct tsl_iter_index *ix = &r->ix;
	uint32_t i;

	fputs("\nlost events:\n", out);
	if (!ix->has_end) {
		fputs("  the recording has no end chunk (interrupted): final counters unknown\n", out);
		return;
	}
	for (i = 0; i < ix->end.n_cpus; i++) {
		const struct tsl_rec_cpu *c = &ix->end_cpus[i];

		fprintf(out, "  cpu %u: produced %" PRIu64 ", delivered %" PRIu64 ", dropped %" PRIu64 "\n",
			c->cpu, c->produced, c->delivered, c->dropped);
	}
	fprintf(out, "  flows refused (flow table full): %" PRIu64 "\n",
		ix->end.flows_refused);
}

int tsl_report_text(const struct tsl_report *r, FILE *out)
{
	char start[40];
	size_t k;

	tsl_iter_wall_str(&r->ix, r->m.t0, start, sizeof(start));
	fprintf(out, "tcpsleuth report: %s\n", r->name);
	fprintf(out, "  kernel %s, started %s, %.1f s, %zu intervals of %.0f ms, %" PRIu64 " records, %" PRIu64 " samples\n",
		r->ix.has_start ? r->ix.start.kernel : "?",
		start[0] ? start : "?",
		r->ix.last_ns > r->m.t0 ? (r->ix.last_ns - r->m.t0) / 1e9 : 0.0,
		r->m.n_intervals, r->o.iv_ns / 1e6, r->ix.n_records,
		r->ix.n_sample_chunks);
	if (!r->n_flows)
		fputs("\nno flows: the recording holds no TCP events\n", out);
	for (k = 0; k < r->n_flows; k++)
		flow_section(r, &r->flows[k], out);
	verdict_section(r, out);
	lost_section(r, out);
	return tsl_out_finish(out, "the report");
}
