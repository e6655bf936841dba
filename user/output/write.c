// SPDX-License-Identifier: GPL-2.0-or-later
// What the outputs share: a CSV row of cells, and the check that everything reached the file.
#include <csv.h>
#include <errno.h>
#include <string.h>

#include "recording/recording.h"
#include "write.h"

void tsl_csv_row(FILE *out, const char *const *cells, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		csv_fwrite(out, cells[i], strlen(cells[i]));
	}
	fputc('\n', out);
}

int tsl_csv_recording(int fd, const char *name, struct tsl_iter_index *ix,
		      FILE *out, const char *const *header, unsigned int n,
		      const struct tsl_iter_ops *ops, void *arg)
{
	/* the index and the merge print their failures */
	int ret = tsl_iter_index_build(fd, name, ix, false);

	if (!ret) {
		tsl_csv_row(out, header, n);
		ret = tsl_iter_merge(fd, name, ix, ops, arg);
	}
	if (!ret)
		ret = tsl_out_finish(out, "CSV");
	tsl_iter_index_free(ix);
	return ret;
}

int tsl_out_finish(FILE *out, const char *what)
{
	if (fflush(out) || ferror(out)) {
		fprintf(stderr, "tcpsleuth: writing %s failed: %s\n", what,
			strerror(errno));
		return -EIO;
	}
	return 0;
}
