// SPDX-License-Identifier: GPL-2.0-or-later
// Network namespaces of traced flows: found by inode number, entered to create sockets.
#ifndef TSL_NETNS_H
#define TSL_NETNS_H

#include <stddef.h>
#include <stdint.h>

/*
 * A flow record names its namespace by inode number only. A handle is found
 * by stat()ing /proc/PID/ns/net of processes known to use the flow (tried
 * first), the bind mounts in /run/netns (what `ip netns add` makes), then
 * every /proc/PID/ns/net.
 *
 * Sockets stay in the namespace they were created in: a socket for another
 * namespace is made by moving the calling thread there with setns(), creating
 * it, and moving back. The reader is single-threaded; nothing else runs while
 * the thread is away.
 */

/* The inode number of the namespace file @path (st_ino); 0, or stat()'s -errno (not said). */
int tsl_netns_ino(const char *path, uint32_t *ino);

/*
 * An O_RDONLY descriptor of namespace @ino: @pids' namespaces first, then
 * @runroot's entries, then every process under @procroot. The descriptor's
 * own inode is checked, so a pid reused meanwhile is no danger.
 * Returns the descriptor, or -ENOENT when no handle was found.
 */
int tsl_netns_open(const char *procroot, const char *runroot, uint32_t ino,
		   const uint32_t *pids, size_t n_pids);

/* The namespaces in use: one descriptor each, and the reader's own. */
struct tsl_netns;

/*
 * NULL roots: "/proc" and "/run/netns". NULL after saying why: without
 * memory, or when the reader's own namespace cannot be opened below
 * @procroot (then flows in other namespaces cannot be sampled).
 */
struct tsl_netns *tsl_netns_new(const char *procroot, const char *runroot);
void tsl_netns_free(struct tsl_netns *ns);
/* The reader's own namespace: sockets for it need no switch. */
uint32_t tsl_netns_self(const struct tsl_netns *ns);
/* @pid is known to live in @ino (a flow's reader or owner): tried first. 0, or -ENOMEM (said). */
int tsl_netns_hint(struct tsl_netns *ns, uint32_t ino, uint32_t pid);

/*
 * Run @fn(@arg) with the calling thread in namespace @ino, then return to the
 * reader's namespace. Returns what @fn returned (said or not as @fn does);
 * else its own failure, said on stderr: -ENOENT when the namespace has no
 * handle, or setns()'s -errno when it could not be entered (either said once
 * per namespace, and not tried again until released); -ENOMEM;
 * -ENOTRECOVERABLE when the thread could not return (the caller must stop).
 * @ino 0 is the reader's namespace; @ns may be NULL, then only it is reached.
 */
int tsl_netns_run(struct tsl_netns *ns, uint32_t ino, int (*fn)(void *arg),
		  void *arg);
/*
 * socket(@domain, @type, @proto) in namespace @ino: the fd; or the negative
 * errno of tsl_netns_run(), said as above; or socket()'s, not said (the
 * caller may try another type) except -ENOMEM, said.
 */
int tsl_netns_socket(struct tsl_netns *ns, uint32_t ino, int domain, int type,
		     int proto);
/* Forget namespace @ino's handle, so it can go away once its sockets are closed. */
void tsl_netns_release(struct tsl_netns *ns, uint32_t ino);

#endif /* TSL_NETNS_H */
