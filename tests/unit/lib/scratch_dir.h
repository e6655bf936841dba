// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: a scratch folder under /tmp, made for a group of tests and removed after it, and reading back what a test wrote.
#ifndef TSL_TEST_SCRATCH_DIR_H
#define TSL_TEST_SCRATCH_DIR_H

/* The folder: "/tmp/tsl-PREFIX-XXXXXX" once made. */
extern char scratch_dir[32];

/* Make it (@prefix names the test); 0, or -1. */
int scratch_make(const char *prefix);
/* Remove it and all it holds; 0, or -1. */
int scratch_remove(void);
/* The entries in it, temporary files included. */
int scratch_entries(void);
/* The first 255 bytes of the file at @path (a static buffer); NULL if it cannot be read. */
const char *file_text(const char *path);

#endif /* TSL_TEST_SCRATCH_DIR_H */
