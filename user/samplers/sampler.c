// SPDX-License-Identifier: GPL-2.0-or-later
// The sampler: takes every system sample once per tick and writes it as a SAMPLE chunk.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "netns.h"
#include "icmp_probe.h"
#include "qdisc.h"
#include "sources.h"

/* The name of a fixed sample key, from recording.h's one list. */
#define KEY(id)	tsl_sample_key_name(TSL_KEY_##id)

_Static_assert(TSL_KEY_SKMEM_D - TSL_KEY_SKMEM_R + 1 == TSL_SKMEM_N,
	       "a key per skmem value");

#define MAX_PIDS	1024
#define MAX_SOCKS	4096
#define TCP_CLOSE_STATE	7

/* Last raw value of a (source, key, id), to turn counters into deltas. */
struct last {
	uint64_t id;
	uint32_t key;		/* name id + 1; 0: empty slot */
	uint16_t src;
	int64_t value;
};

/* A flow's owner process, and the hash of its cgroup (0: none known yet). */
struct owner {
	uint32_t pid;
	uint64_t group;
};

/* A sock_diag socket made in another namespace: sockets stay where they were made. */
struct ns_diag {
	uint32_t ino;
	struct tsl_sock_diag *sd;	/* NULL: could not be made */
};

struct tsl_sampler {
	struct tsl_rec_writer *w;
	char *procroot, *sysroot;
	char *cgroot;		/* the cgroup2 mount; NULL until first needed */
	struct tsl_sock_diag *sd;	/* the reader's namespace */
	struct tsl_netns *ns;	/* NULL: flows elsewhere are not sampled */
	struct ns_diag *nsd;
	size_t n_nsd;
	struct tsl_pathprobe *pp;	/* NULL: peers are not probed */
	struct tsl_qdiscs *qd;	/* NULL: egress qdiscs are not read */
	uint64_t icmp_interval_ns, last_probe_ns, now_ns;
	uint32_t disabled;	/* sources that failed: not sampled again */
	long clk_tck;

	char **names;		/* name table; ids are indices */
	uint32_t n_names, names_cap, names_written;
	uint32_t *name_hash;	/* open addressing: id + 1, 0 empty */
	uint32_t name_hash_cap;

	struct last *last;
	size_t n_last, last_cap;

	struct tsl_rec_sample_entry *e;
	size_t n_e, e_cap;
	uint32_t sources;

	struct tsl_cpus cpus, prev_cpus, irqs;
	bool have_prev_cpus;
	struct tsl_counters counters;
	struct tsl_nics nics;

	struct owner *pids;
	size_t n_pids;
	struct tsl_sock_id *socks;
	size_t n_socks;
	uint64_t last_ns;
};

/*
 * Errors: a function that can fail returns 0 or a negative errno, said where
 * it is found (here, by oom()); a source that fails for good returns 1 from
 * its take_*() and is not sampled again.
 */
static int oom(void)
{
	fprintf(stderr, "tcpsleuth: sampler: out of memory\n");
	return -ENOMEM;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static int name_rehash(struct tsl_sampler *s)
{
	uint32_t cap = s->name_hash_cap ? s->name_hash_cap * 2 : 1024, i;
	uint32_t *h = calloc(cap, sizeof(*h));

	if (!h)
		return oom();
	for (i = 0; i < s->n_names; i++) {
		uint32_t j = hash_str(s->names[i]) & (cap - 1);

		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = i + 1;
	}
	free(s->name_hash);
	s->name_hash = h;
	s->name_hash_cap = cap;
	return 0;
}

static int name_append(struct tsl_sampler *s, const char *name)
{
	if (s->n_names == s->names_cap) {
		uint32_t cap = s->names_cap ? s->names_cap * 2 : 256;
		void *p = realloc(s->names, cap * sizeof(*s->names));

		if (!p)
			return oom();
		s->names = p;
		s->names_cap = cap;
	}
	s->names[s->n_names] = strdup(name);
	return s->names[s->n_names] ? 0 : oom();
}

/* The id of @name in the recording's name table; -ENOMEM (said). */
static int64_t intern(struct tsl_sampler *s, const char *name)
{
	uint32_t j;
	int err;

	if ((s->n_names + 1) * 2 > s->name_hash_cap) {
		err = name_rehash(s);
		if (err)
			return err;
	}
	j = hash_str(name) & (s->name_hash_cap - 1);
	for (; s->name_hash[j]; j = (j + 1) & (s->name_hash_cap - 1))
		if (!strcmp(s->names[s->name_hash[j] - 1], name))
			return s->name_hash[j] - 1;
	err = name_append(s, name);
	if (err)
		return err;
	s->name_hash[j] = ++s->n_names;
	return s->n_names - 1;
}

static int emit_key(struct tsl_sampler *s, uint16_t src, uint16_t flags,
		    uint32_t key, uint64_t id, int64_t value)
{
	if (s->n_e == s->e_cap) {
		size_t cap = s->e_cap ? s->e_cap * 2 : 512;
		void *p = realloc(s->e, cap * sizeof(*s->e));

		if (!p)
			return oom();
		s->e = p;
		s->e_cap = cap;
	}
	s->e[s->n_e++] = (struct tsl_rec_sample_entry){
		.source = src, .flags = flags, .key = key, .id = id,
		.value = value,
	};
	return 0;
}

static int gauge(struct tsl_sampler *s, uint16_t src, const char *name,
		 uint64_t id, int64_t value)
{
	int64_t key = intern(s, name);

	return key < 0 ? (int)key : emit_key(s, src, 0, key, id, value);
}

/* The slot of (@src, @key, @id), empty if new; NULL without memory (said). */
static struct last *last_slot(struct tsl_sampler *s, uint16_t src,
			      uint32_t key, uint64_t id)
{
	size_t cap = s->last_cap, i, j;

	if ((s->n_last + 1) * 2 > cap) {
		struct last *old = s->last, *n;

		cap = cap ? cap * 2 : 4096;
		n = calloc(cap, sizeof(*n));
		if (!n) {
			oom();
			return NULL;
		}
		for (i = 0; i < s->last_cap; i++) {
			if (!old[i].key)
				continue;
			j = (old[i].key * 31 + old[i].id * 131 + old[i].src) & (cap - 1);
			while (n[j].key)
				j = (j + 1) & (cap - 1);
			n[j] = old[i];
		}
		free(old);
		s->last = n;
		s->last_cap = cap;
	}
	j = ((key + 1) * 31 + id * 131 + src) & (cap - 1);
	for (; s->last[j].key; j = (j + 1) & (cap - 1))
		if (s->last[j].key == key + 1 && s->last[j].id == id &&
		    s->last[j].src == src)
			return &s->last[j];
	return &s->last[j];
}

/* What delta_m() writes. */
enum delta_mode {
	CHANGED,	/* the increase, when not zero */
	WITH_ZERO,	/* also when zero: a zero is news */
	REBASE,		/* nothing: @raw is a new baseline (a new group) */
};

/* A counter: its increase since the previous tick, as @mode says. */
static int delta_m(struct tsl_sampler *s, uint16_t src, const char *name,
		   uint64_t id, int64_t raw, enum delta_mode mode)
{
	int64_t key = intern(s, name);
	struct last *l;

	if (key < 0)
		return key;
	l = last_slot(s, src, key, id);
	if (!l)
		return -ENOMEM;
	if (!l->key) {
		*l = (struct last){ .key = key + 1, .id = id, .src = src,
				    .value = raw };
		s->n_last++;
		return 0;
	}
	if ((raw == l->value && mode != WITH_ZERO) || mode == REBASE) {
		l->value = raw;
		return 0;
	}
	raw -= l->value;
	l->value += raw;
	return emit_key(s, src, TSL_SAMPLE_DELTA, key, id, raw);
}

static int delta(struct tsl_sampler *s, uint16_t src, const char *name,
		 uint64_t id, int64_t raw)
{
	return delta_m(s, src, name, id, raw, CHANGED);
}

/* ---- sources ---- */

static int take_snmp(struct tsl_sampler *s)
{
	char name[80];
	size_t i;
	int err;

	if (tsl_sample_snmp(s->procroot, &s->counters))
		return 1;	/* said */
	for (i = 0; i < s->counters.n; i++) {
		const struct tsl_counter *c = &s->counters.v[i];

		snprintf(name, sizeof(name), "%s.%s", c->group, c->name);
		err = delta(s, TSL_SRC_SNMP, name, 0, c->value);
		if (err)
			return err;
	}
	return 0;
}

static int cpu_percent(struct tsl_sampler *s, const struct tsl_cpu *a,
		       const struct tsl_cpu *b, uint64_t id)
{
	uint32_t pct[TSL_CPU_NFIELDS];
	int i, err;

	/* no time passed (1): nothing to say */
	if (!a->online || !b->online || tsl_cpu_percent(a, b, pct))
		return 0;
	for (i = 0; i < TSL_CPU_NFIELDS; i++) {
		int64_t key;

		/* zero shares are left out, except idle: 0 % idle is news */
		if (!pct[i] && i != TSL_CPU_IDLE)
			continue;
		key = intern(s, tsl_cpu_field_name(i));
		if (key < 0)
			return key;
		err = emit_key(s, TSL_SRC_CPU, TSL_SAMPLE_CENTI, key, id, pct[i]);
		if (err)
			return err;
	}
	return 0;
}

static int take_cpus(struct tsl_sampler *s)
{
	struct tsl_cpus t;
	size_t i;
	int err;

	if (tsl_sample_stat(s->procroot, &s->cpus))
		return 1;	/* said */
	if (s->have_prev_cpus) {
		err = cpu_percent(s, &s->prev_cpus.all, &s->cpus.all,
				  TSL_SAMPLE_ALL);
		for (i = 0; !err && i < s->cpus.n && i < s->prev_cpus.n; i++)
			err = cpu_percent(s, &s->prev_cpus.v[i], &s->cpus.v[i], i);
		if (err)
			return err;
	}
	t = s->prev_cpus;
	s->prev_cpus = s->cpus;
	s->cpus = t;
	s->have_prev_cpus = true;
	return 0;
}

static int take_softirqs(struct tsl_sampler *s)
{
	size_t i;
	int err = 0;

	for (i = 0; i < s->irqs.n; i++)
		s->irqs.v[i].has_softirq = false;
	if (tsl_sample_softirqs(s->procroot, &s->irqs))
		return 1;	/* said */
	for (i = 0; !err && i < s->irqs.n; i++) {
		const struct tsl_cpu *c = &s->irqs.v[i];

		if (!c->has_softirq)
			continue;
		err = delta(s, TSL_SRC_SOFTIRQ, KEY(NET_RX), i, c->net_rx);
		if (!err)
			err = delta(s, TSL_SRC_SOFTIRQ, KEY(NET_TX), i, c->net_tx);
	}
	return err;
}

static int take_nics(struct tsl_sampler *s)
{
	char name[IF_NAMESIZE + 32];
	size_t i;
	int j, err;

	if (tsl_sample_nics(s->sysroot, &s->nics))
		return 1;	/* said */
	for (i = 0; i < s->nics.n; i++) {
		const struct tsl_nic *n = &s->nics.v[i];

		for (j = 0; j < TSL_NIC_NSTATS; j++) {
			if (!(n->present & (1u << j)))
				continue;
			snprintf(name, sizeof(name), "%s.%s", n->name,
				 tsl_nic_stat_name(j));
			err = delta(s, TSL_SRC_NIC, name, n->ifindex, n->v[j]);
			if (err)
				return err;
		}
	}
	return 0;
}

static void drop_at(void *v, size_t *n, size_t i, size_t size)
{
	char *p = v;

	memmove(p + i * size, p + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
}

/* One process's entries: 0, or the first error (said). */
static int proc_entries(struct tsl_sampler *s, const struct tsl_proc *p)
{
	uint32_t pid = p->pid;
	int err;

	err = gauge(s, TSL_SRC_PROC, KEY(STATE), pid, p->state);
	if (!err)
		err = delta(s, TSL_SRC_PROC, KEY(UTIME), pid,
			    p->utime * 1000 / s->clk_tck);
	if (!err)
		err = delta(s, TSL_SRC_PROC, KEY(STIME), pid,
			    p->stime * 1000 / s->clk_tck);
	if (!err)
		err = delta(s, TSL_SRC_PROC, KEY(VCSW), pid, p->vcsw);
	if (!err)
		err = delta(s, TSL_SRC_PROC, KEY(NVCSW), pid, p->nvcsw);
	if (!err && p->processor >= 0)
		err = gauge(s, TSL_SRC_PROC, KEY(PROCESSOR), pid, p->processor);
	if (err || !p->has_schedstat)
		return err;
	err = delta_m(s, TSL_SRC_PROC, KEY(RUN_DELAY), pid, p->run_delay_ns,
		      WITH_ZERO);
	if (!err)
		err = delta(s, TSL_SRC_PROC, KEY(RUN), pid, p->run_ns);
	if (!err)
		err = delta(s, TSL_SRC_PROC, KEY(TIMESLICES), pid, p->timeslices);
	return err;
}

static int take_procs(struct tsl_sampler *s)
{
	char path[PATH_MAX];
	struct tsl_proc p;
	size_t i = 0;
	int err;

	while (i < s->n_pids) {
		uint32_t pid = s->pids[i].pid;

		snprintf(path, sizeof(path), "%s/%u", s->procroot, pid);
		/*
		 * A process that exited (-ENOENT) is forgotten without a
		 * word; one whose files cannot be read is forgotten too, the
		 * parser said why.
		 */
		if (access(path, F_OK) || tsl_sample_pid(s->procroot, pid, &p)) {
			drop_at(s->pids, &s->n_pids, i, sizeof(*s->pids));
			continue;
		}
		err = proc_entries(s, &p);
		if (err)
			return err;
		i++;
	}
	return 0;
}

/*
 * One process's group: its counters as deltas; a process that moved to
 * another group starts from that group's values, written from the next tick.
 */
static int cgroup_entries(struct tsl_sampler *s, struct owner *o,
			  const struct tsl_cgroup *cg, uint64_t group)
{
	enum delta_mode mode = o->group == group ? CHANGED : REBASE;
	int i, err = 0;

	o->group = group;
	for (i = 0; !err && i < TSL_CG_NFIELDS; i++) {
		const char *name = tsl_sample_key_name(TSL_KEY_NR_PERIODS + i);

		if (!(cg->present & (1u << i)))
			continue;
		if (i == TSL_CG_QUOTA || i == TSL_CG_PERIOD)
			err = gauge(s, TSL_SRC_CGROUP, name, o->pid, cg->v[i]);
		else
			err = delta_m(s, TSL_SRC_CGROUP, name, o->pid, cg->v[i],
				      mode);
	}
	return err;
}

/* The owners' groups; processes that exited were dropped by take_procs(). */
static int take_cgroups(struct tsl_sampler *s)
{
	char group[PATH_MAX], mount[PATH_MAX];
	struct tsl_cgroup cg;
	size_t i;
	int err;

	if (!s->cgroot) {
		tsl_cgroup_mount(s->procroot, s->sysroot, mount, sizeof(mount));
		s->cgroot = strdup(mount);
		if (!s->cgroot)
			return oom();
	}
	for (i = 0; i < s->n_pids; i++) {
		struct owner *o = &s->pids[i];

		if (tsl_cgroup_of(s->procroot, o->pid, group, sizeof(group)))
			continue;	/* exited since, or no group */
		if (tsl_sample_cgroup(s->cgroot, group, &cg))
			return 1;	/* said */
		/* bit 32 set: never the 0 of an owner whose group is not known yet */
		err = cgroup_entries(s, o, &cg, hash_str(group) | 1ull << 32);
		if (err)
			return err;
	}
	return 0;
}

/* One socket's entries: 0, or the first error (said). */
static int sock_entries(struct tsl_sampler *s, const struct tsl_sockinfo *si)
{
	const struct {
		enum tsl_sample_key key;
		int64_t value;
		bool has;
	} g[] = {
		{ TSL_KEY_STATE, si->state, true },
		{ TSL_KEY_RECV_Q, si->rqueue, true },
		{ TSL_KEY_SEND_Q, si->wqueue, true },
		{ TSL_KEY_RTT, si->rtt_us, si->has_info },
		{ TSL_KEY_RTTVAR, si->rttvar_us, si->has_info },
		{ TSL_KEY_CWND, si->snd_cwnd, si->has_info },
		{ TSL_KEY_SSTHRESH, si->snd_ssthresh, si->has_info },
		{ TSL_KEY_DELIVERY_RATE, (int64_t)si->delivery_rate, si->has_info },
		{ TSL_KEY_TOTAL_RETRANS, si->total_retrans, si->has_info },
	};
	uint64_t id = si->cookie;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < sizeof(g) / sizeof(g[0]); i++)
		if (g[i].has)
			err = gauge(s, TSL_SRC_SOCK, tsl_sample_key_name(g[i].key),
				    id, g[i].value);
	for (i = 0; !err && si->has_skmem && i < TSL_SKMEM_N; i++)
		err = gauge(s, TSL_SRC_SOCK, tsl_sample_key_name(TSL_KEY_SKMEM_R + i),
			    id, si->skmem[i]);
	for (i = 0; !err && si->has_info && i < si->n_more; i++) {
		const struct tsl_sock_value *v = &si->more[i];
		const char *name = tsl_sample_key_name(v->key);

		err = v->delta ? delta(s, TSL_SRC_SOCK, name, id, v->value) :
				 gauge(s, TSL_SRC_SOCK, name, id, v->value);
	}
	return err;
}

/* Is @netns one the reader can reach: its own, or any with a handle? */
static bool reachable(const struct tsl_sampler *s, uint32_t netns)
{
	return !netns || s->ns;
}

static bool own_ns(const struct tsl_sampler *s, uint32_t netns)
{
	return !netns || (s->ns && netns == tsl_netns_self(s->ns));
}

struct open_diag {
	struct tsl_sock_diag **sd;
	uint32_t ino;
};

static int open_diag(void *arg)
{
	struct open_diag *a = arg;

	return tsl_sock_diag_open(a->sd, a->ino);
}

/*
 * The sock_diag socket of namespace @ino: 0; -ENOENT if none can be made
 * there (said once, by netns or sock_diag); -ENOMEM or -ENOTRECOVERABLE (said).
 */
static int diag_of(struct tsl_sampler *s, uint32_t ino,
		   struct tsl_sock_diag **sd)
{
	struct ns_diag *d;
	size_t i;
	int err;

	for (i = 0; i < s->n_nsd; i++) {
		if (s->nsd[i].ino == ino) {
			*sd = s->nsd[i].sd;
			return *sd ? 0 : -ENOENT;
		}
	}
	d = realloc(s->nsd, (s->n_nsd + 1) * sizeof(*s->nsd));
	if (!d)
		return oom();
	s->nsd = d;
	d = &s->nsd[s->n_nsd++];
	*d = (struct ns_diag){ .ino = ino };
	err = tsl_netns_run(s->ns, ino, open_diag,
			    &(struct open_diag){ &d->sd, ino });
	if (err == -ENOTRECOVERABLE)
		return err;	/* not -ENOENT: the sampler must stop */
	if (err)
		d->sd = NULL;	/* its flows are dropped: said once, by netns or sock_diag */
	*sd = d->sd;
	return err ? -ENOENT : 0;
}

/* Namespaces no traced flow uses any more are let go. */
static void release_namespaces(struct tsl_sampler *s)
{
	size_t i = 0, j;

	while (i < s->n_nsd) {
		for (j = 0; j < s->n_socks; j++)
			if (s->socks[j].netns == s->nsd[i].ino)
				break;
		if (j < s->n_socks) {
			i++;
			continue;
		}
		tsl_sock_diag_close(s->nsd[i].sd);
		tsl_netns_release(s->ns, s->nsd[i].ino);
		drop_at(s->nsd, &s->n_nsd, i, sizeof(*s->nsd));
	}
}

static void forget_sock(struct tsl_sampler *s, size_t i)
{
	if (s->pp)
		tsl_pathprobe_remove(s->pp, s->socks[i].cookie);
	if (s->qd)
		tsl_qdiscs_remove(s->qd, s->socks[i].cookie);
	drop_at(s->socks, &s->n_socks, i, sizeof(*s->socks));
}

/*
 * One socket: 0 and @si; -ENOENT, not an error (it is gone, or its namespace
 * is); 1 when sock_diag failed (said); -ENOMEM or -ENOTRECOVERABLE (said).
 */
static int query_sock(struct tsl_sampler *s, const struct tsl_sock_id *id,
		      struct tsl_sockinfo *si)
{
	struct tsl_sock_diag *sd = s->sd;
	int err;

	if (!reachable(s, id->netns))
		return -ENOENT;
	if (!own_ns(s, id->netns)) {
		err = diag_of(s, id->netns, &sd);
		if (err)
			return err;
	}
	err = tsl_sock_diag_query(sd, id, si);
	if (err && err != -ENOENT)
		return 1;	/* said */
	return err;
}

static int take_socks(struct tsl_sampler *s)
{
	struct tsl_sockinfo si;
	size_t i = 0;
	int err;

	if (!s->sd && tsl_sock_diag_open(&s->sd, 0))
		return 1;	/* said */
	while (i < s->n_socks) {
		err = query_sock(s, &s->socks[i], &si);
		if (err == -ENOENT) {	/* closed, or its namespace is gone */
			forget_sock(s, i);
			continue;
		}
		if (!err)
			err = sock_entries(s, &si);
		if (err)
			return err;
		i++;
	}
	if (s->ns)
		release_namespaces(s);
	return 0;
}

static int probe_result(void *arg, const struct tsl_probe_result *r)
{
	struct tsl_sampler *s = arg;
	int64_t key;
	int err;

	if (r->has_rtt) {
		err = gauge(s, TSL_SRC_ICMP, KEY(ICMP_RTT), r->cookie, r->rtt_us);
		if (err)
			return err;
	}
	if (!r->lost)
		return 0;
	key = intern(s, KEY(ICMP_LOST));
	return key < 0 ? (int)key : emit_key(s, TSL_SRC_ICMP, TSL_SAMPLE_DELTA,
					      key, r->cookie, r->lost);
}

static int take_icmp(struct tsl_sampler *s)
{
	bool send = !s->last_probe_ns || !s->icmp_interval_ns ||
		    /* a tick a little early still sends */
		    s->now_ns - s->last_probe_ns >=
		    s->icmp_interval_ns - s->icmp_interval_ns / 10;
	int err;

	if (!s->pp)
		return 1;
	err = tsl_pathprobe_tick(s->pp, send, probe_result, s);
	if (err)
		return err;	/* said */
	if (send)
		s->last_probe_ns = s->now_ns;
	return 0;
}

static int qdisc_result(void *arg, const struct tsl_qdisc_result *r)
{
	const struct {
		enum tsl_sample_key key;
		uint64_t value;
	} g[] = {
		{ TSL_KEY_QDISC_IFINDEX, r->st.ifindex },
		{ TSL_KEY_BACKLOG, r->st.backlog },
		{ TSL_KEY_QLEN, r->st.qlen },
	}, d[] = {
		{ TSL_KEY_QDISC_DROPS, r->st.drops },
		{ TSL_KEY_OVERLIMITS, r->st.overlimits },
		{ TSL_KEY_REQUEUES, r->st.requeues },
		{ TSL_KEY_SENT_BYTES, r->st.bytes },
		{ TSL_KEY_SENT_PACKETS, r->st.packets },
	};
	struct tsl_sampler *s = arg;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < sizeof(g) / sizeof(g[0]); i++)
		err = gauge(s, TSL_SRC_QDISC, tsl_sample_key_name(g[i].key),
			    r->cookie, g[i].value);
	for (i = 0; !err && i < sizeof(d) / sizeof(d[0]); i++)
		err = delta_m(s, TSL_SRC_QDISC, tsl_sample_key_name(d[i].key),
			      r->cookie, d[i].value,
			      r->rebase ? REBASE : CHANGED);
	return err;
}

static int take_qdiscs(struct tsl_sampler *s)
{
	if (!s->qd)
		return 1;
	return tsl_qdiscs_tick(s->qd, s->now_ns, qdisc_result, s);
}

/* ---- the tick ---- */

static int write_names(struct tsl_sampler *s)
{
	size_t len = 0, off = 0;
	uint32_t i;
	char *buf;
	int ret;

	if (s->names_written == s->n_names)
		return 0;
	for (i = s->names_written; i < s->n_names; i++)
		len += strlen(s->names[i]) + 1;
	buf = malloc(len);
	if (!buf)
		return oom();
	for (i = s->names_written; i < s->n_names; i++) {
		size_t n = strlen(s->names[i]) + 1;

		memcpy(buf + off, s->names[i], n);
		off += n;
	}
	ret = tsl_rec_write_names(s->w, s->names_written,
				  s->n_names - s->names_written, buf, len);
	free(buf);
	if (ret)
		return ret;	/* the writer says why, when it is finished */
	s->names_written = s->n_names;
	return 0;
}

/* 0 when sampled; 1 when the source failed for good (said): not sampled again; < 0 (said). */
typedef int (*take_fn)(struct tsl_sampler *s);

static const struct {
	uint16_t src;
	take_fn take;
} sources[] = {
	{ TSL_SRC_SNMP, take_snmp },
	{ TSL_SRC_CPU, take_cpus },
	{ TSL_SRC_SOFTIRQ, take_softirqs },
	{ TSL_SRC_NIC, take_nics },
	{ TSL_SRC_PROC, take_procs },
	{ TSL_SRC_CGROUP, take_cgroups },
	{ TSL_SRC_SOCK, take_socks },
	{ TSL_SRC_QDISC, take_qdiscs },
	{ TSL_SRC_ICMP, take_icmp },
};

int tsl_sampler_tick(struct tsl_sampler *s, uint64_t mono_ns)
{
	struct tsl_rec_sample h = {
		.version = TSL_SAMPLE_VERSION,
		.entry_size = sizeof(struct tsl_rec_sample_entry),
		.mono_ns = mono_ns,
		.interval_ns = s->last_ns ? mono_ns - s->last_ns : 0,
	};
	size_t i;
	int ret;

	s->n_e = 0;
	s->now_ns = mono_ns;
	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		uint32_t bit = 1u << sources[i].src;

		if (s->disabled & bit)
			continue;
		ret = sources[i].take(s);
		if (ret < 0)
			return ret;	/* said */
		if (ret > 0)	/* said why; not tried again */
			s->disabled |= bit;
		else
			h.sources |= bit;
	}
	s->last_ns = mono_ns;
	h.n_entries = s->n_e;
	ret = write_names(s);
	if (ret)
		return ret;
	ret = tsl_rec_write_sample(s->w, &h, s->e);
	return ret;	/* the writer says why, when it is finished */
}

/* ---- what to sample ---- */

/* 1 when @pid is new, 0 when known or refused, -ENOMEM (said). */
static int add_pid(struct tsl_sampler *s, uint32_t pid)
{
	size_t i;
	void *p;

	for (i = 0; i < s->n_pids; i++)
		if (s->pids[i].pid == pid)
			return 0;
	if (!pid || s->n_pids >= MAX_PIDS)
		return 0;
	p = realloc(s->pids, (s->n_pids + 1) * sizeof(*s->pids));
	if (!p)
		return oom();
	s->pids = p;
	s->pids[s->n_pids++] = (struct owner){ .pid = pid };
	return 1;
}

int tsl_sampler_add_pid(struct tsl_sampler *s, uint32_t pid)
{
	int ret = add_pid(s, pid);

	return ret < 0 ? ret : 0;
}

int tsl_sampler_add_sock(struct tsl_sampler *s, const struct tsl_sock_id *id)
{
	size_t i;
	void *p;
	int err;

	for (i = 0; i < s->n_socks; i++)
		if (s->socks[i].cookie == id->cookie)
			return 0;
	if (s->n_socks >= MAX_SOCKS)
		return 0;
	p = realloc(s->socks, (s->n_socks + 1) * sizeof(*s->socks));
	if (!p)
		return oom();
	s->socks = p;
	s->socks[s->n_socks++] = *id;
	/* a namespace without a handle is never entered, nor probed from elsewhere */
	if (!reachable(s, id->netns))
		return 0;
	if (s->qd) {
		err = tsl_qdiscs_add(s->qd, id->cookie, id->netns, id->family,
				     id->saddr, id->daddr);
		if (err)
			return err;	/* said */
	}
	if (!s->pp)
		return 0;
	err = tsl_pathprobe_add(s->pp, id->cookie, id->netns, id->family,
				id->daddr);
	return err < 0 ? err : 0;	/* 1: not probed, not an error */
}

/* A new process of flow @cookie: where to look first for its namespace. 0, -ENOMEM (said). */
static int hint(struct tsl_sampler *s, uint64_t cookie, uint32_t pid)
{
	size_t i;

	if (!s->ns)
		return 0;
	for (i = 0; i < s->n_socks; i++)
		if (s->socks[i].cookie == cookie)
			return tsl_netns_hint(s->ns, s->socks[i].netns, pid);
	return 0;
}

static int observe_pid(struct tsl_sampler *s, uint64_t cookie, uint32_t pid)
{
	int ret = add_pid(s, pid);

	return ret > 0 ? hint(s, cookie, pid) : ret;
}

static int observe_one(struct tsl_sampler *s, const struct tsl_event *ev)
{
	struct tsl_sock_id id = { .cookie = ev->cookie };

	switch (ev->kind) {
	case TSL_EV_FLOW:
		id.family = ev->flags & TSL_F_IPV6 ? AF_INET6 : AF_INET;
		memcpy(id.saddr, ev->flow.saddr, sizeof(id.saddr));
		memcpy(id.daddr, ev->flow.daddr, sizeof(id.daddr));
		id.sport = ev->flow.sport;
		id.dport = ev->flow.dport;
		id.netns = ev->flow.netns;
		return tsl_sampler_add_sock(s, &id);
	case TSL_EV_READ:
		return observe_pid(s, ev->cookie, ev->read.pid);
	case TSL_EV_STATE:
		return observe_pid(s, ev->cookie, ev->state.pid);
	}
	return 0;
}

int tsl_sampler_observe(struct tsl_sampler *s, const struct tsl_event *ev,
			unsigned int n)
{
	struct tsl_event e;
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		/* records in a netlink attribute need not be aligned */
		memcpy(&e, (const char *)ev + (size_t)i * sizeof(e), sizeof(e));
		err = observe_one(s, &e);
		if (err)
			return err;
	}
	return 0;
}

/* Namespaces and the prober, unless neither sockets nor peers are sampled. 0, -ENOMEM (said). */
static int new_network(struct tsl_sampler *s, const struct tsl_sampler_opts *o)
{
	struct tsl_pathprobe_opts po = { 0 };

	if (o->no_sock_diag && o->no_icmp)
		return 0;
	/* NULL: said why; then flows in other namespaces are not sampled */
	s->ns = tsl_netns_new(s->procroot, o->runroot);
	if (!o->no_sock_diag) {
		s->qd = tsl_qdiscs_new(s->ns);
		if (!s->qd)
			return -ENOMEM;	/* said */
	}
	if (o->no_icmp)
		return 0;
	s->icmp_interval_ns = o->icmp_interval_ns;
	s->pp = tsl_pathprobe_new(s->ns, &po);
	return s->pp ? 0 : -ENOMEM;	/* said */
}

struct tsl_sampler *tsl_sampler_new(struct tsl_rec_writer *w,
				    const struct tsl_sampler_opts *o)
{
	struct tsl_sampler *s = calloc(1, sizeof(*s));

	if (!s) {
		oom();
		return NULL;
	}
	s->w = w;
	s->procroot = strdup(o->procroot ? o->procroot : "/proc");
	s->sysroot = strdup(o->sysroot ? o->sysroot : "/sys");
	if (!s->procroot || !s->sysroot) {
		oom();
		goto err;
	}
	if (o->no_sock_diag)
		s->disabled |= 1u << TSL_SRC_SOCK | 1u << TSL_SRC_QDISC;
	if (o->no_icmp)
		s->disabled |= 1u << TSL_SRC_ICMP;
	if (new_network(s, o))
		goto err;	/* said */
	s->clk_tck = sysconf(_SC_CLK_TCK);
	if (s->clk_tck <= 0)
		s->clk_tck = 100;
	return s;

err:
	tsl_sampler_free(s);
	return NULL;
}

void tsl_sampler_free(struct tsl_sampler *s)
{
	uint32_t i;

	if (!s)
		return;
	tsl_pathprobe_free(s->pp);
	tsl_qdiscs_free(s->qd);
	tsl_sock_diag_close(s->sd);
	for (i = 0; i < s->n_nsd; i++)
		tsl_sock_diag_close(s->nsd[i].sd);
	free(s->nsd);
	tsl_netns_free(s->ns);
	for (i = 0; i < s->n_names; i++)
		free(s->names[i]);
	free(s->names);
	free(s->name_hash);
	free(s->last);
	free(s->e);
	tsl_cpus_free(&s->cpus);
	tsl_cpus_free(&s->prev_cpus);
	tsl_cpus_free(&s->irqs);
	tsl_counters_free(&s->counters);
	tsl_nics_free(&s->nics);
	free(s->pids);
	free(s->socks);
	free(s->procroot);
	free(s->sysroot);
	free(s->cgroot);
	free(s);
}
