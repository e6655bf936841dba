/* SPDX-License-Identifier: GPL-2.0 */
/* The synthetic event source of debug builds (loadgen.c, TSL_LOADGEN=1). */
#ifndef _TSL_LOADGEN_H
#define _TSL_LOADGEN_H

#include <linux/compiler.h>
#include <linux/types.h>

#ifdef TSL_LOADGEN
void tsl_loadgen_start(void);
void tsl_loadgen_stop(void);
extern bool tsl_loadgen_discard;
static inline bool tsl_drain_discards(void) { return READ_ONCE(tsl_loadgen_discard); }
#else
static inline void tsl_loadgen_start(void) { }
static inline void tsl_loadgen_stop(void) { }
static inline bool tsl_drain_discards(void) { return false; }
#endif

#endif /* _TSL_LOADGEN_H */
