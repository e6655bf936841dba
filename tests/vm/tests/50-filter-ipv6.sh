#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Filters and IPv6: a filter on another port records nothing; an IPv6 flow
# is traced like an IPv4 one.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair

# Traffic on 7004, filter on 9999.
tsl_bg recv4 tsl_ns srv tsl-stream recv 7004 64 0
tsl_wait_port srv 7004
tsl_record other --port 9999
tsl_ns cli tsl-stream send $SRV4 7004 1024 > "$OUT/send4.log"
wait "$PID_recv4" || true
tsl_record_stop
cat "$OUT/other.err"
tsl_expect other-reader "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
rows=$(tsl_csv "$OUT/other.csv" '{ n++ } END { print n + 0 }')
read -r events _ <<< "$(tsl_summary "$OUT/other.err")"
tsl_expect other-port "$rows rows, ${events:-?} events recorded for port 9999 (want 0)" [ "$rows.${events:-x}" = 0.0 ]

# IPv6 on 7005.
tsl_bg recv6 tsl_ns srv tsl-stream recv 7005 64 0
tsl_wait_port srv 7005
tsl_record v6 --port 7005
tsl_ns cli tsl-stream send $SRV6 7005 1024 > "$OUT/send6.log"
wait "$PID_recv6" || true
sleep 0.5
tsl_record_stop
cat "$OUT/v6.err"
csv=$OUT/v6.csv
tsl_expect v6-reader "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
tsl_csv "$csv" '$c["event"] == "flow" { print $c["cookie"], $c["saddr"], $c["sport"], $c["daddr"], $c["dport"] }' > "$OUT/flows.txt"
cat "$OUT/flows.txt"
snd=$(awk -v a=$CLI6 '$2 == a && $5 == 7005 { print $1; exit }' "$OUT/flows.txt")
rcv=$(awk -v a=$SRV6 '$2 == a && $3 == 7005 { print $1; exit }' "$OUT/flows.txt")
tsl_expect v6-flows "flow rows for $CLI6 -> [$SRV6]:7005 (sender ${snd:-none}, receiver ${rcv:-none})" [ -n "$snd" -a -n "$rcv" ]
tsl_expect v6-only "every flow row on port 7005 is IPv6" [ -z "$(awk '$2 !~ /:/ || $4 !~ /:/' "$OUT/flows.txt")" ]
count() { tsl_csv "$csv" '$c["event"] == e && $c["cookie"] == k { n++ } END { print n + 0 }' -v e="$1" -v k="$2"; }
tx=$(count tx "$snd") ack=$(count ack_rx "$snd") rx=$(count data_rx "$rcv")
tsl_log "IPv6: sender $tx tx, $ack ack_rx; receiver $rx data_rx"
tsl_expect v6-events "sender tx $tx, ack_rx $ack; receiver data_rx $rx (all > 0)" \
	[ "$tx" -gt 0 -a "$ack" -gt 0 -a "$rx" -gt 0 ]
read -r bytes reps <<< "$(tsl_rx_bytes "$csv" "$rcv")"
tsl_expect v6-bytes "data_rx len adds up to $bytes of 1048576 bytes ($reps segments repeated)" [ "$bytes" = 1048576 ]
