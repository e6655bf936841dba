# SPDX-License-Identifier: GPL-2.0-or-later
# Host-side helpers of the benchmarks (sourced): the results CSV writer and
# small statistics over numbers on stdin.

# bench_csv_quote FIELD: one RFC 4180 field (always quoted, quotes doubled).
bench_csv_quote() { local f=${1//\"/\"\"}; printf '"%s"' "$f"; }

# bench_csv_header FILE: start a results file.
bench_csv_header() {
	echo '"kernel","config","metric","value","unit","repetitions"' > "$1"
}

# bench_csv_row FILE KERNEL CONFIG METRIC VALUE UNIT REPETITIONS
bench_csv_row() {
	local file=$1 f sep=
	shift
	{
		for f in "$@"; do
			printf '%s' "$sep"
			bench_csv_quote "$f"
			sep=,
		done
		printf '\n'
	} >> "$file"
}

# bench_stats: "median min max count" of the numbers on stdin.
bench_stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "nan nan nan 0"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f %.1f %d\n", m, v[1], v[NR], NR }'
}

# bench_calc EXPR: floating-point arithmetic (awk), printed with %.FMT.
bench_calc() { awk "BEGIN { v = $1; printf \"%.${2:-1}f\n\", v }"; }
