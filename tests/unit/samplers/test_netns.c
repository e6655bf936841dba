// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the namespace finder, and of sampling a socket in another namespace (root only).
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <tcpsleuth.h>

#include "samplers/netns.h"
#include "recording/chunks.h"
#include "samplers/sources.h"

/* test_sample_util.c */
char *tmp_root(void);
void put_file(const char *root, const char *rel, const char *text);
void rm_root(char *root);

static uint32_t self_ino(void)
{
	uint32_t ino;

	assert_int_equal(tsl_netns_ino("/proc/self/ns/net", &ino), 0);
	return ino;
}

static uint32_t fd_ino(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

static void test_find_self(void **state)
{
	uint32_t ino = self_ino(), pid = getpid(), dead = 0x7fffffff;
	int fd;

	(void)state;
	assert_int_equal(tsl_netns_ino("/nonexistent", &ino), -ENOENT);
	/* by a pid known to be in it, with a stale pid tried first */
	fd = tsl_netns_open("/proc", NULL, ino, (uint32_t[]){ dead, pid }, 2);
	assert_true(fd >= 0);
	assert_int_equal(fd_ino(fd), ino);
	close(fd);
	/* by the scan of every process */
	fd = tsl_netns_open("/proc", "/nonexistent", ino, NULL, 0);
	assert_true(fd >= 0);
	assert_int_equal(fd_ino(fd), ino);
	close(fd);
	/* no namespace has inode 1 */
	assert_int_equal(tsl_netns_open("/proc", NULL, 1, &pid, 1), -ENOENT);
	/* nowhere to look: not found either */
	assert_int_equal(tsl_netns_open("/nonexistent", "/nonexistent", ino,
					NULL, 0), -ENOENT);
}

/* Fixture trees: what `ip netns add` leaves in /run/netns, and a /proc. */
static void test_find_fixture(void **state)
{
	char *root = tmp_root(), run[512], proc[512], path[600];
	uint32_t ino = self_ino();
	int fd;

	(void)state;
	snprintf(run, sizeof(run), "%s/run", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	put_file(root, "run/.hidden", "");
	put_file(root, "run/other", "");
	put_file(root, "proc/self/ns/x", "");	/* not a pid: skipped */
	put_file(root, "proc/42/ns/x", "");
	snprintf(path, sizeof(path), "%s/cli", run);
	assert_int_equal(symlink("/proc/self/ns/net", path), 0);
	fd = tsl_netns_open(proc, run, ino, NULL, 0);
	assert_true(fd >= 0);
	assert_int_equal(fd_ino(fd), ino);
	close(fd);
	unlink(path);
	assert_int_equal(tsl_netns_open(proc, run, ino, NULL, 0), -ENOENT);
	snprintf(path, sizeof(path), "%s/42/ns/net", proc);
	assert_int_equal(symlink("/proc/self/ns/net", path), 0);
	fd = tsl_netns_open(proc, run, ino, NULL, 0);
	assert_true(fd >= 0);
	close(fd);
	rm_root(root);
}

static int calls;

static int count_call(void *arg)
{
	(void)arg;
	return ++calls;
}

static void test_run_self(void **state)
{
	struct tsl_netns *ns = tsl_netns_new(NULL, NULL);
	int fd;

	(void)state;
	assert_non_null(ns);
	assert_int_equal(tsl_netns_self(ns), self_ino());
	calls = 0;
	/* the reader's own namespace, or 0, needs no switch */
	assert_int_equal(tsl_netns_run(ns, self_ino(), count_call, NULL), 1);
	assert_int_equal(tsl_netns_run(ns, 0, count_call, NULL), 2);
	assert_int_equal(tsl_netns_run(NULL, 0, count_call, NULL), 3);
	/* a namespace without a handle: not run, and not looked for again */
	assert_int_equal(tsl_netns_run(ns, 1, count_call, NULL), -ENOENT);
	assert_int_equal(tsl_netns_run(ns, 1, count_call, NULL), -ENOENT);
	assert_int_equal(tsl_netns_run(NULL, 1, count_call, NULL), -ENOENT);
	assert_int_equal(calls, 3);
	assert_int_equal(tsl_netns_hint(ns, 1, getpid()), 0);
	tsl_netns_release(ns, 1);
	tsl_netns_release(ns, 2);	/* never seen */
	fd = tsl_netns_socket(ns, 0, AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	close(fd);
	/* socket()'s own errno, as it is */
	assert_int_equal(tsl_netns_socket(ns, 0, AF_INET, SOCK_DGRAM, IPPROTO_TCP),
			 -EPROTONOSUPPORT);
	tsl_netns_free(ns);
	/* no /proc: NULL, said */
	assert_null(tsl_netns_new("/nonexistent", NULL));
}

/* ---- a TCP connection in a namespace of its own (needs CAP_SYS_ADMIN) ---- */

struct conn {
	uint32_t ino;
	uint64_t cookie;
	uint16_t sport, dport;
};

static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		_exit(2);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		_exit(2);
	close(fd);
}

/* The child: a connection over its own loopback, kept until @hold closes. */
static void child(int report, int hold)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a), clen = sizeof(uint64_t);
	struct conn c = { 0 };
	int l, s, acc;
	char x;

	if (unshare(CLONE_NEWNET)) {
		c.ino = 0;	/* not allowed: the parent skips */
		if (write(report, &c, sizeof(c)) < 0)
			_exit(1);
		_exit(0);
	}
	lo_up();
	l = socket(AF_INET, SOCK_STREAM, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || s < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len) || connect(s, (void *)&a, sizeof(a)))
		_exit(3);
	acc = accept(l, NULL, NULL);
	len = sizeof(a);
	if (acc < 0 || getsockname(s, (void *)&a, &len) ||
	    getsockopt(s, SOL_SOCKET, SO_COOKIE, &c.cookie, &clen))
		_exit(4);
	c.sport = ntohs(a.sin_port);
	len = sizeof(a);
	if (getpeername(s, (void *)&a, &len))
		_exit(5);
	c.dport = ntohs(a.sin_port);
	if (tsl_netns_ino("/proc/self/ns/net", &c.ino) ||
	    write(report, &c, sizeof(c)) != sizeof(c))
		_exit(6);
	while (read(hold, &x, 1) > 0)
		;
	/* exit(), not _exit(): libnl-route's destructors free what its constructors registered */
	exit(0);
}

struct names {
	char *v[4096];
	uint32_t n;
};

/* The value of (@src, @key, @id) in SAMPLE number @nth of @image (-1: the
 * last that has it); -1 if absent. */
static int64_t value_at(const char *image, size_t len, int nth, uint16_t src,
			const char *key, uint64_t id)
{
	int fd = memfd_create("recording", 0);
	struct tsl_rec_reader *r;
	struct tsl_rec_chunk c;
	struct names nm = { .n = 0 };
	int64_t v = -1;
	uint32_t i;

	assert_int_equal(write(fd, image, len), (ssize_t)len);
	r = tsl_rec_reader_new(fd, "memory");
	while (tsl_rec_next(r, &c) == 1) {
		if (c.type == TSL_REC_NAMES) {
			const char *p = c.name_data;

			for (i = 0; i < c.names->count && nm.n < 4096; i++) {
				nm.v[nm.n++] = strdup(p);
				p += strlen(p) + 1;
			}
		}
		if (c.type != TSL_REC_SAMPLE || (nth >= 0 && nth--))
			continue;
		for (i = 0; i < c.sample->n_entries; i++) {
			struct tsl_rec_sample_entry e;

			memcpy(&e, (const char *)c.entries + i * c.sample->entry_size,
			       sizeof(e));
			if (e.source == src && e.id == id && e.key < nm.n &&
			    !strcmp(nm.v[e.key], key))
				v = e.value;
		}
	}
	for (i = 0; i < nm.n; i++)
		free(nm.v[i]);
	tsl_rec_reader_free(r);
	close(fd);
	return v;
}

#define TICKS	5

static void sample_conn(const struct conn *c, pid_t pid, int hold)
{
	struct tsl_sampler_opts o = { .runroot = "/nonexistent" };
	struct tsl_event ev[2] = {
		{ .kind = TSL_EV_FLOW, .cookie = c->cookie,
		  .flow = { .saddr = { 127, 0, 0, 1 }, .daddr = { 127, 0, 0, 1 },
			    .sport = c->sport, .dport = c->dport,
			    .netns = c->ino } },
		{ .kind = TSL_EV_STATE, .cookie = c->cookie,
		  .state = { .newstate = 1, .pid = pid } },
	};
	struct tsl_rec_start start = { .record_size = TSL_EVENT_SIZE };
	struct tsl_rec_writer *w;
	struct tsl_sampler *s;
	char *image;
	size_t len;
	FILE *fp = open_memstream(&image, &len);
	uint32_t home = self_ino();
	int i;

	w = tsl_rec_writer_new(fp, "memory");
	assert_int_equal(tsl_rec_write_start(w, &start, NULL, 0), 0);
	s = tsl_sampler_new(w, &o);
	assert_non_null(s);
	assert_int_equal(tsl_sampler_observe(s, ev, 2), 0);
	/* probes sent in one tick are answered by the next */
	for (i = 0; i < TICKS; i++) {
		assert_int_equal(tsl_sampler_tick(s, 1000000000 + i * 20000000ull), 0);
		usleep(20000);
	}
	/* the reader is back in its own namespace */
	assert_int_equal(self_ino(), home);
	/* the child goes, its socket with it: the flow is no longer sampled */
	close(hold);
	assert_int_equal(waitpid(pid, &i, 0), pid);
	assert_true(WIFEXITED(i) && WEXITSTATUS(i) == 0);
	assert_int_equal(tsl_sampler_tick(s, 2000000000), 0);
	tsl_sampler_free(s);
	assert_int_equal(tsl_rec_writer_finish(w), 0);
	fclose(fp);

	/* state 1: ESTABLISHED, seen from inside the child's namespace */
	assert_int_equal(value_at(image, len, 1, TSL_SRC_SOCK, "state", c->cookie), 1);
	assert_true(value_at(image, len, 1, TSL_SRC_SOCK, "rtt_us", c->cookie) > 0);
	/* more of tcp_info: gauges each tick; an idle socket's counters stay out */
	assert_true(value_at(image, len, 1, TSL_SRC_SOCK, "min_rtt_us", c->cookie) > 0);
	assert_true(value_at(image, len, 1, TSL_SRC_SOCK, "rto_us", c->cookie) >= 200000);
	assert_int_equal(value_at(image, len, 1, TSL_SRC_SOCK, "busy_us", c->cookie), -1);
	/* its egress device, that namespace's loopback: noqueue, nothing queued */
	assert_int_equal(value_at(image, len, 1, TSL_SRC_QDISC, "ifindex", c->cookie), 1);
	assert_int_equal(value_at(image, len, 1, TSL_SRC_QDISC, "backlog_bytes", c->cookie), 0);
	/* its peer, 127.0.0.1 of that namespace, answered */
	assert_in_range(value_at(image, len, -1, TSL_SRC_ICMP, "icmp_rtt_us", c->cookie),
			0, 20000);
	assert_int_equal(value_at(image, len, -1, TSL_SRC_ICMP, "icmp_lost", c->cookie), -1);
	assert_int_equal(value_at(image, len, TICKS, TSL_SRC_SOCK, "state", c->cookie), -1);
	free(image);
}

static void test_other_namespace(void **state)
{
	int report[2], hold[2];
	struct conn c;
	pid_t pid;
	int st;

	(void)state;
	assert_int_equal(pipe(report), 0);
	assert_int_equal(pipe(hold), 0);
	/* nothing buffered for the child to write out again when it exits */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(report[0]);
		close(hold[1]);
		child(report[1], hold[0]);
	}
	close(report[1]);
	close(hold[0]);
	assert_int_equal(read(report[0], &c, sizeof(c)), sizeof(c));
	close(report[0]);
	if (!c.ino) {	/* no CAP_SYS_ADMIN: no namespace to make */
		close(hold[1]);
		waitpid(pid, &st, 0);
		skip();
	}
	assert_int_not_equal(c.ino, self_ino());
	sample_conn(&c, pid, hold[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_self),
		cmocka_unit_test(test_find_fixture),
		cmocka_unit_test(test_run_self),
		cmocka_unit_test(test_other_namespace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
