// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the CSV conversion of the generated sample recording.
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "output/output.h"
#include "sample_recording.h"

#define SAMPLE_FILE	"data/sample.rec"
#define MAX_ROWS	16

static const char header[] =
	"time_ns,wall_time,cpu,event,cookie,saddr,sport,daddr,dport,netns,"
	"seq,end_seq,len,segs,retrans,cwnd,in_flight,sndq,snd_wnd,ack,acked,"
	"rtt_us,srtt_us,rttvar_us,rto_us,ssthresh,ca_state,delayed,rcv_nxt,"
	"rcvq,rcv_wnd,rcvbuf,ofo,unseen,bytes,res_first_us,res_last_us,pid,comm,"
	"delay_us,reason,total_retrans,packets_out,retransmits,backoff,"
	"oldstate,newstate,count,total";

/* The CSV parsed back with libcsv's parser. */
struct table {
	char *cell[MAX_ROWS][TSL_CSV_NCOLS];
	int rows, col, bad;
};

static void on_field(void *s, size_t len, void *data)
{
	struct table *t = data;

	if (t->rows >= MAX_ROWS || t->col >= TSL_CSV_NCOLS) {
		t->bad++;
		return;
	}
	t->cell[t->rows][t->col++] = strndup(s, len);
}

static void on_row(int c, void *data)
{
	struct table *t = data;

	(void)c;
	if (t->col != TSL_CSV_NCOLS)
		t->bad++;
	t->rows++;
	t->col = 0;
}

static char *output;
static size_t output_len;
static struct table table;

static int setup(void **state)
{
	FILE *out = open_memstream(&output, &output_len);
	int fd = open(SAMPLE_FILE, O_RDONLY);
	struct csv_parser p;

	(void)state;
	if (fd < 0 || !out) {
		fprintf(stderr, "%s: %s (run make first)\n", SAMPLE_FILE,
			strerror(errno));
		return -1;
	}
	if (tsl_csv_convert(fd, SAMPLE_FILE, out))
		return -1;
	fclose(out);
	close(fd);
	csv_init(&p, CSV_STRICT);
	csv_parse(&p, output, output_len, on_field, on_row, &table);
	csv_fini(&p, on_field, on_row, &table);
	csv_free(&p);
	return 0;
}

static int teardown(void **state)
{
	int r, c;

	(void)state;
	for (r = 0; r < MAX_ROWS; r++)
		for (c = 0; c < TSL_CSV_NCOLS; c++)
			free(table.cell[r][c]);
	free(output);
	return 0;
}

static int col(const char *name)
{
	int i;

	for (i = 0; i < TSL_CSV_NCOLS; i++)
		if (!strcmp(tsl_csv_columns[i], name))
			return i;
	fail_msg("no column %s", name);
	return -1;
}

static const char *cell(int row, const char *name)
{
	return table.cell[row][col(name)];
}

/* Row of the first record of kind @event. */
static int row_of(const char *event)
{
	int r;

	for (r = 1; r < table.rows; r++)
		if (!strcmp(cell(r, "event"), event))
			return r;
	fail_msg("no %s row", event);
	return -1;
}

/* Row of the last record of kind @event. */
static int last_row_of(const char *event)
{
	int r;

	for (r = table.rows - 1; r > 0; r--)
		if (!strcmp(cell(r, "event"), event))
			return r;
	fail_msg("no %s row", event);
	return -1;
}

static void test_header(void **state)
{
	char *line = strndup(output, strcspn(output, "\n"));
	char unquoted[1024];
	size_t i, j = 0;

	(void)state;
	/* every field goes through csv_fwrite, which quotes it */
	for (i = 0; line[i] && j < sizeof(unquoted) - 1; i++)
		if (line[i] != '"')
			unquoted[j++] = line[i];
	unquoted[j] = '\0';
	assert_string_equal(unquoted, header);
	assert_int_equal(line[0], '"');
	free(line);
	assert_int_equal(table.bad, 0);
	for (i = 0; i < TSL_CSV_NCOLS; i++)
		assert_string_equal(table.cell[0][i], tsl_csv_columns[i]);
}

static void test_rows_sorted_across_cpus(void **state)
{
	static const char *const order[] = {
		"flow", "tx", "flow", "data_rx", "ack_rx", "data_rx", "read",
		"state", "data_rx", "ack_tx", "data_rx", "retrans", "rto", "drop",
	};
	unsigned long long prev = 0;
	int r;

	(void)state;
	assert_int_equal(table.rows, 1 + 14);
	for (r = 1; r < table.rows; r++) {
		unsigned long long t = strtoull(cell(r, "time_ns"), NULL, 10);

		assert_string_equal(cell(r, "event"), order[r - 1]);
		assert_true(t > prev);
		prev = t;
	}
	assert_string_equal(cell(1, "cpu"), "1");
	assert_string_equal(cell(2, "cpu"), "0");
	assert_string_equal(cell(2, "time_ns"), "1000000100000");
}

static void test_wall_time(void **state)
{
	(void)state;
	/* nearest pair: the start chunk's */
	assert_string_equal(cell(row_of("tx"), "wall_time"),
			    "2026-11-24T01:02:03.000100Z");
	/* nearest pair: CPU 1's batch, after the wall clock stepped 7 ms */
	assert_string_equal(cell(row_of("rto"), "wall_time"),
			    "2026-11-24T01:02:03.007900Z");
	assert_string_equal(cell(row_of("drop"), "wall_time"),
			    "2026-11-24T01:02:03.008000Z");
}

static void test_addresses(void **state)
{
	int tx = row_of("tx"), ack = row_of("ack_rx"), rd = row_of("read");

	(void)state;
	/* the flow record is later in the file than this event */
	assert_string_equal(cell(tx, "saddr"), "10.0.0.1");
	assert_string_equal(cell(tx, "sport"), "43210");
	assert_string_equal(cell(tx, "daddr"), "192.0.2.7");
	assert_string_equal(cell(tx, "dport"), "443");
	assert_string_equal(cell(tx, "netns"), "4026531840");
	assert_string_equal(cell(ack, "saddr"), "2001:db8::1");
	assert_string_equal(cell(ack, "daddr"), "2001:db8::2:1");
	assert_string_equal(cell(ack, "dport"), "55000");
	assert_string_equal(cell(1, "saddr"), "10.0.0.1");
	/* a flow without an identity record */
	assert_string_equal(cell(rd, "cookie"), "13107");
	assert_string_equal(cell(rd, "saddr"), "");
	assert_string_equal(cell(rd, "dport"), "");
}

static void test_kind_fields(void **state)
{
	int tx = row_of("tx"), ack = row_of("ack_rx"), rd = row_of("read");
	int st = row_of("state"), atx = row_of("ack_tx");
	int drx = last_row_of("data_rx"), rt = row_of("retrans");
	int rto = row_of("rto"), dr = row_of("drop");

	(void)state;
	assert_string_equal(cell(tx, "seq"), "1000");
	assert_string_equal(cell(tx, "retrans"), "1");
	assert_string_equal(cell(tx, "cwnd"), "10");
	assert_string_equal(cell(tx, "ack"), "");
	assert_string_equal(cell(tx, "ofo"), "");
	assert_string_equal(cell(ack, "rtt_us"), "");	/* -1: no sample */
	assert_string_equal(cell(ack, "srtt_us"), "250");
	assert_string_equal(cell(ack, "ca_state"), "recovery");
	assert_string_equal(cell(ack, "delayed"), "1");
	assert_string_equal(cell(ack, "retrans"), "");
	assert_string_equal(cell(rd, "comm"), "abcdefghijklmnop");
	assert_string_equal(cell(rd, "pid"), "4242");
	/* worked out from the two data_rx before it */
	assert_string_equal(cell(rd, "res_first_us"), "120");
	assert_string_equal(cell(rd, "res_last_us"), "30");
	assert_string_equal(cell(rd, "seq"), "1000");
	assert_string_equal(cell(st, "oldstate"), "ESTABLISHED");
	assert_string_equal(cell(st, "newstate"), "FIN_WAIT1");
	assert_string_equal(cell(st, "comm"), "curl");
	assert_string_equal(cell(atx, "reason"), "piggyback");
	assert_string_equal(cell(atx, "delay_us"), "40");	/* since the data_rx at 560 us */
	assert_string_equal(cell(drx, "ofo"), "1");
	assert_string_equal(cell(drx, "unseen"), "0");
	assert_string_equal(cell(tx, "unseen"), "");
	assert_string_equal(cell(drx, "rcv_nxt"), "7");
	assert_string_equal(cell(rt, "ca_state"), "loss");
	assert_string_equal(cell(rt, "total_retrans"), "3");
	assert_string_equal(cell(rto, "rto_us"), "400000");
	assert_string_equal(cell(rto, "ack"), "13");	/* snd_una */
	assert_string_equal(cell(rto, "backoff"), "2");
	assert_string_equal(cell(dr, "count"), "1");
	assert_string_equal(cell(dr, "total"), "5");
	assert_string_equal(cell(dr, "rcvbuf"), "400");
	assert_string_equal(cell(dr, "seq"), "");
	assert_string_equal(cell(1, "seq"), "");	/* flow rows: identity only */
}

static void test_bad_file(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int fd = memfd_create("bad", 0);

	(void)state;
	assert_int_equal(write(fd, "garbage garbage garbage", 23), 23);
	assert_int_equal(tsl_csv_convert(fd, "bad.rec", out), -EINVAL);
	fclose(out);
	assert_int_equal(len, 0);	/* nothing written for a bad file */
	free(buf);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_rows_sorted_across_cpus),
		cmocka_unit_test(test_wall_time),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_kind_fields),
		cmocka_unit_test(test_bad_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
