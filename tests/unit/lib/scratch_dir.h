// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: a scratch folder under /tmp, made for a group of tests and removed after it.
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

#endif /* TSL_TEST_SCRATCH_DIR_H */
