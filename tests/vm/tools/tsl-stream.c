// SPDX-License-Identifier: GPL-2.0-or-later
// Bulk TCP sender and a slow receiver that reads a chunk, then sleeps.
//
// tsl-stream send HOST PORT TOTAL_KB [-w MS] [-g FILE] [-l SEC] [-e]
//   connect, print "connected", wait MS (and until FILE exists, if given:
//   a test sets up its fault, then creates FILE), write TOTAL_KB as fast as the peer
//   takes it, wait until everything is acknowledged (SIOCOUTQ 0), print
//   "done", keep the socket open SEC seconds, close.
//   -e: write at once while the connect is still in flight (the kernel then
//   holds back the handshake's last ACK and sends it with the first data).
// tsl-stream recv PORT CHUNK_KB SLEEP_MS [-H HOLD_KB -h HOLD_MS] [-b RCVBUF]
//   accept one connection; read CHUNK_KB (several reads if needed), sleep
//   SLEEP_MS, repeat until EOF. Once HOLD_KB have been read, print "hold"
//   and sleep HOLD_MS once (a quiet moment to look at the socket with ss).
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include "tsl-net.h"

static char buf[1 << 16];

/* Start connecting without waiting; the first blocking write waits for it. */
static int connect_early(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = tsl_sockaddr(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		tsl_fatal("socket");
	if (connect(fd, (struct sockaddr *)&ss, len) == 0 || errno != EINPROGRESS)
		tsl_fatal("connect %s port %d did not stay in progress", host, port);
	if (fcntl(fd, F_SETFL, 0) < 0)
		tsl_fatal("fcntl");
	return fd;
}

static int do_send(int argc, char **argv)
{
	unsigned long long total, sent = 0;
	int fd, opt, wait_ms = 0, linger_s = 0, outq, early = 0;
	const char *go = NULL;

	if (argc < 4)
		return 2;
	total = strtoull(argv[3], NULL, 0) * 1024;
	optind = 4;
	while ((opt = getopt(argc, argv, "w:g:l:e")) != -1) {
		if (opt == 'w')
			wait_ms = atoi(optarg);
		else if (opt == 'g')
			go = optarg;
		else if (opt == 'l')
			linger_s = atoi(optarg);
		else if (opt == 'e')
			early = 1;
		else
			return 2;
	}
	fd = early ? connect_early(argv[1], atoi(argv[2])) :
		     tsl_connect(argv[1], atoi(argv[2]));
	printf("connected\n");
	fflush(stdout);
	tsl_sleep_ms(wait_ms);
	while (go && access(go, F_OK))
		tsl_sleep_ms(10);
	memset(buf, 'x', sizeof(buf));
	while (sent < total) {
		size_t n = total - sent < sizeof(buf) ? total - sent : sizeof(buf);

		if (tsl_write_all(fd, buf, n) < 0)
			tsl_fatal("write");
		sent += n;
	}
	do {
		if (ioctl(fd, SIOCOUTQ, &outq) < 0)
			tsl_fatal("SIOCOUTQ");
		if (outq)
			tsl_sleep_ms(10);
	} while (outq);
	printf("done %llu\n", sent);
	fflush(stdout);
	sleep(linger_s);
	close(fd);
	return 0;
}

static int do_recv(int argc, char **argv)
{
	unsigned long long got = 0, hold_at = 0, in_chunk = 0;
	int fd, opt, hold_ms = 0, rcvbuf = 0, held = 0;
	size_t chunk;
	int sleep_ms;

	if (argc < 4)
		return 2;
	chunk = strtoul(argv[2], NULL, 0) * 1024;
	sleep_ms = atoi(argv[3]);
	optind = 4;
	while ((opt = getopt(argc, argv, "H:h:b:")) != -1) {
		if (opt == 'H')
			hold_at = strtoull(optarg, NULL, 0) * 1024;
		else if (opt == 'h')
			hold_ms = atoi(optarg);
		else if (opt == 'b')
			rcvbuf = atoi(optarg);
		else
			return 2;
	}
	if (chunk == 0 || chunk > sizeof(buf))
		return 2;
	fd = tsl_accept_one(atoi(argv[1]));
	if (rcvbuf)
		tsl_setopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, "SO_RCVBUF");
	for (;;) {
		ssize_t n = read(fd, buf, chunk - in_chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			tsl_fatal("read");
		if (n == 0)
			break;
		got += n;
		in_chunk += n;
		if (in_chunk < chunk)
			continue;
		in_chunk = 0;
		if (hold_at && !held && got >= hold_at) {
			held = 1;
			printf("hold %llu\n", got);
			fflush(stdout);
			tsl_sleep_ms(hold_ms);
		} else {
			tsl_sleep_ms(sleep_ms);
		}
	}
	printf("received %llu\n", got);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	return tsl_two_sided_main(argc, argv, "send", do_send, "recv", do_recv,
				  "usage: tsl-stream send HOST PORT TOTAL_KB [-w MS] [-g FILE] [-l SEC] [-e]\n"
				  "       tsl-stream recv PORT CHUNK_KB SLEEP_MS [-H HOLD_KB -h HOLD_MS] [-b RCVBUF]\n");
}
