// SPDX-License-Identifier: GPL-2.0-or-later
// The trace filter's netlink form (TSL_A_FILTER), written and read back.
#ifndef TSL_FILTER_H
#define TSL_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <tcpsleuth.h>

#include "capture.h"

struct nl_msg;

/* Append @f as a TSL_A_FILTER nest: 0, or -EMSGSIZE (printed) when it does not fit. */
int tsl_filter_put(struct nl_msg *msg, const struct tsl_filter *f);

struct nlattr;

/*
 * Read a TSL_A_FILTER nest (as the module's INFO reply carries it) into
 * @f; every event kind comes back as kinds 0. 0, or -EINVAL after one
 * line naming @what (the message it came in) and what was wrong.
 */
int tsl_filter_get(struct tsl_filter *f, struct nlattr *nest, const char *what);

#endif /* TSL_FILTER_H */
