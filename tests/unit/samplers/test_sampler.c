// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the sampler's ticks: SAMPLE and NAMES chunks through the recording reader.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "recording/chunks.h"
#include "samplers/sources.h"

/* test_sample_util.c */
char *tmp_root(void);
void put_file(const char *root, const char *rel, const char *text);
void rm_root(char *root);

#define T0	1000000000ull
#define STEP	100000000ull

/* A small machine: one CPU, one NIC, one process, at two instants. */
static void machine(const char *root, int later)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "Tcp: RtoAlgorithm RetransSegs\nTcp: 1 %d\n",
		 later ? 15 : 10);
	put_file(root, "proc/net/snmp", buf);
	put_file(root, "proc/net/netstat", "TcpExt: DelayedACKs\nTcpExt: 5\n");
	snprintf(buf, sizeof(buf), "cpu  %d 0 0 %d 0 0 0 0 0 0\ncpu0 %d 0 0 %d 0 0 0 0 0 0\nintr 0\n",
		 later ? 125 : 100, later ? 875 : 800, later ? 125 : 100,
		 later ? 875 : 800);
	put_file(root, "proc/stat", buf);
	snprintf(buf, sizeof(buf), "       CPU0\n     NET_TX: 1\n     NET_RX: %d\n",
		 later ? 5 : 2);
	put_file(root, "proc/softirqs", buf);
	put_file(root, "sys/class/net/eth0/ifindex", "2\n");
	put_file(root, "sys/class/net/eth0/statistics/rx_packets",
		 later ? "150\n" : "100\n");
	snprintf(buf, sizeof(buf), "7 (app) %c 1 1 1 0 -1 0 0 0 0 0 %d 0 0\n",
		 later ? 'R' : 'S', later ? 10 * (int)sysconf(_SC_CLK_TCK) : 0);
	put_file(root, "proc/7/stat", buf);
	snprintf(buf, sizeof(buf), "voluntary_ctxt_switches:\t%d\nnonvoluntary_ctxt_switches:\t0\n",
		 later ? 4 : 0);
	put_file(root, "proc/7/status", buf);
}

struct names {
	const char *v[64];
	uint32_t n;
	char store[4096];
	size_t used;
};

static void add_names(struct names *nm, const struct tsl_rec_chunk *c)
{
	const char *p = c->name_data;
	uint32_t i;

	assert_int_equal(c->names->first, nm->n);
	assert_true(nm->used + c->name_len <= sizeof(nm->store));
	memcpy(nm->store + nm->used, p, c->name_len);
	p = nm->store + nm->used;
	nm->used += c->name_len;
	for (i = 0; i < c->names->count; i++) {
		assert_true(nm->n < 64);
		nm->v[nm->n++] = p;
		p += strlen(p) + 1;
	}
}

/* The value of (source, key, id) in a SAMPLE chunk; -1 if absent. */
static int64_t value(const struct names *nm, const struct tsl_rec_chunk *c,
		     uint16_t src, const char *key, uint64_t id)
{
	const struct tsl_rec_sample_entry *e;
	uint32_t i;

	for (i = 0; i < c->sample->n_entries; i++) {
		e = (const void *)((const char *)c->entries +
				   (size_t)i * c->sample->entry_size);
		assert_true(e->key < nm->n);
		if (e->source == src && e->id == id && !strcmp(nm->v[e->key], key))
			return e->value;
	}
	return -1;
}

static int file_of(const void *data, size_t len)
{
	int fd = memfd_create("recording", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static void write_start(struct tsl_rec_writer *w)
{
	struct tsl_rec_start s = { .record_size = TSL_EVENT_SIZE };

	assert_int_equal(tsl_rec_write_start(w, &s, NULL, 0), 0);
}

/* A START, then two ticks of the sampler over machine(): the recording in memory. */
static char *record_two_ticks(size_t *len)
{
	char *root = tmp_root(), proc[512], sys[512], *image;
	struct tsl_sampler_opts o = { .procroot = proc, .sysroot = sys,
				      .no_sock_diag = true, .no_icmp = true };
	struct tsl_event ev = { .kind = TSL_EV_READ, .read.pid = 7 };
	struct tsl_rec_writer *w;
	struct tsl_sampler *s;
	FILE *fp = open_memstream(&image, len);

	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	machine(root, 0);
	w = tsl_rec_writer_new(fp, "memory");
	write_start(w);
	s = tsl_sampler_new(w, &o);
	assert_non_null(s);
	assert_int_equal(tsl_sampler_observe(s, &ev, 1), 0);
	assert_int_equal(tsl_sampler_tick(s, T0), 0);
	machine(root, 1);
	assert_int_equal(tsl_sampler_tick(s, T0 + STEP), 0);
	tsl_sampler_free(s);
	assert_int_equal(tsl_rec_writer_finish(w), 0);
	assert_int_equal(fclose(fp), 0);
	rm_root(root);
	return image;
}

static void test_round_trip(void **state)
{
	size_t len;
	char *image = record_two_ticks(&len);
	int fd = file_of(image, len), n_samples = 0;
	struct tsl_rec_reader *r = tsl_rec_reader_new(fd, "memory");
	uint32_t want = 1u << TSL_SRC_SNMP | 1u << TSL_SRC_CPU |
			1u << TSL_SRC_SOFTIRQ | 1u << TSL_SRC_NIC |
			1u << TSL_SRC_PROC | 1u << TSL_SRC_CGROUP;
	struct tsl_rec_chunk c;
	static struct names nm;

	(void)state;
	nm.n = 0;
	nm.used = 0;
	assert_int_equal(tsl_rec_next(r, &c), 1);
	assert_int_equal(c.type, TSL_REC_START);
	while (tsl_rec_next(r, &c) == 1) {
		if (c.type == TSL_REC_NAMES) {
			add_names(&nm, &c);
			continue;
		}
		assert_int_equal(c.type, TSL_REC_SAMPLE);
		assert_int_equal(c.sample->version, TSL_SAMPLE_VERSION);
		assert_int_equal(c.sample->sources, want);
		if (n_samples++ == 0) {
			assert_int_equal(c.sample->mono_ns, T0);
			assert_int_equal(c.sample->interval_ns, 0);
			/* a first sample has gauges only */
			assert_int_equal(value(&nm, &c, TSL_SRC_PROC, "state", 7), 'S');
			assert_int_equal(value(&nm, &c, TSL_SRC_SNMP, "Tcp.RetransSegs", 0), -1);
			continue;
		}
		assert_int_equal(c.sample->mono_ns, T0 + STEP);
		assert_int_equal(c.sample->interval_ns, STEP);
		assert_int_equal(value(&nm, &c, TSL_SRC_SNMP, "Tcp.RetransSegs", 0), 5);
		/* unchanged counters are left out */
		assert_int_equal(value(&nm, &c, TSL_SRC_SNMP, "Tcp.RtoAlgorithm", 0), -1);
		assert_int_equal(value(&nm, &c, TSL_SRC_SOFTIRQ, "NET_RX", 0), 3);
		assert_int_equal(value(&nm, &c, TSL_SRC_CPU, "user", 0), 2500);
		assert_int_equal(value(&nm, &c, TSL_SRC_CPU, "idle", TSL_SAMPLE_ALL), 7500);
		assert_int_equal(value(&nm, &c, TSL_SRC_NIC, "eth0.rx_packets", 2), 50);
		assert_int_equal(value(&nm, &c, TSL_SRC_PROC, "state", 7), 'R');
		assert_int_equal(value(&nm, &c, TSL_SRC_PROC, "utime_ms", 7), 10000);
		assert_int_equal(value(&nm, &c, TSL_SRC_PROC, "voluntary_ctxt_switches", 7), 4);
	}
	assert_string_equal(tsl_rec_error(r), "");
	assert_int_equal(n_samples, 2);
	tsl_rec_reader_free(r);
	close(fd);
	free(image);
}

/* What the code under test prints on stderr meanwhile: stderr_to(), stderr_back(). */
static int stderr_to(FILE *tmp)
{
	int saved = dup(STDERR_FILENO);

	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	return saved;
}

static void stderr_back(int saved, FILE *tmp, char *buf, size_t size)
{
	size_t n;

	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, size - 1, tmp);
	buf[n] = 0;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * A source that fails is said once and not sampled again, and the tick goes
 * on: 0. A process that is gone is forgotten without a word.
 */
static void test_failed_sources(void **state)
{
	char *root = tmp_root(), proc[512], sys[512], path[600], *image;
	char said[2048];
	struct tsl_sampler_opts o = { .procroot = proc, .sysroot = sys,
				      .no_sock_diag = true, .no_icmp = true };
	struct tsl_event ev[2] = {
		{ .kind = TSL_EV_READ, .read.pid = 7 },
		{ .kind = TSL_EV_READ, .read.pid = 8 },	/* no such process */
	};
	uint32_t want = 1u << TSL_SRC_SNMP | 1u << TSL_SRC_NIC |
			1u << TSL_SRC_PROC | 1u << TSL_SRC_CGROUP;
	struct tsl_rec_writer *w;
	struct tsl_rec_reader *r;
	struct tsl_rec_chunk c;
	struct tsl_sampler *s;
	size_t len;
	FILE *fp = open_memstream(&image, &len), *err = tmpfile();
	int fd, saved, n_samples = 0;

	(void)state;
	assert_non_null(err);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	machine(root, 0);
	put_file(root, "proc/stat", "cpu  1 2 3\n");	/* malformed */
	snprintf(path, sizeof(path), "%s/softirqs", proc);
	assert_int_equal(unlink(path), 0);
	w = tsl_rec_writer_new(fp, "memory");
	write_start(w);
	s = tsl_sampler_new(w, &o);
	assert_non_null(s);
	assert_int_equal(tsl_sampler_observe(s, ev, 2), 0);
	saved = stderr_to(err);
	assert_int_equal(tsl_sampler_tick(s, T0), 0);
	machine(root, 1);		/* good again: not tried again */
	assert_int_equal(tsl_sampler_tick(s, T0 + STEP), 0);
	stderr_back(saved, err, said, sizeof(said));
	fclose(err);
	/* one line per failed source, nothing for the process that is gone */
	assert_int_equal(count_lines(said), 2);
	assert_non_null(strstr(said, "/proc/stat: line 1: idle missing or bad\n"));
	assert_non_null(strstr(said, "/proc/softirqs: cannot open: No such file or directory\n"));
	tsl_sampler_free(s);
	assert_int_equal(tsl_rec_writer_finish(w), 0);
	assert_int_equal(fclose(fp), 0);
	rm_root(root);

	fd = file_of(image, len);
	r = tsl_rec_reader_new(fd, "memory");
	while (tsl_rec_next(r, &c) == 1) {
		if (c.type != TSL_REC_SAMPLE)
			continue;
		assert_int_equal(c.sample->sources, want);
		n_samples++;
	}
	assert_int_equal(n_samples, 2);
	tsl_rec_reader_free(r);
	close(fd);
	free(image);
}

/* Process 7's group at tick @t: /app, then /other from tick 2, then gone at tick 4. */
static void cgroup_at(const char *root, int t)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "usage_usec %d\nnr_periods %d\nnr_throttled %d\nthrottled_usec %d\n",
		 1000 * (t + 1), 10 * t, 2 * t, 30000 * t);
	put_file(root, "sys/fs/cgroup/app/cpu.stat", buf);
	put_file(root, "sys/fs/cgroup/app/cpu.max", "20000 100000\n");
	put_file(root, "sys/fs/cgroup/other/cpu.stat", "usage_usec 900000\nnr_periods 0\n");
	put_file(root, "sys/fs/cgroup/other/cpu.max", "max 100000\n");
	if (t < 2)
		put_file(root, "proc/7/cgroup", "0::/app\n");
	else if (t < 4)
		put_file(root, "proc/7/cgroup", "0::/other\n");
	else
		put_file(root, "proc/7/cgroup", "");
}

/*
 * cpu.stat as deltas from the second tick, cpu.max as gauges (-1: "max");
 * a process that moves to another group starts again from it.
 */
static void test_cgroup(void **state)
{
	char *root = tmp_root(), proc[512], sys[512], *image;
	struct tsl_sampler_opts o = { .procroot = proc, .sysroot = sys,
				      .no_sock_diag = true, .no_icmp = true };
	struct tsl_event ev = { .kind = TSL_EV_READ, .read.pid = 7 };
	struct tsl_rec_writer *w;
	struct tsl_rec_reader *r;
	struct tsl_rec_chunk c;
	struct tsl_sampler *s;
	static struct names nm;
	size_t len;
	FILE *fp = open_memstream(&image, &len);
	int fd, t;

	(void)state;
	nm.n = 0;
	nm.used = 0;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	machine(root, 0);
	w = tsl_rec_writer_new(fp, "memory");
	write_start(w);
	s = tsl_sampler_new(w, &o);
	assert_non_null(s);
	assert_int_equal(tsl_sampler_observe(s, &ev, 1), 0);
	for (t = 0; t < 5; t++) {
		cgroup_at(root, t);
		assert_int_equal(tsl_sampler_tick(s, T0 + t * STEP), 0);
	}
	tsl_sampler_free(s);
	assert_int_equal(tsl_rec_writer_finish(w), 0);
	assert_int_equal(fclose(fp), 0);
	rm_root(root);

	fd = file_of(image, len);
	r = tsl_rec_reader_new(fd, "memory");
	t = 0;
	while (tsl_rec_next(r, &c) == 1) {
		if (c.type == TSL_REC_NAMES)
			add_names(&nm, &c);
		if (c.type != TSL_REC_SAMPLE)
			continue;
		assert_true(c.sample->sources & (1u << TSL_SRC_CGROUP));
		switch (t++) {
		case 0:		/* gauges only */
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "cpu_max_quota_us", 7), 20000);
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "cpu_max_period_us", 7), 100000);
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "throttled_usec", 7), -1);
			break;
		case 1:
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "throttled_usec", 7), 30000);
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "nr_throttled", 7), 2);
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "nr_periods", 7), 10);
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "usage_usec", 7), 1000);
			break;
		case 2:		/* moved: the new group's baseline, no delta */
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "cpu_max_quota_us", 7), -1);
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "usage_usec", 7), -1);
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "nr_periods", 7), -1);
			break;
		case 3:		/* unchanged since */
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "usage_usec", 7), -1);
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "cpu_max_period_us", 7), 100000);
			break;
		case 4:		/* no group any more: nothing */
			assert_int_equal(value(&nm, &c, TSL_SRC_CGROUP, "cpu_max_period_us", 7), -1);
			break;
		}
	}
	assert_int_equal(t, 5);
	assert_string_equal(tsl_rec_error(r), "");
	tsl_rec_reader_free(r);
	close(fd);
	free(image);
}

/* A write that fails: a negative errno, not -1; the writer says why when finished. */
static void test_write_fails(void **state)
{
	char *root = tmp_root(), proc[512], sys[512];
	struct tsl_sampler_opts o = { .procroot = proc, .sysroot = sys,
				      .no_sock_diag = true, .no_icmp = true };
	struct tsl_rec_writer *w;
	struct tsl_sampler *s;
	FILE *fp = fopen("/dev/full", "w");
	int ret;

	(void)state;
	if (!fp) {
		rm_root(root);
		skip();
	}
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	machine(root, 0);
	w = tsl_rec_writer_new(fp, "/dev/full");
	s = tsl_sampler_new(w, &o);
	assert_non_null(s);
	ret = tsl_sampler_tick(s, T0);
	/* -EIO while the writer gives no errno, its -ENOSPC once it does */
	assert_true(ret == -EIO || ret == -ENOSPC);
	tsl_sampler_free(s);
	assert_int_not_equal(tsl_rec_writer_finish(w), 0);
	fclose(fp);
	rm_root(root);
}

/* A recording of a START and one hand-made chunk; what the reader says of it. */
static int read_crafted(uint32_t type, const void *p, size_t len)
{
	struct tsl_rec_chunk c;
	struct tsl_rec_reader *r;
	struct tsl_rec_writer *w;
	char *image;
	size_t n;
	FILE *fp = open_memstream(&image, &n);
	int fd, ret;

	w = tsl_rec_writer_new(fp, "memory");
	write_start(w);
	assert_int_equal(tsl_rec_write_chunk(w, type, p, len, NULL, 0), 0);
	assert_int_equal(tsl_rec_writer_finish(w), 0);
	assert_int_equal(fclose(fp), 0);
	fd = file_of(image, n);
	r = tsl_rec_reader_new(fd, "memory");
	assert_int_equal(tsl_rec_next(r, &c), 1);
	ret = tsl_rec_next(r, &c);
	tsl_rec_reader_free(r);
	close(fd);
	free(image);
	return ret;
}

static void test_malformed_chunks(void **state)
{
	struct {
		struct tsl_rec_sample h;
		struct tsl_rec_sample_entry e[2];
	} s = { .h = { .version = 1, .entry_size = 24, .n_entries = 2 } };
	struct {
		struct tsl_rec_names h;
		char data[8];
	} nm = { .h = { .count = 2 }, .data = "ab\0cd\0" };

	(void)state;
	assert_int_equal(read_crafted(TSL_REC_SAMPLE, &s, sizeof(s)), 1);
	assert_int_equal(read_crafted(TSL_REC_SAMPLE, &s, sizeof(s) - 24), -EINVAL);
	assert_int_equal(read_crafted(TSL_REC_SAMPLE, &s, 16), -EINVAL);
	s.h.entry_size = 16;
	assert_int_equal(read_crafted(TSL_REC_SAMPLE, &s, sizeof(s)), -EINVAL);
	assert_int_equal(read_crafted(TSL_REC_NAMES, &nm, sizeof(nm.h) + 6), 1);
	/* the second name is not terminated */
	assert_int_equal(read_crafted(TSL_REC_NAMES, &nm, sizeof(nm.h) + 5), -EINVAL);
	/* bytes after the last name */
	assert_int_equal(read_crafted(TSL_REC_NAMES, &nm, sizeof(nm)), -EINVAL);
	assert_int_equal(read_crafted(TSL_REC_NAMES, &nm, 4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_failed_sources),
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_write_fails),
		cmocka_unit_test(test_malformed_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
