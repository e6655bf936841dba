// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of `tcpsleuth csv --samples`: SAMPLE chunks as long-format CSV.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "recording/recording.h"
#include "output/output.h"
#include "stderr_capture.h"

#define T0	5000000000ull
#define REAL0	1700000000000000000ull	/* 2023-11-14T22:13:20Z */

static const char names[] =
	"Tcp.RetransSegs\0user\0icmp_rtt_us\0a,b\0throttled_usec\0backlog_bytes\0";

static void write_sample(struct tsl_rec_writer *w, uint64_t t,
			 const struct tsl_rec_sample_entry *e, uint32_t n)
{
	struct tsl_rec_sample h = {
		.version = TSL_SAMPLE_VERSION, .entry_size = sizeof(*e),
		.n_entries = n, .mono_ns = t, .interval_ns = t - T0,
	};

	assert_int_equal(tsl_rec_write_sample(w, &h, e), 0);
}

/* START, NAMES, two SAMPLEs and an END, in memory; its descriptor. */
static int recording(const char *tail, size_t tail_len)
{
	static const struct tsl_rec_sample_entry a[] = {
		{ .source = TSL_SRC_SNMP, .flags = TSL_SAMPLE_DELTA, .key = 0, .value = 5 },
		{ .source = TSL_SRC_CPU, .flags = TSL_SAMPLE_CENTI, .key = 1,
		  .id = TSL_SAMPLE_ALL, .value = 2505 },
	}, b[] = {
		{ .source = TSL_SRC_ICMP, .key = 2, .id = 0xabc, .value = 310 },
		{ .source = 99, .key = 3, .id = 1, .value = -7 },
		{ .source = TSL_SRC_CPU, .flags = TSL_SAMPLE_CENTI, .key = 9, .value = -5 },
		{ .source = TSL_SRC_CGROUP, .flags = TSL_SAMPLE_DELTA, .key = 4,
		  .id = 42, .value = 30000 },
		{ .source = TSL_SRC_QDISC, .key = 5, .id = 0xabc, .value = 181680 },
	};
	struct tsl_rec_start s = { .record_size = TSL_EVENT_SIZE,
				   .mono_ns = T0, .real_ns = REAL0 };
	struct tsl_rec_end end = { 0 };
	struct tsl_rec_writer *w;
	char *image;
	size_t len;
	FILE *fp = open_memstream(&image, &len);
	int fd = memfd_create("recording", 0);

	assert_true(fd >= 0);
	w = tsl_rec_writer_new(fp, "memory");
	assert_int_equal(tsl_rec_write_start(w, &s, NULL, 0), 0);
	assert_int_equal(tsl_rec_write_names(w, 0, 6, names, sizeof(names) - 1), 0);
	write_sample(w, T0, a, 2);
	write_sample(w, T0 + 100000000, b, 5);
	assert_int_equal(tsl_rec_write_end(w, &end, NULL), 0);
	assert_int_equal(tsl_rec_writer_finish(w), 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(write(fd, image, len), (ssize_t)len);
	if (tail_len)	/* after the END: more, cut short or bad */
		assert_int_equal(write(fd, tail, tail_len), (ssize_t)tail_len);
	free(image);
	return fd;
}

static void test_rows(void **state)
{
	/* libcsv quotes every field, as the event CSV does */
	static const char want[] =
		"\"time_ns\",\"wall_time\",\"source\",\"key\",\"id\",\"value\"\n"
		"\"5000000000\",\"2023-11-14T22:13:20.000000Z\",\"snmp\",\"Tcp.RetransSegs\",\"0\",\"5\"\n"
		"\"5000000000\",\"2023-11-14T22:13:20.000000Z\",\"cpu\",\"user\",\"all\",\"25.05\"\n"
		"\"5100000000\",\"2023-11-14T22:13:20.100000Z\",\"icmp\",\"icmp_rtt_us\",\"2748\",\"310\"\n"
		"\"5100000000\",\"2023-11-14T22:13:20.100000Z\",\"99\",\"a,b\",\"1\",\"-7\"\n"
		"\"5100000000\",\"2023-11-14T22:13:20.100000Z\",\"cpu\",\"#9\",\"0\",\"-0.05\"\n"
		"\"5100000000\",\"2023-11-14T22:13:20.100000Z\",\"cgroup\",\"throttled_usec\",\"42\",\"30000\"\n"
		"\"5100000000\",\"2023-11-14T22:13:20.100000Z\",\"qdisc\",\"backlog_bytes\",\"2748\",\"181680\"\n";
	int fd = recording(NULL, 0);
	char *out;
	size_t len;
	FILE *fp = open_memstream(&out, &len);

	(void)state;
	assert_int_equal(tsl_sample_csv_convert(fd, "memory", fp), 0);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(out, want);
	free(out);
	close(fd);
}

/*
 * A chunk header cut short by the end of the file: the rows before it are
 * all there, and one line says where the file was cut.
 */
static void test_cut_recording(void **state)
{
	int fd = recording("\x05\0\0\0", 4), whole;
	char *out, *full, want[128];
	size_t len, full_len;
	FILE *fp;

	(void)state;
	whole = recording(NULL, 0);
	full_len = lseek(whole, 0, SEEK_END);
	fp = open_memstream(&full, &len);
	assert_int_equal(tsl_sample_csv_convert(whole, "memory", fp), 0);
	assert_int_equal(fclose(fp), 0);
	close(whole);
	fp = open_memstream(&out, &len);
	stderr_begin();
	assert_int_equal(tsl_sample_csv_convert(fd, "memory", fp), 0);
	snprintf(want, sizeof(want), "memory: cut at byte %zu inside a chunk; read up to byte %zu",
		 full_len + 4, full_len);
	assert_string_equal(stderr_line(), want);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(out, full);
	free(out);
	free(full);
	close(fd);
}

/* A chunk header that cannot be right is a bad recording still. */
static void test_bad_recording(void **state)
{
	int fd = recording("\x05\0\0\0\xff\xff\xff\xff", 8);
	char *out;
	size_t len;
	FILE *fp = open_memstream(&out, &len);

	(void)state;
	stderr_begin();
	assert_int_equal(tsl_sample_csv_convert(fd, "memory", fp), -EINVAL);
	assert_non_null(strstr(stderr_line(), "too large"));
	fclose(fp);
	free(out);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_cut_recording),
		cmocka_unit_test(test_bad_recording),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
