// SPDX-License-Identifier: GPL-2.0-or-later
// Network namespaces of traced flows: found by inode number, entered to create sockets.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "netns.h"

#define MAX_HINTS	4

struct entry {
	uint32_t ino;
	int fd;			/* -1 until found */
	bool failed;		/* looked for and not found: said once */
	uint32_t pids[MAX_HINTS];
	unsigned int n_pids;
};

struct tsl_netns {
	char *procroot, *runroot;
	int self_fd;		/* where the thread returns to */
	uint32_t self_ino;
	struct entry *v;
	size_t n;
};

int tsl_netns_ino(const char *path, uint32_t *ino)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

/*
 * @path opened, if it is namespace @ino; else -ENOENT, or the -errno of the
 * call that failed. A search: nothing is said.
 */
static int open_if(const char *path, uint32_t ino)
{
	struct stat st;
	int fd, err;

	if (stat(path, &st))
		return -errno;
	if (st.st_ino != ino)
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* the process may have exited and its pid been reused */
	err = fstat(fd, &st) ? -errno : st.st_ino != ino ? -ENOENT : 0;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * Every entry of @dir as @dir/NAME@suffix, digits-only names if @pids: the
 * descriptor of namespace @ino, or a negative errno (not said) if none is.
 */
static int scan_dir(const char *dir, const char *suffix, bool pids,
		    uint32_t ino)
{
	char path[PATH_MAX];
	struct dirent *d;
	int fd = -ENOENT;
	DIR *dp;

	dp = opendir(dir);
	if (!dp)
		return -errno;
	while (fd < 0 && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		if (pids && strspn(d->d_name, "0123456789") != strlen(d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, d->d_name, suffix);
		fd = open_if(path, ino);
	}
	closedir(dp);
	return fd;
}

int tsl_netns_open(const char *procroot, const char *runroot, uint32_t ino,
		   const uint32_t *pids, size_t n_pids)
{
	char path[PATH_MAX];
	size_t i;
	int fd;

	for (i = 0; i < n_pids; i++) {
		snprintf(path, sizeof(path), "%s/%u/ns/net", procroot, pids[i]);
		fd = open_if(path, ino);
		if (fd >= 0)
			return fd;
	}
	if (runroot) {
		fd = scan_dir(runroot, "", false, ino);
		if (fd >= 0)
			return fd;
	}
	fd = scan_dir(procroot, "/ns/net", true, ino);
	return fd >= 0 ? fd : -ENOENT;
}

struct tsl_netns *tsl_netns_new(const char *procroot, const char *runroot)
{
	struct tsl_netns *ns = calloc(1, sizeof(*ns));
	char path[PATH_MAX];
	struct stat st;

	if (!ns)
		goto err_alloc;
	ns->self_fd = -1;
	ns->procroot = strdup(procroot ? procroot : "/proc");
	ns->runroot = strdup(runroot ? runroot : "/run/netns");
	if (!ns->procroot || !ns->runroot)
		goto err_alloc;
	/* the thread's own, should the reader ever have more than one */
	snprintf(path, sizeof(path), "%s/thread-self/ns/net", ns->procroot);
	ns->self_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ns->self_fd < 0) {
		snprintf(path, sizeof(path), "%s/self/ns/net", ns->procroot);
		ns->self_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (ns->self_fd < 0 || fstat(ns->self_fd, &st)) {
		fprintf(stderr, "tcpsleuth: %s/thread-self/ns/net: cannot open; flows in other network namespaces are not sampled\n",
			ns->procroot);
		goto err;
	}
	ns->self_ino = st.st_ino;
	return ns;

err_alloc:
	fprintf(stderr, "tcpsleuth: network namespaces: out of memory\n");
err:
	tsl_netns_free(ns);
	return NULL;
}

void tsl_netns_free(struct tsl_netns *ns)
{
	size_t i;

	if (!ns)
		return;
	for (i = 0; i < ns->n; i++)
		if (ns->v[i].fd >= 0)
			close(ns->v[i].fd);
	free(ns->v);
	if (ns->self_fd >= 0)
		close(ns->self_fd);
	free(ns->procroot);
	free(ns->runroot);
	free(ns);
}

uint32_t tsl_netns_self(const struct tsl_netns *ns)
{
	return ns->self_ino;
}

static struct entry *find(struct tsl_netns *ns, uint32_t ino)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		if (ns->v[i].ino == ino)
			return &ns->v[i];
	return NULL;
}

/* Namespace @ino's entry, made if new; NULL after saying so without memory. */
static struct entry *get(struct tsl_netns *ns, uint32_t ino)
{
	struct entry *e = find(ns, ino);
	void *p;

	if (e)
		return e;
	p = realloc(ns->v, (ns->n + 1) * sizeof(*ns->v));
	if (!p) {
		fprintf(stderr, "tcpsleuth: network namespace %u: out of memory\n",
			ino);
		return NULL;
	}
	ns->v = p;
	e = &ns->v[ns->n++];
	*e = (struct entry){ .ino = ino, .fd = -1 };
	return e;
}

int tsl_netns_hint(struct tsl_netns *ns, uint32_t ino, uint32_t pid)
{
	struct entry *e;
	unsigned int i;

	if (ino == ns->self_ino || !pid)
		return 0;
	e = get(ns, ino);
	if (!e)
		return -ENOMEM;
	for (i = 0; i < e->n_pids; i++)
		if (e->pids[i] == pid)
			return 0;
	/* the newest hints are the likeliest to be alive */
	if (e->n_pids == MAX_HINTS)
		memmove(e->pids, e->pids + 1, --e->n_pids * sizeof(*e->pids));
	e->pids[e->n_pids++] = pid;
	return 0;
}

/*
 * Namespace @ino's entry with its descriptor, looked for once; NULL and @*err
 * (-ENOMEM, or -ENOENT: no handle, said the first time) if none.
 */
static struct entry *handle(struct tsl_netns *ns, uint32_t ino, int *err)
{
	struct entry *e = get(ns, ino);

	*err = -ENOMEM;
	if (!e)
		return NULL;
	*err = -ENOENT;
	if (e->fd >= 0)
		return e;
	if (e->failed)
		return NULL;
	e->fd = tsl_netns_open(ns->procroot, ns->runroot, ino, e->pids,
			       e->n_pids);
	if (e->fd >= 0)
		return e;
	e->failed = true;
	fprintf(stderr, "tcpsleuth: network namespace %u: no process or /run/netns entry left in it, its flows are not sampled\n",
		ino);
	return NULL;
}

int tsl_netns_run(struct tsl_netns *ns, uint32_t ino, int (*fn)(void *arg),
		  void *arg)
{
	struct entry *e;
	int ret;

	if (!ino || (ns && ino == ns->self_ino))
		return fn(arg);
	if (!ns)
		return -ENOENT;
	e = handle(ns, ino, &ret);
	if (!e)
		return ret;
	if (setns(e->fd, CLONE_NEWNET)) {
		ret = -errno;
		fprintf(stderr, "tcpsleuth: network namespace %u: cannot enter: %s\n",
			ino, strerror(errno));
		close(e->fd);
		e->fd = -1;
		e->failed = true;
		return ret;
	}
	ret = fn(arg);
	if (setns(ns->self_fd, CLONE_NEWNET)) {
		fprintf(stderr, "tcpsleuth: cannot return to the reader's network namespace: %s\n",
			strerror(errno));
		return -ENOTRECOVERABLE;
	}
	return ret;
}

struct sock_args {
	uint32_t ino;
	int domain, type, proto;
};

/*
 * The fd, or socket()'s -errno: not said, the caller may try another type,
 * except -ENOMEM, said here (tsl_netns_run()'s own -ENOMEM is said too).
 */
static int make_socket(void *arg)
{
	const struct sock_args *a = arg;
	int fd = socket(a->domain, a->type | SOCK_CLOEXEC, a->proto);

	if (fd >= 0)
		return fd;
	fd = -errno;
	if (fd == -ENOMEM)
		fprintf(stderr, "tcpsleuth: network namespace %u: cannot make a socket: %s\n",
			a->ino, strerror(-fd));
	return fd;
}

int tsl_netns_socket(struct tsl_netns *ns, uint32_t ino, int domain, int type,
		     int proto)
{
	struct sock_args a = { ino, domain, type, proto };

	return tsl_netns_run(ns, ino, make_socket, &a);
}

void tsl_netns_release(struct tsl_netns *ns, uint32_t ino)
{
	struct entry *e = find(ns, ino);

	if (!e)
		return;
	if (e->fd >= 0)
		close(e->fd);
	*e = ns->v[--ns->n];
}
