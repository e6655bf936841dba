// SPDX-License-Identifier: GPL-2.0-or-later
// CSV output of a report with libcsv: interval series, episodes and verdicts.
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "output.h"
#include "write.h"

struct row {
	char cell[TSL_AN_NCOLS + 8][48];
	unsigned int n;
};

static void put_s(struct row *r, const char *s)
{
	snprintf(r->cell[r->n++], sizeof(r->cell[0]), "%s", s);
}

static void put_u(struct row *r, uint64_t v)
{
	snprintf(r->cell[r->n++], sizeof(r->cell[0]), "%" PRIu64, v);
}

static void put_d(struct row *r, double v)
{
	if (isnan(v))
		r->cell[r->n++][0] = '\0';
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(r->cell[r->n++], sizeof(r->cell[0]), "%.0f", v);
	else
		snprintf(r->cell[r->n++], sizeof(r->cell[0]), "%.4g", v);
}

/* A field longer than a cell (test and outcome texts) goes through csv_fwrite directly. */
static void write_row(FILE *out, const struct row *r, const char *tail[],
		      unsigned int n_tail)
{
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		if (i)
			fputc(',', out);
		csv_fwrite(out, r->cell[i], strlen(r->cell[i]));
	}
	for (i = 0; i < n_tail; i++) {
		if (r->n || i)
			fputc(',', out);
		csv_fwrite(out, tail[i], strlen(tail[i]));
	}
	fputc('\n', out);
}

int tsl_report_csv_intervals(const struct tsl_report *r, FILE *out)
{
	struct row h = { .n = 0 };
	size_t k, i;
	unsigned int c;

	put_s(&h, "cookie");
	put_s(&h, "interval");
	put_s(&h, "time_ns");
	put_s(&h, "wall_time");
	for (c = 0; c < TSL_AN_NCOLS; c++)
		put_s(&h, tsl_an_col_names[c]);
	write_row(out, &h, NULL, 0);
	for (k = 0; k < r->n_flows; k++) {
		const struct tsl_an_flow *f = r->flows[k].f;

		/* the intervals with data: those without have no value */
		for (i = 0; i < f->n_rows; i++) {
			uint64_t ts = tsl_an_interval_start(&r->m, f->iv[i]);
			const float *v = tsl_an_row(f, i);
			struct row row = { .n = 0 };

			put_u(&row, f->cookie);
			put_u(&row, f->iv[i]);
			put_u(&row, ts);
			tsl_iter_wall_str(&r->ix, ts, row.cell[row.n++],
					  sizeof(row.cell[0]));
			for (c = 0; c < TSL_AN_NCOLS; c++)
				put_d(&row, v[c]);
			write_row(out, &row, NULL, 0);
		}
	}
	return tsl_out_finish(out, "intervals.csv");
}

int tsl_report_csv_episodes(const struct tsl_report *r, FILE *out)
{
	static const char *const head[] = {
		"cookie", "flow", "start_ns", "end_ns", "start_wall", "end_wall",
		"intervals", "peak_rtt_us", "baseline_rtt_p90_us", "threshold_us",
	};
	struct row h = { .n = 0 };
	size_t k, j;
	unsigned int c;

	for (c = 0; c < sizeof(head) / sizeof(head[0]); c++)
		put_s(&h, head[c]);
	for (c = 0; c < TSL_CHECKLIST_FIELDS; c++)
		put_s(&h, tsl_checklist_fields[c].name);
	write_row(out, &h, NULL, 0);
	for (k = 0; k < r->n_flows; k++) {
		const struct tsl_flow_report *fr = &r->flows[k];

		for (j = 0; j < fr->ep.n; j++) {
			const struct tsl_episode *e = &fr->ep.v[j];
			uint64_t s = tsl_an_interval_start(&r->m, fr->f->first + e->start);
			uint64_t t = tsl_an_interval_start(&r->m, fr->f->first + e->end + 1);
			struct row row = { .n = 0 };

			put_u(&row, fr->f->cookie);
			tsl_report_flow_name(fr->f, row.cell[row.n++], sizeof(row.cell[0]));
			put_u(&row, s);
			put_u(&row, t);
			tsl_iter_wall_str(&r->ix, s, row.cell[row.n++], sizeof(row.cell[0]));
			tsl_iter_wall_str(&r->ix, t, row.cell[row.n++], sizeof(row.cell[0]));
			put_u(&row, e->end - e->start + 1);
			put_d(&row, e->peak_rtt_us);
			put_d(&row, fr->ep.median);
			put_d(&row, fr->ep.threshold);
			for (c = 0; c < TSL_CHECKLIST_FIELDS; c++)
				put_d(&row, tsl_checklist_value(&e->c, c));
			write_row(out, &row, NULL, 0);
		}
	}
	return tsl_out_finish(out, "episodes.csv");
}

/* "name=value (threshold T); ..." */
static void evidence_str(const struct tsl_evidence *e, unsigned int n,
			 char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		int w = isnan(e[i].threshold) ?
			snprintf(buf + used, len - used, "%s%s=%.6g", i ? "; " : "",
				 e[i].name, e[i].value) :
			snprintf(buf + used, len - used, "%s%s=%.6g (threshold %.6g)",
				 i ? "; " : "", e[i].name, e[i].value, e[i].threshold);

		if (w < 0)
			break;
		used += w;
	}
}

int tsl_report_csv_verdicts(const struct tsl_report *r, FILE *out)
{
	static const char *const head[] = {
		"rank", "category", "confidence", "cookie", "flow", "layer",
		"supporting", "contradicting", "test_to_confirm",
		"expected_outcome",
	};
	char sup[1024], con[1024];
	struct row h = { .n = 0 };
	unsigned int c;
	size_t k;

	for (c = 0; c < sizeof(head) / sizeof(head[0]); c++)
		put_s(&h, head[c]);
	write_row(out, &h, NULL, 0);
	for (k = 0; k < r->n_verdicts; k++) {
		const struct tsl_verdict *v = &r->verdicts[k];
		struct row row = { .n = 0 };
		const char *tail[4] = { sup, con, v->confirm, v->expected };

		put_u(&row, k + 1);
		put_s(&row, tsl_category_names[v->cat]);
		snprintf(row.cell[row.n++], sizeof(row.cell[0]), "%.3f", v->confidence);
		if (v->flow) {
			put_u(&row, v->flow->cookie);
			tsl_report_flow_name(v->flow, row.cell[row.n++], sizeof(row.cell[0]));
		} else {
			put_s(&row, "");
			put_s(&row, "host-wide");
		}
		put_s(&row, v->layer);
		evidence_str(v->sup, v->n_sup, sup, sizeof(sup));
		evidence_str(v->con, v->n_con, con, sizeof(con));
		write_row(out, &row, tail, 4);
	}
	return tsl_out_finish(out, "verdicts.csv");
}

static int one_file(const struct tsl_report *r, const char *dir,
		    const char *file,
		    int (*fn)(const struct tsl_report *, FILE *))
{
	struct tsl_file out;
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = tsl_file_create(&out, path);
	if (ret)
		return ret;
	ret = fn(r, out.fp);
	if (ret)
		tsl_file_abort(&out);
	else
		ret = tsl_file_commit(&out);
	return ret;
}

int tsl_report_csv_dir(const struct tsl_report *r, const char *dir)
{
	int ret = one_file(r, dir, "intervals.csv", tsl_report_csv_intervals);

	if (!ret)
		ret = one_file(r, dir, "episodes.csv", tsl_report_csv_episodes);
	if (!ret)
		ret = one_file(r, dir, "verdicts.csv", tsl_report_csv_verdicts);
	return ret;
}
