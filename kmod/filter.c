// SPDX-License-Identifier: GPL-2.0
/* Which sockets and event kinds are traced: parsing, matching, reporting. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/ipv6.h>
#include <linux/inetdevice.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include "filter.h"

struct tsl_filter __rcu *tsl_filter;
unsigned long tsl_portmap[TSL_PORTMAP_LONGS];
DEFINE_STATIC_KEY_FALSE(tsl_portmap_exact);
static DEFINE_MUTEX(tsl_filter_lock);

static const struct nla_policy tsl_prefix_policy[TSL_PREFIX_A_MAX + 1] = {
	[TSL_PREFIX_A_FAMILY]	= { .type = NLA_U8 },
	[TSL_PREFIX_A_ADDR]	= { .type = NLA_BINARY, .len = 16 },
	[TSL_PREFIX_A_LEN]	= NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy tsl_filter_policy[TSL_FILTER_A_MAX + 1] = {
	[TSL_FILTER_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[TSL_FILTER_A_LPORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[TSL_FILTER_A_RPORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[TSL_FILTER_A_ADDR]	= NLA_POLICY_NESTED(tsl_prefix_policy),
	[TSL_FILTER_A_NETNS]	= { .type = NLA_U32 },
	[TSL_FILTER_A_KINDS]	= { .type = NLA_U32 },
};

static bool tsl_prefix_match(const struct tsl_prefix *p, u8 family,
			     const __be32 *addr)
{
	if (p->family != family)
		return false;
	if (family == AF_INET)
		return !((addr[0] ^ p->addr[0]) & inet_make_mask(p->len));
	return ipv6_prefix_equal((const struct in6_addr *)addr,
				 (const struct in6_addr *)p->addr, p->len);
}

static bool tsl_port_in(const u16 *set, u8 n, u16 port)
{
	u8 i;

	for (i = 0; i < n; i++)
		if (set[i] == port)
			return true;
	return false;
}

/*
 * The parts of the filter @f beyond its port map (f->more): local and
 * remote port lists, network namespaces, addresses.
 */
bool tsl_filter_more(const struct tsl_filter *f, const struct sock *sk)
{
	const __be32 *local, *remote;
	u8 family = sk->sk_family;
	u8 i;

	if (f->n_lport && !tsl_port_in(f->lport, f->n_lport, sk->sk_num))
		return false;
	if (f->n_rport &&
	    !tsl_port_in(f->rport, f->n_rport, ntohs(sk->sk_dport)))
		return false;
	if (f->n_netns) {
		u32 inum = sock_net(sk)->ns.inum;

		for (i = 0; i < f->n_netns; i++)
			if (f->netns[i] == inum)
				break;
		if (i == f->n_netns)
			return false;
	}
	if (!f->n_addr)
		return true;

#if IS_ENABLED(CONFIG_IPV6)
	if (family == AF_INET6) {
		local = sk->sk_v6_rcv_saddr.s6_addr32;
		remote = sk->sk_v6_daddr.s6_addr32;
	} else
#endif
	{
		local = &sk->sk_rcv_saddr;
		remote = &sk->sk_daddr;
	}
	for (i = 0; i < f->n_addr; i++)
		if (tsl_prefix_match(&f->addr[i], family, local) ||
		    tsl_prefix_match(&f->addr[i], family, remote))
			return true;
	/* A dual-stack socket talking IPv4 has v4-mapped addresses. */
	if (family == AF_INET6 &&
	    ipv6_addr_v4mapped((const struct in6_addr *)remote))
		for (i = 0; i < f->n_addr; i++)
			if (tsl_prefix_match(&f->addr[i], AF_INET, &local[3]) ||
			    tsl_prefix_match(&f->addr[i], AF_INET, &remote[3]))
				return true;
	return false;
}

static int tsl_prefix_parse(const struct nlattr *nla, struct tsl_prefix *p,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TSL_PREFIX_A_MAX + 1];
	u8 family, maxlen;
	int err;

	err = nla_parse_nested(tb, TSL_PREFIX_A_MAX, nla, tsl_prefix_policy,
			       extack);
	if (err)
		return err;
	if (!tb[TSL_PREFIX_A_FAMILY] || !tb[TSL_PREFIX_A_ADDR] ||
	    !tb[TSL_PREFIX_A_LEN]) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "address filter needs family, address and prefix length");
		return -EINVAL;
	}
	family = nla_get_u8(tb[TSL_PREFIX_A_FAMILY]);
	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TSL_PREFIX_A_FAMILY],
				    "address family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	if (nla_len(tb[TSL_PREFIX_A_ADDR]) != (family == AF_INET ? 4 : 16)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TSL_PREFIX_A_ADDR],
				    "address length does not match its family");
		return -EINVAL;
	}
	maxlen = family == AF_INET ? 32 : 128;
	p->family = family;
	p->len = nla_get_u8(tb[TSL_PREFIX_A_LEN]);
	if (p->len > maxlen) {
		if (family == AF_INET)
			NL_SET_ERR_MSG_ATTR(extack, tb[TSL_PREFIX_A_LEN],
					    "IPv4 prefix length must be at most 32");
		else
			NL_SET_ERR_MSG_ATTR(extack, tb[TSL_PREFIX_A_LEN],
					    "IPv6 prefix length must be at most 128");
		return -EINVAL;
	}
	memset(p->addr, 0, sizeof(p->addr));
	nla_memcpy(p->addr, tb[TSL_PREFIX_A_ADDR], sizeof(p->addr));
	return 0;
}

/* Adds one attribute to @f; the nest was already checked by the policy. */
static int tsl_filter_add(struct tsl_filter *f, const struct nlattr *nla,
			  struct netlink_ext_ack *extack)
{
	int type = nla_type(nla);
	u8 *n;

	switch (type) {
	case TSL_FILTER_A_KINDS:
		f->kinds = nla_get_u32(nla);
		if (f->kinds & ~TSL_EV_ALL) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "unknown event kind in mask");
			return -EINVAL;
		}
		return 0;
	case TSL_FILTER_A_PORT:  n = &f->n_port;  break;
	case TSL_FILTER_A_LPORT: n = &f->n_lport; break;
	case TSL_FILTER_A_RPORT: n = &f->n_rport; break;
	case TSL_FILTER_A_ADDR:  n = &f->n_addr;  break;
	case TSL_FILTER_A_NETNS: n = &f->n_netns; break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, nla, "unknown filter attribute");
		return -EINVAL;
	}
	if (*n >= TSL_FILTER_MAX_ENTRIES) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "too many entries of this filter attribute (at most 16)");
		return -EINVAL;
	}
	switch (type) {
	case TSL_FILTER_A_PORT:
		f->port[*n] = nla_get_u16(nla);
		__set_bit(f->port[*n], f->port_bits);
		break;
	case TSL_FILTER_A_LPORT: f->lport[*n] = nla_get_u16(nla); break;
	case TSL_FILTER_A_RPORT: f->rport[*n] = nla_get_u16(nla); break;
	case TSL_FILTER_A_NETNS: f->netns[*n] = nla_get_u32(nla); break;
	case TSL_FILTER_A_ADDR: {
		int err = tsl_prefix_parse(nla, &f->addr[*n], extack);

		if (err)
			return err;
		break;
	}
	}
	(*n)++;
	return 0;
}

/* A filter that passes every socket and every event kind. */
struct tsl_filter *tsl_filter_new(void)
{
	struct tsl_filter *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (f)
		f->kinds = TSL_EV_ALL;
	return f;
}

int tsl_filter_parse(struct nlattr *nest, struct tsl_filter **out,
		     struct netlink_ext_ack *extack)
{
	struct tsl_filter *f;
	struct nlattr *nla;
	int rem, err;

	err = nla_validate_nested(nest, TSL_FILTER_A_MAX, tsl_filter_policy,
				  extack);
	if (err)
		return err;
	f = tsl_filter_new();
	if (!f)
		return -ENOMEM;
	nla_for_each_nested(nla, nest, rem) {
		err = tsl_filter_add(f, nla, extack);
		if (err)
			goto err_free;
	}
	f->more = f->n_lport | f->n_rport | f->n_netns | f->n_addr;
	*out = f;
	return 0;

err_free:
	kfree(f);
	return err;
}

/*
 * Confine @f to the network namespace whose inode number is @inum: a
 * filter that names no namespace gets @inum as its one; one that names
 * another is refused. The namespace list is the one every hook hit already
 * goes through (tsl_filter_more()), so a confined recording costs a hit
 * what any recording with a --netns costs.
 */
int tsl_filter_confine(struct tsl_filter *f, u32 inum,
		       struct netlink_ext_ack *extack)
{
	u8 i;

	for (i = 0; i < f->n_netns; i++) {
		if (f->netns[i] != inum) {
			NL_SET_ERR_MSG(extack,
				       "netns: this reader records only its own network namespace (it is outside the initial one, or without CAP_NET_ADMIN there)");
			return -EPERM;
		}
	}
	if (!f->n_netns)
		f->netns[f->n_netns++] = inum;
	f->more = true;
	return 0;
}

static int tsl_prefix_put(struct sk_buff *skb, const struct tsl_prefix *p)
{
	struct nlattr *nest = nla_nest_start(skb, TSL_FILTER_A_ADDR);

	if (!nest ||
	    nla_put_u8(skb, TSL_PREFIX_A_FAMILY, p->family) ||
	    nla_put(skb, TSL_PREFIX_A_ADDR, p->family == AF_INET ? 4 : 16,
		    p->addr) ||
	    nla_put_u8(skb, TSL_PREFIX_A_LEN, p->len))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The filter in force, as TSL_A_FILTER. */
int tsl_filter_put(struct sk_buff *skb, const struct tsl_filter *f)
{
	struct nlattr *nest = nla_nest_start(skb, TSL_A_FILTER);
	u8 i;

	if (!nest || nla_put_u32(skb, TSL_FILTER_A_KINDS, f->kinds))
		return -EMSGSIZE;
	for (i = 0; i < f->n_port; i++)
		if (nla_put_u16(skb, TSL_FILTER_A_PORT, f->port[i]))
			return -EMSGSIZE;
	for (i = 0; i < f->n_lport; i++)
		if (nla_put_u16(skb, TSL_FILTER_A_LPORT, f->lport[i]))
			return -EMSGSIZE;
	for (i = 0; i < f->n_rport; i++)
		if (nla_put_u16(skb, TSL_FILTER_A_RPORT, f->rport[i]))
			return -EMSGSIZE;
	for (i = 0; i < f->n_netns; i++)
		if (nla_put_u32(skb, TSL_FILTER_A_NETNS, f->netns[i]))
			return -EMSGSIZE;
	for (i = 0; i < f->n_addr; i++)
		if (tsl_prefix_put(skb, &f->addr[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The port map's word @w as @f alone would have it. */
static unsigned long tsl_portmap_word(const struct tsl_filter *f, unsigned int w)
{
	const u16 *lists[] = { f->port, f->lport, f->rport };
	const u8 counts[] = { f->n_port, f->n_lport, f->n_rport };
	unsigned long word = 0;
	unsigned int l, i;

	if (!(f->n_port | f->n_lport | f->n_rport))
		return ~0UL;
	for (l = 0; l < ARRAY_SIZE(lists); l++)
		for (i = 0; i < counts[l]; i++)
			if (BIT_WORD(lists[l][i]) == w)
				word |= BIT_MASK(lists[l][i]);
	return word;
}

/*
 * Publishes @f (owned from now on) and frees the old filter after RCU. The
 * port map gains @f's ports before @f is published and loses the others
 * after (see tsl_portmap in filter.h).
 */
void tsl_filter_replace(struct tsl_filter *f)
{
	struct tsl_filter *old;
	unsigned int w;

	mutex_lock(&tsl_filter_lock);
	/* Before any bit moves: hooks may be attached (see tsl_portmap_exact). */
	static_branch_disable(&tsl_portmap_exact);
	for (w = 0; w < TSL_PORTMAP_LONGS; w++)
		WRITE_ONCE(tsl_portmap[w], tsl_portmap[w] | tsl_portmap_word(f, w));
	old = rcu_replace_pointer(tsl_filter, f,
				  lockdep_is_held(&tsl_filter_lock));
	smp_wmb();	/* @f published before any bit goes */
	for (w = 0; w < TSL_PORTMAP_LONGS; w++)
		WRITE_ONCE(tsl_portmap[w], tsl_portmap_word(f, w));
	mutex_unlock(&tsl_filter_lock);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * At START, before the hooks are attached: the port map is exactly the
 * published filter's then, and it is the filter's port list where the
 * filter has no local or remote port list.
 */
void tsl_filter_session_start(void)
{
	const struct tsl_filter *f;

	mutex_lock(&tsl_filter_lock);
	f = rcu_dereference_protected(tsl_filter,
				      lockdep_is_held(&tsl_filter_lock));
	if (!f->n_lport && !f->n_rport)
		static_branch_enable(&tsl_portmap_exact);
	else
		static_branch_disable(&tsl_portmap_exact);
	mutex_unlock(&tsl_filter_lock);
}

int tsl_filter_init(void)
{
	struct tsl_filter *f = tsl_filter_new();

	if (!f)
		return -ENOMEM;
	tsl_filter_replace(f);
	return 0;
}

void tsl_filter_exit(void)
{
	struct tsl_filter *f = rcu_dereference_protected(tsl_filter, 1);

	RCU_INIT_POINTER(tsl_filter, NULL);
	synchronize_rcu();
	kfree(f);
}
