#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Overflow accounting: with the smallest rings (buf_kb=1: 16 records per CPU)
# small-segment flows in both directions overflow them between drains (the
# module drains early at half full, so 4 KiB rings may keep up); the reader
# reports the drops and produced == delivered + dropped exactly.
set -e
. /tsl/lib.sh
restore() { tsl_cleanup; tsl_reload $TSL_MODPARAMS; }
trap restore EXIT

tsl_reload buf_kb=1
tsl_netns_pair
tsl_bg iperf3-srv tsl_ns srv iperf3 -s -1
tsl_bg iperf3-srv2 tsl_ns srv iperf3 -s -1 -p 5202
tsl_wait_port srv 5201
tsl_wait_port srv 5202
tsl_record tiny --port 5201 --port 5202
# 1 KiB writes with TCP_NODELAY: one segment each, many events per softirq.
tsl_bg iperf3-rev tsl_ns cli iperf3 -c $SRV4 -p 5202 -t 3 -N -l 1K -R
tsl_ns cli iperf3 -c $SRV4 -t 3 -N -l 1K -P 2 > "$OUT/iperf3-cli.log"
wait "$PID_iperf3_rev" || true
sleep 0.5
tsl_record_stop
cat "$OUT/tiny.err"
tsl_expect reader-exit "reader exit status $TSL_REC_RC (3 would mean a count mismatch)" [ "$TSL_REC_RC" = 0 ]
read -r events flows produced delivered dropped <<< "$(tsl_summary "$OUT/tiny.err")"
tsl_expect summary "closing line: $events events, produced $produced, delivered $delivered, dropped $dropped" [ -n "$dropped" ]
tsl_expect drops "dropped $dropped > 0" [ "${dropped:-0}" -gt 0 ]
tsl_expect accounting "produced $produced == delivered $delivered + dropped $dropped" \
	[ "${produced:-none}" = $((delivered + dropped)) ]
# "recorded N events (M flows)": N counts records other than the M flow rows.
rows=$(tsl_csv "$OUT/tiny.csv" '{ n++ } END { print n + 0 }')
tsl_expect rows "$rows CSV rows == $events events + $flows flow rows" [ "$rows" = $((events + flows)) ]
