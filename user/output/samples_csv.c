// SPDX-License-Identifier: GPL-2.0-or-later
// System samples of a recording as long-format CSV: one row per sample entry.
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "write.h"

const char *const tsl_sample_csv_columns[TSL_SAMPLE_CSV_NCOLS] = {
	"time_ns", "wall_time", "source", "key", "id", "value",
};

static const char *const source_names[] = {
	[TSL_SRC_SNMP] = "snmp", [TSL_SRC_SOFTIRQ] = "softirq",
	[TSL_SRC_CPU] = "cpu", [TSL_SRC_PROC] = "proc", [TSL_SRC_NIC] = "nic",
	[TSL_SRC_SOCK] = "sock", [TSL_SRC_ICMP] = "icmp",
	[TSL_SRC_CGROUP] = "cgroup", [TSL_SRC_QDISC] = "qdisc",
};

static void value(const struct tsl_rec_sample_entry *e, char *buf, size_t len)
{
	uint64_t v;

	if (!(e->flags & TSL_SAMPLE_CENTI)) {
		snprintf(buf, len, "%" PRId64, e->value);
		return;
	}
	v = e->value < 0 ? -(uint64_t)e->value : (uint64_t)e->value;
	snprintf(buf, len, "%s%" PRIu64 ".%02u", e->value < 0 ? "-" : "",
		 v / 100, (unsigned int)(v % 100));
}

static void entry_cells(const struct tsl_iter_index *ix,
			const struct tsl_rec_sample_entry *e,
			char cells[][64])
{
	const char *key = tsl_iter_name(ix, e->key);

	if (e->source < sizeof(source_names) / sizeof(source_names[0]) &&
	    source_names[e->source])
		snprintf(cells[2], 64, "%s", source_names[e->source]);
	else
		snprintf(cells[2], 64, "%u", e->source);
	if (*key)
		snprintf(cells[3], 64, "%s", key);
	else	/* a name the recording never gave */
		snprintf(cells[3], 64, "#%u", e->key);
	if (e->id == TSL_SAMPLE_ALL)
		snprintf(cells[4], 64, "all");
	else
		snprintf(cells[4], 64, "%" PRIu64, e->id);
	value(e, cells[5], 64);
}

static void write_sample(const struct tsl_iter_index *ix,
			 const struct tsl_rec_chunk *c, FILE *out)
{
	const struct tsl_rec_sample *h = c->sample;
	struct tsl_rec_sample_entry e;
	size_t size = h->entry_size < sizeof(e) ? h->entry_size : sizeof(e);
	char cells[TSL_SAMPLE_CSV_NCOLS][64];
	uint32_t i;

	snprintf(cells[0], sizeof(cells[0]), "%" PRIu64, h->mono_ns);
	tsl_iter_wall_str(ix, h->mono_ns, cells[1], sizeof(cells[1]));
	for (i = 0; i < h->n_entries; i++) {
		memset(&e, 0, sizeof(e));
		memcpy(&e, (const char *)c->entries + (size_t)i * h->entry_size,
		       size);
		entry_cells(ix, &e, cells);
		tsl_csv_row(out, (const char *const[]){ cells[0], cells[1],
			    cells[2], cells[3], cells[4], cells[5] },
			    TSL_SAMPLE_CSV_NCOLS);
	}
}

struct sample_csv {
	const struct tsl_iter_index *ix;
	FILE *out;
};

static int on_sample(void *arg, const struct tsl_rec_chunk *c)
{
	struct sample_csv *sc = arg;

	write_sample(sc->ix, c, sc->out);
	return 0;
}

int tsl_sample_csv_convert(int fd, const char *name, FILE *out)
{
	static const struct tsl_iter_ops ops = { .sample = on_sample };
	struct tsl_iter_index ix;
	struct sample_csv sc = { .ix = &ix, .out = out };

	return tsl_csv_recording(fd, name, &ix, out, tsl_sample_csv_columns,
				 TSL_SAMPLE_CSV_NCOLS, &ops, &sc);
}
