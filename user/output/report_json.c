// SPDX-License-Identifier: GPL-2.0-or-later
// JSON output of a report (schema: docs/report-schema.md), built with jansson.
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "output.h"
#include "write.h"

static json_t *num(double v)
{
	if (isnan(v) || isinf(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(round(v * 1000) / 1000);
}

static json_t *u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static void set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v ? v : json_null());
}

static json_t *wall(const struct tsl_report *r, uint64_t mono)
{
	char buf[40];

	tsl_iter_wall_str(&r->ix, mono, buf, sizeof(buf));
	return buf[0] ? json_string(buf) : json_null();
}

static json_t *flow_ref(const struct tsl_an_flow *f)
{
	char name[128];
	json_t *o;

	if (!f)
		return json_null();
	o = json_object();
	tsl_report_flow_name(f, name, sizeof(name));
	set(o, "cookie", u64(f->cookie));
	set(o, "name", json_string(name));
	return o;
}

static json_t *evidence(const struct tsl_evidence *e, unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object();

		set(o, "name", json_string(e[i].name));
		set(o, "value", num(e[i].value));
		set(o, "threshold", num(e[i].threshold));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *verdicts(const struct tsl_report *r)
{
	json_t *a = json_array();
	size_t k;

	for (k = 0; k < r->n_verdicts; k++) {
		const struct tsl_verdict *v = &r->verdicts[k];
		json_t *o = json_object(), *ev = json_object(), *c = json_object();

		set(o, "category", json_string(tsl_category_names[v->cat]));
		set(o, "confidence", json_real(round(v->confidence * 1000) / 1000));
		set(o, "summary", json_string(v->summary));
		if (!isnan(v->explains)) {
			json_t *x = json_object();

			set(x, "fraction", num(v->explains));
			set(x, "of", json_string("stalled_time"));
			set(x, "stalled_s", num(v->stalled_s));
			set(x, "active_s", num(v->active_s));
			set(o, "explains", x);
		} else {
			set(o, "explains", json_null());
		}
		set(o, "flow", flow_ref(v->flow));
		set(o, "layer", json_string(v->layer));
		set(ev, "supporting", evidence(v->sup, v->n_sup));
		set(ev, "contradicting", evidence(v->con, v->n_con));
		set(o, "evidence", ev);
		set(c, "test", json_string(v->confirm));
		set(c, "expected", json_string(v->expected));
		set(o, "confirm", c);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *checklist(const struct tsl_checklist *c)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < TSL_CHECKLIST_FIELDS; i++)
		set(o, tsl_checklist_fields[i].name, num(tsl_checklist_value(c, i)));
	return o;
}

static json_t *episodes(const struct tsl_report *r)
{
	json_t *a = json_array();
	size_t k, j;

	for (k = 0; k < r->n_flows; k++) {
		const struct tsl_flow_report *fr = &r->flows[k];
		bool rtt = fr->ep.signal == TSL_EP_RTT;
		const char *sig = rtt ? "rtt_p90" : "read_residence_p90";

		for (j = 0; j < fr->ep.n; j++) {
			const struct tsl_episode *e = &fr->ep.v[j];
			uint64_t s = tsl_an_interval_start(&r->m, fr->f->first + e->start);
			uint64_t t = tsl_an_interval_start(&r->m, fr->f->first + e->end + 1);
			json_t *o = json_object();

			set(o, "flow", flow_ref(fr->f));
			set(o, "start_ns", u64(s));
			set(o, "end_ns", u64(t));
			set(o, "start_wall", wall(r, s));
			set(o, "end_wall", wall(r, t));
			set(o, "intervals", u64(e->end - e->start + 1));
			set(o, "signal", json_string(sig));
			set(o, "peak_us", num(e->peak_rtt_us));
			set(o, "peak_rtt_us", num(rtt ? e->peak_rtt_us : NAN));
			set(o, "baseline_rtt_p90_us", num(rtt ? fr->ep.median : NAN));
			set(o, "baseline_p90_us", num(fr->ep.median));
			set(o, "threshold_us", num(fr->ep.threshold));
			set(o, "checklist", checklist(&e->c));
			json_array_append_new(a, o);
		}
	}
	return a;
}

static json_t *dist(const struct tsl_hist *h)
{
	json_t *o = json_object();

	set(o, "count", u64(h->n));
	set(o, "p50", h->n ? num(tsl_hist_quantile(h, 0.5)) : json_null());
	set(o, "p90", h->n ? num(tsl_hist_quantile(h, 0.9)) : json_null());
	set(o, "p99", h->n ? num(tsl_hist_quantile(h, 0.99)) : json_null());
	set(o, "min", h->n ? u64(h->min) : json_null());
	set(o, "max", h->n ? u64(h->max) : json_null());
	return o;
}

/* Where the flow's time went: each item of its ledger, in seconds. */
static json_t *time_ledger(const struct tsl_an_flow *f)
{
	const struct tsl_ledger *l = &f->lg;
	json_t *o = json_object(), *items = json_object();
	unsigned int k;

	set(o, "active_s", num(f->last_ns > f->first_ns ? (f->last_ns - f->first_ns) / 1e9 : 0));
	for (k = 0; k < TSL_LG_N; k++)
		set(items, tsl_ledger_names[k], num(l->us[k] / 1e6));
	set(o, "waits_s", items);
	set(o, "rtt_floor_us", num(l->floor_us));
	set(o, "cwnd_wait_rtt_us", num(l->cwnd_rtt_us));
	set(o, "turn_rtt_us", num(l->turn_rtt_us));
	set(o, "turns", u64(l->turns));
	set(o, "recoveries", u64(l->recoveries));
	set(o, "holes", u64(l->holes));
	set(o, "holes_reordered", u64(l->holes_reorder));
	set(o, "duplicate_segments", u64(l->dup_segs));
	set(o, "ack_waits", u64(l->ack_waits));
	set(o, "delayed_ack_waits", u64(l->delack_waits));
	return o;
}

static json_t *flow_summary(const struct tsl_report *r,
			    const struct tsl_flow_report *fr)
{
	const struct tsl_an_flow *f = fr->f;
	const struct tsl_an_totals *t = &f->t;
	double secs = f->last_ns > f->first_ns ? (f->last_ns - f->first_ns) / 1e9 : NAN;
	json_t *o = flow_ref(f), *acks = json_object(), *reasons = json_object();
	char comm[4 * sizeof(f->comm) + 1];

	(void)r;
	set(o, "pid", f->pid ? u64(f->pid) : json_null());
	tsl_out_name(f->comm, sizeof(f->comm), comm, sizeof(comm));
	set(o, "comm", f->pid ? json_string(comm) : json_null());
	set(o, "first_ns", u64(f->first_ns));
	set(o, "last_ns", u64(f->last_ns));
	set(o, "events", u64(t->events));
	set(o, "intervals", u64(tsl_an_span(f)));
	set(o, "rtt_us", dist(&f->rtt));
	set(o, "ack_delay_us", dist(&f->ackd));
	set(reasons, "other", u64(t->ack_reason[TSL_ACK_OTHER]));
	set(reasons, "timer", u64(t->ack_reason[TSL_ACK_TIMER]));
	set(reasons, "quick", u64(t->ack_reason[TSL_ACK_QUICK]));
	set(reasons, "piggyback", u64(t->ack_reason[TSL_ACK_PIGGYBACK]));
	set(reasons, "window", u64(t->ack_reason[TSL_ACK_WINDOW]));
	set(acks, "sent", u64(t->acks_tx));
	set(acks, "received", u64(t->acks_rx));
	set(acks, "received_delayed", u64(t->delayed_rx));
	set(acks, "sent_by_reason", reasons);
	set(o, "acks", acks);
	set(o, "read_residence_us", dist(&f->res));
	set(o, "reads", u64(t->reads));
	set(o, "bytes_read", u64(t->read_bytes));
	set(o, "bytes_acked", u64(t->acked_bytes));
	set(o, "segments_sent", u64(t->tx_segs));
	set(o, "segments_received", u64(t->data_rx));
	set(o, "retrans_segs", u64(t->retrans_segs));
	set(o, "rtos", u64(t->rtos));
	set(o, "sk_drops", u64(t->drops));
	set(o, "ofo_arrivals", u64(t->ofo));
	set(o, "icmp_samples", u64(t->icmp_samples));
	set(o, "icmp_lost", u64(t->icmp_lost));
	set(o, "tx_len_mean", t->tx ? num((double)t->tx_bytes / t->tx) : json_null());
	set(o, "acked_bytes_ps", num(t->acked_bytes / secs));
	set(o, "read_bytes_ps", num(t->read_bytes / secs));
	set(o, "episode_signal", json_string(fr->ep.signal == TSL_EP_RTT ?
					     "rtt_p90" : "read_residence_p90"));
	set(o, "baseline_rtt_p90_us", num(fr->ep.signal == TSL_EP_RTT ? fr->ep.median : NAN));
	set(o, "baseline_mad_us", num(fr->ep.mad));
	set(o, "episode_threshold_us", num(fr->ep.threshold));
	set(o, "episodes", u64(fr->ep.n));
	set(o, "time", time_ledger(f));
	return o;
}

static json_t *correlations(const struct tsl_report *r)
{
	json_t *a = json_array();
	size_t k, j;

	for (k = 0; k < r->n_flows; k++) {
		const struct tsl_flow_report *fr = &r->flows[k];

		for (j = 0; j < fr->n_corr; j++) {
			const struct tsl_corr_entry *c = &fr->corr[j];
			json_t *o = json_object();

			set(o, "flow", u64(fr->f->cookie));
			set(o, "series", json_string(tsl_an_col_names[c->col]));
			set(o, "lag", json_integer(c->c.lag));
			set(o, "pearson", num(c->c.pearson));
			set(o, "spearman", num(c->c.spearman));
			set(o, "n", u64(c->c.n));
			json_array_append_new(a, o);
		}
	}
	return a;
}

static json_t *lost_events(const struct tsl_report *r)
{
	const struct tsl_iter_index *ix = &r->ix;
	json_t *o = json_object(), *cpus = json_array();
	uint64_t p = 0, d = 0, x = 0;
	uint32_t i;

	for (i = 0; ix->has_end && i < ix->end.n_cpus; i++) {
		const struct tsl_rec_cpu *c = &ix->end_cpus[i];
		json_t *e = json_object();

		set(e, "cpu", u64(c->cpu));
		set(e, "produced", u64(c->produced));
		set(e, "delivered", u64(c->delivered));
		set(e, "dropped", u64(c->dropped));
		json_array_append_new(cpus, e);
		p += c->produced;
		d += c->delivered;
		x += c->dropped;
	}
	set(o, "complete", json_boolean(ix->has_end));
	set(o, "produced", ix->has_end ? u64(p) : json_null());
	set(o, "delivered", ix->has_end ? u64(d) : json_null());
	set(o, "dropped", ix->has_end ? u64(x) : json_null());
	set(o, "per_cpu", cpus);
	set(o, "dropped_by_kind", json_null());
	set(o, "flows_refused", ix->has_end ? u64(ix->end.flows_refused) : json_null());
	return o;
}

static json_t *recording(const struct tsl_report *r)
{
	const struct tsl_iter_index *ix = &r->ix;
	json_t *o = json_object();

	set(o, "file", json_string(r->name));
	set(o, "kernel", ix->has_start ? json_stringn(ix->start.kernel,
			strnlen(ix->start.kernel, sizeof(ix->start.kernel))) : json_null());
	set(o, "module_version", ix->has_start ? u64(ix->start.module_version) : json_null());
	set(o, "start_ns", u64(r->m.t0));
	set(o, "start_wall", wall(r, r->m.t0));
	set(o, "first_ns", u64(ix->first_ns));
	set(o, "last_ns", u64(ix->last_ns));
	set(o, "interval_ms", num(r->o.iv_ns / 1e6));
	set(o, "intervals", u64(r->m.n_intervals));
	set(o, "records", u64(ix->n_records));
	set(o, "sample_chunks", u64(ix->n_sample_chunks));
	set(o, "flows", u64(r->n_flows));
	set(o, "episode_k", num(r->o.k));
	set(o, "episode_floor_us", num(r->o.floor_us));
	set(o, "max_lag", json_integer(r->o.max_lag));
	return o;
}

json_t *tsl_report_json_object(const struct tsl_report *r);

json_t *tsl_report_json_object(const struct tsl_report *r)
{
	json_t *root = json_object(), *flows = json_array();
	size_t k;

	for (k = 0; k < r->n_flows; k++)
		json_array_append_new(flows, flow_summary(r, &r->flows[k]));
	set(root, "version", json_integer(TSL_REPORT_VERSION));
	set(root, "recording", recording(r));
	set(root, "verdicts", verdicts(r));
	set(root, "episodes", episodes(r));
	set(root, "flows", flows);
	set(root, "correlations", correlations(r));
	set(root, "lost_events", lost_events(r));
	return root;
}

int tsl_report_json(const struct tsl_report *r, FILE *out)
{
	json_t *root = tsl_report_json_object(r);
	int ret = 0;

	if (!root || json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) ||
	    fputc('\n', out) == EOF || fflush(out)) {
		fprintf(stderr, "tcpsleuth: writing JSON failed: %s\n",
			strerror(errno));
		ret = root ? -EIO : -ENOMEM;
	}
	json_decref(root);
	return ret;
}
