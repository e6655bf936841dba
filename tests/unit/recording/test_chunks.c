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
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
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

/* Where a reader stopped before a chunk cut short; size 0: it did not. */
struct cut_info {
	uint64_t size, upto;
};

/*
 * Read to the end; returns the reader's result (-1 on failure) and its
 * negative errno, counts chunks; @cut: where the file was cut, if it was.
 */
static int read_cut(const void *data, size_t len, char *err, size_t errlen,
		    int *chunks, int *error, struct cut_info *cut)
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
	memset(cut, 0, sizeof(*cut));
	if (!tsl_rec_cut(r, &cut->size, &cut->upto))
		memset(cut, 0, sizeof(*cut));
	/* it stays at the end */
	if (ret == 0)
		assert_int_equal(tsl_rec_next(r, &c), 0);
	tsl_rec_reader_free(r);
	close(fd);
	return ret;
}

static int read_all(const void *data, size_t len, char *err, size_t errlen,
		    int *chunks, int *error)
{
	struct cut_info cut;

	return read_cut(data, len, err, errlen, chunks, error, &cut);
}

/*
 * Every prefix of the file is a clean stop at a chunk end; or, cut inside
 * a chunk after the first, every whole chunk before the cut and where it
 * is; or, cut inside the file header or the first chunk, an error.
 */
static void test_every_truncation(void **state)
{
	size_t boundaries[8], n_b = 0, len;
	int fd = file_of(image, image_len);
	struct tsl_rec_reader *r = tsl_rec_reader_new(fd, "x");
	struct tsl_rec_chunk c;
	struct cut_info cut;
	char err[600];
	int chunks, error;

	(void)state;
	while (tsl_rec_next(r, &c) > 0)
		boundaries[n_b++] = c.next;
	tsl_rec_reader_free(r);
	close(fd);
	assert_int_equal(n_b, 6);

	for (len = 0; len < image_len; len++) {
		size_t i, whole = 0;
		int ret = read_cut(image, len, err, sizeof(err), &chunks, &error,
				   &cut);

		for (i = 0; i < n_b; i++)
			if (boundaries[i] <= len)
				whole = i + 1;
		if (whole && boundaries[whole - 1] == len) {
			assert_int_equal(ret, 0);
			assert_int_equal(error, 0);
			assert_int_equal(chunks, whole);
			assert_int_equal(cut.size, 0);
			continue;
		}
		if (!whole) {	/* the file header or the start chunk */
			assert_int_equal(ret, -EINVAL);
			assert_int_equal(error, -EINVAL);
			assert_non_null(strstr(err, "t.rec: "));
			assert_non_null(strstr(err, " at byte "));
			assert_int_equal(cut.size, 0);
			continue;
		}
		/* the rows before the cut are all there */
		assert_int_equal(ret, 0);
		assert_int_equal(error, 0);
		assert_string_equal(err, "");
		assert_int_equal(chunks, whole);
		assert_int_equal(cut.size, len);
		assert_int_equal(cut.upto, boundaries[whole - 1]);
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

	/* the start chunk cut short by the end of the file */
	snprintf(msg, sizeof(msg),
		 "t.rec: truncated chunk (type 1, 100 of %zu bytes) at byte 16",
		 sizeof(struct tsl_rec_start));
	expect_read_error(image, 16 + 8 + 100, msg);

	/*
	 * A later chunk whose length runs past the end of the file but does
	 * not match its own record count: a mangled length, not a cut.
	 */
	memcpy(bad, image, image_len);
	ch = (void *)(bad + EVENTS_AT);
	ch->len += 2 * TSL_EVENT_SIZE * 1000;
	snprintf(msg, sizeof(msg),
		 "t.rec: truncated chunk (type 2, %zu of %u bytes) at byte %zu",
		 image_len - EVENTS_AT - 8, ch->len, EVENTS_AT);
	expect_read_error(bad, image_len, msg);

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

/*
 * In a child whose files may not grow past @limit bytes (SIGXFSZ ignored:
 * the write fails with EFBIG, as on a full disk), write a recording of
 * EVENTS chunks to @fd until a write fails, and close it. Exit status: 0
 * if the writer reported the failure, 1 if not.
 */
static void write_until_full(int fd, off_t limit)
{
	struct rlimit rl = { .rlim_cur = limit, .rlim_max = limit };
	struct tsl_rec_start s = { .record_size = TSL_EVENT_SIZE };
	struct tsl_event ev[7];
	struct tsl_rec_events e = { .n_records = 7 };
	struct tsl_rec_writer *w;
	FILE *fp = fdopen(fd, "w");
	int i, ret = 0;

	memset(ev, 0, sizeof(ev));
	signal(SIGXFSZ, SIG_IGN);
	if (!fp || setrlimit(RLIMIT_FSIZE, &rl))
		_exit(2);
	w = tsl_rec_writer_new(fp, "full.rec");
	if (!w)
		_exit(2);
	ret = tsl_rec_write_start(w, &s, NULL, 0);
	for (i = 0; i < 1000 && !ret; i++) {
		e.seq = i * 7;
		ev[0].ts_ns = i;
		ret = tsl_rec_write_events(w, &e, ev);
	}
	ret = ret == -EFBIG && tsl_rec_writer_finish(w) == -EFBIG;
	fclose(fp);	/* as the recorder does: nothing more reaches the file */
	_exit(ret ? 0 : 1);
}

/*
 * A write that fails half way through a chunk (a full disk) does not leave
 * the torn chunk in the file: the writer cuts the file back to the end of
 * its last whole chunk, and the file reads to its end cleanly.
 */
static void test_full_disk(void **state)
{
	static const off_t limits[] = { 1000, 4096, 5003, 8192, 20000 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		FILE *fp = tmpfile();
		struct tsl_rec_reader *r;
		struct tsl_rec_chunk c;
		uint64_t end = 0, size, upto;
		int status, chunks = 0, ret;
		pid_t pid;
		off_t len;

		assert_non_null(fp);
		pid = fork();
		assert_true(pid >= 0);
		if (!pid)
			write_until_full(fileno(fp), limits[k]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		len = lseek(fileno(fp), 0, SEEK_END);
		assert_true(len > 0);
		assert_true(len <= limits[k]);
		r = tsl_rec_reader_new(fileno(fp), "full.rec");
		assert_non_null(r);
		while ((ret = tsl_rec_next(r, &c)) > 0) {
			chunks++;
			end = c.next;
		}
		assert_int_equal(ret, 0);
		assert_false(tsl_rec_cut(r, &size, &upto));
		assert_int_equal(end, len);	/* whole chunks, up to the end */
		assert_true(chunks >= 2);	/* the start and some events */
		/* the next chunk would not have fitted */
		assert_true(len + 8 + sizeof(struct tsl_rec_events) +
			    7 * TSL_EVENT_SIZE > (uint64_t)limits[k]);
		tsl_rec_reader_free(r);
		fclose(fp);
	}
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
		cmocka_unit_test(test_full_disk),
		cmocka_unit_test(test_chunk_too_large),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_direct_write),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
