#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of scripts/demo: a bulk transfer to port 5201 whose receiver
# reads fast but stalls for 200-500 ms about every 1.5 s, diagnosed with
# `tcpsleuth diagnose`; the text report and the top verdicts land in $OUT.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=5201
tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-load recv $port -c 128 -x 1500:200:500
tsl_wait_port srv $port
tsl_bg send tsl_ns cli tsl-load send $SRV4 $port -r 4096 -t 40
sleep 1
# What ss shows on each end in the middle of a stall-prone transfer.
( sleep 6
  tsl_ns srv "$SS" -tmi "sport = :$port" > "$OUT/ss-server.txt"
  tsl_ns cli "$SS" -tmi "dport = :$port" > "$OUT/ss-client.txt" ) &
tcpsleuth diagnose --port $port --duration 15 -q --keep "$OUT/demo.rec" -o "$OUT/report.txt" \
	2> "$OUT/diagnose.err" || echo "tcpsleuth diagnose exited with status $?" >> "$OUT/diagnose.err"
wait $! || true
tcpsleuth report "$OUT/demo.rec" --format json -o "$OUT/report.json" 2>> "$OUT/diagnose.err" || true
tsl_verdicts "$OUT/report.json" > "$OUT/verdicts.txt"
tsl_result ok demo "$(wc -l < "$OUT/verdicts.txt") verdicts"
