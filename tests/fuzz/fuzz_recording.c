// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: any bytes as a recording, through everything that reads one (index, merge, analysis, every output).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "output/output.h"
#include "recording/recording.h"

static FILE *null_out;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* the reader's one line per rejected input: -close_fd_mask=2 */
	null_out = fopen("/dev/null", "w");
	return null_out ? 0 : -1;
}

static int as_file(const uint8_t *data, size_t size)
{
	int fd = memfd_create("recording", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsl_report_opts o;
	struct tsl_report r;
	int fd = as_file(data, size);

	tsl_csv_convert(fd, "fuzz", null_out);
	tsl_sample_csv_convert(fd, "fuzz", null_out);
	tsl_report_opts_default(&o);
	if (!tsl_report_build(fd, "fuzz", &o, &r)) {
		tsl_report_text(&r, null_out);
		tsl_report_json(&r, null_out);
		tsl_report_csv_intervals(&r, null_out);
		tsl_report_csv_episodes(&r, null_out);
		tsl_report_csv_verdicts(&r, null_out);
	}
	tsl_report_free(&r);
	close(fd);
	return 0;
}
