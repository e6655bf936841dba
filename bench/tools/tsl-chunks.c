// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tsl-chunks FILE: count a recording's chunks by type and the records per
 * EVENTS chunk (one EVENTS chunk per netlink message received). Prints
 * "KEY VALUE" lines: events_chunks, event_records, records_per_chunk_mean,
 * records_per_chunk_max, sample_chunks, chunks.
 * Built against user/recording/recording.h; reads the file with plain stdio so it can
 * be linked statically into the benchmark guest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recording.h"

int main(int argc, char **argv)
{
	struct tsl_rec_header h;
	struct tsl_rec_chunk_hdr c;
	struct tsl_rec_events ev;
	uint64_t n_events = 0, n_records = 0, n_sample = 0, n_chunks = 0, max = 0;
	FILE *fp;

	if (argc != 2) {
		fprintf(stderr, "usage: tsl-chunks FILE\n");
		return 2;
	}
	fp = fopen(argv[1], "rb");
	if (!fp || fread(&h, sizeof(h), 1, fp) != 1 ||
	    memcmp(h.magic, TSL_REC_MAGIC, 8) || h.byteorder != TSL_REC_BYTEORDER) {
		fprintf(stderr, "tsl-chunks: %s: not a recording of this byte order\n", argv[1]);
		return 1;
	}
	if (h.header_size > sizeof(h))
		fseek(fp, h.header_size, SEEK_SET);
	while (fread(&c, sizeof(c), 1, fp) == 1) {
		long pad = ((c.len + 7) & ~7u);

		n_chunks++;
		if (c.type == TSL_REC_EVENTS && c.len >= sizeof(ev)) {
			if (fread(&ev, sizeof(ev), 1, fp) != 1)
				break;
			n_events++;
			n_records += ev.n_records;
			if (ev.n_records > max)
				max = ev.n_records;
			pad -= sizeof(ev);
		} else if (c.type == TSL_REC_SAMPLE) {
			n_sample++;
		}
		if (fseek(fp, pad, SEEK_CUR))
			break;
	}
	printf("chunks %llu\n", (unsigned long long)n_chunks);
	printf("events_chunks %llu\n", (unsigned long long)n_events);
	printf("event_records %llu\n", (unsigned long long)n_records);
	printf("records_per_chunk_mean %.1f\n", n_events ? (double)n_records / n_events : 0.0);
	printf("records_per_chunk_max %llu\n", (unsigned long long)max);
	printf("sample_chunks %llu\n", (unsigned long long)n_sample);
	fclose(fp);
	return 0;
}
