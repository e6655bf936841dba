// SPDX-License-Identifier: GPL-2.0-or-later
// Trace filter: parsing of the command-line options and its netlink form.
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sched.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "fail.h"
#include "filter.h"
#include "recording/recording.h"

/* Decimal only, no sign, no trailing garbage. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

static int add_port(uint16_t *ports, unsigned int *n, const char *opt,
		    const char *arg)
{
	unsigned long v;

	if (parse_uint(arg, 65535, &v) || v == 0)
		return fail(
			    "--%s: '%s' is not a port number (1-65535)",
			    opt, arg);
	if (*n == TSL_FILTER_MAX_ENTRIES)
		return fail("--%s: at most %d values", opt,
			    TSL_FILTER_MAX_ENTRIES);
	ports[(*n)++] = v;
	return 0;
}

static void clear_host_bits(struct tsl_prefix *p)
{
	unsigned int bytes = p->family == AF_INET ? 4 : 16;
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		unsigned int first = i * 8;

		if (first >= p->len)
			p->addr[i] = 0;
		else if (p->len - first < 8)
			p->addr[i] &= 0xff << (8 - (p->len - first));
	}
}

static int add_host(struct tsl_filter *f, const char *arg)
{
	struct tsl_prefix p = { 0 };
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(arg, '/');
	size_t alen = slash ? (size_t)(slash - arg) : strlen(arg);
	unsigned int max;
	unsigned long len;

	if (alen == 0 || alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, arg, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, p.addr) == 1)
		p.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, p.addr) == 1)
		p.family = AF_INET6;
	else
		goto bad_addr;
	max = p.family == AF_INET ? 32 : 128;
	len = max;
	if (slash && parse_uint(slash + 1, ~0ul, &len))
		return fail(
			    "--host: '%s' is not a prefix length", slash + 1);
	if (len > max)
		return fail(
			    "--host: prefix length %lu is longer than %u for %s",
			    len, max, p.family == AF_INET ? "IPv4" : "IPv6");
	if (f->n_addr == TSL_FILTER_MAX_ENTRIES)
		return fail("--host: at most %d values",
			    TSL_FILTER_MAX_ENTRIES);
	p.len = len;
	clear_host_bits(&p);
	f->addr[f->n_addr++] = p;
	return 0;

bad_addr:
	return fail("--host: '%.*s' is not an IPv4 or IPv6 address",
		    (int)alen, arg);
}

/* A PID, a path, or a name under /run/netns. */
static void netns_path(const char *arg, char *path, size_t size)
{
	unsigned long pid;

	if (!parse_uint(arg, ~0u, &pid))
		snprintf(path, size, "/proc/%lu/ns/net", pid);
	else if (!strchr(arg, '/'))
		snprintf(path, size, "/run/netns/%s", arg);
	else
		snprintf(path, size, "%s", arg);
}

static int add_netns(struct tsl_filter *f, const char *arg)
{
	char path[4096];
	struct stat st;
	int fd, type;

	if (!*arg)
		return fail("--netns: empty namespace");
	netns_path(arg, path, sizeof(path));
	/* O_NONBLOCK: a FIFO named by mistake must not wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fail("--netns: cannot open %s: %s", path,
			    strerror(errno));
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET || fstat(fd, &st)) {
		close(fd);
		return fail(
			    "--netns: %s is not a network namespace", path);
	}
	close(fd);
	if (f->n_netns == TSL_FILTER_MAX_ENTRIES)
		return fail("--netns: at most %d values",
			    TSL_FILTER_MAX_ENTRIES);
	f->netns[f->n_netns++] = st.st_ino;
	return 0;
}

static int kind_by_name(const char *name, size_t len)
{
	unsigned int k;

	/* flow records are always sent: not selectable. */
	for (k = TSL_EV_TX; k <= TSL_EV_MAX; k++) {
		const char *kn = tsl_kind_name(k);

		if (kn && strlen(kn) == len && !memcmp(kn, name, len))
			return k;
	}
	return -1;
}

static int add_events(struct tsl_filter *f, const char *arg)
{
	const char *p = arg;
	uint32_t kinds = 0;

	for (;;) {
		size_t len = strcspn(p, ",");
		int k = kind_by_name(p, len);

		if (len == 0)
			return fail("--events: empty event name in '%s'",
				    arg);
		if (k < 0)
			return fail(
				    "--events: unknown event '%.*s' (known: tx, ack_rx, data_rx, read, ack_tx, retrans, rto, state, drop)",
				    (int)len, p);
		kinds |= 1u << k;
		if (!p[len])
			break;
		p += len + 1;
	}
	/* The flows' identities are needed to make sense of any event, and
	 * a read's residence and an ACK's delay are worked out from data_rx. */
	if (kinds & (1u << TSL_EV_READ | 1u << TSL_EV_ACK_TX))
		kinds |= 1u << TSL_EV_DATA_RX;
	f->kinds |= kinds | 1u << TSL_EV_FLOW;
	return 0;
}

int tsl_filter_parse(struct tsl_filter *f, const char *opt, const char *arg)
{
	if (!strcmp(opt, "port"))
		return add_port(f->port, &f->n_port, opt, arg);
	if (!strcmp(opt, "lport"))
		return add_port(f->lport, &f->n_lport, opt, arg);
	if (!strcmp(opt, "rport"))
		return add_port(f->rport, &f->n_rport, opt, arg);
	if (!strcmp(opt, "host"))
		return add_host(f, arg);
	if (!strcmp(opt, "netns"))
		return add_netns(f, arg);
	if (!strcmp(opt, "events"))
		return add_events(f, arg);
	return fail("--%s: not a filter option", opt);
}

static int put_prefix(struct nl_msg *msg, const struct tsl_prefix *p)
{
	struct nlattr *nest = nla_nest_start(msg, TSL_FILTER_A_ADDR);

	if (!nest)
		return -NLE_NOMEM;
	if (nla_put_u8(msg, TSL_PREFIX_A_FAMILY, p->family) ||
	    nla_put(msg, TSL_PREFIX_A_ADDR, p->family == AF_INET ? 4 : 16,
		    p->addr) ||
	    nla_put_u8(msg, TSL_PREFIX_A_LEN, p->len)) {
		nla_nest_cancel(msg, nest);
		return -NLE_NOMEM;
	}
	return nla_nest_end(msg, nest);
}

static int put_u16s(struct nl_msg *msg, int type, const uint16_t *v,
		    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (nla_put_u16(msg, type, v[i]))
			return -NLE_NOMEM;
	return 0;
}

int tsl_filter_put(struct nl_msg *msg, const struct tsl_filter *f)
{
	struct nlattr *nest = nla_nest_start(msg, TSL_A_FILTER);
	unsigned int i;
	int err;

	err = nest ? 0 : -NLE_NOMEM;
	if (!err)
		err = put_u16s(msg, TSL_FILTER_A_PORT, f->port, f->n_port);
	if (!err)
		err = put_u16s(msg, TSL_FILTER_A_LPORT, f->lport, f->n_lport);
	if (!err)
		err = put_u16s(msg, TSL_FILTER_A_RPORT, f->rport, f->n_rport);
	for (i = 0; !err && i < f->n_addr; i++)
		err = put_prefix(msg, &f->addr[i]);
	for (i = 0; !err && i < f->n_netns; i++)
		err = nla_put_u32(msg, TSL_FILTER_A_NETNS, f->netns[i]);
	if (!err && f->kinds)
		err = nla_put_u32(msg, TSL_FILTER_A_KINDS, f->kinds);
	/* An empty nest is the "match everything" filter: keep it. */
	if (!err && !nla_nest_end_keep_empty(msg, nest))
		return 0;
	if (nest)
		nla_nest_cancel(msg, nest);
	fprintf(stderr, "tcpsleuth: the filter does not fit in a netlink message\n");
	return -EMSGSIZE;
}

static int get_prefix(struct tsl_prefix *p, struct nlattr *nest,
		      const char *what)
{
	struct nlattr *tb[TSL_PREFIX_A_MAX + 1];
	int alen;

	if (nla_parse_nested(tb, TSL_PREFIX_A_MAX, nest, NULL) ||
	    !tb[TSL_PREFIX_A_FAMILY] || !tb[TSL_PREFIX_A_ADDR] || !tb[TSL_PREFIX_A_LEN] ||
	    nla_len(tb[TSL_PREFIX_A_FAMILY]) < 1 || nla_len(tb[TSL_PREFIX_A_LEN]) < 1)
		return fail("%s: filter: malformed address prefix", what);
	p->family = nla_get_u8(tb[TSL_PREFIX_A_FAMILY]);
	p->len = nla_get_u8(tb[TSL_PREFIX_A_LEN]);
	alen = p->family == AF_INET ? 4 : p->family == AF_INET6 ? 16 : 0;
	if (!alen || nla_len(tb[TSL_PREFIX_A_ADDR]) != alen || p->len > alen * 8)
		return fail("%s: filter: malformed address prefix", what);
	memset(p->addr, 0, sizeof(p->addr));
	memcpy(p->addr, nla_data(tb[TSL_PREFIX_A_ADDR]), alen);
	return 0;
}

int tsl_filter_get(struct tsl_filter *f, struct nlattr *nest, const char *what)
{
	struct nlattr *a;
	int rem;

	memset(f, 0, sizeof(*f));
	nla_for_each_nested(a, nest, rem) {
		uint16_t *ports = NULL;
		unsigned int *n;
		const char *name;

		switch (nla_type(a)) {
		case TSL_FILTER_A_PORT:
			ports = f->port, n = &f->n_port, name = "port";
			break;
		case TSL_FILTER_A_LPORT:
			ports = f->lport, n = &f->n_lport, name = "lport";
			break;
		case TSL_FILTER_A_RPORT:
			ports = f->rport, n = &f->n_rport, name = "rport";
			break;
		case TSL_FILTER_A_ADDR:
			n = &f->n_addr, name = "address";
			break;
		case TSL_FILTER_A_NETNS:
			n = &f->n_netns, name = "netns";
			break;
		case TSL_FILTER_A_KINDS:
			if (nla_len(a) < 4)
				return fail("%s: filter: malformed event kinds", what);
			f->kinds = nla_get_u32(a);
			continue;
		default:
			continue;	/* newer than this reader */
		}
		if (*n >= TSL_FILTER_MAX_ENTRIES)
			return fail("%s: filter: more than %d %s entries",
				    what, TSL_FILTER_MAX_ENTRIES, name);
		if (n == &f->n_addr) {
			int err = get_prefix(&f->addr[*n], a, what);

			if (err)
				return err;
		} else if (nla_len(a) < (ports ? 2 : 4)) {
			return fail("%s: filter: malformed %s entry", what, name);
		} else if (ports) {
			ports[*n] = nla_get_u16(a);
		} else {
			f->netns[*n] = nla_get_u32(a);
		}
		(*n)++;
	}
	/* Every kind is what an absent list means too. */
	if ((f->kinds & TSL_EV_ALL) == TSL_EV_ALL)
		f->kinds = 0;
	return 0;
}

/* snprintf that appends to @buf at *@at and never runs past @len. */
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n;
}

static void add_ports(char *buf, size_t len, size_t *at, const char *name,
		      const uint16_t *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		add(buf, len, at, "%s%s %u", *at ? ", " : "", name, p[i]);
}

void tsl_filter_format(const struct tsl_filter *f, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned int i, k;
	size_t at = 0;

	if (!len)
		return;
	buf[0] = '\0';
	add_ports(buf, len, &at, "port", f->port, f->n_port);
	add_ports(buf, len, &at, "lport", f->lport, f->n_lport);
	add_ports(buf, len, &at, "rport", f->rport, f->n_rport);
	for (i = 0; i < f->n_addr; i++) {
		if (!inet_ntop(f->addr[i].family, f->addr[i].addr, addr, sizeof(addr)))
			snprintf(addr, sizeof(addr), "?");
		add(buf, len, &at, "%shost %s/%u", at ? ", " : "", addr, f->addr[i].len);
	}
	for (i = 0; i < f->n_netns; i++)
		add(buf, len, &at, "%snetns inode %u", at ? ", " : "", f->netns[i]);
	if (!at)
		add(buf, len, &at, "every socket");
	if (f->kinds) {
		add(buf, len, &at, "; events");
		for (i = 0, k = 0; k <= TSL_EV_MAX; k++)
			if (f->kinds & (1u << k))
				add(buf, len, &at, "%s%s", i++ ? "," : " ",
				    tsl_kind_name(k) ? tsl_kind_name(k) : "?");
	} else {
		add(buf, len, &at, "; every event");
	}
}
