// SPDX-License-Identifier: GPL-2.0-or-later
// Recording files: a header, then length-prefixed chunks, written and read as streams.
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <tcpsleuth.h>

#include "chunks.h"

#define PAD8(n)	((8 - ((n) & 7)) & 7)

_Static_assert(sizeof(struct tsl_rec_header) == 16, "header layout");
_Static_assert(sizeof(struct tsl_rec_events) % 8 == 0, "events layout");
_Static_assert(sizeof(struct tsl_rec_start) % 8 == 0, "start layout");
_Static_assert(sizeof(struct tsl_event) == TSL_EVENT_SIZE, "record layout");
_Static_assert(sizeof(struct tsl_rec_sample) == 32, "sample layout");
_Static_assert(sizeof(struct tsl_rec_sample_entry) == 24, "sample entry layout");

/* ---- writer ---- */

struct tsl_rec_writer {
	FILE *fp;
	int fd;			/* fp's descriptor; -1 for a stream in memory */
	const char *name;
	int err;		/* first errno, positive; tsl_rec_writer_finish() says it */
	/*
	 * A regular file: where the recording started in it, so that a write
	 * that fails (ENOSPC, EFBIG) leaves no torn chunk behind.
	 */
	bool seekable;
	off_t base;
};

/*
 * A write failed after some of a chunk reached the file: cut the file back
 * to @good, the end of its last whole chunk, where it can be, and drop what
 * stdio still holds so that no later flush (fclose()) writes past it. The
 * error is kept whatever happens here.
 */
static void undo(struct tsl_rec_writer *w, off_t good)
{
	if (!w->seekable || good < 0)
		return;
	__fpurge(w->fp);
	if (ftruncate(w->fd, good) == 0)
		lseek(w->fd, good, SEEK_SET);
}

static void wr(struct tsl_rec_writer *w, const void *p, size_t len)
{
	if (w->err || !len)
		return;
	if (fwrite(p, 1, len, w->fp) != len)
		w->err = errno ? errno : EIO;
}

struct tsl_rec_writer *tsl_rec_writer_new(FILE *fp, const char *name)
{
	struct tsl_rec_header h = {
		.version = TSL_REC_VERSION,
		.header_size = sizeof(h),
		.byteorder = TSL_REC_BYTEORDER,
	};
	struct tsl_rec_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		fprintf(stderr, "tcpsleuth: %s: out of memory\n", name);
		return NULL;
	}
	w->fp = fp;
	w->fd = fileno(fp);
	w->name = name;
	if (w->fd >= 0) {
		struct stat st;

		w->base = lseek(w->fd, 0, SEEK_CUR);
		w->seekable = w->base >= 0 && !fstat(w->fd, &st) &&
			      S_ISREG(st.st_mode);
	}
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	memcpy(h.magic, TSL_REC_MAGIC, sizeof(h.magic));
	wr(w, &h, sizeof(h));
	return w;
}

/* All of @iov to the descriptor, through short writes (pipes) and signals. */
static void wr_direct(struct tsl_rec_writer *w, struct iovec *iov, int n)
{
	off_t good;

	if (w->err)
		return;
	if (fflush(w->fp)) {	/* what stdio holds goes first */
		w->err = errno ? errno : EIO;
		undo(w, w->base);
		return;
	}
	good = w->seekable ? lseek(w->fd, 0, SEEK_CUR) : -1;
	while (n > 0) {
		ssize_t done = writev(w->fd, iov, n);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0) {
			w->err = errno;
			undo(w, good);
			return;
		}
		for (; n > 0 && (size_t)done >= iov->iov_len; iov++, n--)
			done -= iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
}

/*
 * A chunk goes to the file with one writev() where the stream has a
 * descriptor, so the records are not copied into stdio's buffer on the
 * way; a stream in memory takes it through stdio.
 */
int tsl_rec_write_chunk(struct tsl_rec_writer *w, uint32_t type,
			const void *head, size_t head_len,
			const void *body, size_t body_len)
{
	static const uint8_t zeros[8];
	struct tsl_rec_chunk_hdr ch = { .type = type };
	size_t len = head_len + body_len;
	struct iovec iov[] = {
		{ &ch, sizeof(ch) }, { (void *)head, head_len },
		{ (void *)body, body_len }, { (void *)zeros, PAD8(len) },
	};
	int i;

	if (len > TSL_REC_MAX_CHUNK) {
		w->err = w->err ? w->err : EFBIG;
		return -w->err;
	}
	ch.len = len;
	if (w->fd >= 0)
		wr_direct(w, iov, 4);
	else
		for (i = 0; i < 4; i++)
			wr(w, iov[i].iov_base, iov[i].iov_len);
	return -w->err;
}

int tsl_rec_write_start(struct tsl_rec_writer *w, const struct tsl_rec_start *s,
			const void *filter, size_t filter_len)
{
	return tsl_rec_write_chunk(w, TSL_REC_START, s, sizeof(*s),
				   filter, filter_len);
}

int tsl_rec_write_events(struct tsl_rec_writer *w,
			 const struct tsl_rec_events *e, const void *records)
{
	return tsl_rec_write_chunk(w, TSL_REC_EVENTS, e, sizeof(*e), records,
				   (size_t)e->n_records * TSL_EVENT_SIZE);
}

int tsl_rec_write_end(struct tsl_rec_writer *w, const struct tsl_rec_end *e,
		      const struct tsl_rec_cpu *cpus)
{
	return tsl_rec_write_chunk(w, TSL_REC_END, e, sizeof(*e), cpus,
				   (size_t)e->n_cpus * sizeof(*cpus));
}

int tsl_rec_write_names(struct tsl_rec_writer *w, uint32_t first,
			uint32_t count, const char *data, size_t len)
{
	struct tsl_rec_names n = { .first = first, .count = count };

	return tsl_rec_write_chunk(w, TSL_REC_NAMES, &n, sizeof(n), data, len);
}

int tsl_rec_write_sample(struct tsl_rec_writer *w,
			 const struct tsl_rec_sample *s, const void *entries)
{
	return tsl_rec_write_chunk(w, TSL_REC_SAMPLE, s, sizeof(*s), entries,
				   (size_t)s->n_entries * s->entry_size);
}

int tsl_rec_writer_finish(struct tsl_rec_writer *w)
{
	int err;

	if (fflush(w->fp) && !w->err) {
		w->err = errno ? errno : EIO;
		undo(w, w->base);	/* stdio held the file header alone */
	}
	err = w->err;
	if (err == EFBIG)
		fprintf(stderr, "tcpsleuth: %s: chunk too large\n", w->name);
	else if (err)
		fprintf(stderr, "tcpsleuth: %s: write failed: %s\n", w->name,
			strerror(err));
	free(w);
	return -err;
}

/* ---- reader ---- */

struct tsl_rec_reader {
	int fd;
	const char *name;
	bool header_ok;
	bool failed;
	uint64_t pos;		/* next chunk for tsl_rec_next() */
	void *buf;		/* chunk header, then payload: both 8-byte aligned */
	size_t size;
	size_t ahead;		/* payload bytes to read with the next header */
	int error;		/* the failure's negative errno; 0 */
	char err[512];		/* and its reason */
	uint64_t short_end;	/* last read: the file ended at this byte inside a chunk; 0 */
	bool cut;		/* tsl_rec_next() stopped before a chunk cut short */
	uint64_t cut_size, cut_at;
};

/*
 * The reader fails for good with @error (a negative errno), keeping the
 * reason for its caller to print; returns @error.
 */
static int fail(struct tsl_rec_reader *r, int error, uint64_t off,
		const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof(r->err), "%s: %s at byte %" PRIu64, r->name,
		 why, off);
	r->failed = true;
	r->error = error;
	return error;
}

/* The file is not a good recording. */
#define bad(r, off, ...)	fail(r, -EINVAL, off, __VA_ARGS__)

struct tsl_rec_reader *tsl_rec_reader_new(int fd, const char *name)
{
	struct tsl_rec_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		fprintf(stderr, "tcpsleuth: %s: out of memory\n", name);
		return NULL;
	}
	r->fd = fd;
	r->name = name;
	r->pos = sizeof(struct tsl_rec_header);
	return r;
}

void tsl_rec_reader_free(struct tsl_rec_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

const char *tsl_rec_error(const struct tsl_rec_reader *r)
{
	return r->err;
}

/* Read exactly @len bytes at @off: @len, fewer at end of file, a negative errno. */
static ssize_t read_full(struct tsl_rec_reader *r, void *p, size_t len,
			 uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(r->fd, (char *)p + done, len - done,
				  off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			return fail(r, -err, off + done, "read failed: %s",
				    strerror(err));
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

static int check_header(struct tsl_rec_reader *r)
{
	struct tsl_rec_header h;
	ssize_t n = read_full(r, &h, sizeof(h), 0);

	if (n < 0)
		return n;
	if ((size_t)n < sizeof(h) || memcmp(h.magic, TSL_REC_MAGIC, 8))
		return bad(r, 0, "not a tcpsleuth recording");
	if (h.byteorder != TSL_REC_BYTEORDER)
		return bad(r, 12, "recorded on a machine of another byte order");
	if (h.version != TSL_REC_VERSION)
		return bad(r, 8, "unsupported format version %u", h.version);
	if (h.header_size != sizeof(h))
		return bad(r, 10, "bad header size %u", h.header_size);
	r->header_ok = true;
	return 0;
}

/* NAMES: @count strings, each terminated, filling the payload exactly. */
static int check_names(struct tsl_rec_reader *r, struct tsl_rec_chunk *c)
{
	const char *p, *end;
	uint32_t i;

	if (c->len < sizeof(*c->names))
		return bad(r, c->offset, "names chunk too short (%u bytes)", c->len);
	c->names = c->data;
	c->name_data = (const char *)(c->names + 1);
	c->name_len = c->len - sizeof(*c->names);
	p = c->name_data;
	end = p + c->name_len;
	for (i = 0; i < c->names->count; i++) {
		const char *nul = memchr(p, 0, end - p);

		if (!nul)
			return bad(r, c->offset, "names chunk holds fewer than %u names",
				   c->names->count);
		p = nul + 1;
	}
	if (p != end)
		return bad(r, c->offset, "names chunk has trailing bytes");
	return 0;
}

static int check_sample(struct tsl_rec_reader *r, struct tsl_rec_chunk *c)
{
	uint64_t want = sizeof(*c->sample);

	if (c->len < want)
		return bad(r, c->offset, "sample chunk too short (%u bytes)", c->len);
	c->sample = c->data;
	if (c->sample->entry_size < sizeof(struct tsl_rec_sample_entry) ||
	    c->sample->entry_size % 8)
		return bad(r, c->offset, "sample entry size %u not supported",
			   c->sample->entry_size);
	want += (uint64_t)c->sample->n_entries * c->sample->entry_size;
	if (c->len != want)
		return bad(r, c->offset, "sample chunk length %u does not match its entries",
			   c->len);
	c->entries = c->sample + 1;
	return 0;
}

/* Fill the typed views of @c; -EINVAL if the payload does not fit its type. */
static int check_chunk(struct tsl_rec_reader *r, struct tsl_rec_chunk *c)
{
	uint64_t want;

	switch (c->type) {
	case TSL_REC_START:
		if (c->len < sizeof(*c->start))
			return bad(r, c->offset, "start chunk too short (%u bytes)", c->len);
		c->start = c->data;
		if (c->start->record_size != TSL_EVENT_SIZE)
			return bad(r, c->offset, "record size %u, expected %d",
				   c->start->record_size, TSL_EVENT_SIZE);
		c->filter = (const char *)c->data + sizeof(*c->start);
		c->filter_len = c->len - sizeof(*c->start);
		break;
	case TSL_REC_EVENTS:
		c->events = c->data;
		want = sizeof(*c->events);
		if (c->len >= want)
			want += (uint64_t)c->events->n_records * TSL_EVENT_SIZE;
		if (c->len != want)
			return bad(r, c->offset, "events chunk length %u does not match its records",
				   c->len);
		c->records = c->events + 1;
		break;
	case TSL_REC_END:
		c->end = c->data;
		want = sizeof(*c->end);
		if (c->len >= want)
			want += (uint64_t)c->end->n_cpus * sizeof(*c->cpus);
		if (c->len != want)
			return bad(r, c->offset, "end chunk length %u does not match its CPUs",
				   c->len);
		c->cpus = (const void *)(c->end + 1);
		break;
	case TSL_REC_NAMES:
		return check_names(r, c);
	case TSL_REC_SAMPLE:
		return check_sample(r, c);
	}
	return 0;
}

static int grow(struct tsl_rec_reader *r, size_t len)
{
	void *p;

	if (len <= r->size)
		return 0;
	p = realloc(r->buf, len);
	if (!p)
		return -ENOMEM;
	r->buf = p;
	r->size = len;
	return 0;
}

/*
 * The chunk header at @off into @c, and up to @ahead more bytes in the same
 * read, left in r->buf after the header: 1 (*@got bytes of them read), 0 at
 * end of file, a negative errno.
 */
static int read_header(struct tsl_rec_reader *r, uint64_t off,
		       struct tsl_rec_chunk *c, size_t ahead, size_t *got)
{
	struct tsl_rec_chunk_hdr ch;
	ssize_t n;
	int err;

	if (r->failed)
		return r->error;
	if (!r->header_ok && (err = check_header(r)))
		return err;
	r->short_end = 0;
	memset(c, 0, sizeof(*c));
	if (grow(r, sizeof(ch) + ahead))
		return fail(r, -ENOMEM, off, "out of memory");
	n = read_full(r, r->buf, sizeof(ch) + ahead, off);
	if (n <= 0)
		return n;	/* clean end of file, or error */
	if ((size_t)n < sizeof(ch)) {
		r->short_end = off + n;
		return bad(r, off, "truncated chunk header");
	}
	memcpy(&ch, r->buf, sizeof(ch));
	if (ch.len > TSL_REC_MAX_CHUNK)
		return bad(r, off, "chunk length %u too large", ch.len);
	c->type = ch.type;
	c->len = ch.len;
	c->offset = off;
	c->next = off + sizeof(ch) + ch.len + PAD8(ch.len);
	*got = n - sizeof(ch);
	return 1;
}

int tsl_rec_peek(struct tsl_rec_reader *r, uint64_t off,
		 struct tsl_rec_chunk *c, void *head, size_t len)
{
	size_t got;
	int ret = read_header(r, off, c, len, &got);

	if (ret <= 0)
		return ret;
	memset(head, 0, len);
	memcpy(head, (char *)r->buf + sizeof(struct tsl_rec_chunk_hdr),
	       got < c->len ? got : c->len);
	return 1;
}

/*
 * Whether the @got bytes there are of chunk @c, cut short by the end of
 * the file, agree with its length: a chunk torn by a write that failed
 * does, a length mangled in the middle of a file most likely not.
 */
static bool head_fits(const struct tsl_rec_chunk *c, size_t got)
{
	const struct tsl_rec_events *e = c->data;
	const struct tsl_rec_sample *s = c->data;
	const struct tsl_rec_end *end = c->data;

	switch (c->type) {
	case TSL_REC_EVENTS:
		return got < sizeof(*e) ||
		       c->len == sizeof(*e) + (uint64_t)e->n_records * TSL_EVENT_SIZE;
	case TSL_REC_SAMPLE:
		return got < sizeof(*s) ||
		       c->len == sizeof(*s) + (uint64_t)s->n_entries * s->entry_size;
	case TSL_REC_END:
		return got < sizeof(*end) ||
		       c->len == sizeof(*end) + (uint64_t)end->n_cpus * sizeof(struct tsl_rec_cpu);
	}
	return true;
}

int tsl_rec_read_at(struct tsl_rec_reader *r, uint64_t off,
		    struct tsl_rec_chunk *c)
{
	const size_t hdr = sizeof(struct tsl_rec_chunk_hdr);
	size_t got, want;
	ssize_t n;
	int ret;

	/*
	 * A stream's chunks are mostly alike: reading as much payload as the
	 * last one had with the header, most take one read instead of two.
	 */
	ret = read_header(r, off, c, r->ahead, &got);
	if (ret <= 0)
		return ret;
	/* The padding too: a file cut inside it is truncated as well. */
	want = c->len + PAD8(c->len);
	if (got < want) {
		if (grow(r, hdr + want))
			return fail(r, -ENOMEM, off, "out of memory");
		n = read_full(r, (char *)r->buf + hdr + got, want - got,
			      off + hdr + got);
		if (n < 0)
			return n;
		got += n;
	}
	if (got < want) {
		c->data = (char *)r->buf + hdr;
		if (head_fits(c, got))
			r->short_end = off + hdr + got;
		return bad(r, off, "truncated chunk (type %u, %u of %u bytes)",
			   c->type, (unsigned int)(got < c->len ? got : c->len),
			   c->len);
	}
	r->ahead = want;
	c->data = (char *)r->buf + hdr;
	ret = check_chunk(r, c);
	return ret ? ret : 1;
}

static int rec_next(struct tsl_rec_reader *r, struct tsl_rec_chunk *c)
{
	bool first = r->pos == sizeof(struct tsl_rec_header);
	int ret;

	if (r->cut)
		return 0;
	ret = tsl_rec_read_at(r, r->pos, c);
	/*
	 * The file ends inside a chunk after a whole one: a recording cut
	 * short (a full disk, a kill during a write), read up to there.
	 */
	if (ret == -EINVAL && r->short_end && !first) {
		r->cut = true;
		r->cut_size = r->short_end;
		r->cut_at = r->pos;
		r->failed = false;
		r->error = 0;
		r->err[0] = '\0';
		memset(c, 0, sizeof(*c));
		return 0;
	}
	if (ret == 0 && first)
		return bad(r, r->pos, "no start chunk");
	if (ret <= 0)
		return ret;
	if (first && c->type != TSL_REC_START)
		return bad(r, c->offset, "first chunk is not a start chunk");
	r->pos = c->next;
	return 1;
}

int tsl_rec_next(struct tsl_rec_reader *r, struct tsl_rec_chunk *c)
{
	return rec_next(r, c);
}

bool tsl_rec_cut(const struct tsl_rec_reader *r, uint64_t *size,
		 uint64_t *upto)
{
	if (r->cut) {
		*size = r->cut_size;
		*upto = r->cut_at;
	}
	return r->cut;
}
