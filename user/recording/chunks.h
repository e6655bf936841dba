// SPDX-License-Identifier: GPL-2.0-or-later
// The chunk reader under the time-ordered reading (recording.h); the unit tests use it too.
#ifndef TSL_CHUNKS_H
#define TSL_CHUNKS_H

#include "recording.h"

struct tsl_rec_reader;

/*
 * Reader with pread() on @fd, so several can share one file; NULL after
 * printing that memory ran out.
 *
 * A reader that fails prints nothing: it fails for good, keeping the
 * reason, "FILE: reason at byte N" (tsl_rec_error()), for its caller to
 * print as "tcpsleuth: FILE: reason at byte N", and returns its negative
 * errno: -EINVAL for a bad file, -ENOMEM, or the -errno of a failed read.
 */
struct tsl_rec_reader *tsl_rec_reader_new(int fd, const char *name);
/*
 * 1: a chunk; 0: end of file; a negative errno: the reader failed
 * (tsl_rec_error() says why). A file that ends inside a chunk after the
 * first is read up to that chunk, then 0: tsl_rec_cut() says so.
 */
int tsl_rec_next(struct tsl_rec_reader *r, struct tsl_rec_chunk *c);
/*
 * Whether tsl_rec_next() stopped at a chunk the end of the file cut short:
 * then the file's size in *@size and the chunk's offset, the end of the
 * last whole one, in *@upto.
 */
bool tsl_rec_cut(const struct tsl_rec_reader *r, uint64_t *size,
		 uint64_t *upto);
/* 1: the chunk at @offset; 0: end of file; a negative errno. */
int tsl_rec_read_at(struct tsl_rec_reader *r, uint64_t offset,
		    struct tsl_rec_chunk *c);
/*
 * Skimming: the header of the chunk at @offset into @c (type, len, offset,
 * next; no views) and the first @len bytes of its payload into @head (zeros
 * past the payload's end), with one read and no check of the payload.
 * 1, 0 at end of file, a negative errno.
 */
int tsl_rec_peek(struct tsl_rec_reader *r, uint64_t offset,
		 struct tsl_rec_chunk *c, void *head, size_t len);
/* "FILE: reason at byte N"; "" while the reader has not failed. */
const char *tsl_rec_error(const struct tsl_rec_reader *r);
/* The failure's negative errno; 0 while the reader has not failed. */
void tsl_rec_reader_free(struct tsl_rec_reader *r);

#endif /* TSL_CHUNKS_H */
