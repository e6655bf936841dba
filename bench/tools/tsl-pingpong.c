// SPDX-License-Identifier: GPL-2.0-or-later
// 1-byte TCP_NODELAY ping-pong on loopback, timed as a whole.
//
// tsl-pingpong PORT COUNT [REPS]
//   forks a server on 127.0.0.1:PORT, then REPS times (default 1): connect,
//   COUNT round trips of one byte each way, close. One line per repetition:
//   "rep R round_trips COUNT ns NS ns_per_rt X" where NS is the
//   CLOCK_MONOTONIC time of the COUNT round trips alone (not connect/close).
//   Under QEMU -icount shift=0 -smp 1 guest ns are executed instructions.
#include <sys/wait.h>
#include "../../tests/vm/tools/tsl-net.h"

static void serve(int port, int reps)
{
	char c;
	int r, fd;

	while (reps--) {
		fd = tsl_accept_one(port);
		tsl_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
		while ((r = read(fd, &c, 1)) == 1)
			if (write(fd, &c, 1) != 1)
				tsl_fatal("server write");
		if (r < 0)
			tsl_fatal("server read");
		close(fd);
	}
	_exit(0);
}

static int connect_retry(int port)
{
	struct sockaddr_storage ss;
	socklen_t len = tsl_sockaddr("127.0.0.1", port, &ss);
	int i, fd;

	for (i = 0; i < 500; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			tsl_fatal("socket");
		if (!connect(fd, (struct sockaddr *)&ss, len))
			return fd;
		close(fd);
		tsl_sleep_ms(10);
	}
	tsl_fatal("connect 127.0.0.1:%d", port);
	return -1;
}

int main(int argc, char **argv)
{
	int port, count, reps, rep, i, fd, status;
	unsigned long long t0, t1;
	pid_t srv;
	char c = 'p';

	if (argc < 3) {
		fprintf(stderr, "usage: tsl-pingpong PORT COUNT [REPS]\n");
		return 2;
	}
	port = atoi(argv[1]);
	count = atoi(argv[2]);
	reps = argc > 3 ? atoi(argv[3]) : 1;
	if (port <= 0 || count <= 0 || reps <= 0)
		return 2;
	srv = fork();
	if (srv < 0)
		tsl_fatal("fork");
	if (!srv)
		serve(port, reps);
	for (rep = 1; rep <= reps; rep++) {
		fd = connect_retry(port);
		tsl_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
		/* One warm-up round trip, so the timed loop starts in steady state. */
		if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1)
			tsl_fatal("warm-up");
		t0 = tsl_now_ns();
		for (i = 0; i < count; i++)
			if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1)
				tsl_fatal("round trip %d", i);
		t1 = tsl_now_ns();
		close(fd);
		printf("rep %d round_trips %d ns %llu ns_per_rt %.1f\n", rep, count,
		       t1 - t0, (double)(t1 - t0) / count);
		fflush(stdout);
	}
	if (waitpid(srv, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		tsl_fatal("server failed");
	return 0;
}
