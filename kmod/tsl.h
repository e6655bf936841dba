/* SPDX-License-Identifier: GPL-2.0 */
/* What is module-wide in tcpsleuth.ko: its version and its parameters. */
#ifndef _TSL_H
#define _TSL_H

#include <linux/types.h>

#define TSL_VERSION_STR	"0.2.0"
#define TSL_VERSION_CODE ((0 << 16) | (2 << 8) | 0)

/* Module parameters (main.c) and their ranges. */
#define TSL_BUF_KB_MAX		65536		/* 64 MiB per CPU: 2^20 records */
#define TSL_MAX_FLOWS_MAX	(1u << 20)
#define TSL_DRAIN_MS_MAX	100
extern unsigned int tsl_buf_kb;
extern unsigned int tsl_max_flows;
extern unsigned int tsl_drain_ms;
extern bool tsl_use_tsc;

#endif /* _TSL_H */
