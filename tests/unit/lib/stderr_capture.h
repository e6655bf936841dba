// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: what a call printed on stderr (the reader's one-line errors).
#ifndef TSL_TEST_STDERR_CAPTURE_H
#define TSL_TEST_STDERR_CAPTURE_H

/* Send stderr to a temporary file until stderr_end(). */
void stderr_begin(void);
/* Restore stderr; what was printed meanwhile (until the next stderr_begin()). */
const char *stderr_end(void);
/*
 * stderr_end(), and if that is one line "tcpsleuth: MESSAGE\n", MESSAGE
 * alone; otherwise all of it, as printed, so that a comparison fails and
 * shows it. "" when nothing was printed.
 */
const char *stderr_line(void);

#endif /* TSL_TEST_STDERR_CAPTURE_H */
