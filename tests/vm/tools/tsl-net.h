// SPDX-License-Identifier: GPL-2.0-or-later
// Small socket helpers shared by the in-guest workload tools.
#ifndef TSL_NET_H
#define TSL_NET_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline void tsl_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fputc('\n', stderr);
	exit(1);
}

/* Parse a numeric IPv4 or IPv6 address and a port into ss. */
static inline socklen_t tsl_sockaddr(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	errno = 0;
	tsl_fatal("bad address '%s' (numeric IPv4 or IPv6 only)", host);
	return 0;
}

static inline int tsl_connect(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = tsl_sockaddr(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		tsl_fatal("socket");
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		tsl_fatal("connect %s port %d", host, port);
	return fd;
}

static inline void tsl_setopt(int fd, int level, int opt, int val, const char *name)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)) < 0)
		tsl_fatal("setsockopt %s", name);
}

/*
 * Listen on every address (IPv6 socket accepting IPv4 too) with SO_RCVBUF set
 * first when rcvbuf > 0 (so the handshake already offers the small window),
 * and accept one connection.
 */
static inline int tsl_accept_rcvbuf(int port, int rcvbuf)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int one = 1, zero = 0, lfd, fd;

	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	if (lfd < 0)
		tsl_fatal("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (rcvbuf)
		tsl_setopt(lfd, SOL_SOCKET, SO_RCVBUF, rcvbuf, "SO_RCVBUF");
	if (bind(lfd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)
		tsl_fatal("bind port %d", port);
	if (listen(lfd, 1) < 0)
		tsl_fatal("listen");
	printf("listening %d\n", port);
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		tsl_fatal("accept");
	close(lfd);
	return fd;
}

/* Listen on every address and accept one connection. */
static inline int tsl_accept_one(int port)
{
	return tsl_accept_rcvbuf(port, 0);
}

static inline unsigned long long tsl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline void tsl_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Write all of buf; returns 0 or -1. */
static inline int tsl_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

typedef int (*tsl_side_fn)(int argc, char **argv);

/*
 * main() of a tool with two sides (send/recv, server/client): run the one
 * argv[1] names; @usage when it names neither or the side says its
 * arguments were wrong (status 2).
 */
static inline int tsl_two_sided_main(int argc, char **argv,
				     const char *a, tsl_side_fn side_a,
				     const char *b, tsl_side_fn side_b,
				     const char *usage)
{
	int ret = 2;

	if (argc > 1 && !strcmp(argv[1], a))
		ret = side_a(argc - 1, argv + 1);
	else if (argc > 1 && !strcmp(argv[1], b))
		ret = side_b(argc - 1, argv + 1);
	if (ret == 2)
		fputs(usage, stderr);
	return ret;
}

#endif
