// SPDX-License-Identifier: GPL-2.0-or-later
// `tcpsleuth record` and `tcpsleuth csv`: capture to a recording, convert it.
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netlink/msg.h>

#include "accounting.h"
#include "commands.h"
#include "csvout.h"
#include "filter.h"
#include "nl.h"
#include "recording.h"
#include "sampler.h"

#define DEFAULT_OUTPUT	"tcpsleuth.rec"
#define END_TIMEOUT_MS	5000
#define TICK_MS		200
#define DEFAULT_INTERVAL_MS 100

struct record_opts {
	struct tsl_filter filter;
	double duration;	/* seconds; 0: until a signal */
	const char *output;	/* NULL: default */
	bool csv;
	bool quiet;
	unsigned int interval_ms;	/* system samples; 0: none */
	int icmp_interval_ms;	/* peer probes; 0: none, -1: every sample */
	bool countdown;		/* progress shows the time left (diagnose) */
};

struct capture {
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

static const struct option record_options[] = {
	{ "port",	required_argument, NULL, 'P' },
	{ "lport",	required_argument, NULL, 'L' },
	{ "rport",	required_argument, NULL, 'R' },
	{ "host",	required_argument, NULL, 'H' },
	{ "netns",	required_argument, NULL, 'N' },
	{ "events",	required_argument, NULL, 'E' },
	{ "duration",	required_argument, NULL, 'd' },
	{ "output",	required_argument, NULL, 'o' },
	{ "csv",	no_argument,	   NULL, 'c' },
	{ "quiet",	no_argument,	   NULL, 'q' },
	{ "interval",	required_argument, NULL, 'i' },
	{ "icmp-interval", required_argument, NULL, 'I' },
	{ NULL, 0, NULL, 0 },
};

static int parse_duration(const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(*out) || *out <= 0 ||
	    *out > 1e9) {
		fprintf(stderr, "tcpsleuth: --duration: '%s' is not a positive number of seconds\n",
			arg);
		return -1;
	}
	return 0;
}

static int parse_interval(const char *opt, const char *arg, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || v > 3600000) {
		fprintf(stderr, "tcpsleuth: --%s: '%s' is not a number of milliseconds (0: none)\n",
			opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_record_opts(int argc, char **argv, struct record_opts *o)
{
	char err[256];
	int c, idx;

	optind = 1;
	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":o:q", record_options, &idx)) != -1) {
		switch (c) {
		case 'P': case 'L': case 'R': case 'H': case 'N': case 'E':
			if (tsl_filter_parse(&o->filter, record_options[idx].name,
					     optarg, err, sizeof(err))) {
				fprintf(stderr, "tcpsleuth: %s\n", err);
				return -1;
			}
			break;
		case 'd':
			if (parse_duration(optarg, &o->duration))
				return -1;
			break;
		case 'i':
			if (parse_interval("interval", optarg, &o->interval_ms))
				return -1;
			break;
		case 'I': {
			unsigned int ms;

			if (parse_interval("icmp-interval", optarg, &ms))
				return -1;
			o->icmp_interval_ms = ms;
			break;
		}
		case 'o':
			o->output = optarg;
			break;
		case 'c':
			o->csv = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case ':':
			fprintf(stderr, "tcpsleuth: record: option '%s' needs a value\n",
				argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "tcpsleuth: record: unknown option '%s' (see 'tcpsleuth help')\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tcpsleuth: record: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

/* ---- stream handlers ---- */

static int on_events(void *arg, const struct tsl_batch *b)
{
	struct capture *cap = arg;
	struct tsl_rec_events e = {
		.cpu = b->cpu, .n_records = b->n_records, .seq = b->seq,
		.produced = b->produced, .dropped = b->dropped,
		.delivered = b->has_delivered ? b->delivered : TSL_REC_NO_DELIVERED,
		.mono_ns = b->mono_ns, .real_ns = b->real_ns,
	};

	if (tsl_acct_batch(&cap->acct, b->cpu, b->seq, b->produced,
			   b->dropped, b->records, b->n_records)) {
		fprintf(stderr, "tcpsleuth: EVENTS message: CPU %u out of range\n",
			b->cpu);
		return -1;
	}
	if (cap->sampler &&
	    tsl_sampler_observe(cap->sampler, b->records, b->n_records))
		return -1;
	return tsl_rec_write_events(cap->w, &e, b->records);
}

static int on_end(void *arg, const struct tsl_end *e)
{
	struct capture *cap = arg;
	struct tsl_rec_end end = { .reason = e->reason, .n_cpus = e->n_cpus,
				   .flows_refused = e->flows_refused };
	unsigned int i;

	if (cap->ended)
		return 0;
	cap->end_cpus = calloc(e->n_cpus ? e->n_cpus : 1, sizeof(*cap->end_cpus));
	if (!cap->end_cpus)
		return -1;
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

static int write_start(struct capture *cap, const struct tsl_info *info,
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
	int ret = -1;

	snprintf(s.kernel, sizeof(s.kernel), "%s", info->kernel);
	if (!msg)
		return -1;
	/* The filter is kept in the very form the module got it. */
	if (!tsl_filter_put(msg, f))
		ret = tsl_rec_write_start(cap->w, &s, nlmsg_data(nlmsg_hdr(msg)),
					  nlmsg_datalen(nlmsg_hdr(msg)));
	nlmsg_free(msg);
	return ret;
}

static void progress(const struct capture *cap, const struct record_opts *o,
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

static int sample_now(struct capture *cap)
{
	if (!tsl_sampler_tick(cap->sampler, clock_ns(CLOCK_MONOTONIC)))
		return 0;
	fprintf(stderr, "tcpsleuth: cannot write system samples\n");
	return -ECANCELED;
}

/* Until the duration, a signal, or the module ends the stream. */
static int capture_loop(struct tsl_nl *nl, struct capture *cap,
			const struct record_opts *o)
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
static int finish_stream(struct tsl_nl *nl, struct capture *cap)
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

		if (left <= 0)
			return -ETIMEDOUT;
		err = tsl_nl_pump(nl, left);
	}
	return err;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* No SA_RESTART: poll() must return at once. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* 0 when the module's counters match what arrived, else TSL_EXIT_LOSS. */
static int report(const struct capture *cap, unsigned long overruns)
{
	uint64_t produced, delivered, dropped;

	tsl_acct_totals(cap->end_cpus, cap->n_end, &produced, &delivered,
			&dropped);
	fprintf(stderr, "tcpsleuth: recorded %" PRIu64 " events (%" PRIu64 " flows); produced %" PRIu64 ", delivered %" PRIu64 ", dropped %" PRIu64 "\n",
		cap->acct.events, cap->acct.flows, produced, delivered, dropped);
	if (cap->flows_refused)
		fprintf(stderr, "tcpsleuth: %" PRIu64 " flows were not traced: the module's flow table was full\n",
			cap->flows_refused);
	if (!tsl_acct_check(&cap->acct, cap->end_cpus, cap->n_end, stderr))
		return TSL_EXIT_OK;
	if (overruns)
		fprintf(stderr, "tcpsleuth: the netlink receive buffer overflowed %lu times\n",
			overruns);
	return TSL_EXIT_LOSS;
}

/* ---- output files ---- */

struct output {
	const char *path;	/* the file we created, NULL for stdout */
	FILE *bin;		/* the recording; a temporary file for CSV */
	const char *bin_name;
	FILE *csv;		/* NULL: binary output */
	const char *csv_name;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static FILE *open_named(const char *path, const char *mode)
{
	FILE *fp = fopen(path, mode);

	if (!fp)
		fprintf(stderr, "tcpsleuth: cannot create %s: %s\n", path,
			strerror(errno));
	return fp;
}

static int open_csv_output(const char *path, struct output *out)
{
	out->csv_name = "standard output";
	out->csv = stdout;
	if (path && strcmp(path, "-")) {
		out->csv_name = out->path = path;
		out->csv = open_named(path, "w");
		if (!out->csv)
			return TSL_EXIT_RUNTIME;
	}
	out->bin_name = "temporary recording";
	out->bin = tmpfile();
	if (!out->bin) {
		fprintf(stderr, "tcpsleuth: cannot create a temporary file: %s\n",
			strerror(errno));
		if (out->csv != stdout)
			fclose(out->csv);
		return TSL_EXIT_RUNTIME;
	}
	return 0;
}

static int open_output(const struct record_opts *o, struct output *out)
{
	const char *path = o->output ? o->output : DEFAULT_OUTPUT;

	memset(out, 0, sizeof(*out));
	if (o->csv || (o->output && ends_with(o->output, ".csv")))
		return open_csv_output(o->output, out);
	if (!strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "tcpsleuth: not writing a binary recording to a terminal (use --csv)\n");
			return TSL_EXIT_USAGE;
		}
		out->bin = stdout;
		out->bin_name = "standard output";
		return 0;
	}
	out->bin_name = out->path = path;
	out->bin = open_named(path, "w");
	return out->bin ? 0 : TSL_EXIT_RUNTIME;
}

/* Close the files, converting to CSV first if @convert. */
static int close_output(struct output *out, bool convert)
{
	int ret = 0;

	if (out->csv && convert &&
	    tsl_csv_convert(fileno(out->bin), out->bin_name, out->csv))
		ret = -1;
	if (out->csv && out->csv != stdout && fclose(out->csv) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", out->csv_name,
			strerror(errno));
		ret = -1;
	}
	if (out->bin != stdout && fclose(out->bin) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", out->bin_name,
			strerror(errno));
		ret = -1;
	}
	return ret;
}

/* ---- subcommands ---- */

/* Talk to the module: filter, start, capture, stop. Returns an exit code. */
static int run_capture(struct tsl_nl *nl, struct capture *cap,
		       const struct record_opts *o)
{
	struct tsl_info info;
	const char *step = "info";
	int err;

	err = tsl_nl_info(nl, &info);
	if (err)
		goto err_nl;
	if (info.record_size != TSL_EVENT_SIZE) {
		fprintf(stderr, "tcpsleuth: the module's records are %u bytes, this reader needs %d\n",
			info.record_size, TSL_EVENT_SIZE);
		tsl_info_free(&info);
		return TSL_EXIT_RUNTIME;
	}
	err = write_start(cap, &info, &o->filter);
	tsl_info_free(&info);
	if (err)
		return TSL_EXIT_RUNTIME;	/* the writer says why */
	if (o->interval_ms) {
		struct tsl_sampler_opts so = {
			.no_icmp = !o->icmp_interval_ms,
			.icmp_interval_ns = o->icmp_interval_ms > 0 ?
				(uint64_t)o->icmp_interval_ms * 1000000 : 0,
		};

		cap->sampler = tsl_sampler_new(cap->w, &so);
		if (!cap->sampler) {
			fprintf(stderr, "tcpsleuth: out of memory\n");
			return TSL_EXIT_RUNTIME;
		}
	}
	step = "set filter";
	err = tsl_nl_set_filter(nl, &o->filter);
	if (err)
		goto err_nl;
	install_signals();
	step = "start";
	err = tsl_nl_start(nl, &stream_ops, cap);
	if (err)
		goto err_nl;
	cap->started = true;
	step = "receive";
	err = capture_loop(nl, cap, o);
	if (err)
		goto err_nl;
	step = "stop";
	err = finish_stream(nl, cap);
	if (err == -ETIMEDOUT) {
		fprintf(stderr, "tcpsleuth: no END message within %d s of STOP\n",
			END_TIMEOUT_MS / 1000);
		return TSL_EXIT_RUNTIME;
	}
	if (err)
		goto err_nl;
	if (cap->end_reason == TSL_END_UNLOAD)
		fprintf(stderr, "tcpsleuth: module unloaded, recording ended\n");
	return TSL_EXIT_OK;

err_nl:
	if (err != -ECANCELED)	/* a stream handler already said why */
		tsl_nl_perror(nl, step, err);
	return TSL_EXIT_RUNTIME;
}

int tsl_cmd_record(int argc, char **argv)
{
	struct record_opts o;
	struct capture cap;
	struct output out;
	struct tsl_nl *nl;
	int ret, err;

	memset(&o, 0, sizeof(o));
	memset(&cap, 0, sizeof(cap));
	o.interval_ms = DEFAULT_INTERVAL_MS;
	o.icmp_interval_ms = -1;
	if (parse_record_opts(argc, argv, &o))
		return TSL_EXIT_USAGE;
	/* The module first: no output file is left behind if it is absent. */
	err = tsl_nl_open(&nl);
	if (err) {
		tsl_nl_perror(NULL, "record", err);
		return TSL_EXIT_RUNTIME;
	}
	ret = open_output(&o, &out);
	if (ret)
		goto err_nl;
	ret = TSL_EXIT_RUNTIME;
	cap.w = tsl_rec_writer_new(out.bin, out.bin_name);
	if (!cap.w)
		goto err_output;
	ret = run_capture(nl, &cap, &o);
	if (tsl_rec_writer_finish(cap.w) && !ret)
		ret = TSL_EXIT_RUNTIME;
	if (!cap.started)
		goto err_output;
	/* Whatever happened since START, what was received is kept. */
	if (close_output(&out, true) && !ret)
		ret = TSL_EXIT_RUNTIME;
	if (!ret && cap.ended)
		ret = report(&cap, tsl_nl_overruns(nl));
	goto out;

err_output:
	close_output(&out, false);
	if (out.path)
		unlink(out.path);	/* nothing was recorded into it */
out:
	tsl_sampler_free(cap.sampler);
	tsl_acct_free(&cap.acct);
	free(cap.end_cpus);
err_nl:
	tsl_nl_close(nl);
	return ret;
}

static const struct option csv_options[] = {
	{ "output",	required_argument, NULL, 'o' },
	{ "samples",	no_argument,	   NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

#define CSV_USAGE "tcpsleuth: usage: tcpsleuth csv FILE [--samples] [-o OUT]\n"

int tsl_cmd_csv(int argc, char **argv)
{
	const char *path, *output = NULL;
	bool samples = false;
	FILE *out = stdout;
	int c, fd, ret, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", csv_options, NULL)) != -1) {
		if (c == 's') {
			samples = true;
			continue;
		}
		if (c != 'o') {
			fprintf(stderr, CSV_USAGE);
			return TSL_EXIT_USAGE;
		}
		output = optarg;
	}
	if (optind != argc - 1) {
		fprintf(stderr, CSV_USAGE);
		return TSL_EXIT_USAGE;
	}
	path = argv[optind];
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tcpsleuth: cannot open %s: %s\n", path,
			strerror(errno));
		return TSL_EXIT_RUNTIME;
	}
	ret = TSL_EXIT_RUNTIME;
	if (output && strcmp(output, "-")) {
		out = open_named(output, "w");
		if (!out)
			goto err_close;
	}
	/* --samples: the system samples, one row per value */
	err = samples ? tsl_sample_csv_convert(fd, path, out) :
			tsl_csv_convert(fd, path, out);
	ret = err == -EINVAL ? TSL_EXIT_USAGE : err ? TSL_EXIT_RUNTIME : 0;
	if (out != stdout && fclose(out) && !ret) {
		fprintf(stderr, "tcpsleuth: %s: %s\n", output, strerror(errno));
		ret = TSL_EXIT_RUNTIME;
	}
err_close:
	close(fd);
	return ret;
}

int tsl_record_capture(int argc, char **argv, FILE *bin, const char *bin_name)
{
	struct record_opts o;
	struct capture cap;
	struct tsl_nl *nl;
	int ret, err;

	memset(&o, 0, sizeof(o));
	memset(&cap, 0, sizeof(cap));
	o.interval_ms = DEFAULT_INTERVAL_MS;
	o.icmp_interval_ms = -1;
	o.countdown = true;
	if (parse_record_opts(argc, argv, &o))
		return TSL_EXIT_USAGE;
	err = tsl_nl_open(&nl);
	if (err) {
		tsl_nl_perror(NULL, "diagnose", err);
		return TSL_EXIT_RUNTIME;
	}
	ret = TSL_EXIT_RUNTIME;
	cap.w = tsl_rec_writer_new(bin, bin_name);
	if (!cap.w)
		goto out;
	ret = run_capture(nl, &cap, &o);
	if (tsl_rec_writer_finish(cap.w) && !ret)
		ret = TSL_EXIT_RUNTIME;
	if (!cap.started && !ret)
		ret = TSL_EXIT_RUNTIME;
	if (!ret && cap.ended)
		ret = report(&cap, tsl_nl_overruns(nl));
out:
	tsl_sampler_free(cap.sampler);
	tsl_acct_free(&cap.acct);
	free(cap.end_cpus);
	tsl_nl_close(nl);
	return ret;
}
