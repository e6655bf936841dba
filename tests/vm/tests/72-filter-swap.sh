#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A recording's filter is the one its START carried: a client speaking
# straight to the module STARTs with a filter of port 7050 while a second
# socket tries to swap it for 7051 (SET_FILTER: refused; START: busy); INFO
# still shows 7050, and the recording, with traffic on both ports, holds
# 7050's flows alone.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair
for port in 7050 7051; do
	tsl_bg "recv$port" tsl_ns srv tsl-stream recv $port 64 0
	tsl_wait_port srv $port
done
rc=0
tsl-nlcheck swap 7050 7051 4 > "$OUT/swap.out" 2>&1 &
swap=$!
TSL_PIDS+=($swap)
sleep 1.5
tsl_ns cli tsl-stream send $SRV4 7050 1024 > "$OUT/send7050.log"
tsl_ns cli tsl-stream send $SRV4 7051 1024 > "$OUT/send7051.log"
wait $swap || rc=$?
cat "$OUT/swap.out"
while IFS= read -r line; do
	case $line in
	"ok "*) name=${line#ok }; tsl_result ok "${name%%:*}" "${name#*: }" ;;
	"fail "*) name=${line#fail }; tsl_result fail "${name%%:*}" "${name#*: }" ;;
	esac
done < "$OUT/swap.out"
tsl_expect checks "5 checks answered" [ "$(grep -cE '^(ok|fail) ' "$OUT/swap.out")" = 5 ]
tsl_expect exit "tsl-nlcheck exit status $rc" [ "$rc" = 0 ]
wait "$PID_recv7050" "$PID_recv7051" || true
