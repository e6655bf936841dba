// SPDX-License-Identifier: GPL-2.0-or-later
// Trace filter: parsing of the command-line options and its netlink form.
#ifndef TSL_FILTER_H
#define TSL_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <tcpsleuth.h>

struct nl_msg;

struct tsl_prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* prefix length */
	uint8_t addr[16];	/* network order, host bits cleared */
};

struct tsl_filter {
	uint16_t port[TSL_FILTER_MAX_ENTRIES];
	uint16_t lport[TSL_FILTER_MAX_ENTRIES];
	uint16_t rport[TSL_FILTER_MAX_ENTRIES];
	struct tsl_prefix addr[TSL_FILTER_MAX_ENTRIES];
	uint32_t netns[TSL_FILTER_MAX_ENTRIES];
	unsigned int n_port, n_lport, n_rport, n_addr, n_netns;
	uint32_t kinds;		/* 0: every kind */
};

/*
 * Apply one option ("port", "lport", "rport", "host", "netns", "events")
 * to @f. On bad input returns -1 and leaves a one-line reason naming the
 * option in @err.
 */
int tsl_filter_parse(struct tsl_filter *f, const char *opt, const char *arg,
		     char *err, size_t errlen);

/* Append @f as a TSL_A_FILTER nest. Returns 0 or a negative libnl error. */
int tsl_filter_put(struct nl_msg *msg, const struct tsl_filter *f);

struct nlattr;

/*
 * Read a TSL_A_FILTER nest (as the module's INFO reply carries it) into
 * @f; every event kind comes back as kinds 0. Returns 0, or -1 with a
 * one-line reason in @err.
 */
int tsl_filter_get(struct tsl_filter *f, struct nlattr *nest,
		   char *err, size_t errlen);

/*
 * @f in words, as `status` shows it: "port 5201, host 10.0.0.0/8; events
 * tx,read" or "every socket; every event". Truncated to @len.
 */
void tsl_filter_format(const struct tsl_filter *f, char *buf, size_t len);

/* Name of an event kind ("tx", ...), NULL when unknown. */
const char *tsl_kind_name(unsigned int kind);

#endif /* TSL_FILTER_H */
