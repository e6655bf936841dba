/* SPDX-License-Identifier: GPL-2.0 */
/* Which sockets and event kinds are traced (filter.c). */
#ifndef _TSL_FILTER_H
#define _TSL_FILTER_H

#include <linux/types.h>
#include <linux/bitmap.h>
#include <linux/jump_label.h>
#include <linux/rcupdate.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <tcpsleuth.h>

struct tsl_prefix {
	u8 family;
	u8 len;
	__be32 addr[4];
};

struct tsl_filter {
	struct rcu_head rcu;
	u32 kinds;			/* 1 << TSL_EV_* */
	u8 n_port, n_lport, n_rport, n_addr, n_netns;
	bool more;			/* any list but port[] */
	u16 port[TSL_FILTER_MAX_ENTRIES];
	u16 lport[TSL_FILTER_MAX_ENTRIES];
	u16 rport[TSL_FILTER_MAX_ENTRIES];
	u32 netns[TSL_FILTER_MAX_ENTRIES];
	struct tsl_prefix addr[TSL_FILTER_MAX_ENTRIES];
	DECLARE_BITMAP(port_bits, 1 << 16);	/* port[] */
};

extern struct tsl_filter __rcu *tsl_filter;

/*
 * The port map: a bit per port number the published filter names, every
 * bit when it names none. A socket neither of whose ports is in it is not
 * traced, whatever the rest of the filter says; that test is all a hook
 * hit of such a socket runs (the direct-call trampolines make it in asm).
 * It is read without RCU: tsl_filter_replace() sets the new filter's bits
 * before publishing it and clears the old one's after, so it never lacks a
 * port of the filter a reader goes on to find, and a port it holds beyond
 * that only sends the hit on to the exact test, tsl_filter_match().
 */
#define TSL_PORTMAP_LONGS	BITS_TO_LONGS(1 << 16)
extern unsigned long tsl_portmap[TSL_PORTMAP_LONGS];

/*
 * Whether a socket the port map passed is known to pass the filter's port
 * list too: enabled at START (no hook attached, the map is the filter's
 * alone) when the filter has no local or remote port list, disabled before
 * any later filter change moves a bit, until the next START. A hit that
 * passed a stale bit then finds the exact test in place.
 */
DECLARE_STATIC_KEY_FALSE(tsl_portmap_exact);

static __always_inline bool tsl_ports_named(const struct sock *sk)
{
	return test_bit(sk->sk_num, tsl_portmap) ||
	       test_bit(ntohs(sk->sk_dport), tsl_portmap);
}

/*
 * Whether @sk passes the filter @f, exactly: for sockets the port map let
 * through, before their flow is looked up. Every hook is TCP's, so @sk is
 * an AF_INET or AF_INET6 socket. The local and remote port lists, network
 * namespaces and addresses, tsl_filter_more(), are out of line.
 */
bool tsl_filter_more(const struct tsl_filter *f, const struct sock *sk);

static __always_inline bool tsl_filter_match(const struct tsl_filter *f,
					     const struct sock *sk)
{
	if (!static_branch_likely(&tsl_portmap_exact) && f->n_port &&
	    !test_bit(sk->sk_num, f->port_bits) &&
	    !test_bit(ntohs(sk->sk_dport), f->port_bits))
		return false;
	return likely(!f->more) || tsl_filter_more(f, sk);
}

struct tsl_filter *tsl_filter_new(void);
int tsl_filter_parse(struct nlattr *nest, struct tsl_filter **out,
		     struct netlink_ext_ack *extack);
int tsl_filter_confine(struct tsl_filter *f, u32 inum,
		       struct netlink_ext_ack *extack);
int tsl_filter_put(struct sk_buff *skb, const struct tsl_filter *f);
void tsl_filter_replace(struct tsl_filter *f);
void tsl_filter_session_start(void);
int tsl_filter_init(void);
void tsl_filter_exit(void);

#endif /* _TSL_FILTER_H */
