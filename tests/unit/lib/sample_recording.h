// SPDX-License-Identifier: GPL-2.0-or-later
// A crafted recording shared by the generator and the tests.
#ifndef TSL_TEST_SAMPLE_H
#define TSL_TEST_SAMPLE_H

#include <stdint.h>
#include <stdio.h>

#define SAMPLE_MONO	1000000000000ull	/* 1000 s */
#define SAMPLE_REAL	1795482123000000000ull	/* 2026-11-24T01:02:03Z */
#define SAMPLE_US	1000ull			/* ns per microsecond */
#define COOKIE_V4	0x1111
#define COOKIE_V6	0x2222
#define COOKIE_NOFLOW	0x3333
#define SAMPLE_UNKNOWN_CHUNK 77

/* Write the sample recording to @fp; 0 on success. */
int sample_write(FILE *fp);

#endif /* TSL_TEST_SAMPLE_H */
