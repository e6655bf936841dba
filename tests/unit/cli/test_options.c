// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of the one option table: what each subcommand's options set, and the one-line errors.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "stderr_capture.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

static struct tsl_cli_args a;
static char err[256];

/* tsl_cli_parse() on the words; what it printed in err. */
#define PARSE(cmd, ...) parse_words(cmd, ARGC(ARGV(__VA_ARGS__)), ARGV(__VA_ARGS__))

static int parse_words(enum tsl_subcmd cmd, int argc, char **argv)
{
	int ret;

	stderr_begin();
	ret = tsl_cli_parse(cmd, argc, argv, &a);
	snprintf(err, sizeof(err), "%s", stderr_line());
	return ret;
}

static void test_record_defaults(void **state)
{
	(void)state;
	assert_int_equal(PARSE(TSL_SUB_RECORD, "record"), 0);
	assert_string_equal(err, "");
	assert_int_equal(a.capture.interval_ms, 100);
	assert_int_equal(a.capture.icmp_interval_ms, -1);
	assert_true(a.capture.duration == 0);
	assert_false(a.capture.countdown);
	assert_null(a.output);
	assert_false(a.csv);
	assert_int_equal(a.capture.filter.n_port, 0);
}

static void test_record_options(void **state)
{
	(void)state;
	assert_int_equal(PARSE(TSL_SUB_RECORD, "record", "--port", "5201",
			       "--lport=80", "--duration", "2.5", "-o", "x.csv",
			       "--interval", "0", "--icmp-interval", "500", "-q",
			       "--events", "tx,read", "--csv"), 0);
	assert_int_equal(a.capture.filter.n_port, 1);
	assert_int_equal(a.capture.filter.port[0], 5201);
	assert_int_equal(a.capture.filter.n_lport, 1);
	assert_true(a.capture.duration == 2.5);
	assert_string_equal(a.output, "x.csv");
	assert_int_equal(a.capture.interval_ms, 0);
	assert_int_equal(a.capture.icmp_interval_ms, 500);
	assert_true(a.capture.quiet);
	assert_true(a.csv);
	assert_true(a.capture.filter.kinds & (1u << TSL_EV_READ));
}

static void test_diagnose(void **state)
{
	(void)state;
	assert_int_equal(PARSE(TSL_SUB_DIAGNOSE, "diagnose"), 0);
	assert_true(a.capture.duration == 10);
	assert_true(a.capture.countdown);
	assert_int_equal(a.report.iv_ns, 0);	/* the recording's */
	/* one --interval: the samples' and the analysis' */
	assert_int_equal(PARSE(TSL_SUB_DIAGNOSE, "diagnose", "--interval", "250",
			       "--keep", "k.rec", "--format", "json", "--k", "2"), 0);
	assert_int_equal(a.capture.interval_ms, 250);
	assert_int_equal(a.report.iv_ns, 250000000);
	assert_string_equal(a.keep, "k.rec");
	assert_int_equal(a.format, TSL_FMT_JSON);
	assert_true(a.report.k == 2);
	assert_int_equal(PARSE(TSL_SUB_DIAGNOSE, "diagnose", "--interval", "1.5"),
			 -EINVAL);
	assert_string_equal(err, "--interval: whole milliseconds only");
	/* record's own options are not diagnose's */
	assert_int_equal(PARSE(TSL_SUB_DIAGNOSE, "diagnose", "--events", "tx"),
			 -EINVAL);
	assert_string_equal(err, "diagnose: unknown option '--events' (see 'tcpsleuth diagnose --help')");
}

static void test_report(void **state)
{
	(void)state;
	assert_int_equal(PARSE(TSL_SUB_REPORT, "report", "run.rec", "--max-lag", "3",
			       "--floor-us", "500", "--interval", "12.5"), 0);
	assert_string_equal(a.input, "run.rec");
	assert_int_equal(a.report.max_lag, 3);
	assert_true(a.report.floor_us == 500);
	assert_int_equal(a.report.iv_ns, 12500000);
	assert_int_equal(a.format, TSL_FMT_AUTO);
	assert_int_equal(PARSE(TSL_SUB_REPORT, "report"), -EINVAL);
	assert_string_equal(err, "report: which recording? (usage: tcpsleuth report FILE [OPTIONS])");
	assert_int_equal(PARSE(TSL_SUB_REPORT, "report", "a.rec", "b.rec"), -EINVAL);
	assert_string_equal(err, "report: unexpected argument 'b.rec'");
}

static void test_csv(void **state)
{
	(void)state;
	assert_int_equal(PARSE(TSL_SUB_CSV, "csv", "--samples", "run.rec", "-o", "s.csv"), 0);
	assert_true(a.samples);
	assert_string_equal(a.input, "run.rec");
	assert_string_equal(a.output, "s.csv");
}

static void test_bad_values(void **state)
{
	static const struct { enum tsl_subcmd cmd; const char *opt, *arg, *msg; } bad[] = {
		{ TSL_SUB_RECORD, "--duration", "0", "--duration: '0' is not a positive number of seconds" },
		{ TSL_SUB_RECORD, "--duration", "x", "--duration: 'x' is not a positive number of seconds" },
		{ TSL_SUB_RECORD, "--interval", "-5", "--interval: '-5' is not a number of milliseconds (0: none)" },
		{ TSL_SUB_RECORD, "--port", "0", "--port: '0' is not a port number (1-65535)" },
		{ TSL_SUB_REPORT, "--format", "xml", "--format: 'xml' is not text, json or csv" },
		{ TSL_SUB_REPORT, "--k", "-1", "--k: '-1' is not a number from 0 to 1000" },
		{ TSL_SUB_REPORT, "--interval", "0", "--interval: '0' is not a number from 1 to 3600000" },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { "x", (char *)bad[i].opt, (char *)bad[i].arg,
				 "file.rec", NULL };
		int argc = bad[i].cmd == TSL_SUB_REPORT ? 4 : 3;

		assert_int_equal(parse_words(bad[i].cmd, argc, argv), -EINVAL);
		assert_string_equal(err, bad[i].msg);
	}
	assert_int_equal(PARSE(TSL_SUB_RECORD, "record", "--port"), -EINVAL);
	assert_string_equal(err, "record: option '--port' needs a value");
	assert_int_equal(PARSE(TSL_SUB_RECORD, "record", "-x"), -EINVAL);
	assert_string_equal(err, "record: unknown option '-x' (see 'tcpsleuth record --help')");
}

/* Options repeated past any count (a fixed-size array once overflowed on -qqqqqqqq). */
static void test_repeated(void **state)
{
	(void)state;
	assert_int_equal(PARSE(TSL_SUB_DIAGNOSE, "diagnose", "-qqqqqqqq", "-q",
			       "--quiet", "-qqqqqqqqqqqqqqqq"), 0);
	assert_true(a.capture.quiet);
	assert_int_equal(PARSE(TSL_SUB_RECORD, "record", "-o", "a", "-o", "b",
			       "-o", "c", "-o", "d", "-o", "e"), 0);
	assert_string_equal(a.output, "e");
}

static void test_help(void **state)
{
	(void)state;
	stderr_begin();
	assert_int_equal(tsl_cli_parse(TSL_SUB_CSV, 2, ARGV("csv", "--help"), &a), 0);
	stderr_end();
	assert_true(a.help);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_defaults),
		cmocka_unit_test(test_record_options),
		cmocka_unit_test(test_diagnose),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_repeated),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
