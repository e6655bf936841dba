#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every byte of a record is its own: past its kind's fields the record is
# zero, not what the ring slot held before. Request/response and bulk
# traffic fill the rings several times over with records of every common
# kind; tsl-rawcheck reads them straight from the module and checks each.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair
tsl_bg rr-srv tsl_ns srv tsl-rr server 7050 100 1000 -n
tsl_wait_port srv 7050
tsl_bg raw tsl-rawcheck 7050 6
sleep 1
tsl_ns cli tsl-rr client $SRV4 7050 2000 100 1000 -n > "$OUT/rr.log"
wait "$PID_rr_srv" || true
tsl_bg recv tsl_ns srv tsl-stream recv 7050 64 0
tsl_wait_port srv 7050
tsl_ns cli tsl-stream send $SRV4 7050 8192 > "$OUT/send.log"
wait "$PID_recv" || true
rc=0
wait "$PID_raw" || rc=$?
cat "$OUT/raw.log"
tsl_expect records-zeroed "$(tail -n 1 "$OUT/raw.log") (exit status $rc)" [ "$rc" = 0 ]
