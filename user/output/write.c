// SPDX-License-Identifier: GPL-2.0-or-later
// What the outputs share: a CSV row of cells, and the check that everything reached the file.
#include <csv.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "write.h"

void tsl_out_name(const char *s, size_t max, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < max && s[i] && o + 1 < len; i++) {
		unsigned char c = s[i];
		char esc[5];
		size_t n;

		if (c == '\\')
			n = snprintf(esc, sizeof(esc), "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			n = snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			n = snprintf(esc, sizeof(esc), "%c", c);
		if (o + n >= len)
			break;
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o] = '\0';
}

void tsl_csv_name(const char *s, size_t max, char *buf, size_t len)
{
	if (len < 2) {
		tsl_out_name(s, max, buf, len);
		return;
	}
	tsl_out_name(s, max, buf + 1, len - 1);
	if (buf[1] && strchr("=+-@", buf[1]))
		buf[0] = '\'';
	else
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
}

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

/*
 * A device, FIFO or socket at @path is written in place: renaming a file
 * over it would replace it (/dev/null turned into a file, for root).
 */
static int create_direct(struct tsl_file *f, const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY), err;

	if (fd < 0 || !(f->fp = fdopen(fd, "w"))) {
		err = -errno;
		fprintf(stderr, "tcpsleuth: cannot open %s: %s\n", path, strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	f->path = strdup(path);
	if (!f->path) {
		fclose(f->fp);
		f->fp = NULL;
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return -ENOMEM;
	}
	f->direct = true;
	return 0;
}

int tsl_file_create(struct tsl_file *f, const char *path)
{
	const char *base = strrchr(path, '/');
	struct stat st;
	int fd, err;

	memset(f, 0, sizeof(*f));
	if (!lstat(path, &st) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode) &&
	    !S_ISDIR(st.st_mode))
		return create_direct(f, path);
	base = base ? base + 1 : path;
	f->path = strdup(path);
	if (!f->path || asprintf(&f->tmp, "%.*s.%s.XXXXXX", (int)(base - path),
				 path, base) < 0) {
		free(f->path);
		f->tmp = f->path = NULL;
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return -ENOMEM;
	}
	fd = mkostemp(f->tmp, O_CLOEXEC);	/* mode 0600, never a link */
	if (fd < 0 || !(f->fp = fdopen(fd, "w+"))) {
		err = -errno;
		fprintf(stderr, "tcpsleuth: cannot create %s: %s\n", path,
			strerror(-err));
		if (fd >= 0) {
			close(fd);
			unlink(f->tmp);
		}
		free(f->path);
		free(f->tmp);
		memset(f, 0, sizeof(*f));
		return err;
	}
	return 0;
}

int tsl_file_temp(struct tsl_file *f)
{
	const char *dir = getenv("TMPDIR");
	int fd, err;

	memset(f, 0, sizeof(*f));
	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&f->tmp, "%s%stcpsleuth-XXXXXX.rec", dir,
		     dir[strlen(dir) - 1] == '/' ? "" : "/") < 0) {
		f->tmp = NULL;
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return -ENOMEM;
	}
	fd = mkostemps(f->tmp, 4, O_CLOEXEC);	/* mode 0600, never a link */
	if (fd < 0 || !(f->fp = fdopen(fd, "w+"))) {
		err = -errno;
		fprintf(stderr, "tcpsleuth: cannot create a temporary file in %s: %s\n",
			dir, strerror(-err));
		if (fd >= 0) {
			close(fd);
			unlink(f->tmp);
		}
		free(f->tmp);
		memset(f, 0, sizeof(*f));
		return err;
	}
	return 0;
}

static void file_free(struct tsl_file *f)
{
	free(f->path);
	free(f->tmp);
	memset(f, 0, sizeof(*f));
}

void tsl_file_abort(struct tsl_file *f)
{
	if (!f->fp)
		return;
	fclose(f->fp);
	if (!f->direct)
		unlink(f->tmp);
	file_free(f);
}

void tsl_file_leave(struct tsl_file *f)
{
	if (!f->fp)
		return;
	fclose(f->fp);
	if (!f->direct)
		fprintf(stderr, "tcpsleuth: kept in %s\n", f->tmp);
	file_free(f);
}

int tsl_file_commit(struct tsl_file *f)
{
	int err = 0;

	errno = EIO;	/* what ferror() alone means */
	if (fflush(f->fp) || ferror(f->fp) || (!f->direct && fsync(fileno(f->fp))))
		err = -errno;
	if (fclose(f->fp) && !err)
		err = -errno;
	f->fp = NULL;
	if (!err && !f->direct && rename(f->tmp, f->path))
		err = -errno;
	if (err) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", f->path, strerror(-err));
		if (!f->direct)
			unlink(f->tmp);
	}
	file_free(f);
	return err;
}
