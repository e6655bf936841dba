/* SPDX-License-Identifier: GPL-2.0 */
/* What is module-wide in tcpsleuth.ko: its version and its parameters. */
#ifndef _TSL_H
#define _TSL_H

#include <linux/types.h>

#define TSL_VERSION_STR	"0.1.0"
#define TSL_VERSION_CODE ((0 << 16) | (1 << 8) | 0)

/* Module parameters (main.c). */
extern unsigned int tsl_buf_kb;
extern unsigned int tsl_max_flows;
extern unsigned int tsl_drain_ms;
extern bool tsl_use_tsc;

#endif /* _TSL_H */
