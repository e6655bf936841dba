#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Payload that arrives where tcp_probe does not fire: a client writes while
# its connect is in flight (20 ms netem delay), so its kernel holds back the
# handshake's last ACK and sends it with the first data; the server queues
# that payload while completing the passive open. The receiver's data_rx
# records still add up to every byte sent, that segment's as one marked
# unseen, and its reads agree.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7008
tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root netem delay 20ms

tsl_bg recv tsl_ns srv tsl-stream recv $port 64 0
tsl_wait_port srv $port
tsl_record early --port $port
tsl_ns cli tsl-stream send $SRV4 $port 256 -e > "$OUT/send.log"
wait "$PID_recv" || true
sleep 0.5
tsl_record_stop
cat "$OUT/early.err"
csv=$OUT/early.csv
tsl_expect reader "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
rcv=$(tsl_csv "$csv" '$c["event"] == "flow" && $c["sport"] == p { print $c["cookie"]; exit }' -v p=$port)
tsl_expect receiver "receiver flow ${rcv:-none}" [ -n "$rcv" ]
read -r unseen ubytes first <<< "$(tsl_csv "$csv" '$c["event"] == "data_rx" && $c["cookie"] == k {
	if (!n++) f = $c["unseen"] "@" $c["seq"]
	if ($c["unseen"] == 1) { u++; us += $c["len"] } }
	END { print u + 0, us + 0, f }' -v k="$rcv")"
read -r bytes reps <<< "$(tsl_rx_bytes "$csv" "$rcv")"
reads=$(tsl_csv "$csv" '$c["event"] == "read" && $c["cookie"] == k { s += $c["bytes"] } END { print s + 0 }' -v k="$rcv")
tsl_log "receiver: data_rx $bytes bytes, $unseen unseen ($ubytes bytes), first data_rx unseen@seq $first; reads $reads bytes"
tsl_expect unseen "payload queued while completing the handshake: $unseen data_rx marked unseen, $ubytes bytes (want 1, > 0)" \
	[ "$unseen" = 1 -a "$ubytes" -gt 0 ]
tsl_expect data-bytes "data_rx len adds up to $bytes of 262144 bytes ($reps segments repeated)" [ "$bytes" = 262144 ]
tsl_expect read-bytes "reads add up to $reads of 262144 bytes" [ "$reads" = 262144 ]
