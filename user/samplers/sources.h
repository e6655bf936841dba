// SPDX-License-Identifier: GPL-2.0-or-later
// The samplers' sources: parsers of /proc, /sys and cgroup v2 files, and sock_diag queries of one socket.
#ifndef TSL_SOURCES_H
#define TSL_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <tcpsleuth.h>

#include "samplers.h"

/*
 * Parsers. Each reads files below a root directory ("/proc", "/sys", or a
 * test fixture) and returns 0, or a negative errno after printing one line
 * naming the file and the reason: -EINVAL for a malformed file, -ENOMEM, or
 * the -errno of the call that failed (a file that cannot be opened). Arrays
 * they fill are freed with the matching _free().
 */

/* /proc/net/snmp and /proc/net/netstat: every "Group: names" / "Group: values" pair. */
struct tsl_counter {
	char group[16];		/* "Tcp", "TcpExt", ... */
	char name[48];		/* "RetransSegs", ... */
	int64_t value;		/* a few (Tcp MaxConn) are signed */
};

struct tsl_counters {
	struct tsl_counter *v;
	size_t n, cap;
};

int tsl_sample_snmp(const char *procroot, struct tsl_counters *out);
/* One file (header/value line pairs), appended to @out. */
int tsl_sample_snmp_file(const char *path, struct tsl_counters *out);
void tsl_counters_free(struct tsl_counters *c);

/* /proc/stat and /proc/softirqs, indexed by CPU number. */
enum tsl_cpu_field {
	TSL_CPU_USER, TSL_CPU_NICE, TSL_CPU_SYSTEM, TSL_CPU_IDLE,
	TSL_CPU_IOWAIT, TSL_CPU_IRQ, TSL_CPU_SOFTIRQ, TSL_CPU_STEAL,
	TSL_CPU_NFIELDS,
};

/* The fields' names: the keys TSL_KEY_USER + field (recording.h). */
static inline const char *tsl_cpu_field_name(enum tsl_cpu_field i)
{
	return tsl_sample_key_name(TSL_KEY_USER + i);
}

struct tsl_cpu {
	bool online;		/* a "cpuN" line was seen */
	bool has_softirq;	/* a /proc/softirqs column was seen */
	uint64_t ticks[TSL_CPU_NFIELDS];
	uint64_t net_rx, net_tx;	/* softirqs raised */
};

struct tsl_cpus {
	struct tsl_cpu all;	/* the "cpu" line */
	struct tsl_cpu *v;	/* v[cpu], n = highest CPU + 1 */
	size_t n;
};

int tsl_sample_stat(const char *procroot, struct tsl_cpus *out);
int tsl_sample_softirqs(const char *procroot, struct tsl_cpus *out);
void tsl_cpus_free(struct tsl_cpus *c);
/* Share of each field between @a and @b in hundredths of a percent: 0, or 1 if no time passed. */
int tsl_cpu_percent(const struct tsl_cpu *a, const struct tsl_cpu *b,
		    uint32_t pct[TSL_CPU_NFIELDS]);

/* /proc/PID/stat, /proc/PID/status and /proc/PID/schedstat. */
struct tsl_proc {
	uint32_t pid;
	char state;		/* 'R', 'S', 'D', ... */
	uint64_t utime, stime;	/* clock ticks */
	uint64_t vcsw, nvcsw;	/* voluntary / nonvoluntary context switches */
	int processor;		/* CPU last run on (stat field 39); -1: unknown */
	bool has_schedstat;	/* the next three were read */
	uint64_t run_ns;	/* time on a CPU */
	uint64_t run_delay_ns;	/* time runnable, waiting on a run queue */
	uint64_t timeslices;
};

/* As the parsers, but -ENOENT, not said, when process @pid has exited. */
int tsl_sample_pid(const char *procroot, uint32_t pid, struct tsl_proc *out);

/* /sys/class/net/IF/statistics; a missing file leaves its bit clear (not an error). */
/* Counters: enum tsl_nic_stat, named by tsl_nic_stat_name() (recording.h). */

struct tsl_nic {
	char name[IF_NAMESIZE];
	uint32_t ifindex;
	uint32_t present;	/* bit per TSL_NIC_* read */
	uint64_t v[TSL_NIC_NSTATS];
};

struct tsl_nics {
	struct tsl_nic *v;
	size_t n;
};

int tsl_sample_nics(const char *sysroot, struct tsl_nics *out);
void tsl_nics_free(struct tsl_nics *n);

/*
 * cgroup v2: the CPU bandwidth control of a process's own group. Its
 * cpu.stat counts throttling by that group's own cpu.max only; from 6.6,
 * cpu.stat.local's throttled_usec also counts throttling inherited from
 * an ancestor's cpu.max (before 6.6 that is not seen from the group).
 */
enum tsl_cg_field {
	TSL_CG_NR_PERIODS, TSL_CG_NR_THROTTLED, TSL_CG_THROTTLED, TSL_CG_USAGE,
	TSL_CG_LOCAL_THROTTLED,		/* cpu.stat.local (6.6) */
	TSL_CG_QUOTA, TSL_CG_PERIOD,	/* cpu.max, us; quota -1: "max", none */
	TSL_CG_NFIELDS,
};

/* The fields' keys: TSL_KEY_NR_PERIODS + field (recording.h). */
struct tsl_cgroup {
	uint32_t present;	/* bit per field read */
	int64_t v[TSL_CG_NFIELDS];
};

/*
 * Where the cgroup2 hierarchy is mounted, from @procroot/self/mountinfo
 * (a mount point below /sys is taken below @sysroot), else
 * @sysroot/fs/cgroup: into @buf.
 */
void tsl_cgroup_mount(const char *procroot, const char *sysroot, char *buf,
		      size_t len);
/*
 * The group of process @pid ("/a/b", from the "0::" line of
 * @procroot/PID/cgroup) into @buf: 0; -ENOENT, not said, when the process
 * has exited or has no group of the reader's cgroup2 hierarchy.
 */
int tsl_cgroup_of(const char *procroot, uint32_t pid, char *buf, size_t len);
/*
 * cpu.stat, cpu.stat.local and cpu.max of @group below @mount: 0, missing
 * files leaving their bits clear (the root group, a controller not enabled,
 * an older kernel, a group just removed); or -EINVAL after saying which
 * file is malformed.
 */
int tsl_sample_cgroup(const char *mount, const char *group,
		      struct tsl_cgroup *out);

/* ---- sock_diag: tcp_info and skmem of one socket, by cookie ---- */


#define TSL_SKMEM_N	9	/* SK_MEMINFO_VARS of the oldest supported kernel */
#define TSL_TCP_INFO_MORE	32

/* One more value of tcp_info: a key of recording.h's list, a gauge or a counter. */
struct tsl_sock_value {
	uint16_t key;		/* enum tsl_sample_key */
	bool delta;		/* cumulative: written as TSL_SAMPLE_DELTA */
	int64_t value;
};

struct tsl_sockinfo {
	uint64_t cookie;
	uint8_t family, state;
	uint32_t rqueue, wqueue;	/* recv_q, send_q */
	bool has_info;
	uint32_t rtt_us, rttvar_us, snd_cwnd, snd_ssthresh, total_retrans;
	uint64_t delivery_rate;	/* bytes per second */
	/*
	 * The other fields of tcp_info that are sampled (tcp_info.c's table),
	 * those the kernel's struct is long enough to hold: a kernel before
	 * 6.8 has no rcv_wnd, one before 4.10 no busy time. Times in us, as
	 * their keys say; pacing_rate in bytes per second, -1 when unpaced.
	 */
	struct tsl_sock_value more[TSL_TCP_INFO_MORE];
	unsigned int n_more;
	bool has_skmem;
	uint32_t skmem[TSL_SKMEM_N];	/* SK_MEMINFO_* order: r, rb, t, tb, f, w, o, bl, d */
};

struct tsl_sock_diag;
struct nl_msg;
struct nlmsghdr;

/*
 * A sock_diag socket in the calling thread's namespace, @netns (0: the
 * reader's) being only for the message: 0, or after saying why -ENOMEM or
 * -EPROTONOSUPPORT (no NETLINK_SOCK_DIAG).
 */
int tsl_sock_diag_open(struct tsl_sock_diag **sd, uint32_t netns);
void tsl_sock_diag_close(struct tsl_sock_diag *sd);
/*
 * 0 and @out filled; -ENOENT, not said, if the socket is gone; after saying
 * why, -EINVAL (a malformed reply), -ENOMEM or -EIO.
 */
int tsl_sock_diag_query(struct tsl_sock_diag *sd, const struct tsl_sock_id *id,
			struct tsl_sockinfo *out);
/* The request for one socket (struct nl_msg *, to be nlmsg_free()d); NULL without memory, said. */
struct nl_msg *tsl_sock_diag_request(const struct tsl_sock_id *id, int family);
/* The INET_DIAG_INFO payload (struct tcp_info of any kernel's length); 0, or -EINVAL after saying it is too short. */
int tsl_tcp_info_parse(const void *data, size_t len, struct tsl_sockinfo *out);
/* Parse one SOCK_DIAG_BY_FAMILY reply; 0, or -EINVAL after saying what is malformed. */
int tsl_sock_diag_parse(const struct nlmsghdr *nlh, struct tsl_sockinfo *out);

/* ---- the sampler: one SAMPLE chunk per tick ---- */

#endif /* TSL_SOURCES_H */
