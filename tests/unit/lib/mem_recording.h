// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: a recording written to memory through the real writer, then handed over as a file.
#ifndef TSL_TEST_MEM_RECORDING_H
#define TSL_TEST_MEM_RECORDING_H

#include <stdint.h>
#include <stdio.h>

struct tsl_rec_writer;

struct mem_rec {
	char *image;
	size_t len;
	FILE *fp;
	struct tsl_rec_writer *w;
};

/* A writer on memory, its START chunk written (CLOCK_MONOTONIC @mono_ns). */
void mem_rec_open(struct mem_rec *m, uint64_t mono_ns);
/* The END chunk; the writer finished and the image complete. */
void mem_rec_finish(struct mem_rec *m);
/* A file (memfd) holding the image; its descriptor. */
int mem_rec_file(const struct mem_rec *m);

#endif /* TSL_TEST_MEM_RECORDING_H */
