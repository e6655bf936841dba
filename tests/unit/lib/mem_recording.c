// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: a recording written to memory through the real writer, then handed over as a file.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "mem_recording.h"
#include "recording/recording.h"

void mem_rec_open(struct mem_rec *m, uint64_t mono_ns)
{
	struct tsl_rec_start s = { .record_size = TSL_EVENT_SIZE,
		.mono_ns = mono_ns, .real_ns = 1795482123000000000ull };

	memset(m, 0, sizeof(*m));
	m->fp = open_memstream(&m->image, &m->len);
	assert_non_null(m->fp);
	m->w = tsl_rec_writer_new(m->fp, "t.rec");
	assert_non_null(m->w);
	assert_int_equal(tsl_rec_write_start(m->w, &s, NULL, 0), 0);
}

void mem_rec_finish(struct mem_rec *m)
{
	struct tsl_rec_end end = { .reason = TSL_END_STOPPED };

	assert_int_equal(tsl_rec_write_end(m->w, &end, NULL), 0);
	assert_int_equal(tsl_rec_writer_finish(m->w), 0);
	assert_int_equal(fclose(m->fp), 0);
}

int mem_rec_file(const struct mem_rec *m)
{
	int fd = memfd_create("recording", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, m->image, m->len), (ssize_t)m->len);
	return fd;
}
