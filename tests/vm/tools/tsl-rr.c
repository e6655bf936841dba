// SPDX-License-Identifier: GPL-2.0-or-later
// Request/response over TCP, with or without TCP_NODELAY and TCP_QUICKACK.
//
// tsl-rr server PORT REQ RESP [-q] [-n] [-p MS]
//   accept one connection; repeat: read REQ bytes, wait MS, write RESP bytes.
// tsl-rr client HOST PORT COUNT REQ RESP [-s] [-q] [-n] [-p MS]
//   repeat COUNT times: write the request (-s: as two writes, the classic
//   write-write-read that meets Nagle and delayed ACKs), read the response,
//   wait MS. Prints the median round-trip time in microseconds.
// -q sets TCP_QUICKACK before every read, -n sets TCP_NODELAY.
// REQ = RESP = 1 with -n gives a 1-byte ping-pong.
#include "tsl-net.h"

struct rr_opts {
	int quickack, nodelay, split, pause_ms;
};

static char buf[1 << 16];

static int read_n(int fd, size_t want, const struct rr_opts *o)
{
	while (want) {
		ssize_t n;

		if (o->quickack)
			tsl_setopt(fd, IPPROTO_TCP, TCP_QUICKACK, 1, "TCP_QUICKACK");
		n = read(fd, buf, want < sizeof(buf) ? want : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		want -= n;
	}
	return 1;
}

static int parse_opts(int argc, char **argv, int first, struct rr_opts *o)
{
	int opt;

	optind = first;
	while ((opt = getopt(argc, argv, "sqnp:")) != -1) {
		switch (opt) {
		case 's': o->split = 1; break;
		case 'q': o->quickack = 1; break;
		case 'n': o->nodelay = 1; break;
		case 'p': o->pause_ms = atoi(optarg); break;
		default: return -1;
		}
	}
	return 0;
}

static int do_server(int argc, char **argv)
{
	struct rr_opts o = { 0 };
	size_t req, resp;
	int fd, r, count = 0;

	if (argc < 4 || parse_opts(argc, argv, 4, &o))
		return 2;
	req = strtoul(argv[2], NULL, 0);
	resp = strtoul(argv[3], NULL, 0);
	if (!req || !resp || req > sizeof(buf) || resp > sizeof(buf))
		return 2;
	fd = tsl_accept_one(atoi(argv[1]));
	if (o.nodelay)
		tsl_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
	memset(buf, 'r', sizeof(buf));
	while ((r = read_n(fd, req, &o)) > 0) {
		tsl_sleep_ms(o.pause_ms);
		if (tsl_write_all(fd, buf, resp) < 0)
			tsl_fatal("write");
		count++;
	}
	if (r < 0)
		tsl_fatal("read");
	printf("served %d\n", count);
	close(fd);
	return 0;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static int do_client(int argc, char **argv)
{
	struct rr_opts o = { 0 };
	unsigned long long *lat;
	size_t req, resp, first;
	int fd, i, count;

	if (argc < 6 || parse_opts(argc, argv, 6, &o))
		return 2;
	count = atoi(argv[3]);
	req = strtoul(argv[4], NULL, 0);
	resp = strtoul(argv[5], NULL, 0);
	if (count <= 0 || !req || !resp || req > sizeof(buf) || resp > sizeof(buf))
		return 2;
	lat = calloc(count, sizeof(*lat));
	if (!lat)
		tsl_fatal("calloc");
	fd = tsl_connect(argv[1], atoi(argv[2]));
	if (o.nodelay)
		tsl_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
	memset(buf, 'q', sizeof(buf));
	first = o.split && req > 1 ? req / 2 : req;
	for (i = 0; i < count; i++) {
		unsigned long long t0 = tsl_now_ns();

		if (tsl_write_all(fd, buf, first) < 0 ||
		    (first < req && tsl_write_all(fd, buf, req - first) < 0))
			tsl_fatal("write");
		if (read_n(fd, resp, &o) <= 0)
			tsl_fatal("read response %d", i);
		lat[i] = (tsl_now_ns() - t0) / 1000;
		tsl_sleep_ms(o.pause_ms);
	}
	close(fd);
	qsort(lat, count, sizeof(*lat), cmp_ull);
	printf("requests %d median_us %llu max_us %llu\n", count, lat[count / 2], lat[count - 1]);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	return tsl_two_sided_main(argc, argv, "server", do_server, "client",
				  do_client,
				  "usage: tsl-rr server PORT REQ RESP [-q] [-n] [-p MS]\n"
				  "       tsl-rr client HOST PORT COUNT REQ RESP [-s] [-q] [-n] [-p MS]\n");
}
