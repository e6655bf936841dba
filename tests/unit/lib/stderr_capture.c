// SPDX-License-Identifier: GPL-2.0-or-later
// Tests: what a call printed on stderr, through a temporary file behind fd 2.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stderr_capture.h"

#define PREFIX	"tcpsleuth: "

static FILE *tmp;
static int saved = -1;
static char text[4096];

void stderr_begin(void)
{
	fflush(stderr);
	tmp = tmpfile();
	saved = dup(2);
	if (!tmp || saved < 0 || dup2(fileno(tmp), 2) < 0)
		abort();
}

const char *stderr_end(void)
{
	size_t n;

	fflush(stderr);
	if (dup2(saved, 2) < 0)
		abort();
	close(saved);
	saved = -1;
	rewind(tmp);
	n = fread(text, 1, sizeof(text) - 1, tmp);
	text[n] = '\0';
	fclose(tmp);
	tmp = NULL;
	return text;
}

const char *stderr_line(void)
{
	const char *s = stderr_end();
	size_t n = strlen(s);
	char *nl = strchr(s, '\n');

	if (strncmp(s, PREFIX, strlen(PREFIX)) || !nl || nl != s + n - 1)
		return s;
	text[n - 1] = '\0';
	return text + strlen(PREFIX);
}
