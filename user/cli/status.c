// SPDX-License-Identifier: GPL-2.0-or-later
// `tcpsleuth status`: the module's configuration, hooks and per-CPU counters.
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "recording/recording.h"

static const char *hook_type(uint8_t type)
{
	switch (type) {
	case TSL_HOOK_TRACEPOINT:
		return "tracepoint";
	case TSL_HOOK_KPROBE:
		return "kprobe";
	case TSL_HOOK_FTRACE:
		return "ftrace";
	case TSL_HOOK_DIRECT:
		return "direct";
	default:
		return "none";
	}
}

static const char *yes_no(unsigned int v)
{
	return v ? "yes" : "no";
}

static void print_hooks(const struct tsl_info *info)
{
	unsigned int i;

	printf("hooks:\n  %-13s %-10s %-32s %-8s %-8s %s\n", "EVENT", "TYPE",
	       "TARGET", "FALLBACK", "ATTACHED", "HITS");
	for (i = 0; i < info->n_hooks; i++) {
		const struct tsl_hook_info *h = &info->hooks[i];
		char hits[24] = "-";

		if (h->has_hits)
			snprintf(hits, sizeof(hits), "%" PRIu64, h->hits);
		printf("  %-13s %-10s %-32s %-8s %-8s %s\n", h->event,
		       hook_type(h->type), h->target[0] ? h->target : "-",
		       yes_no(h->fallback), yes_no(h->attached), hits);
	}
}

static void print_cpu(const struct tsl_cpu_stats *c)
{
	unsigned int k;

	printf("  %-4u %-12" PRIu64 " %-12" PRIu64 " %-10" PRIu64 " %-8u",
	       c->cpu, c->produced, c->delivered, c->dropped, c->queued);
	for (k = 0; k <= TSL_EV_MAX; k++) {
		const char *name = tsl_kind_name(k);

		if (!c->dropped_kind[k])
			continue;
		if (name)
			printf(" %s=%" PRIu64, name, c->dropped_kind[k]);
		else
			printf(" kind%u=%" PRIu64, k, c->dropped_kind[k]);
	}
	putchar('\n');
}

static void print_info(const struct tsl_info *info)
{
	unsigned int i;

	printf("version:  %u.%u.%u\n", TSL_VERSION_MAJOR(info->version),
	       TSL_VERSION_MINOR(info->version),
	       TSL_VERSION_PATCH(info->version));
	printf("kernel:   %s\n", info->kernel);
	printf("active:   %s\n", yes_no(info->active));
	if (info->active && info->has_filter) {
		char f[1024];

		tsl_filter_format(&info->filter, f, sizeof(f));
		printf("filter:   %s\n", f);
	}
	printf("buffer:   %u records per CPU, %u bytes per record%s\n",
	       info->buf_records, info->record_size,
	       info->record_size == TSL_EVENT_SIZE ? "" :
	       " (this reader expects 64)");
	printf("flows:    %u in use, %u max, %" PRIu64 " refused\n",
	       info->flows_in_use, info->max_flows, info->flows_refused);
	if (info->tsc_khz)
		printf("clock:    TSC at %u kHz, converted to CLOCK_MONOTONIC by the reader\n",
		       info->tsc_khz);
	else
		printf("clock:    CLOCK_MONOTONIC\n");
	print_hooks(info);
	if (info->nr_cpus)
		printf("cpus:     %u possible, %u with records (the others: all 0)\n",
		       info->nr_cpus, info->n_cpus);
	else
		printf("cpus:\n");
	printf("  %-4s %-12s %-12s %-10s %-8s %s\n", "CPU", "PRODUCED",
	       "DELIVERED", "DROPPED", "QUEUED", "DROPS BY KIND");
	for (i = 0; i < info->n_cpus; i++)
		print_cpu(&info->cpus[i]);
}

int tsl_cmd_status(int argc, char **argv)
{
	struct tsl_info info;
	struct tsl_nl *nl;
	int err;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "tcpsleuth: status takes no arguments\n");
		return TSL_EXIT_USAGE;
	}
	err = tsl_nl_open(&nl);
	if (err)
		return TSL_EXIT_RUNTIME;	/* it said why */
	err = tsl_nl_info(nl, &info);
	if (err)
		goto err_close;
	print_info(&info);
	tsl_info_free(&info);
	tsl_nl_close(nl);
	return TSL_EXIT_OK;

err_close:
	tsl_nl_close(nl);
	return TSL_EXIT_RUNTIME;
}
