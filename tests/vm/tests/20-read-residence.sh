#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Read residence: a receiver that reads 16 KiB then sleeps 50 ms behind a
# continuous sender; read events show >= 40 ms queue residence, and their
# rcvq is what ss shows as Recv-Q.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7001
tsl_netns_pair
# Hold for 5 s after 480 KiB: the last 32 KiB then all reach the receiver
# (they fit in its window) and nothing is in flight, so Recv-Q must equal the
# rcvq of the last read plus what arrived after it, exactly.
tsl_bg recv tsl_ns srv tsl-stream recv $port 16 50 -H 480 -h 5000
tsl_wait_port srv $port
tsl_record res --port $port
tsl_bg send tsl_ns cli tsl-stream send $SRV4 $port 512 -l 5
tsl_wait_line "$OUT/recv.log" '^hold' 120 || { tsl_result fail hold "the receiver never reached the hold point"; exit 0; }
# Until the sender has nothing left (up to 3.5 s of the hold): a segment the
# receiver dropped comes again only after a retransmission timeout.
for i in $(seq 35); do
	sendq=$(tsl_ns cli "$SS" -Htn "dport = :$port" | awk '$1 == "ESTAB" { print $3; exit }')
	[ "$sendq" = 0 ] && break
	sleep 0.1
done
tsl_log "sender Send-Q $sendq after $i looks"
t_ss=$(tsl-now)
tsl_ns srv "$SS" -Htn "sport = :$port" > "$OUT/ss-recv.txt"
tsl_ns cli "$SS" -Htn "dport = :$port" > "$OUT/ss-send.txt"
tsl_wait_line "$OUT/recv.log" '^received' 120 || tsl_result fail receiver "did not finish"
wait "$PID_send" || true
tsl_record_stop
cat "$OUT/res.err"
csv=$OUT/res.csv
tsl_expect reader-exit "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]

# The receiving socket: local port $port.
cookie=$(tsl_csv "$csv" '$c["event"] == "flow" && $c["sport"] == p { print $c["cookie"]; exit }' -v p=$port)
[ -n "$cookie" ] || { tsl_result fail flow "no flow row with sport $port"; exit 0; }
tsl_csv "$csv" '$c["event"] == "read" && $c["cookie"] == k { print $c["time_ns"], $c["bytes"], $c["rcvq"], $c["res_first_us"], $c["res_last_us"], $c["comm"] }' \
	-v k="$cookie" > "$OUT/reads.txt"
nreads=$(wc -l < "$OUT/reads.txt")
bytes=$(awk '{ s += $2 } END { print s + 0 }' "$OUT/reads.txt")
med=$(awk '{ print $4 }' "$OUT/reads.txt" | tsl_median)
tsl_log "$nreads reads, $bytes bytes, median res_first_us $med"
tsl_expect read-bytes "read events account for $bytes of 524288 bytes" [ "$bytes" = 524288 ]
tsl_expect residence "median res_first_us ${med:-none} (want >= 40000)" tsl_ge "${med:-0}" 40000
tsl_expect comm "read events name the reader" grep -q ' tsl-stream$' "$OUT/reads.txt"
bad=$(awk '$5 > $4 { n++ } END { print n + 0 }' "$OUT/reads.txt")
tsl_expect first-last "res_last_us <= res_first_us in all reads ($bad violations)" [ "$bad" = 0 ]

# Recv-Q during the hold against the kernel's own accounting: the rcvq
# left by the last read before it, plus the in-order payload that arrived
# after that read (both are taken under the socket lock, so their times
# order them).
recvq=$(awk '$1 == "ESTAB" { print $2; exit }' "$OUT/ss-recv.txt")
sendq=$(awk '$1 == "ESTAB" { print $3; exit }' "$OUT/ss-send.txt")
t_last=$(awk -v t="$t_ss" '$1 <= t { tl = $1 } END { print tl }' "$OUT/reads.txt")
last=$(awk -v t="$t_ss" '$1 <= t { q = $3 } END { print q }' "$OUT/reads.txt")
late=$(tsl_csv "$csv" '$c["event"] == "data_rx" && $c["cookie"] == k && $c["time_ns"] > a && $c["time_ns"] <= b && $c["ofo"] == 0 { s += $c["len"] } END { print s + 0 }' \
	-v k="$cookie" -v a="${t_last:-0}" -v b="$t_ss")
want=$(( ${last:-0} + late ))
tsl_log "ss Recv-Q $recvq (sender Send-Q $sendq); rcvq after the last read $last, $late bytes arrived since"
tsl_expect in-flight "sender Send-Q $sendq is 0 during the hold" [ "$sendq" = 0 ]
tsl_expect rcvq-vs-ss "rcvq $last + $late arrived == ss Recv-Q $recvq" [ -n "$last" -a "$want" = "$recvq" ]
