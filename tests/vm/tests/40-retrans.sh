#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Retransmissions: with netem dropping 2 % of data packets, the segments of
# the recorded retrans events add up to the namespace's TcpRetransSegs delta.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7003
tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-stream recv $port 64 0
tsl_wait_port srv $port
tsl_record retrans --port $port
# The sender writes only once netem is in place (it waits for the go file):
# loss starts after the handshake and stops once everything is acknowledged,
# so SYN and FIN are never lost.
go=$OUT/go
rm -f "$go"
# netem drops whole GSO packets (up to 64 KB each): 16 MB makes a transfer
# without any loss unlikely (0.98^256 < 1 %), where 4 MB often had none.
tsl_bg send tsl_ns cli tsl-stream send $SRV4 $port 16384 -g "$go" -l 2
tsl_wait_line "$OUT/send.log" '^connected' 30
tsl_ns cli "$TC" qdisc add dev veth-cli root netem loss 2%
before=$(tsl_snmp cli RetransSegs)
touch "$go"
tsl_wait_line "$OUT/send.log" '^done' 180 || tsl_result fail transfer "the sender did not finish"
after=$(tsl_snmp cli RetransSegs)
tsl_ns cli "$TC" qdisc del dev veth-cli root
wait "$PID_send" || true
wait "$PID_recv" || true
sleep 0.5
tsl_record_stop
cat "$OUT/retrans.err"
csv=$OUT/retrans.csv
tsl_expect reader-exit "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
read -r _ _ _ _ dropped <<< "$(tsl_summary "$OUT/retrans.err")"
tsl_expect no-drops "the reader saw every event (dropped ${dropped:-?})" [ "${dropped:-1}" = 0 ]

delta=$((after - before))
segs=$(tsl_csv "$csv" '$c["event"] == "retrans" { s += $c["segs"]; n++ } END { print s + 0, n + 0 }')
read -r sum nrows <<< "$segs"
tsl_log "TcpRetransSegs $before -> $after (delta $delta); $nrows retrans events, $sum segments"
tsl_expect some-loss "netem caused retransmissions (delta $delta > 0)" [ "$delta" -gt 0 ]
tsl_expect retrans-segs "sum of segs $sum == TcpRetransSegs delta $delta" [ "$sum" = "$delta" ]
