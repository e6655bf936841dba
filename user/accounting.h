// SPDX-License-Identifier: GPL-2.0-or-later
// Loss accounting: records received per CPU against the module's final counters.
#ifndef TSL_ACCOUNTING_H
#define TSL_ACCOUNTING_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tsl_rec_cpu;

struct tsl_acct_cpu {
	bool seen;
	uint64_t received;	/* records received */
	uint64_t next_seq;	/* seq the next batch must start at */
	uint64_t gaps;		/* batches that did not start at next_seq */
	uint64_t gap_expected;	/* the first gap */
	uint64_t gap_seq;
	uint64_t produced;	/* as of the last batch */
	uint64_t dropped;
};

struct tsl_acct {
	struct tsl_acct_cpu *cpus;	/* indexed by CPU number */
	unsigned int n_cpus;
	uint64_t events;		/* records other than flow identities */
	uint64_t flows;			/* flow identity records */
};

#define TSL_ACCT_MAX_CPUS 65536

/* Account one batch; -1 if the CPU number is absurd or memory runs out. */
int tsl_acct_batch(struct tsl_acct *a, uint32_t cpu, uint64_t seq,
		   uint64_t produced, uint64_t dropped,
		   const void *records, uint32_t n_records);
/*
 * Compare with the final counters: per CPU produced == delivered + dropped,
 * records received == delivered, no sequence gap. Prints one line per
 * problem to @out and returns how many there were.
 */
unsigned int tsl_acct_check(const struct tsl_acct *a,
			    const struct tsl_rec_cpu *cpus, unsigned int n,
			    FILE *out);
void tsl_acct_totals(const struct tsl_rec_cpu *cpus, unsigned int n,
		     uint64_t *produced, uint64_t *delivered,
		     uint64_t *dropped);
/* Records dropped so far, from the latest batch of each CPU. */
uint64_t tsl_acct_dropped(const struct tsl_acct *a);
void tsl_acct_free(struct tsl_acct *a);

#endif /* TSL_ACCOUNTING_H */
