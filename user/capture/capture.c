// SPDX-License-Identifier: GPL-2.0-or-later
// A capture: START with its filter, the event stream and system samples into a recording, STOP, END, and the loss check.
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netlink/msg.h>

#include "capture.h"
#include "filter.h"
#include "netlink.h"
#include "recording/recording.h"
#include "samplers/samplers.h"

/*
 * How long END may take after STOP: the module first detaches its hooks,
 * which on PREEMPT_RT kernels takes about 3 s with direct-call hooks.
 */
#define END_TIMEOUT_MS	10000
#define TICK_MS		200

struct tsl_capture {
	struct tsl_capture_opts o;
	struct tsl_rec_writer *w;
	struct tsl_acct acct;
	struct tsl_sampler *sampler;	/* NULL: no system samples */
	bool started;		/* the start chunk is written */
	bool ended;
	uint32_t end_reason;
	uint64_t flows_refused;
	struct tsl_rec_cpu *end_cpus;
	unsigned int n_end;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ---- stream handlers ---- */

static int on_events(void *arg, const struct tsl_batch *b)
{
	struct tsl_capture *cap = arg;
	struct tsl_rec_events e = {
		.cpu = b->cpu, .n_records = b->n_records, .seq = b->seq,
		.produced = b->produced, .dropped = b->dropped,
		.unused = TSL_REC_UNUSED,
		.mono_ns = b->mono_ns, .real_ns = b->real_ns,
	};
	int err;

	err = tsl_acct_batch(&cap->acct, b->cpu, b->seq, b->produced,
			     b->dropped, b->records, b->n_records);
	if (err == -EINVAL)
		fprintf(stderr, "tcpsleuth: EVENTS message: CPU %u out of range\n",
			b->cpu);
	else if (err)
		fprintf(stderr, "tcpsleuth: out of memory\n");
	if (err)
		return err;
	if (cap->sampler) {
		err = tsl_sampler_observe(cap->sampler, b->records, b->n_records);
		if (err)
			return err;
	}
	return tsl_rec_write_events(cap->w, &e, b->records);
}

static int on_end(void *arg, const struct tsl_end *e)
{
	struct tsl_capture *cap = arg;
	struct tsl_rec_end end = { .reason = e->reason, .n_cpus = e->n_cpus,
				   .flows_refused = e->flows_refused };
	unsigned int i;

	if (cap->ended)
		return 0;
	cap->end_cpus = calloc(e->n_cpus ? e->n_cpus : 1, sizeof(*cap->end_cpus));
	if (!cap->end_cpus) {
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return -ENOMEM;
	}
	for (i = 0; i < e->n_cpus; i++)
		cap->end_cpus[i] = (struct tsl_rec_cpu){
			.cpu = e->cpus[i].cpu, .queued = e->cpus[i].queued,
			.produced = e->cpus[i].produced,
			.delivered = e->cpus[i].delivered,
			.dropped = e->cpus[i].dropped,
		};
	cap->n_end = e->n_cpus;
	cap->flows_refused = e->flows_refused;
	cap->ended = true;
	cap->end_reason = e->reason;
	return tsl_rec_write_end(cap->w, &end, cap->end_cpus);
}

static const struct tsl_stream_ops stream_ops = {
	.events = on_events,
	.end = on_end,
};

/* ---- the capture ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int write_start(struct tsl_capture *cap, const struct tsl_info *info,
		       const struct tsl_filter *f)
{
	struct tsl_rec_start s = {
		.module_version = info->version,
		.record_size = info->record_size,
		.buf_records = info->buf_records,
		.max_flows = info->max_flows,
		.mono_ns = clock_ns(CLOCK_MONOTONIC),
		.real_ns = clock_ns(CLOCK_REALTIME),
	};
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	snprintf(s.kernel, sizeof(s.kernel), "%s", info->kernel);
	if (!msg) {
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return -ENOMEM;
	}
	/* The filter is kept in the very form the module got it. */
	ret = tsl_filter_put(msg, f);
	if (!ret)
		ret = tsl_rec_write_start(cap->w, &s, nlmsg_data(nlmsg_hdr(msg)),
					  nlmsg_datalen(nlmsg_hdr(msg)));
	nlmsg_free(msg);
	return ret;
}

static void progress(const struct tsl_capture *cap, const struct tsl_capture_opts *o,
		     int64_t elapsed_ms)
{
	if (o->countdown && o->duration) {
		int64_t left = (int64_t)(o->duration * 1000) - elapsed_ms;

		fprintf(stderr, "\rtcpsleuth: %" PRId64 " s left, %" PRIu64 " events, %" PRIu64 " flows, %" PRIu64 " dropped\033[K",
			left > 0 ? (left + 999) / 1000 : 0, cap->acct.events,
			cap->acct.flows, tsl_acct_dropped(&cap->acct));
		return;
	}
	fprintf(stderr, "\rtcpsleuth: %" PRId64 " s, %" PRIu64 " events, %" PRIu64 " flows, %" PRIu64 " dropped\033[K",
		elapsed_ms / 1000, cap->acct.events, cap->acct.flows,
		tsl_acct_dropped(&cap->acct));
}

/* 0, or the tick's negative errno (it, or the writer when finished, says why). */
static int sample_now(struct tsl_capture *cap)
{
	return tsl_sampler_tick(cap->sampler, clock_ns(CLOCK_MONOTONIC));
}

/* Until the duration, a signal, or the module ends the stream. */
static int capture_loop(struct tsl_nl *nl, struct tsl_capture *cap,
			const struct tsl_capture_opts *o)
{
	int64_t start = now_ms(), last = start, deadline = INT64_MAX;
	int64_t next_sample = cap->sampler ? start : INT64_MAX;
	bool tty = !o->quiet && isatty(STDERR_FILENO);
	int err = 0;

	if (o->duration)
		deadline = start + (int64_t)(o->duration * 1000);
	while (!err && !stop_requested && !cap->ended) {
		int64_t now = now_ms(), wait = TICK_MS;

		if (now >= deadline)
			break;
		if (now >= next_sample) {
			err = sample_now(cap);
			next_sample += o->interval_ms;
			if (next_sample <= now)	/* fell behind: skip, not burst */
				next_sample = now + o->interval_ms;
			continue;
		}
		wait = deadline - now < wait ? deadline - now : wait;
		wait = next_sample - now < wait ? next_sample - now : wait;
		err = tsl_nl_pump(nl, wait);
		if (tty && now - last >= 1000) {
			progress(cap, o, now - start);
			last = now;
		}
	}
	if (tty)
		fputs("\r\033[K", stderr);
	return err;
}

/* STOP, then read until the END message. */
static int finish_stream(struct tsl_nl *nl, struct tsl_capture *cap)
{
	int64_t deadline;
	int err;

	if (cap->ended)
		return 0;
	err = tsl_nl_stop(nl);
	/* The session may have ended meanwhile (reader error, unload). */
	if (err || cap->ended)
		return cap->ended ? 0 : err;
	deadline = now_ms() + END_TIMEOUT_MS;
	while (!err && !cap->ended) {
		int64_t left = deadline - now_ms();

		if (left <= 0) {
			fprintf(stderr, "tcpsleuth: no END message within %d s of STOP\n",
				END_TIMEOUT_MS / 1000);
			return -ETIMEDOUT;
		}
		err = tsl_nl_pump(nl, left);
	}
	return err;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/*
	 * No SA_RESTART: poll() must return at once. A closed terminal
	 * (SIGHUP) or a reader of standard output that went away (SIGPIPE)
	 * stops the capture as Ctrl-C does: STOP, END, the recording kept.
	 */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
}

/* Talk to the module: start with the filter, capture, stop. 0 or a negative errno (printed). */
static int run_capture(struct tsl_nl *nl, struct tsl_capture *cap,
		       const struct tsl_capture_opts *o)
{
	struct tsl_info info;
	int err;

	err = tsl_nl_info(nl, &info);
	if (err)
		return err;
	if (info.version < TSL_MODULE_VERSION_MIN) {
		fprintf(stderr, "tcpsleuth: the module is version %u.%u.%u; this reader needs %u.%u.%u or later (the filter goes with START)\n",
			TSL_VERSION_MAJOR(info.version), TSL_VERSION_MINOR(info.version),
			TSL_VERSION_PATCH(info.version),
			TSL_VERSION_MAJOR(TSL_MODULE_VERSION_MIN),
			TSL_VERSION_MINOR(TSL_MODULE_VERSION_MIN),
			TSL_VERSION_PATCH(TSL_MODULE_VERSION_MIN));
		tsl_info_free(&info);
		return -EPROTO;
	}
	if (info.record_size != TSL_EVENT_SIZE) {
		fprintf(stderr, "tcpsleuth: the module's records are %u bytes, this reader needs %d\n",
			info.record_size, TSL_EVENT_SIZE);
		tsl_info_free(&info);
		return -EPROTO;
	}
	err = write_start(cap, &info, &o->filter);
	tsl_info_free(&info);
	if (err)
		return err;
	if (o->interval_ms) {
		struct tsl_sampler_opts so = {
			.no_icmp = !o->icmp_interval_ms,
			.icmp_interval_ns = o->icmp_interval_ms > 0 ?
				(uint64_t)o->icmp_interval_ms * 1000000 : 0,
		};

		cap->sampler = tsl_sampler_new(cap->w, &so);
		if (!cap->sampler)
			return -ENOMEM;
	}
	install_signals();
	err = tsl_nl_start(nl, &o->filter, &stream_ops, cap);
	if (err)
		return err;
	cap->started = true;
	err = capture_loop(nl, cap, o);
	if (!err)
		err = finish_stream(nl, cap);
	if (!err && cap->end_reason == TSL_END_UNLOAD)
		fprintf(stderr, "tcpsleuth: module unloaded, recording ended\n");
	return err;
}

/* ---- the interface ---- */

void tsl_capture_opts_default(struct tsl_capture_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_ms = TSL_CAPTURE_INTERVAL_MS;
	o->icmp_interval_ms = -1;
}

struct tsl_capture *tsl_capture_new(const struct tsl_capture_opts *o)
{
	struct tsl_capture *cap = calloc(1, sizeof(*cap));

	if (!cap) {
		fprintf(stderr, "tcpsleuth: out of memory\n");
		return NULL;
	}
	cap->o = *o;
	return cap;
}

int tsl_capture_run(struct tsl_capture *cap, struct tsl_nl *nl, FILE *bin,
		    const char *bin_name)
{
	int err, ferr;

	cap->w = tsl_rec_writer_new(bin, bin_name);
	if (!cap->w)
		return -ENOMEM;
	err = run_capture(nl, cap, &cap->o);
	ferr = tsl_rec_writer_finish(cap->w);
	cap->w = NULL;
	if (ferr && !err)
		err = -EIO;
	return err;	/* run_capture() succeeds only after START */
}

bool tsl_capture_started(const struct tsl_capture *cap)
{
	return cap->started;
}

int tsl_capture_summary(const struct tsl_capture *cap, const struct tsl_nl *nl)
{
	uint64_t produced, delivered, dropped;
	unsigned long overruns;

	if (!cap->ended)
		return 0;
	tsl_acct_totals(cap->end_cpus, cap->n_end, &produced, &delivered,
			&dropped);
	fprintf(stderr, "tcpsleuth: recorded %" PRIu64 " events (%" PRIu64 " flows); produced %" PRIu64 ", delivered %" PRIu64 ", dropped %" PRIu64 "\n",
		cap->acct.events, cap->acct.flows, produced, delivered, dropped);
	if (cap->flows_refused)
		fprintf(stderr, "tcpsleuth: %" PRIu64 " flows were not traced: the module's flow table was full\n",
			cap->flows_refused);
	if (!tsl_acct_check(&cap->acct, cap->end_cpus, cap->n_end, stderr))
		return 0;
	overruns = tsl_nl_overruns(nl);
	if (overruns)
		fprintf(stderr, "tcpsleuth: the netlink receive buffer overflowed %lu times\n",
			overruns);
	return -EPROTO;
}

void tsl_capture_free(struct tsl_capture *cap)
{
	if (!cap)
		return;
	tsl_sampler_free(cap->sampler);
	tsl_acct_free(&cap->acct);
	free(cap->end_cpus);
	free(cap);
}
