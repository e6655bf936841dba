// SPDX-License-Identifier: GPL-2.0-or-later
// Loss accounting: records received per CPU against the module's final counters.
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <tcpsleuth.h>

#include "recording.h"

static int grow(struct tsl_acct *a, uint32_t cpu)
{
	unsigned int n = a->n_cpus ? a->n_cpus : 8;
	struct tsl_acct_cpu *p;

	if (cpu >= TSL_ACCT_MAX_CPUS)
		return -EINVAL;
	while (n <= cpu)
		n *= 2;
	p = realloc(a->cpus, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	memset(p + a->n_cpus, 0, (n - a->n_cpus) * sizeof(*p));
	a->cpus = p;
	a->n_cpus = n;
	return 0;
}

int tsl_acct_batch(struct tsl_acct *a, uint32_t cpu, uint64_t seq,
		   uint64_t produced, uint64_t dropped,
		   const void *records, uint32_t n_records)
{
	struct tsl_acct_cpu *c;
	uint32_t i;
	int err;

	if (cpu >= a->n_cpus && (err = grow(a, cpu)))
		return err;
	c = &a->cpus[cpu];
	/* The first batch sets the base; received == delivered covers it. */
	if (c->seen && seq != c->next_seq && !c->gaps++) {
		c->gap_expected = c->next_seq;
		c->gap_seq = seq;
	}
	c->seen = true;
	c->next_seq = seq + n_records;
	c->received += n_records;
	c->produced = produced;
	c->dropped = dropped;
	for (i = 0; i < n_records; i++) {
		const uint8_t *rec = (const uint8_t *)records + i * TSL_EVENT_SIZE;

		if (rec[offsetof(struct tsl_event, kind)] == TSL_EV_FLOW)
			a->flows++;
		else
			a->events++;
	}
	return 0;
}

static const struct tsl_rec_cpu *find_cpu(const struct tsl_rec_cpu *cpus,
					  unsigned int n, uint32_t cpu)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (cpus[i].cpu == cpu)
			return &cpus[i];
	return NULL;
}

static unsigned int check_cpu(const struct tsl_acct_cpu *c,
			      const struct tsl_rec_cpu *e, FILE *out)
{
	uint64_t received = c ? c->received : 0;
	unsigned int problems = 0;

	if (e->produced != e->delivered + e->dropped) {
		fprintf(out, "tcpsleuth: cpu %u: produced %" PRIu64 " != delivered %" PRIu64 " + dropped %" PRIu64 " (queued %u)\n",
			e->cpu, e->produced, e->delivered, e->dropped, e->queued);
		problems++;
	}
	if (received != e->delivered) {
		fprintf(out, "tcpsleuth: cpu %u: received %" PRIu64 " records, module delivered %" PRIu64 "\n",
			e->cpu, received, e->delivered);
		problems++;
	}
	if (c && c->gaps) {
		fprintf(out, "tcpsleuth: cpu %u: %" PRIu64 " sequence gaps (first: expected seq %" PRIu64 ", got %" PRIu64 ")\n",
			e->cpu, c->gaps, c->gap_expected, c->gap_seq);
		problems++;
	}
	return problems;
}

unsigned int tsl_acct_check(const struct tsl_acct *a,
			    const struct tsl_rec_cpu *cpus, unsigned int n,
			    FILE *out)
{
	unsigned int problems = 0, i;

	for (i = 0; i < n; i++) {
		uint32_t cpu = cpus[i].cpu;
		const struct tsl_acct_cpu *c = NULL;

		if (cpu < a->n_cpus && a->cpus[cpu].seen)
			c = &a->cpus[cpu];
		problems += check_cpu(c, &cpus[i], out);
	}
	for (i = 0; i < a->n_cpus; i++) {
		if (!a->cpus[i].seen || find_cpu(cpus, n, i))
			continue;
		fprintf(out, "tcpsleuth: cpu %u: received %" PRIu64 " records but the module sent no final counters for it\n",
			i, a->cpus[i].received);
		problems++;
	}
	return problems;
}

void tsl_acct_totals(const struct tsl_rec_cpu *cpus, unsigned int n,
		     uint64_t *produced, uint64_t *delivered,
		     uint64_t *dropped)
{
	unsigned int i;

	*produced = *delivered = *dropped = 0;
	for (i = 0; i < n; i++) {
		*produced += cpus[i].produced;
		*delivered += cpus[i].delivered;
		*dropped += cpus[i].dropped;
	}
}

uint64_t tsl_acct_dropped(const struct tsl_acct *a)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < a->n_cpus; i++)
		sum += a->cpus[i].dropped;
	return sum;
}

void tsl_acct_free(struct tsl_acct *a)
{
	free(a->cpus);
	memset(a, 0, sizeof(*a));
}
