// SPDX-License-Identifier: GPL-2.0-or-later
// The capture's parsers' one-line error for bad input (docs/ARCHITECTURE.md, "Errors").
#ifndef TSL_CAPTURE_FAIL_H
#define TSL_CAPTURE_FAIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* Print "tcpsleuth: <what was wrong>"; -EINVAL (the input was wrong). */
static inline int __attribute__((format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpsleuth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

#endif /* TSL_CAPTURE_FAIL_H */
