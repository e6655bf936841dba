// SPDX-License-Identifier: GPL-2.0-or-later
// The analysis of one recording: series, episodes, correlations and verdicts, ready for output.
#ifndef TSL_AN_REPORT_H
#define TSL_AN_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "an_corr.h"
#include "an_episode.h"
#include "an_model.h"
#include "an_verdict.h"
#include "rec_iter.h"

#define TSL_REPORT_VERSION	1	/* of the JSON schema, docs/report-schema.md */
#define TSL_REPORT_DEFAULT_IV_NS 100000000ull
#define TSL_REPORT_MAX_LAG	5

struct tsl_report_opts {
	uint64_t iv_ns;		/* 0: the recording's sample interval, else 100 ms */
	double k;		/* episode threshold, MADs */
	double floor_us;	/* episode threshold floor */
	int max_lag;		/* correlation lags -max_lag..max_lag */
};

struct tsl_corr_entry {
	enum tsl_an_col col;
	struct tsl_lag_corr c;
};

struct tsl_flow_report {
	struct tsl_an_flow *f;
	struct tsl_episodes ep;
	struct tsl_corr_entry *corr;	/* by |pearson|, strongest first */
	size_t n_corr;
};

struct tsl_report {
	const char *name;
	struct tsl_report_opts o;
	struct tsl_iter_index ix;
	struct tsl_an_model m;
	struct tsl_flow_report *flows;	/* m.flows' order: most events first */
	size_t n_flows;
	struct tsl_verdict *verdicts;	/* by confidence, highest first */
	size_t n_verdicts;
};

void tsl_report_opts_default(struct tsl_report_opts *o);
/*
 * Analyse the recording open on @fd. 0; -EINVAL for a bad recording,
 * -ENOMEM; a line saying why is printed.
 */
int tsl_report_build(int fd, const char *name, const struct tsl_report_opts *o,
		     struct tsl_report *r);
void tsl_report_free(struct tsl_report *r);
/* "10.0.0.1:43210 -> 192.0.2.7:443" or "cookie 0x1111" into @buf. */
void tsl_report_flow_name(const struct tsl_an_flow *f, char *buf, size_t len);

/* Outputs: 0, or -1 (after a message) when writing failed. */
int tsl_report_text(const struct tsl_report *r, FILE *out);
int tsl_report_json(const struct tsl_report *r, FILE *out);
/* -o DIR: intervals.csv, episodes.csv, verdicts.csv in @dir. */
int tsl_report_csv_dir(const struct tsl_report *r, const char *dir);
int tsl_report_csv_verdicts(const struct tsl_report *r, FILE *out);
int tsl_report_csv_intervals(const struct tsl_report *r, FILE *out);
int tsl_report_csv_episodes(const struct tsl_report *r, FILE *out);

#endif /* TSL_AN_REPORT_H */
