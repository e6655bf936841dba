// SPDX-License-Identifier: GPL-2.0-or-later
// Paced bulk sender and a receiver with a chosen flaw, for the diagnosis scenarios.
//
// tsl-load send HOST PORT [-r KB_PER_S] [-t SEC] [-l WRITE_KB]
//   connect and write WRITE_KB (default 16) pieces, paced to KB_PER_S
//   (0 or none: as fast as the peer takes them), for SEC seconds (default:
//   until the peer goes away). Prints "sent BYTES". Every piece starts with
//   a stamp: the CLOCK_MONOTONIC time its write began and its length.
// tsl-load recv PORT [-c CHUNK_KB] [-p MS] [-b RCVBUF] [-u US] [-x GAP:MIN:MAX]
//   accept one connection and read it until EOF in reads of up to CHUNK_KB
//   (default 64): -p sleep MS after every read; -b SO_RCVBUF set on the
//   listening socket, so that the handshake already offers the small window;
//   -u spin US microseconds of CPU (user time) per KiB read; -x after a
//   read, once GAP ms (0.5..1.5 x GAP, uniform) have passed since the last
//   stall, stall for MIN..MAX ms (uniform): a reader that stalls now and then.
//   Prints "received BYTES stalls N p50_us P p99_us Q mean_us M": with the
//   delivery time of the pieces (from the start of their write to the read
//   that brought their first bytes; sender and receiver share the clock on
//   one host, whatever their network namespaces).
#include <signal.h>
#include <stdint.h>
#include "tsl-net.h"

static char buf[1 << 20];

/* The stamp at the start of every piece sent. */
struct stamp {
	uint64_t sent_ns;
	uint32_t len;
} __attribute__((packed));

/* Delivery times of the pieces received, us; kept up to a bound. */
#define MAX_DELIVERIES (1 << 20)
static unsigned int deliveries[MAX_DELIVERIES];
static size_t n_deliveries;

static int do_send(int argc, char **argv)
{
	unsigned long long sent = 0, start, end = 0, rate = 0;
	size_t piece = 16 * 1024;
	int fd, opt;

	if (argc < 3)
		return 2;
	optind = 3;
	while ((opt = getopt(argc, argv, "r:t:l:")) != -1) {
		if (opt == 'r')
			rate = strtoull(optarg, NULL, 0) * 1024;
		else if (opt == 't')
			end = strtoull(optarg, NULL, 0) * 1000000000ULL;
		else if (opt == 'l')
			piece = strtoul(optarg, NULL, 0) * 1024;
		else
			return 2;
	}
	if (piece < sizeof(struct stamp) || piece > sizeof(buf))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	fd = tsl_connect(argv[1], atoi(argv[2]));
	printf("connected\n");
	fflush(stdout);
	memset(buf, 'x', piece);
	start = tsl_now_ns();
	for (;;) {
		unsigned long long now = tsl_now_ns();

		if (end && now - start >= end)
			break;
		/* Paced: write only once the elapsed time has earned the bytes. */
		if (rate && sent * 1000000000ULL / rate > now - start) {
			unsigned long long ahead = sent * 1000000000ULL / rate - (now - start);

			tsl_sleep_ms(ahead / 1000000 ? ahead / 1000000 : 1);
			continue;
		}
		{
			struct stamp st = { tsl_now_ns(), (uint32_t)piece };

			memcpy(buf, &st, sizeof(st));
		}
		if (tsl_write_all(fd, buf, piece) < 0)
			break;
		sent += piece;
	}
	printf("sent %llu\n", sent);
	close(fd);
	return 0;
}

/* Keep the CPU busy in user space for @us microseconds. */
static void spin_us(unsigned long long us)
{
	unsigned long long until = tsl_now_ns() + us * 1000;
	volatile unsigned long x = 0;

	while (tsl_now_ns() < until)
		for (int i = 0; i < 1000; i++)
			x += i;
}

/*
 * Follow the pieces' stamps through the bytes @p[0..n) read at @now: the
 * next stamp starts at stream offset *@next; its bytes may span reads.
 */
static void track_stamps(const char *p, size_t n, unsigned long long at,
			 unsigned long long now, unsigned long long *next)
{
	static struct stamp st;
	static size_t have;	/* bytes of st read so far */
	unsigned long long end = at + n;

	while (*next + have < end) {
		size_t off = *next + have - at, k = sizeof(st) - have;

		if (k > n - off)
			k = n - off;
		memcpy((char *)&st + have, p + off, k);
		have += k;
		if (have < sizeof(st))
			return;
		if (n_deliveries < MAX_DELIVERIES && now > st.sent_ns)
			deliveries[n_deliveries++] = (now - st.sent_ns) / 1000;
		if (st.len < sizeof(st)) {	/* not a stamped stream */
			*next = ~0ULL;
			return;
		}
		*next += st.len;
		have = 0;
	}
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

static void print_received(unsigned long long got, int stalls)
{
	unsigned long long sum = 0;
	size_t i;

	printf("received %llu stalls %d", got, stalls);
	if (n_deliveries) {
		qsort(deliveries, n_deliveries, sizeof(*deliveries), cmp_uint);
		for (i = 0; i < n_deliveries; i++)
			sum += deliveries[i];
		printf(" p50_us %u p99_us %u mean_us %llu", deliveries[n_deliveries / 2],
		       deliveries[n_deliveries * 99 / 100], sum / n_deliveries);
	}
	printf("\n");
}

static int do_recv(int argc, char **argv)
{
	unsigned long long next_stamp = 0;
	unsigned long long got = 0, burn_us = 0;
	int fd, opt, pause_ms = 0, rcvbuf = 0, stall_gap = 0, stall_min = 0, stall_max = 0;
	unsigned long long next_stall = 0;
	int stalls = 0;
	size_t chunk = 64 * 1024;

	if (argc < 2)
		return 2;
	optind = 2;
	while ((opt = getopt(argc, argv, "c:p:b:u:x:")) != -1) {
		switch (opt) {
		case 'c': chunk = strtoul(optarg, NULL, 0) * 1024; break;
		case 'p': pause_ms = atoi(optarg); break;
		case 'b': rcvbuf = atoi(optarg); break;
		case 'u': burn_us = strtoull(optarg, NULL, 0); break;
		case 'x':
			if (sscanf(optarg, "%d:%d:%d", &stall_gap, &stall_min, &stall_max) != 3 ||
			    stall_gap <= 0 || stall_min < 0 || stall_min > stall_max)
				return 2;
			break;
		default: return 2;
		}
	}
	if (!chunk || chunk > sizeof(buf))
		return 2;
	srandom(tsl_now_ns());
	fd = tsl_accept_rcvbuf(atoi(argv[1]), rcvbuf);
	for (;;) {
		ssize_t n = read(fd, buf, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			tsl_fatal("read");
		if (n == 0)
			break;
		track_stamps(buf, n, got, tsl_now_ns(), &next_stamp);
		got += n;
		if (burn_us)
			spin_us(burn_us * n / 1024);
		if (pause_ms)
			tsl_sleep_ms(pause_ms);
		if (stall_gap && tsl_now_ns() >= next_stall) {
			if (next_stall) {
				stalls++;
				tsl_sleep_ms(stall_min + random() % (stall_max - stall_min + 1));
			}
			next_stall = tsl_now_ns() +
				(stall_gap / 2 + random() % (stall_gap + 1)) * 1000000ULL;
		}
	}
	print_received(got, stalls);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	return tsl_two_sided_main(argc, argv, "send", do_send, "recv", do_recv,
				  "usage: tsl-load send HOST PORT [-r KB_PER_S] [-t SEC] [-l WRITE_KB]\n"
				  "       tsl-load recv PORT [-c CHUNK_KB] [-p MS] [-b RCVBUF] [-u US_PER_KB] [-x GAP_MS:MIN_MS:MAX_MS]\n");
}
