// SPDX-License-Identifier: GPL-2.0-or-later
// Text output of a report: per-flow summary, episodes, ranked verdicts with evidence and the confirming test.
#include <errno.h>
#include <stdbool.h>
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

/* A time in microseconds with a unit that suits it: "850 us", "12.3 ms", "2.41 s". */
static const char *dur(double us, char *buf, size_t len)
{
	if (isnan(us))
		snprintf(buf, len, "-");
	else if (fabs(us) < 1000)
		snprintf(buf, len, "%.0f \u00b5s", us);
	else if (fabs(us) < 1e6)
		snprintf(buf, len, "%.3g ms", us / 1e3);
	else
		snprintf(buf, len, "%.3g s", us / 1e6);
	return buf;
}

/* Bytes with a binary unit: "512 B", "122 KiB", "3.4 MiB". */
static const char *bytes(double b, char *buf, size_t len)
{
	if (isnan(b))
		snprintf(buf, len, "-");
	else if (fabs(b) < 1024)
		snprintf(buf, len, "%.0f B", b);
	else if (fabs(b) < 1024 * 1024)
		snprintf(buf, len, "%.3g KiB", b / 1024);
	else
		snprintf(buf, len, "%.3g MiB", b / (1024 * 1024));
	return buf;
}

/* A value by what its name says it is: _us, _s, bytes, a share; else a number. */
static void pr_value(FILE *out, const char *name, double v)
{
	size_t n = strlen(name);
	char buf[32];

	if (isnan(v))
		fputs("not measured", out);
	else if (n > 3 && !strcmp(name + n - 3, "_us"))
		fputs(dur(v, buf, sizeof(buf)), out);
	else if (n > 2 && !strcmp(name + n - 2, "_s"))
		fputs(dur(v * 1e6, buf, sizeof(buf)), out);
	else if (strstr(name, "bytes") || !strcmp(name, "recv_q") || !strcmp(name, "send_q"))
		fputs(bytes(v, buf, sizeof(buf)), out);
	else if (!strcmp(name, "explains") || strstr(name, "share"))
		fprintf(out, "%.0f %%", 100 * v);
	else if (strstr(name, "_pct"))
		fprintf(out, "%.0f %%", v);
	else
		pr_num(out, v);
}

static void pr_dist(FILE *out, const char *what, const struct tsl_hist *h)
{
	char a[24], b[24], c[24], d[24];

	if (!h->n)
		return;
	fprintf(out, "    %-16s p50 %s  p90 %s  p99 %s  max %s  (%" PRIu64 " samples)\n",
		what, dur(tsl_hist_quantile(h, 0.5), a, sizeof(a)),
		dur(tsl_hist_quantile(h, 0.9), b, sizeof(b)),
		dur(tsl_hist_quantile(h, 0.99), c, sizeof(c)),
		dur((double)h->max, d, sizeof(d)), h->n);
}

/* Where the flow's time went: its ledger's items that hold any. */
static void pr_ledger(FILE *out, const struct tsl_an_flow *f)
{
	const struct tsl_ledger *l = &f->lg;
	char buf[24];
	unsigned int k;
	bool any = false;

	for (k = 0; k < TSL_LG_N; k++) {
		if (!(l->us[k] >= 1000))
			continue;
		fprintf(out, "%s %s %s", any ? "," : "    waited:", tsl_ledger_names[k],
			dur(l->us[k], buf, sizeof(buf)));
		any = true;
	}
	if (any)
		fprintf(out, " (of %s active)\n",
			dur((f->last_ns - f->first_ns) / 1e3, buf, sizeof(buf)));
	if (l->floor_us > 0)
		fprintf(out, "    path floor (smallest round trip): %s\n",
			dur(l->floor_us, buf, sizeof(buf)));
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
	pr_dist(out, "RTT", &f->rtt);
	pr_dist(out, "ACK delay", &f->ackd);
	pr_dist(out, "read residence", &f->res);
	pr_ledger(out, f);
	if (t->acks_tx)
		fprintf(out, "    ACKs sent %" PRIu64 ": timer %" PRIu64 ", quick %" PRIu64 ", piggyback %" PRIu64 ", window %" PRIu64 "\n",
			t->acks_tx, t->ack_reason[TSL_ACK_TIMER],
			t->ack_reason[TSL_ACK_QUICK],
			t->ack_reason[TSL_ACK_PIGGYBACK],
			t->ack_reason[TSL_ACK_WINDOW]);
	if (fr->ep.n_values) {
		char a[24], b[24], c[24];

		fprintf(out, "    %s p90 per interval: median %s, MAD %s, episode threshold %s\n",
			fr->ep.signal == TSL_EP_RTT ? "RTT" : "read residence",
			dur(fr->ep.median, a, sizeof(a)), dur(fr->ep.mad, b, sizeof(b)),
			dur(fr->ep.threshold, c, sizeof(c)));
	}
	fprintf(out, "    episodes: %zu\n", fr->ep.n);
	for (j = 0; j < fr->ep.n; j++) {
		const struct tsl_episode *e = &fr->ep.v[j];
		uint64_t s = tsl_an_interval_start(&r->m, f->first + e->start);
		uint64_t x = tsl_an_interval_start(&r->m, f->first + e->end + 1);

		tsl_iter_wall_str(&r->ix, s, ws, sizeof(ws));
		tsl_iter_wall_str(&r->ix, x, we, sizeof(we));
		char pk[24];

		fprintf(out, "      %s .. %s (%.1f ms): peak %s %s; ",
			ws[0] ? ws : "?", we[0] ? we : "?", (x - s) / 1e6,
			fr->ep.signal == TSL_EP_RTT ? "RTT" : "read residence",
			dur(e->peak_rtt_us, pk, sizeof(pk)));
		for (i = 0; i < TSL_CHECKLIST_FIELDS; i++) {
			fprintf(out, "%s%s ", i ? ", " : "",
				tsl_checklist_fields[i].label);
			pr_value(out, tsl_checklist_fields[i].name, tsl_checklist_value(&e->c, i));
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
		fprintf(out, "      %s %s: ", what, e[i].name);
		pr_value(out, e[i].name, e[i].value);
		if (!isnan(e[i].threshold)) {
			fputs(" (against ", out);
			pr_value(out, e[i].name, e[i].threshold);
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
		if (v->summary[0])
			fprintf(out, "      %s\n", v->summary);
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
	verdict_section(r, out);
	if (!r->n_flows)
		fputs("\nno flows: the recording holds no TCP events\n", out);
	for (k = 0; k < r->n_flows; k++)
		flow_section(r, &r->flows[k], out);
	lost_section(r, out);
	return tsl_out_finish(out, "the report");
}
