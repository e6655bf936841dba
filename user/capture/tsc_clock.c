// SPDX-License-Identifier: GPL-2.0-or-later
// Record times in TSC cycles to CLOCK_MONOTONIC, through the clock pairs of the EVENTS messages.
#include <errno.h>
#include <string.h>

#include "tsc_clock.h"

typedef unsigned __int128 u128;

static const struct tsl_tsc_point *point(const struct tsl_tscmap *m, unsigned int i)
{
	return &m->pt[(m->first + i) % TSL_TSC_POINTS];
}

void tsl_tscmap_init(struct tsl_tscmap *m)
{
	memset(m, 0, sizeof(*m));
	m->last.from = m->last.split = UINT64_MAX;	/* no line yet */
}

int tsl_tscmap_add(struct tsl_tscmap *m, uint64_t cycles, uint64_t mono_ns,
		   uint32_t khz)
{
	struct tsl_tsc_point *p;
	const struct tsl_tsc_point *last;

	if (!khz)
		return -EINVAL;
	if (m->n) {
		last = point(m, m->n - 1);
		if (cycles <= last->cycles || mono_ns <= last->mono_ns ||
		    cycles - last->cycles < (uint64_t)khz * TSL_TSC_MIN_MS)
			return 0;
	}
	if (m->n == TSL_TSC_POINTS) {
		m->first = (m->first + 1) % TSL_TSC_POINTS;
		m->n--;
	}
	p = &m->pt[(m->first + m->n) % TSL_TSC_POINTS];
	p->cycles = cycles;
	p->mono_ns = mono_ns;
	if (m->n) {
		last = point(m, m->n - 1);
		p->mult = (uint64_t)(((u128)(mono_ns - last->mono_ns) << 32) /
				     (cycles - last->cycles));
	} else {
		p->mult = (uint64_t)(((u128)1000000 << 32) / khz);
	}
	m->n++;
	last = m->n > 1 ? point(m, m->n - 2) : p;
	m->last.from = last->cycles;
	m->last.from_ns = last->mono_ns;
	m->last.split = p->cycles;
	m->last.split_ns = p->mono_ns;
	m->last.mult = p->mult;
	return 0;
}

uint64_t tsl_tscmap_mono(const struct tsl_tscmap *m, uint64_t cycles)
{
	const struct tsl_tsc_point *p, *next;
	uint64_t delta;
	unsigned int i;

	if (!m->n)
		return 0;
	/* Records are mostly newer than all but the newest pair or two. */
	for (i = m->n; i-- > 0;) {
		p = point(m, i);
		if (cycles < p->cycles)
			continue;
		/* On or after p: the line to the next pair, or the last line. */
		next = i + 1 < m->n ? point(m, i + 1) : p;
		return p->mono_ns + tsl_tsc_scale(cycles - p->cycles, next->mult);
	}
	/* Before the oldest pair: the first line (the nominal rate if only one). */
	p = point(m, 0);
	next = m->n > 1 ? point(m, 1) : p;
	delta = tsl_tsc_scale(p->cycles - cycles, next->mult);
	return delta < p->mono_ns ? p->mono_ns - delta : 0;
}
