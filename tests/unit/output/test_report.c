// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the report: empty, one-sample and corrupt recordings, JSON and CSV output read back.
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "an_fixture.h"
#include "analysis/analysis.h"
#include "output/output.h"

static int build(const char *path, struct tsl_report *r)
{
	struct tsl_report_opts o;
	int fd = open(path, O_RDONLY), ret;

	assert_true(fd >= 0);
	tsl_report_opts_default(&o);
	ret = tsl_report_build(fd, path, &o, r);
	close(fd);
	return ret;
}

/* The report as JSON, parsed back. */
static json_t *as_json(const struct tsl_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	json_error_t err;
	json_t *root;

	assert_non_null(out);
	assert_int_equal(tsl_report_json(r, out), 0);
	fclose(out);
	root = json_loadb(buf, len, 0, &err);
	if (!root)
		fail_msg("JSON does not parse: %s at line %d", err.text, err.line);
	free(buf);
	return root;
}

static char *as_text(const struct tsl_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(tsl_report_text(r, out), 0);
	fclose(out);
	return buf;
}

static void test_empty(void **state)
{
	struct tsl_report r;
	json_t *root;
	char *text;

	(void)state;
	mkdir("data", 0755);
	assert_int_equal(fx_write_empty("data/an_empty.rec"), 0);
	assert_int_equal(build("data/an_empty.rec", &r), 0);
	assert_int_equal(r.n_flows, 0);
	assert_int_equal(r.n_verdicts, 0);
	root = as_json(&r);
	assert_int_equal(json_array_size(json_object_get(root, "verdicts")), 0);
	assert_int_equal(json_array_size(json_object_get(root, "flows")), 0);
	assert_int_equal(json_array_size(json_object_get(root, "episodes")), 0);
	assert_true(json_is_true(json_object_get(json_object_get(root, "lost_events"), "complete")));
	json_decref(root);
	text = as_text(&r);
	assert_non_null(strstr(text, "no flows"));
	free(text);
	tsl_report_free(&r);
}

static void test_one_sample(void **state)
{
	struct tsl_report r;
	json_t *root, *flow, *rtt;

	(void)state;
	mkdir("data", 0755);
	assert_int_equal(fx_write_one("data/an_one.rec"), 0);
	assert_int_equal(build("data/an_one.rec", &r), 0);
	assert_int_equal(r.n_flows, 1);
	assert_int_equal(r.flows[0].f->rtt.n, 1);
	assert_int_equal(r.flows[0].ep.n, 0);
	assert_int_equal(r.flows[0].n_corr, 0);	/* nothing varies */
	/* one segment: too little to judge */
	assert_int_equal(r.verdicts[0].cat, TSL_V_INSUFFICIENT_DATA);
	root = as_json(&r);
	flow = json_array_get(json_object_get(root, "flows"), 0);
	rtt = json_object_get(flow, "rtt_us");
	assert_int_equal(json_integer_value(json_object_get(rtt, "p50")), 300);
	assert_int_equal(json_integer_value(json_object_get(rtt, "count")), 1);
	assert_string_equal(json_string_value(json_object_get(flow, "name")),
			    "10.0.0.1:5201 -> 10.0.0.2:40000");
	json_decref(root);
	tsl_report_free(&r);
}

/* What @build printed on stderr, one line at most 255 bytes; its result in *@ret. */
static void build_stderr(const char *path, struct tsl_report *r, int *ret,
			 char *buf, size_t len)
{
	int saved, pipefd[2];
	ssize_t n;

	assert_int_equal(pipe(pipefd), 0);
	fflush(stderr);
	saved = dup(2);
	dup2(pipefd[1], 2);
	*ret = build(path, r);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(pipefd[1]);
	n = read(pipefd[0], buf, len - 1);
	close(pipefd[0]);
	buf[n > 0 ? n : 0] = '\0';
}

/* @len bytes of @from into @to, with @patch (if any) written at @at. */
static void copy_file(const char *from, const char *to, off_t len,
		      const void *patch, size_t plen, off_t at)
{
	char *data = malloc(len);
	int in = open(from, O_RDONLY), out;

	assert_non_null(data);
	assert_true(in >= 0);
	assert_int_equal(pread(in, data, len, 0), (ssize_t)len);
	close(in);
	if (patch)
		memcpy(data + at, patch, plen);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(out >= 0);
	assert_int_equal(write(out, data, len), (ssize_t)len);
	close(out);
	free(data);
}

static void test_corrupt(void **state)
{
	static const uint32_t huge[2] = { TSL_REC_EVENTS, 0xfffffff0 };
	struct tsl_report r, at;
	unsigned long long size, upto, mid = 0;
	struct stat st;
	FILE *fp;
	char buf[256], want[256];
	size_t k;
	int ret, cut;

	(void)state;
	mkdir("data", 0755);
	assert_int_equal(fx_write("data/an_full.rec", NULL, NULL), 0);
	assert_int_equal(stat("data/an_full.rec", &st), 0);
	/*
	 * Cut inside a chunk (a full disk, a kill during a write): read up to
	 * the last whole chunk, with one line that says so. The fixture's
	 * records are in one large chunk: cut inside it, and after it.
	 */
	for (cut = 0; cut < 2; cut++) {
		off_t len = cut ? st.st_size - 5 : st.st_size / 2 + 3;

		copy_file("data/an_full.rec", "data/an_cut.rec", len, NULL, 0, 0);
		build_stderr("data/an_cut.rec", &r, &ret, buf, sizeof(buf));
		assert_int_equal(ret, 0);
		assert_int_equal(sscanf(buf, "tcpsleuth: data/an_cut.rec: cut at byte %llu inside a chunk; read up to byte %llu\n",
					&size, &upto), 2);
		assert_int_equal(size, len);
		assert_true(upto < size && upto > 16);
		snprintf(want, sizeof(want), "tcpsleuth: data/an_cut.rec: cut at byte %llu inside a chunk; read up to byte %llu\n",
			 size, upto);
		assert_string_equal(buf, want);		/* one line */
		assert_true(r.ix.cut);
		if (!cut)
			mid = upto;
		if (cut) {
			assert_true(r.ix.n_records > 0);
			assert_true(r.n_flows > 0);
		}
		/* the rows before the cut are all there: as the file cut at the chunk's start */
		copy_file("data/an_full.rec", "data/an_cut_at.rec", upto, NULL, 0, 0);
		build_stderr("data/an_cut_at.rec", &at, &ret, buf, sizeof(buf));
		assert_int_equal(ret, 0);
		assert_string_equal(buf, "");	/* no end chunk: the report does not say */
		assert_false(at.ix.cut);
		assert_int_equal(r.ix.n_records, at.ix.n_records);
		assert_int_equal(r.ix.n_sample_chunks, at.ix.n_sample_chunks);
		assert_int_equal(r.m.n_events, at.m.n_events);
		assert_int_equal(r.m.n_samples, at.m.n_samples);
		assert_int_equal(r.m.n_intervals, at.m.n_intervals);
		assert_int_equal(r.n_flows, at.n_flows);
		for (k = 0; k < r.n_flows; k++) {
			assert_int_equal(r.flows[k].f->t.events, at.flows[k].f->t.events);
			assert_int_equal(r.flows[k].f->n_rows, at.flows[k].f->n_rows);
			assert_memory_equal(r.flows[k].f->rows, at.flows[k].f->rows,
					    r.flows[k].f->n_rows * TSL_AN_NCOLS * sizeof(float));
		}
		tsl_report_free(&at);
		tsl_report_free(&r);
	}
	/* garbage in the middle, more data after it: still a bad recording */
	copy_file("data/an_full.rec", "data/an_mangled.rec", st.st_size, huge,
		  sizeof(huge), mid);
	build_stderr("data/an_mangled.rec", &r, &ret, buf, sizeof(buf));
	assert_int_equal(ret, -EINVAL);
	snprintf(want, sizeof(want), "tcpsleuth: data/an_mangled.rec: chunk length 4294967280 too large at byte %llu\n",
		 mid);
	assert_string_equal(buf, want);
	tsl_report_free(&r);
	/* the file header cut short: not a recording */
	copy_file("data/an_full.rec", "data/an_cut.rec", 10, NULL, 0, 0);
	build_stderr("data/an_cut.rec", &r, &ret, buf, sizeof(buf));
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(buf, "tcpsleuth: data/an_cut.rec: not a tcpsleuth recording at byte 0\n");
	tsl_report_free(&r);
	/* not a recording at all */
	fp = fopen("data/an_garbage.rec", "w");
	assert_non_null(fp);
	fputs("this is not a recording, just text\n", fp);
	fclose(fp);
	assert_int_equal(build("data/an_garbage.rec", &r), -EINVAL);
	tsl_report_free(&r);
	/* a read that fails is the system's failure, not a bad recording */
	assert_int_equal(build("/", &r), -EISDIR);
	tsl_report_free(&r);
}

static void nic_and_loss(struct fx_knobs *k, int i)
{
	(void)i;
	k->nic_errors = 5;
	k->retrans = 1;
	k->rtt_us = 3000;
}

static void test_json(void **state)
{
	static const char *const keys[] = { "version", "recording", "verdicts",
		"episodes", "flows", "correlations", "lost_events" };
	struct tsl_report r;
	json_t *root, *v, *ep, *sup, *e0;
	double last = 2;
	size_t i;

	(void)state;
	mkdir("data", 0755);
	assert_int_equal(fx_write("data/an_json.rec", NULL, nic_and_loss), 0);
	assert_int_equal(build("data/an_json.rec", &r), 0);
	root = as_json(&r);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_non_null(json_object_get(root, keys[i]));
	assert_int_equal(json_integer_value(json_object_get(root, "version")), 1);
	v = json_object_get(root, "verdicts");
	assert_true(json_array_size(v) >= 1);
	for (i = 0; i < json_array_size(v); i++) {
		json_t *x = json_array_get(v, i);
		double c = json_real_value(json_object_get(x, "confidence"));

		assert_true(c <= last);
		assert_true(c >= 0 && c <= 1);
		last = c;
		assert_true(json_is_string(json_object_get(x, "category")));
		assert_true(json_is_array(json_object_get(json_object_get(x, "evidence"), "supporting")));
		assert_true(json_is_array(json_object_get(json_object_get(x, "evidence"), "contradicting")));
		assert_true(json_is_string(json_object_get(json_object_get(x, "confirm"), "test")));
	}
	/* the NIC's drops account for the retransmissions: not the path */
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "category")),
			    "nic_errors");
	assert_true(json_is_object(json_object_get(json_array_get(v, 0), "flow")));
	assert_true(json_is_string(json_object_get(json_array_get(v, 0), "summary")));
	e0 = json_object_get(json_array_get(v, 0), "explains");
	assert_string_equal(json_string_value(json_object_get(e0, "of")), "stalled_time");
	assert_true(json_number_value(json_object_get(e0, "fraction")) > 0.5);
	sup = json_object_get(json_object_get(json_array_get(v, 0), "evidence"), "supporting");
	for (i = 0; i < json_array_size(sup); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(sup, i), "name")),
			    "local_drops"))
			break;
	assert_true(i < json_array_size(sup));
	assert_true(json_number_value(json_object_get(json_array_get(sup, i), "value")) >= 50);
	ep = json_array_get(json_object_get(root, "episodes"), 0);
	assert_non_null(ep);
	assert_int_equal(json_integer_value(json_object_get(ep, "start_ns")),
			 FX_MONO + FX_BAD_FROM * FX_IV_NS);
	assert_int_equal(json_integer_value(json_object_get(ep, "end_ns")),
			 FX_MONO + (FX_BAD_TO + 1) * FX_IV_NS);
	assert_string_equal(json_string_value(json_object_get(ep, "start_wall")),
			    "2026-11-24T01:02:06.000000Z");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ep, "checklist"), "retrans_segs")), 10);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ep, "checklist"), "nic_errors")), 100);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "lost_events"), "produced")),
			 r.ix.n_records);
	json_decref(root);
	tsl_report_free(&r);
}

/* ---- CSV, parsed back with libcsv ---- */

struct table {
	int rows, cols, first_cols, bad;
	char first[64];
};

static void on_field(void *s, size_t len, void *data)
{
	struct table *t = data;

	if (!t->rows && !t->cols)
		snprintf(t->first, sizeof(t->first), "%.*s", (int)len, (char *)s);
	t->cols++;
}

static void on_row(int c, void *data)
{
	struct table *t = data;

	(void)c;
	if (!t->rows)
		t->first_cols = t->cols;
	else if (t->cols != t->first_cols)
		t->bad++;
	t->rows++;
	t->cols = 0;
}

static struct table parse_csv(const char *path)
{
	struct table t = { 0 };
	struct csv_parser p;
	char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	csv_init(&p, CSV_STRICT);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		assert_int_equal(csv_parse(&p, buf, n, on_field, on_row, &t), n);
	csv_fini(&p, on_field, on_row, &t);
	csv_free(&p);
	fclose(fp);
	return t;
}

static void test_csv_dir(void **state)
{
	struct tsl_report r;
	struct table t;

	(void)state;
	mkdir("data", 0755);
	mkdir("data/an_out", 0755);
	assert_int_equal(fx_write("data/an_csv.rec", NULL, nic_and_loss), 0);
	assert_int_equal(build("data/an_csv.rec", &r), 0);
	assert_int_equal(tsl_report_csv_dir(&r, "data/an_out"), 0);
	t = parse_csv("data/an_out/intervals.csv");
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.rows, 1 + FX_INTERVALS);
	assert_int_equal(t.first_cols, 4 + TSL_AN_NCOLS);
	assert_string_equal(t.first, "cookie");
	t = parse_csv("data/an_out/episodes.csv");
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.rows, 2);
	assert_int_equal(t.first_cols, 19);
	t = parse_csv("data/an_out/verdicts.csv");
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.rows, 1 + r.n_verdicts);
	assert_int_equal(t.first_cols, 10);
	assert_string_equal(t.first, "rank");
	tsl_report_free(&r);
}

/* Output that cannot be written: -EIO, or the errno of creating the file. */
static void test_write_errors(void **state)
{
	FILE *full = fopen("/dev/full", "w");
	struct tsl_report r;

	(void)state;
	assert_non_null(full);
	mkdir("data", 0755);
	assert_int_equal(fx_write("data/an_write.rec", NULL, NULL), 0);
	assert_int_equal(build("data/an_write.rec", &r), 0);
	assert_int_equal(tsl_report_text(&r, full), -EIO);
	clearerr(full);
	assert_int_equal(tsl_report_json(&r, full), -EIO);
	clearerr(full);
	assert_int_equal(tsl_report_csv_verdicts(&r, full), -EIO);
	assert_int_equal(tsl_report_csv_dir(&r, "data/no-such-dir"), -ENOENT);
	tsl_report_free(&r);
	fclose(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_sample),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv_dir),
		cmocka_unit_test(test_write_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
