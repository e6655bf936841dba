// SPDX-License-Identifier: GPL-2.0-or-later
// Record times in TSC cycles to CLOCK_MONOTONIC, through the clock pairs of the EVENTS messages.
#ifndef TSL_TSCMAP_H
#define TSL_TSCMAP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The last TSL_TSC_POINTS (cycles, ns) pairs, at least TSL_TSC_MIN_MS
 * apart, and the line through each two neighbours: a cycle count maps to
 * the line of the pairs around it (past either end, the nearest line;
 * with one pair, the TSC's nominal rate). So a time maps the same way
 * whichever message brought it, and times keep their order.
 */
#define TSL_TSC_POINTS	64
#define TSL_TSC_MIN_MS	1

struct tsl_tsc_point {
	uint64_t cycles;
	uint64_t mono_ns;
	uint64_t mult;		/* ns per cycle of the line up to here, 32.32 */
};

struct tsl_tscmap {
	struct tsl_tsc_point pt[TSL_TSC_POINTS];	/* a ring, oldest at first */
	unsigned int first, n;
	/*
	 * The newest line, from the pair before the newest (from) through the
	 * newest (split) and beyond: where a message's records fall.
	 */
	struct {
		uint64_t from, from_ns, split, split_ns, mult;
	} last;
};

void tsl_tscmap_init(struct tsl_tscmap *m);
/*
 * A pair from a message; pairs closer than TSL_TSC_MIN_MS to the newest, or
 * not after it, are not kept. -EINVAL if @khz is 0 (the message was checked for that).
 */
int tsl_tscmap_add(struct tsl_tscmap *m, uint64_t cycles, uint64_t mono_ns,
		   uint32_t khz);
/* CLOCK_MONOTONIC ns of @cycles; 0 before any pair. */
uint64_t tsl_tscmap_mono(const struct tsl_tscmap *m, uint64_t cycles);

/* ns for @delta cycles at @mult (32.32). */
static inline uint64_t tsl_tsc_scale(uint64_t delta, uint64_t mult)
{
	return (uint64_t)(((unsigned __int128)delta * mult) >> 32);
}

/* The same, in a few instructions for a time on the newest line. */
static inline uint64_t tsl_tscmap_mono_fast(const struct tsl_tscmap *m,
					    uint64_t cycles)
{
	if (cycles >= m->last.split)
		return m->last.split_ns +
		       tsl_tsc_scale(cycles - m->last.split, m->last.mult);
	if (cycles >= m->last.from)
		return m->last.from_ns +
		       tsl_tsc_scale(cycles - m->last.from, m->last.mult);
	return tsl_tscmap_mono(m, cycles);
}

#endif /* TSL_TSCMAP_H */
