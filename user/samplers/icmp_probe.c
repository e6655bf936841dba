// SPDX-License-Identifier: GPL-2.0-or-later
// The path prober: ICMP echo to each traced flow's peer, from the flow's namespace.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/net_tstamp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "icmp_probe.h"

#define PENDING		4096	/* probes in flight per socket; divides 65536 */
#define MAX_RTTS	8	/* replies kept per peer per tick */
#define MAX_READS	1024	/* replies read per socket per tick */
#define NO_PEER		UINT16_MAX

struct echo {
	uint8_t type, code;
	uint16_t csum, id, seq;
	char data[sizeof(TSL_PROBE_PAYLOAD)];
};
_Static_assert(sizeof(struct echo) == TSL_PROBE_LEN, "echo layout");

struct pending {
	uint64_t sent_ns;
	uint16_t seq;
	uint16_t peer;		/* NO_PEER: free */
};

/* One socket per (namespace, family). */
struct psock {
	uint32_t netns;
	uint8_t family;
	bool open;		/* tried: fd, or failed */
	bool failed;
	bool raw;
	int fd;
	uint16_t id, next_seq;
	unsigned int n_peers;
	struct pending *pending;	/* PENDING, by seq % PENDING */
};

struct peer {
	bool used;
	bool refused;		/* its socket failed: not probed */
	uint8_t family;
	uint8_t addr[16];
	uint32_t netns;
	unsigned int sock;
	unsigned int refs;
	uint32_t rtt[MAX_RTTS];	/* this tick's replies, microseconds */
	unsigned int n_rtt;
	uint32_t lost;		/* this tick */
};

struct flow {
	uint64_t cookie;
	unsigned int peer;
};

struct tsl_pathprobe {
	struct tsl_netns *ns;
	struct tsl_pathprobe_opts o;
	struct peer *peers;	/* o.max_peers */
	struct psock *socks;
	size_t n_socks;
	struct flow *flows;
	size_t n_flows, flows_cap;
	bool said_full;
};

static uint64_t realtime_ns(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t now(const struct tsl_pathprobe *pp)
{
	return pp->o.clock(pp->o.clock_arg);
}

static int oom(void)
{
	fprintf(stderr, "tcpsleuth: path probe: out of memory\n");
	return -ENOMEM;
}

/* ---- packets ---- */

static uint16_t csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

size_t tsl_icmp_echo_build(int family, uint16_t id, uint16_t seq, void *buf)
{
	struct echo e = {
		.type = family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST,
		.id = htons(id), .seq = htons(seq), .data = TSL_PROBE_PAYLOAD,
	};

	/* ICMPv6's sum covers a pseudo-header: the kernel computes it */
	if (family == AF_INET)
		e.csum = csum(&e, sizeof(e));
	memcpy(buf, &e, sizeof(e));
	return sizeof(e);
}

int tsl_icmp_echo_parse(int family, bool ip_header, const void *buf,
			size_t len, uint16_t *id, uint16_t *seq)
{
	const uint8_t *p = buf;
	struct echo e;

	if (ip_header) {
		size_t ihl;

		if (len < 20 || p[0] >> 4 != 4)
			return 1;
		ihl = (p[0] & 0xf) * 4;
		if (ihl < 20 || ihl > len)
			return 1;
		p += ihl;
		len -= ihl;
	}
	if (len < sizeof(e))
		return 1;
	memcpy(&e, p, sizeof(e));
	if (e.type != (family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY) ||
	    e.code || memcmp(e.data, TSL_PROBE_PAYLOAD, sizeof(e.data)))
		return 1;
	*id = ntohs(e.id);
	*seq = ntohs(e.seq);
	return 0;
}

/* ---- peers and flows ---- */

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Only one host's address: not unspecified, multicast or broadcast. */
static bool unicast(int family, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (family == AF_INET)
		return memcmp(a, zero, 4) && a[0] < 224;
	return memcmp(a, zero, 16) && a[0] != 0xff;
}

/* The index of peer (@netns, @family, @addr), or -ENOENT. */
static int find_peer(struct tsl_pathprobe *pp, uint32_t netns, int family,
		     const uint8_t *addr)
{
	unsigned int i;

	for (i = 0; i < pp->o.max_peers; i++) {
		const struct peer *p = &pp->peers[i];

		if (p->used && p->netns == netns && p->family == family &&
		    !memcmp(p->addr, addr, addr_len(family)))
			return i;
	}
	return -ENOENT;
}

static int get_sock(struct tsl_pathprobe *pp, uint32_t netns, int family)
{
	struct psock *s;
	size_t i;
	void *p;

	for (i = 0; i < pp->n_socks; i++)
		if (pp->socks[i].netns == netns && pp->socks[i].family == family)
			return i;
	for (i = 0; i < pp->n_socks && pp->socks[i].pending; i++)
		;
	if (i == pp->n_socks) {
		p = realloc(pp->socks, (pp->n_socks + 1) * sizeof(*pp->socks));
		if (!p)
			return oom();
		pp->socks = p;
		pp->n_socks++;
	}
	s = &pp->socks[i];
	*s = (struct psock){ .netns = netns, .family = family, .fd = -1,
			     .id = pp->o.send_id };
	s->pending = malloc(PENDING * sizeof(*s->pending));
	if (!s->pending)
		return oom();
	for (i = 0; i < PENDING; i++)
		s->pending[i].peer = NO_PEER;
	return s - pp->socks;
}

static void put_sock(struct tsl_pathprobe *pp, struct psock *s)
{
	if (--s->n_peers)
		return;
	/* closed, so that its namespace can go away */
	if (s->fd >= 0)
		close(s->fd);
	free(s->pending);
	*s = (struct psock){ .fd = -1 };
	(void)pp;
}

static int new_peer(struct tsl_pathprobe *pp, uint32_t netns, int family,
		    const uint8_t *addr)
{
	unsigned int i;
	int sock;

	for (i = 0; i < pp->o.max_peers && pp->peers[i].used; i++)
		;
	if (i == pp->o.max_peers) {
		if (!pp->said_full)
			fprintf(stderr, "tcpsleuth: path probe: more than %u peers, the others are not probed\n",
				pp->o.max_peers);
		pp->said_full = true;
		return -ENOSPC;
	}
	sock = get_sock(pp, netns, family);
	if (sock < 0)
		return sock;
	pp->socks[sock].n_peers++;
	pp->peers[i] = (struct peer){
		.used = true, .family = family, .netns = netns, .sock = sock,
	};
	memcpy(pp->peers[i].addr, addr, addr_len(family));
	return i;
}

int tsl_pathprobe_add(struct tsl_pathprobe *pp, uint64_t cookie,
		      uint32_t netns, int family, const uint8_t *addr)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	int peer;
	size_t i;

	for (i = 0; i < pp->n_flows; i++)
		if (pp->flows[i].cookie == cookie)
			return 0;
	if (family == AF_INET6 && !memcmp(addr, mapped, sizeof(mapped))) {
		family = AF_INET;
		addr += 12;
	}
	if ((family != AF_INET && family != AF_INET6) || !unicast(family, addr))
		return 1;
	peer = find_peer(pp, netns, family, addr);
	if (peer < 0)
		peer = new_peer(pp, netns, family, addr);
	if (peer == -ENOSPC)
		return 1;	/* said once */
	if (peer < 0)
		return peer;	/* -ENOMEM, said */
	if (pp->n_flows == pp->flows_cap) {
		size_t cap = pp->flows_cap ? pp->flows_cap * 2 : 64;
		void *p = realloc(pp->flows, cap * sizeof(*pp->flows));

		if (!p)
			return oom();
		pp->flows = p;
		pp->flows_cap = cap;
	}
	pp->peers[peer].refs++;
	pp->flows[pp->n_flows++] = (struct flow){ cookie, peer };
	return 0;
}

void tsl_pathprobe_remove(struct tsl_pathprobe *pp, uint64_t cookie)
{
	struct peer *p;
	struct psock *s;
	size_t i;

	for (i = 0; i < pp->n_flows && pp->flows[i].cookie != cookie; i++)
		;
	if (i == pp->n_flows)
		return;
	p = &pp->peers[pp->flows[i].peer];
	pp->flows[i] = pp->flows[--pp->n_flows];
	if (--p->refs)
		return;
	s = &pp->socks[p->sock];
	/* its probes in flight are neither answered nor lost */
	for (i = 0; i < PENDING; i++)
		if (s->pending[i].peer == p - pp->peers)
			s->pending[i].peer = NO_PEER;
	p->used = false;
	put_sock(pp, s);
}

/* ---- sockets ---- */

static void set_filter(struct psock *s)
{
	if (s->family == AF_INET) {
		struct icmp_filter f = { .data = ~(1u << ICMP_ECHOREPLY) };

		setsockopt(s->fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(s->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
}

/* A ping socket is given its identifier by bind(). */
static int bind_ping(struct psock *s)
{
	struct sockaddr_storage ss = { .ss_family = s->family };
	socklen_t len = s->family == AF_INET ? sizeof(struct sockaddr_in)
					     : sizeof(struct sockaddr_in6);

	if (bind(s->fd, (struct sockaddr *)&ss, len) ||
	    getsockname(s->fd, (struct sockaddr *)&ss, &len))
		return -errno;
	s->id = ntohs(s->family == AF_INET ?
		      ((struct sockaddr_in *)&ss)->sin_port :
		      ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

static int open_sock(struct tsl_pathprobe *pp, struct psock *s)
{
	int proto = s->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int ts = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	int fd, err;

	s->open = true;
	fd = tsl_netns_socket(pp->ns, s->netns, s->family,
			      SOCK_DGRAM | SOCK_NONBLOCK, proto);
	if (fd == -EACCES || fd == -EPERM) {	/* ping_group_range */
		fd = tsl_netns_socket(pp->ns, s->netns, s->family,
				      SOCK_RAW | SOCK_NONBLOCK, proto);
		s->raw = true;
	}
	if (fd == -ENOTRECOVERABLE || fd == -ENOMEM)
		return fd;	/* said by tsl_netns_socket() */
	if (fd < 0)
		goto err;
	s->fd = fd;
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &ts, sizeof(ts));
	if (s->raw) {
		set_filter(s);
		s->id = getpid() & 0xffff;
		return 0;
	}
	err = bind_ping(s);
	if (!err)
		return 0;
	fd = err;
	close(s->fd);
	s->fd = -1;
err:
	s->failed = true;
	/* a namespace that is gone was already reported */
	if (fd != -ENOENT)
		fprintf(stderr, "tcpsleuth: path probe: no ICMP%s socket in network namespace %u: %s\n",
			s->family == AF_INET ? "" : "v6", s->netns, strerror(-fd));
	return 0;
}

/* ---- replies ---- */

int tsl_pathprobe_input(struct tsl_pathprobe *pp, uint32_t netns, int family,
			const uint8_t *src, const void *buf, size_t len,
			bool ip_header, uint64_t rx_ns)
{
	struct pending *pd;
	struct psock *s;
	struct peer *p;
	uint16_t id, seq;
	size_t i;

	if (tsl_icmp_echo_parse(family, ip_header, buf, len, &id, &seq))
		return 0;
	for (i = 0; i < pp->n_socks; i++) {
		s = &pp->socks[i];
		if (s->pending && s->netns == netns && s->family == family)
			break;
	}
	if (i == pp->n_socks || id != s->id)
		return 0;
	pd = &s->pending[seq % PENDING];
	if (pd->peer == NO_PEER || pd->seq != seq)
		return 0;	/* not sent, timed out, or a duplicate */
	p = &pp->peers[pd->peer];
	if (memcmp(p->addr, src, addr_len(family)))
		return 0;
	pd->peer = NO_PEER;
	/* no receive time, or a step of the clock: answered, but no sample */
	if (rx_ns && rx_ns >= pd->sent_ns && p->n_rtt < MAX_RTTS)
		p->rtt[p->n_rtt++] = (rx_ns - pd->sent_ns) / 1000;
	return 1;
}

/*
 * The kernel's receive time; 0 when the packet has none. SO_TIMESTAMPING, not
 * SO_TIMESTAMPNS: the latter stamps an unstamped packet when it is read, and
 * the first packets after timestamps are switched on can be unstamped.
 */
static uint64_t rx_time(const struct tsl_pathprobe *pp, struct msghdr *mh)
{
	struct cmsghdr *c;
	struct timespec ts[3];

	if (pp->o.clock != realtime_ns)	/* a fake clock: the kernel's is not it */
		return now(pp);
	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPING ||
		    c->cmsg_len < CMSG_LEN(sizeof(ts)))
			continue;
		memcpy(ts, CMSG_DATA(c), sizeof(ts));
		return (uint64_t)ts[0].tv_sec * 1000000000 + ts[0].tv_nsec;
	}
	return 0;
}

static void read_sock(struct tsl_pathprobe *pp, struct psock *s)
{
	char buf[512], ctl[CMSG_SPACE(sizeof(struct timespec) * 3) * 2];
	struct sockaddr_storage from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;
	const uint8_t *src;
	ssize_t n;
	int i;

	for (i = 0; i < MAX_READS; i++) {
		mh = (struct msghdr){
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)	/* an ICMP error for an earlier probe */
			continue;
		if (from.ss_family != s->family)
			continue;
		src = s->family == AF_INET ?
		      (const uint8_t *)&((struct sockaddr_in *)&from)->sin_addr :
		      (const uint8_t *)&((struct sockaddr_in6 *)&from)->sin6_addr;
		tsl_pathprobe_input(pp, s->netns, s->family, src, buf, n,
				    s->raw && s->family == AF_INET,
				    rx_time(pp, &mh));
	}
}

static void expire(struct tsl_pathprobe *pp, struct psock *s, uint64_t t)
{
	size_t i;

	for (i = 0; i < PENDING; i++) {
		struct pending *pd = &s->pending[i];

		if (pd->peer != NO_PEER && t >= pd->sent_ns &&
		    t - pd->sent_ns >= pp->o.timeout_ns) {
			pp->peers[pd->peer].lost++;
			pd->peer = NO_PEER;
		}
	}
}

/* ---- requests ---- */

static int send_one(struct tsl_pathprobe *pp, unsigned int peer)
{
	struct peer *p = &pp->peers[peer];
	struct psock *s = &pp->socks[p->sock];
	struct sockaddr_storage to = { .ss_family = p->family };
	uint8_t buf[TSL_PROBE_LEN];
	struct pending *pd;
	socklen_t to_len;
	size_t len;
	int err;

	pd = &s->pending[s->next_seq % PENDING];
	if (pd->peer != NO_PEER)
		return 0;	/* too many in flight: this tick goes unprobed */
	len = tsl_icmp_echo_build(p->family, s->id, s->next_seq, buf);
	pd->sent_ns = now(pp);
	if (pp->o.send) {
		err = pp->o.send(pp->o.send_arg, p->netns, p->family, p->addr,
				 buf, len);
	} else {
		if (p->family == AF_INET) {
			memcpy(&((struct sockaddr_in *)&to)->sin_addr, p->addr, 4);
			to_len = sizeof(struct sockaddr_in);
		} else {
			memcpy(&((struct sockaddr_in6 *)&to)->sin6_addr, p->addr, 16);
			to_len = sizeof(struct sockaddr_in6);
		}
		err = sendto(s->fd, buf, len, 0, (struct sockaddr *)&to,
			     to_len) < 0 ? -errno : 0;
	}
	if (err < 0) {
		/* A full queue skips a tick; anything else ends the peer's probes. */
		if (err != -EAGAIN && err != -ENOBUFS) {
			char a[INET6_ADDRSTRLEN];

			inet_ntop(p->family, p->addr, a, sizeof(a));
			fprintf(stderr, "tcpsleuth: path probe: cannot send to %s: %s; not probed again\n",
				a, strerror(-err));
			p->refused = true;
		}
		return 0;
	}
	pd->seq = s->next_seq++;
	pd->peer = peer;
	return 0;
}

static int send_all(struct tsl_pathprobe *pp)
{
	unsigned int i;
	int err;

	for (i = 0; i < pp->o.max_peers; i++) {
		struct peer *p = &pp->peers[i];
		struct psock *s = &pp->socks[p->sock];

		if (!p->used || p->refused)
			continue;
		if (!s->open && !pp->o.send) {
			err = open_sock(pp, s);
			if (err)
				return err;
		}
		if (s->failed) {
			p->refused = true;
			continue;
		}
		err = send_one(pp, i);
		if (err)
			return err;
	}
	return 0;
}

/* ---- the tick ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t median(uint32_t *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
	return n % 2 ? v[n / 2] : (uint32_t)(((uint64_t)v[n / 2 - 1] + v[n / 2]) / 2);
}

static int emit_all(struct tsl_pathprobe *pp, tsl_probe_emit_fn emit, void *arg)
{
	struct tsl_probe_result r;
	unsigned int i;
	size_t j;
	int err;

	for (i = 0; i < pp->o.max_peers; i++) {
		struct peer *p = &pp->peers[i];

		if (p->used && p->n_rtt)
			p->rtt[0] = median(p->rtt, p->n_rtt);
	}
	for (j = 0; j < pp->n_flows; j++) {
		const struct peer *p = &pp->peers[pp->flows[j].peer];

		if (!p->n_rtt && !p->lost)
			continue;
		r = (struct tsl_probe_result){
			.cookie = pp->flows[j].cookie, .has_rtt = p->n_rtt > 0,
			.rtt_us = p->rtt[0], .lost = p->lost,
		};
		err = emit(arg, &r);
		if (err)
			return err;	/* said by @emit */
	}
	for (i = 0; i < pp->o.max_peers; i++) {
		pp->peers[i].n_rtt = 0;
		pp->peers[i].lost = 0;
	}
	return 0;
}

int tsl_pathprobe_tick(struct tsl_pathprobe *pp, bool send,
		       tsl_probe_emit_fn emit, void *arg)
{
	uint64_t t;
	size_t i;
	int err;

	for (i = 0; i < pp->n_socks; i++)
		if (pp->socks[i].fd >= 0)
			read_sock(pp, &pp->socks[i]);
	t = now(pp);
	for (i = 0; i < pp->n_socks; i++)
		if (pp->socks[i].pending)
			expire(pp, &pp->socks[i], t);
	err = emit_all(pp, emit, arg);
	if (!err && send)
		err = send_all(pp);
	return err;
}

/* ---- life ---- */

struct tsl_pathprobe *tsl_pathprobe_new(struct tsl_netns *ns,
					const struct tsl_pathprobe_opts *o)
{
	struct tsl_pathprobe *pp = calloc(1, sizeof(*pp));

	if (!pp) {
		oom();
		return NULL;
	}
	pp->ns = ns;
	pp->o = *o;
	if (!pp->o.timeout_ns)
		pp->o.timeout_ns = TSL_PROBE_TIMEOUT_NS;
	if (!pp->o.max_peers || pp->o.max_peers > TSL_PROBE_MAX_PEERS)
		pp->o.max_peers = TSL_PROBE_MAX_PEERS;
	if (!pp->o.clock)
		pp->o.clock = realtime_ns;
	pp->peers = calloc(pp->o.max_peers, sizeof(*pp->peers));
	if (!pp->peers) {
		oom();
		free(pp);
		return NULL;
	}
	return pp;
}

void tsl_pathprobe_free(struct tsl_pathprobe *pp)
{
	size_t i;

	if (!pp)
		return;
	for (i = 0; i < pp->n_socks; i++) {
		if (pp->socks[i].fd >= 0)
			close(pp->socks[i].fd);
		free(pp->socks[i].pending);
	}
	free(pp->socks);
	free(pp->peers);
	free(pp->flows);
	free(pp);
}
