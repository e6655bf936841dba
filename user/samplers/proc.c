// SPDX-License-Identifier: GPL-2.0-or-later
// Parsers of /proc: net/snmp and net/netstat, stat, softirqs, PID/stat and PID/status.
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"

_Static_assert(TSL_KEY_STEAL - TSL_KEY_USER == TSL_CPU_STEAL - TSL_CPU_USER &&
	       TSL_CPU_NFIELDS == TSL_CPU_STEAL + 1,
	       "the CPU keys follow /proc/stat's fields");

/* Say "tcpsleuth: @path: <why>" and return @err (a negative errno). */
static int fail(const char *path, int err, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tcpsleuth: %s: %s\n", path, why);
	return err;
}

/* A malformed file: -EINVAL. */
#define bad(path, ...)	fail(path, -EINVAL, __VA_ARGS__)

/*
 * @path opened into @*fp: 0, or fopen()'s -errno after saying so. With
 * @quiet_gone, a file that does not exist (or whose process has exited) is
 * -ENOENT and not said.
 */
static int open_file(const char *path, bool quiet_gone, FILE **fp)
{
	int err;

	*fp = fopen(path, "re");
	if (*fp)
		return 0;
	err = -errno;
	if (quiet_gone && (err == -ENOENT || err == -ESRCH))
		return -ENOENT;
	return fail(path, err, "cannot open: %s", strerror(-err));
}

/* An unsigned decimal; @*p moves past it. 0, or -EINVAL (not said). */
static int parse_u64(const char **p, uint64_t *v)
{
	char *end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(*p, &end, 10);
	if (errno)
		return -EINVAL;
	*p = end;
	return 0;
}

/* ---- net/snmp, net/netstat ---- */

static int counters_add(struct tsl_counters *c, const char *group,
			const char *name, size_t name_len, int64_t value)
{
	struct tsl_counter *k;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		void *p = realloc(c->v, cap * sizeof(*c->v));

		if (!p)
			return -ENOMEM;
		c->v = p;
		c->cap = cap;
	}
	k = &c->v[c->n++];
	snprintf(k->group, sizeof(k->group), "%s", group);
	snprintf(k->name, sizeof(k->name), "%.*s", (int)name_len, name);
	k->value = value;
	return 0;
}

/* "Group: a b c" and "Group: 1 2 3" into three counters. */
static int snmp_pair(const char *path, unsigned int lineno, char *names,
		     char *values, struct tsl_counters *out)
{
	char *colon = strchr(names, ':'), *n, *v, *end;
	size_t glen;

	if (!colon || colon - names >= (int)sizeof(out->v->group))
		return bad(path, "line %u: no \"Group:\" prefix", lineno);
	glen = colon - names;
	if (strncmp(names, values, glen + 1))
		return bad(path, "line %u: values of another group than line %u",
			    lineno + 1, lineno);
	*colon = 0;
	n = colon + 1;
	v = values + glen + 1;
	for (;;) {
		size_t len;
		long long x;

		n += strspn(n, " \t\n");
		v += strspn(v, " \t\n");
		if (!*n || !*v)
			break;
		len = strcspn(n, " \t\n");
		errno = 0;
		x = strtoll(v, &end, 10);
		if (errno || end == v || (*end && !strchr(" \t\n", *end)))
			return bad(path, "line %u: bad value for %s %.*s",
				    lineno + 1, names, (int)len, n);
		if (counters_add(out, names, n, len, x))
			return fail(path, -ENOMEM, "out of memory");
		n += len;
		v = end;
	}
	if (*n || *v)
		return bad(path, "line %u: %s names and values differ in number",
			    lineno + 1, names);
	return 0;
}

int tsl_sample_snmp_file(const char *path, struct tsl_counters *out)
{
	char *names = NULL, *values = NULL;
	size_t ncap = 0, vcap = 0;
	unsigned int lineno = 1;
	FILE *fp;
	int ret = open_file(path, false, &fp);

	if (ret)
		return ret;
	while (getline(&names, &ncap, fp) >= 0) {
		if (getline(&values, &vcap, fp) < 0) {
			ret = bad(path, "line %u: header without values", lineno);
			goto err_parse;
		}
		ret = snmp_pair(path, lineno, names, values, out);
		if (ret)
			goto err_parse;
		lineno += 2;
	}
	if (lineno == 1)
		ret = bad(path, "empty");
err_parse:
	free(names);
	free(values);
	fclose(fp);
	return ret;
}

int tsl_sample_snmp(const char *procroot, struct tsl_counters *out)
{
	char path[PATH_MAX];
	int err;

	out->n = 0;
	snprintf(path, sizeof(path), "%s/net/snmp", procroot);
	err = tsl_sample_snmp_file(path, out);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/net/netstat", procroot);
	return tsl_sample_snmp_file(path, out);
}

void tsl_counters_free(struct tsl_counters *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* ---- stat, softirqs ---- */

#define MAX_CPUS 65536

/* CPU @cpu's entry, named in line @lineno of @path: 0 and @*slot, or -errno after saying so. */
static int cpu_slot(const char *path, unsigned int lineno, struct tsl_cpus *c,
		    uint64_t cpu, struct tsl_cpu **slot)
{
	if (cpu >= MAX_CPUS)
		return bad(path, "line %u: bad CPU number", lineno);
	if (cpu >= c->n) {
		void *p = realloc(c->v, (cpu + 1) * sizeof(*c->v));

		if (!p)
			return fail(path, -ENOMEM, "out of memory");
		c->v = p;
		memset(c->v + c->n, 0, (cpu + 1 - c->n) * sizeof(*c->v));
		c->n = cpu + 1;
	}
	*slot = &c->v[cpu];
	return 0;
}

/* "cpu[N] user nice system idle iowait irq softirq steal ..." */
static int stat_line(const char *path, unsigned int lineno, const char *line,
		     struct tsl_cpus *out)
{
	struct tsl_cpu *cpu = &out->all;
	const char *p = line + 3;
	uint64_t n;
	int i, err;

	if (*p != ' ') {
		if (parse_u64(&p, &n) || *p != ' ')
			return bad(path, "line %u: bad CPU number", lineno);
		err = cpu_slot(path, lineno, out, n, &cpu);
		if (err)
			return err;
	}
	for (i = 0; i < TSL_CPU_NFIELDS; i++)
		if (parse_u64(&p, &cpu->ticks[i]))
			return bad(path, "line %u: %s missing or bad", lineno,
				   tsl_cpu_field_name(i));
	cpu->online = true;
	return 0;
}

int tsl_sample_stat(const char *procroot, struct tsl_cpus *out)
{
	char path[PATH_MAX], *line = NULL;
	unsigned int lineno = 0;
	size_t cap = 0;
	bool seen = false;
	FILE *fp;
	size_t i;
	int ret;

	snprintf(path, sizeof(path), "%s/stat", procroot);
	ret = open_file(path, false, &fp);
	if (ret)
		return ret;
	memset(&out->all, 0, sizeof(out->all));
	for (i = 0; i < out->n; i++)
		out->v[i].online = false;
	while (getline(&line, &cap, fp) >= 0) {
		lineno++;
		if (strncmp(line, "cpu", 3))
			continue;
		ret = stat_line(path, lineno, line, out);
		if (ret)
			goto err_parse;
		seen = true;
	}
	if (!seen || !out->all.online)
		ret = bad(path, "no \"cpu\" line");
err_parse:
	free(line);
	fclose(fp);
	return ret;
}

/* The "CPU0 CPU1 ..." header: column i is CPU cols[i]. */
static int softirq_header(const char *path, const char *line,
			  unsigned long **cols, size_t *n)
{
	const char *p = line;

	*n = 0;
	while (*(p += strspn(p, " \t\n"))) {
		uint64_t cpu;
		void *q;

		if (strncmp(p, "CPU", 3))
			return bad(path, "line 1: not a CPU header");
		p += 3;
		if (parse_u64(&p, &cpu) || cpu >= MAX_CPUS)
			return bad(path, "line 1: bad CPU number");
		q = realloc(*cols, (*n + 1) * sizeof(**cols));
		if (!q)
			return fail(path, -ENOMEM, "out of memory");
		*cols = q;
		(*cols)[(*n)++] = cpu;
	}
	return *n ? 0 : bad(path, "line 1: no CPUs");
}

static int softirq_row(const char *path, unsigned int lineno, const char *p,
		       const unsigned long *cols, size_t n, bool rx,
		       struct tsl_cpus *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct tsl_cpu *cpu;
		uint64_t v;
		int err = cpu_slot(path, lineno, out, cols[i], &cpu);

		if (err)
			return err;
		if (parse_u64(&p, &v))
			return bad(path, "line %u: %zu of %zu values", lineno,
				   i, n);
		*(rx ? &cpu->net_rx : &cpu->net_tx) = v;
		cpu->has_softirq = true;
	}
	return 0;
}

int tsl_sample_softirqs(const char *procroot, struct tsl_cpus *out)
{
	char path[PATH_MAX], *line = NULL;
	unsigned long *cols = NULL;
	unsigned int lineno = 1, found = 0;
	size_t cap = 0, n = 0;
	FILE *fp;
	int ret;

	snprintf(path, sizeof(path), "%s/softirqs", procroot);
	ret = open_file(path, false, &fp);
	if (ret)
		return ret;
	if (getline(&line, &cap, fp) < 0) {
		ret = bad(path, "empty");
		goto err_parse;
	}
	ret = softirq_header(path, line, &cols, &n);
	if (ret)
		goto err_parse;
	while (getline(&line, &cap, fp) >= 0) {
		const char *p = line + strspn(line, " ");
		bool rx = !strncmp(p, "NET_RX:", 7);

		lineno++;
		if (!rx && strncmp(p, "NET_TX:", 7))
			continue;
		ret = softirq_row(path, lineno, p + 7, cols, n, rx, out);
		if (ret)
			goto err_parse;
		found |= rx ? 1 : 2;
	}
	if (found != 3)
		ret = bad(path, "no NET_RX and NET_TX lines");
err_parse:
	free(cols);
	free(line);
	fclose(fp);
	return ret;
}

void tsl_cpus_free(struct tsl_cpus *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int tsl_cpu_percent(const struct tsl_cpu *a, const struct tsl_cpu *b,
		    uint32_t pct[TSL_CPU_NFIELDS])
{
	uint64_t d[TSL_CPU_NFIELDS], total = 0;
	int i;

	for (i = 0; i < TSL_CPU_NFIELDS; i++) {
		/* counters can step back when a CPU goes offline and back */
		d[i] = b->ticks[i] >= a->ticks[i] ? b->ticks[i] - a->ticks[i] : 0;
		total += d[i];
	}
	if (!total)
		return 1;
	for (i = 0; i < TSL_CPU_NFIELDS; i++)
		pct[i] = (d[i] * 10000 + total / 2) / total;
	return 0;
}

/* ---- PID/stat, PID/status ---- */

/* "pid (comm) S ppid ... utime stime ...": comm may hold spaces and ')'. */
static int pid_stat(const char *path, struct tsl_proc *out)
{
	char buf[1024], *p, *tok, *save;
	uint64_t *want[] = { &out->utime, &out->stime };
	size_t n;
	FILE *fp;
	int i, ret = open_file(path, true, &fp);

	if (ret)
		return ret;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ') {
		ret = bad(path, "no \"(comm) state\" fields");
		goto err_parse;
	}
	out->state = p[2];
	/* ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt */
	tok = strtok_r(p + 3, " \n", &save);
	for (i = 0; tok && i < 10; i++)
		tok = strtok_r(NULL, " \n", &save);
	for (i = 0; i < 2; i++) {
		const char *q = tok;

		if (!q || parse_u64(&q, want[i]) || *q) {
			ret = bad(path, "utime and stime missing or bad");
			goto err_parse;
		}
		tok = strtok_r(NULL, " \n", &save);
	}
	/* cutime .. exit_signal (fields 16..38), then processor; older or
	 * truncated files simply lack it */
	out->processor = -1;
	for (i = 16; tok && i < 39; i++)
		tok = strtok_r(NULL, " \n", &save);
	if (tok) {
		const char *q = tok;
		uint64_t cpu;

		if (!parse_u64(&q, &cpu) && !*q && cpu < MAX_CPUS)
			out->processor = (int)cpu;
	}
err_parse:
	fclose(fp);
	return ret;
}

/* "run_ns run_delay_ns timeslices": absent without CONFIG_SCHED_INFO. */
static void pid_schedstat(const char *path, struct tsl_proc *out)
{
	char buf[128];
	const char *p = buf;
	size_t n;
	FILE *fp = fopen(path, "re");

	out->has_schedstat = false;
	if (!fp)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = 0;
	fclose(fp);
	if (parse_u64(&p, &out->run_ns) || parse_u64(&p, &out->run_delay_ns) ||
	    parse_u64(&p, &out->timeslices))
		return;
	out->has_schedstat = true;
}

static int pid_status(const char *path, struct tsl_proc *out)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned int found = 0;
	FILE *fp;
	int ret = open_file(path, true, &fp);

	if (ret)
		return ret;
	while (getline(&line, &cap, fp) >= 0) {
		const char *p = strchr(line, ':');
		bool vol = !strncmp(line, "voluntary_ctxt_switches:", 24);

		if (!vol && strncmp(line, "nonvoluntary_ctxt_switches:", 27))
			continue;
		p++;
		if (parse_u64(&p, vol ? &out->vcsw : &out->nvcsw)) {
			ret = bad(path, "bad %s", vol ? "voluntary_ctxt_switches" :
				  "nonvoluntary_ctxt_switches");
			goto err_parse;
		}
		found |= vol ? 1 : 2;
	}
	if (found != 3)
		ret = bad(path, "no context switch counts");
err_parse:
	free(line);
	fclose(fp);
	return ret;
}

int tsl_sample_pid(const char *procroot, uint32_t pid, struct tsl_proc *out)
{
	char path[PATH_MAX];
	int err;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	snprintf(path, sizeof(path), "%s/%" PRIu32 "/stat", procroot, pid);
	err = pid_stat(path, out);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%" PRIu32 "/status", procroot, pid);
	err = pid_status(path, out);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%" PRIu32 "/schedstat", procroot, pid);
	pid_schedstat(path, out);
	return 0;
}
