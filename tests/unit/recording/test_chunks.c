// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the recording format: round trip, truncation, garbage.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "recording/chunks.h"
#include "sample_recording.h"

/* Where the sample's first events chunk starts: header, start chunk. */
#define EVENTS_AT (sizeof(struct tsl_rec_header) + \
		   sizeof(struct tsl_rec_chunk_hdr) + sizeof(struct tsl_rec_start))

/* The sample recording, in memory. */
static char *image;
static size_t image_len;

static int setup(void **state)
{
	FILE *fp = open_memstream(&image, &image_len);

	(void)state;
	if (!fp || sample_write(fp))
		return -1;
	return fclose(fp);
}

static int teardown(void **state)
{
	(void)state;
	free(image);
	return 0;
}

/* A file holding @len bytes of @data. */
static int file_of(const void *data, size_t len)
{
	int fd = memfd_create("recording", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static void test_round_trip(void **state)
{
	int fd = file_of(image, image_len);
	struct tsl_rec_reader *r = tsl_rec_reader_new(fd, "sample.rec");
	struct tsl_rec_chunk c;
	struct tsl_event ev;

	(void)state;
	assert_int_equal(tsl_rec_next(r, &c), 1);
	assert_int_equal(c.type, TSL_REC_START);
	assert_int_equal(c.offset, sizeof(struct tsl_rec_header));
	assert_int_equal(c.start->mono_ns, SAMPLE_MONO);
	assert_int_equal(c.start->real_ns, SAMPLE_REAL);
	assert_string_equal(c.start->kernel, "6.1.0-test");
	assert_int_equal(c.filter_len, 0);

	assert_int_equal(tsl_rec_next(r, &c), 1);
	assert_int_equal(c.type, TSL_REC_EVENTS);
	assert_int_equal(c.events->cpu, 0);
	assert_int_equal(c.events->n_records, 3);
	assert_int_equal(c.events->unused, TSL_REC_UNUSED);
	memcpy(&ev, c.records, sizeof(ev));
	assert_int_equal(ev.kind, TSL_EV_TX);
	assert_int_equal(ev.tx.len, 1448);
	assert_int_equal(c.next % 8, 0);

	/* the unknown chunk is handed over as is; callers skip it */
	assert_int_equal(tsl_rec_next(r, &c), 1);
	assert_int_equal(c.type, SAMPLE_UNKNOWN_CHUNK);
	assert_null(c.events);
	assert_string_equal(c.data, "a chunk type from a later version");

	assert_int_equal(tsl_rec_next(r, &c), 1);
	assert_int_equal(c.events->cpu, 1);
	memcpy(&ev, (const char *)c.records + TSL_EVENT_SIZE, sizeof(ev));
	assert_int_equal(ev.kind, TSL_EV_FLOW);
	assert_int_equal(ev.flow.sport, 8080);

	assert_int_equal(tsl_rec_next(r, &c), 1);
	assert_int_equal(c.events->seq, 3);
	assert_int_equal(c.events->n_records, 6);

	assert_int_equal(tsl_rec_next(r, &c), 1);
	assert_int_equal(c.type, TSL_REC_END);
	assert_int_equal(c.end->n_cpus, 2);
	assert_int_equal(c.cpus[1].produced, 6);
	assert_int_equal(c.cpus[1].dropped, 1);
	assert_int_equal(c.next, image_len);

	assert_int_equal(tsl_rec_next(r, &c), 0);
	assert_string_equal(tsl_rec_error(r), "");
	tsl_rec_reader_free(r);
	close(fd);
}

/*
 * Read to the end; returns the reader's result (-1 on failure) and its
 * negative errno, counts chunks.
 */
static int read_all(const void *data, size_t len, char *err, size_t errlen,
		    int *chunks, int *error)
{
	int fd = file_of(data, len);
	struct tsl_rec_reader *r = tsl_rec_reader_new(fd, "t.rec");
	struct tsl_rec_chunk c;
	int ret;

	*chunks = 0;
	while ((ret = tsl_rec_next(r, &c)) > 0)
		(*chunks)++;
	snprintf(err, errlen, "%s", tsl_rec_error(r));
	*error = ret;
	tsl_rec_reader_free(r);
	close(fd);
	return ret;
}

/* Every prefix of the file is either a clean stop at a chunk end or an error. */
static void test_every_truncation(void **state)
{
	size_t boundaries[8], n_b = 0, len;
	int fd = file_of(image, image_len);
	struct tsl_rec_reader *r = tsl_rec_reader_new(fd, "x");
	struct tsl_rec_chunk c;
	char err[600];
	int chunks, error;

	(void)state;
	while (tsl_rec_next(r, &c) > 0)
		boundaries[n_b++] = c.next;
	tsl_rec_reader_free(r);
	close(fd);
	assert_int_equal(n_b, 6);

	for (len = 0; len < image_len; len++) {
		bool at_boundary = false;
		size_t i;
		int ret = read_all(image, len, err, sizeof(err), &chunks, &error);

		for (i = 0; i < n_b; i++)
			at_boundary |= boundaries[i] == len;
		if (at_boundary) {
			assert_int_equal(ret, 0);
			assert_int_equal(error, 0);
			continue;
		}
		assert_int_equal(ret, -EINVAL);
		assert_int_equal(error, -EINVAL);
		assert_non_null(strstr(err, "t.rec: "));
		assert_non_null(strstr(err, " at byte "));
	}
}

static void expect_read_error(const void *data, size_t len, const char *msg)
{
	char err[600];
	int chunks, error;

	assert_int_equal(read_all(data, len, err, sizeof(err), &chunks, &error), -EINVAL);
	assert_int_equal(error, -EINVAL);
	assert_string_equal(err, msg);
}

static void test_messages(void **state)
{
	char *bad = malloc(image_len);
	struct tsl_rec_chunk_hdr *ch;
	struct tsl_rec_events *ev;
	char msg[128];

	(void)state;
	expect_read_error("", 0, "t.rec: not a tcpsleuth recording at byte 0");
	expect_read_error("hello world, not a file", 23,
			  "t.rec: not a tcpsleuth recording at byte 0");
	expect_read_error(image, 16, "t.rec: no start chunk at byte 16");
	expect_read_error(image, 20, "t.rec: truncated chunk header at byte 16");

	memcpy(bad, image, image_len);
	((struct tsl_rec_header *)bad)->version = 9;
	expect_read_error(bad, image_len, "t.rec: unsupported format version 9 at byte 8");

	memcpy(bad, image, image_len);
	((struct tsl_rec_header *)bad)->byteorder = 0x04030201;
	expect_read_error(bad, image_len,
			  "t.rec: recorded on a machine of another byte order at byte 12");

	memcpy(bad, image, image_len);
	ch = (void *)(bad + 16);
	ch->len = 0xfffffff0;
	expect_read_error(bad, image_len, "t.rec: chunk length 4294967280 too large at byte 16");

	memcpy(bad, image, image_len);
	ch->type = TSL_REC_EVENTS;
	expect_read_error(bad, image_len,
			  "t.rec: events chunk length 160 does not match its records at byte 16");

	/* the first events chunk claims one record more than it has */
	memcpy(bad, image, image_len);
	ch = (void *)(bad + EVENTS_AT);
	ev = (void *)(ch + 1);
	ev->n_records = 4;
	assert_int_equal(ch->len, sizeof(*ev) + 3 * TSL_EVENT_SIZE);
	snprintf(msg, sizeof(msg),
		 "t.rec: events chunk length %u does not match its records at byte %zu",
		 ch->len, EVENTS_AT);
	expect_read_error(bad, image_len, msg);

	/* a chunk cut short by the end of the file */
	snprintf(msg, sizeof(msg),
		 "t.rec: truncated chunk (type 2, 100 of %u bytes) at byte %zu",
		 ch->len, EVENTS_AT);
	expect_read_error(image, EVENTS_AT + 8 + 100, msg);

	/* the first chunk must be a start chunk */
	memcpy(bad, image, image_len);
	ch = (void *)(bad + 16);
	ch->type = 99;
	expect_read_error(bad, image_len,
			  "t.rec: first chunk is not a start chunk at byte 16");
	free(bad);
}

/* Flipped bytes anywhere: an error or a clean read, never a crash. */
static void test_garbage(void **state)
{
	char *bad = malloc(image_len);
	unsigned int seed = 1, i, errors = 0;
	char err[600];
	int chunks, error;

	(void)state;
	for (i = 0; i < 400; i++) {
		unsigned int flips = 1 + rand_r(&seed) % 4, j;

		memcpy(bad, image, image_len);
		for (j = 0; j < flips; j++)
			bad[rand_r(&seed) % image_len] ^= 1 + rand_r(&seed) % 255;
		if (read_all(bad, image_len, err, sizeof(err), &chunks, &error) < 0) {
			errors++;
			assert_int_equal(error, -EINVAL);
			assert_non_null(strstr(err, " at byte "));
		} else {
			assert_true(chunks >= 1);
		}
	}
	/* flips in headers are caught, flips in record contents are not */
	assert_true(errors > 0);
	assert_true(errors < 400);
	free(bad);
}

static void test_write_error(void **state)
{
	FILE *fp = fopen("/dev/full", "w");
	struct tsl_rec_writer *w;
	struct tsl_rec_end end = { 0 };

	(void)state;
	assert_non_null(fp);
	w = tsl_rec_writer_new(fp, "/dev/full");
	assert_non_null(w);
	tsl_rec_write_end(w, &end, NULL);
	assert_int_equal(tsl_rec_writer_finish(w), -ENOSPC);
	fclose(fp);
}

/* A chunk over TSL_REC_MAX_CHUNK is refused, and so is every write after it. */
static void test_chunk_too_large(void **state)
{
	static const char body[8];
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct tsl_rec_writer *w;
	struct tsl_rec_end end = { 0 };

	(void)state;
	assert_non_null(fp);
	w = tsl_rec_writer_new(fp, "memory");
	assert_non_null(w);
	/* the length is refused before the body is looked at */
	assert_int_equal(tsl_rec_write_chunk(w, 99, NULL, 0, body,
					     TSL_REC_MAX_CHUNK + 1), -EFBIG);
	assert_int_equal(tsl_rec_write_end(w, &end, NULL), -EFBIG);
	assert_int_equal(tsl_rec_writer_finish(w), -EFBIG);
	fclose(fp);
	free(buf);
}

/* A read that fails is the system's failure: its errno, not -EINVAL. */
static void test_read_error(void **state)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	struct tsl_rec_reader *r;
	struct tsl_rec_chunk c;

	(void)state;
	assert_true(fd >= 0);
	r = tsl_rec_reader_new(fd, "t.rec");
	assert_non_null(r);
	assert_int_equal(tsl_rec_next(r, &c), -EISDIR);
	assert_string_equal(tsl_rec_error(r), "t.rec: read failed: Is a directory at byte 0");
	/* failed for good */
	assert_int_equal(tsl_rec_read_at(r, 16, &c), -EISDIR);
	assert_int_equal(tsl_rec_peek(r, 16, &c, NULL, 0), -EISDIR);
	tsl_rec_reader_free(r);
	close(fd);
}

/* A stream with a descriptor takes chunks by writev(): the same bytes as through stdio. */
static void test_direct_write(void **state)
{
	FILE *fp = tmpfile();
	char *back;
	long len;

	(void)state;
	assert_non_null(fp);
	assert_int_equal(sample_write(fp), 0);
	assert_int_equal(fflush(fp), 0);
	len = lseek(fileno(fp), 0, SEEK_END);
	assert_int_equal(len, (long)image_len);
	back = malloc(image_len);
	assert_non_null(back);
	assert_int_equal(pread(fileno(fp), back, image_len, 0), (ssize_t)image_len);
	assert_memory_equal(back, image, image_len);
	free(back);
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_chunk_too_large),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_direct_write),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
