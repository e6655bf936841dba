#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Overflow accounting: with 4 KiB rings a bulk flow overflows them; the
# reader reports the drops and produced == delivered + dropped exactly.
set -e
. /tsl/lib.sh
restore() { tsl_cleanup; tsl_reload $TSL_MODPARAMS; }
trap restore EXIT

tsl_reload buf_kb=4
tsl_netns_pair
tsl_bg iperf3-srv tsl_ns srv iperf3 -s -1
tsl_wait_port srv 5201
tsl_record tiny --port 5201
tsl_ns cli iperf3 -c $SRV4 -t 3 > "$OUT/iperf3-cli.log"
sleep 0.5
tsl_record_stop
cat "$OUT/tiny.err"
tsl_expect reader-exit "reader exit status $TSL_REC_RC (3 would mean a count mismatch)" [ "$TSL_REC_RC" = 0 ]
read -r events flows produced delivered dropped <<< "$(tsl_summary "$OUT/tiny.err")"
tsl_expect summary "closing line: $events events, produced $produced, delivered $delivered, dropped $dropped" [ -n "$dropped" ]
tsl_expect drops "dropped $dropped > 0" [ "${dropped:-0}" -gt 0 ]
tsl_expect accounting "produced $produced == delivered $delivered + dropped $dropped" \
	[ -n "$produced" ] && [ "$produced" = $((delivered + dropped)) ]
rows=$(tsl_csv "$OUT/tiny.csv" '{ n++ } END { print n + 0 }')
tsl_expect rows "$rows CSV rows == $events recorded events" [ "$rows" = "$events" ]
