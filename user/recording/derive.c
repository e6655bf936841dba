// SPDX-License-Identifier: GPL-2.0-or-later
// Residence of read data and ACK delay, from the flows' data_rx records.
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"

#define ARRIVALS	16	/* in-order arrivals remembered per flow */
#define STATE_CLOSE	7	/* TCP_CLOSE */

/* Payload up to (not including) @end arrived at @ts. */
struct arrival {
	uint32_t end;
	uint64_t ts;
};

struct dflow {
	uint64_t cookie;		/* 0: free slot */
	uint64_t unacked_since;		/* arrival of the oldest unacknowledged data */
	uint8_t head, count;		/* arrivals not yet read, oldest first */
	struct arrival arr[ARRIVALS];
};

struct tsl_derive {
	struct dflow *tab;		/* open addressing on the cookie */
	size_t cap, used;		/* cap a power of two, used <= cap / 2 */
	struct dflow *last;		/* the flow found last, or NULL */
};

struct tsl_derive *tsl_derive_new(void)
{
	struct tsl_derive *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->cap = 64;
	d->tab = calloc(d->cap, sizeof(*d->tab));
	if (!d->tab) {
		free(d);
		return NULL;
	}
	return d;
}

void tsl_derive_free(struct tsl_derive *d)
{
	if (!d)
		return;
	free(d->tab);
	free(d);
}

static size_t home(const struct tsl_derive *d, uint64_t cookie)
{
	return (size_t)((cookie * 0x9e3779b97f4a7c15ull) >> 32) & (d->cap - 1);
}

/* The slot of @cookie, or the free slot where it would go. */
static struct dflow *slot(const struct tsl_derive *d, uint64_t cookie)
{
	size_t i = home(d, cookie);

	while (d->tab[i].cookie && d->tab[i].cookie != cookie)
		i = (i + 1) & (d->cap - 1);
	return &d->tab[i];
}

static int grow(struct tsl_derive *d)
{
	struct dflow *old = d->tab;
	size_t i, n = d->cap;

	d->tab = calloc(n * 2, sizeof(*d->tab));
	if (!d->tab) {
		d->tab = old;
		return -ENOMEM;
	}
	d->cap = n * 2;
	for (i = 0; i < n; i++)
		if (old[i].cookie)
			*slot(d, old[i].cookie) = old[i];
	free(old);
	d->last = NULL;
	return 0;
}

/* The flow of @cookie; a new one if @add, else NULL when unknown (*@err: -ENOMEM when out of memory). */
static struct dflow *find(struct tsl_derive *d, uint64_t cookie, bool add,
			  int *err)
{
	struct dflow *f;

	if (d->last && d->last->cookie == cookie)
		return d->last;
	f = slot(d, cookie);
	if (!f->cookie) {
		if (!add || !cookie)
			return NULL;
		if (d->used + 1 > d->cap / 2) {
			*err = grow(d);
			if (*err)
				return NULL;
			f = slot(d, cookie);
		}
		memset(f, 0, sizeof(*f));
		f->cookie = cookie;
		d->used++;
	}
	d->last = f;
	return f;
}

/* Free @f's slot, moving back the entries its removal would strand. */
static void forget(struct tsl_derive *d, struct dflow *f)
{
	size_t i = (size_t)(f - d->tab), j = i;

	for (;;) {
		size_t h;

		j = (j + 1) & (d->cap - 1);
		if (!d->tab[j].cookie)
			break;
		h = home(d, d->tab[j].cookie);
		/* j's entry may fill i if its home is not in (i, j] */
		if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) {
			d->tab[i] = d->tab[j];
			i = j;
		}
	}
	d->tab[i].cookie = 0;
	d->used--;
	d->last = NULL;
}

/* Serial number order (RFC 1982), as the kernel's after(). */
static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

static uint32_t since_us(uint64_t now, uint64_t then)
{
	uint64_t us;

	if (!then || now <= then)
		return 0;
	us = (now - then) / 1000;
	return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static void arrival(struct dflow *f, uint32_t end, uint64_t ts)
{
	if (f->count == ARRIVALS) {
		/* Full: extend the newest entry, keeping its earlier time. */
		f->arr[(f->head + ARRIVALS - 1) % ARRIVALS].end = end;
		return;
	}
	f->arr[(f->head + f->count) % ARRIVALS] = (struct arrival){ end, ts };
	f->count++;
}

/*
 * A read consumed up to @copied: when its first and its last byte arrived
 * (0 where not remembered); the arrivals it consumed wholly are forgotten.
 * Entries end at increasing sequence numbers and the last read forgot every
 * entry that ended at or before its end, so the first entry holds the
 * first byte; the last byte, copied - 1, is in the first entry that ends at
 * or after @copied.
 */
static void consume(struct dflow *f, uint32_t copied, uint64_t *first,
		    uint64_t *last)
{
	*first = f->count ? f->arr[f->head].ts : 0;
	*last = 0;
	while (f->count) {
		const struct arrival *a = &f->arr[f->head];

		if (seq_after(a->end, copied)) {
			if (!*last)
				*last = a->ts;
			return;
		}
		if (a->end == copied)
			*last = a->ts;
		f->head = (f->head + 1) % ARRIVALS;
		f->count--;
	}
}

int tsl_derive_event(struct tsl_derive *d, struct tsl_event *ev)
{
	struct dflow *f;
	uint64_t first, last;
	int err = 0;

	if (!tsl_derive_wants(ev))
		return 0;
	switch (ev->kind) {
	case TSL_EV_DATA_RX:
		/* payload found queued later: its arrival time is unknown */
		if ((ev->flags & TSL_F_UNSEEN) || !ev->data_rx.len)
			return 0;
		f = find(d, ev->cookie, true, &err);
		if (!f)
			return err;
		if (!(ev->flags & TSL_F_OFO))
			arrival(f, ev->data_rx.seq + ev->data_rx.len, ev->ts_ns);
		if (!f->unacked_since)
			f->unacked_since = ev->ts_ns;
		return 0;
	case TSL_EV_READ:
		ev->read.res_first_us = ev->read.res_last_us = 0;
		f = find(d, ev->cookie, false, &err);
		if (!f)
			return 0;
		consume(f, ev->read.seq + ev->read.bytes, &first, &last);
		ev->read.res_first_us = since_us(ev->ts_ns, first);
		ev->read.res_last_us = since_us(ev->ts_ns, last);
		return 0;
	case TSL_EV_ACK_TX:
		f = find(d, ev->cookie, false, &err);
		ev->ack_tx.delay_us = ev->ack_tx.reason == TSL_ACK_WINDOW || !f ? 0 :
				      since_us(ev->ts_ns, f->unacked_since);
		if (f && ev->ack_tx.bytes)
			f->unacked_since = 0;
		return 0;
	case TSL_EV_STATE:
		if (ev->state.newstate == STATE_CLOSE) {
			f = find(d, ev->cookie, false, &err);
			if (f)
				forget(d, f);
		}
		return 0;
	default:
		return 0;
	}
}
