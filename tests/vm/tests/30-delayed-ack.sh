#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Delayed ACKs: write-write-read requests without TCP_NODELAY stall on the
# server's delayed-ACK timer (ack_tx reason=timer, delay >= 20 ms); with
# TCP_QUICKACK set before every read, timer ACKs (nearly) vanish.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

# Linux's delayed-ACK timer is at least TCP_DELACK_MIN = HZ/25 = 40 ms on
# every kernel here; 20 ms leaves room for jiffies rounding.
MIN_DELAY_US=20000
requests=40
tsl_netns_pair

# run_rr NAME PORT SERVER-OPTS: one client/server exchange, recorded.
run_rr() {
	local name=$1 port=$2
	shift 2
	tsl_bg srv-$name tsl_ns srv tsl-rr server $port 200 200 "$@"
	tsl_wait_port srv $port
	tsl_record $name --port $port
	tsl_ns cli tsl-rr client $SRV4 $port $requests 200 200 -s > "$OUT/cli-$name.log"
	wait $(eval echo \$PID_srv_$name) || true
	sleep 0.5
	tsl_record_stop
	cat "$OUT/$name.err"
	tsl_expect $name-reader "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
}

# timer_acks NAME PORT: "count median_delay_us" of the server's timer ACKs.
timer_acks() {
	local csv=$OUT/$1.csv cookie
	cookie=$(tsl_csv "$csv" '$c["event"] == "flow" && $c["sport"] == p { print $c["cookie"]; exit }' -v p=$2)
	tsl_csv "$csv" '$c["event"] == "ack_tx" && $c["cookie"] == k { print $c["reason"], $c["delay_us"] }' -v k="$cookie" \
		> "$OUT/$1-acks.txt"
	echo "$(grep -c '^timer ' "$OUT/$1-acks.txt") $(awk '$1 == "timer" { print $2 }' "$OUT/$1-acks.txt" | tsl_median)"
}

run_rr nagle 7002
read -r n_timer med_delay <<< "$(timer_acks nagle 7002)"
lat=$(sed -n 's/.*median_us \([0-9]*\).*/\1/p' "$OUT/cli-nagle.log")
tsl_log "without TCP_QUICKACK: request median ${lat} us, $n_timer timer ACKs, median delay ${med_delay} us"
tsl_log "ack_tx reasons: $(awk '{ print $1 }' "$OUT/nagle-acks.txt" | sort | uniq -c | tr '\n' ' ')"
tsl_expect stall "requests took ${lat} us (the stall happened: >= $MIN_DELAY_US)" tsl_ge "${lat:-0}" $MIN_DELAY_US
tsl_expect timer-acks "$n_timer timer ACKs for $requests requests (want >= $((requests / 2)))" [ "$n_timer" -ge $((requests / 2)) ]
tsl_expect timer-delay "median timer ACK delay ${med_delay:-none} us (want >= $MIN_DELAY_US)" tsl_ge "${med_delay:-0}" $MIN_DELAY_US

run_rr quickack 7012 -q
read -r q_timer q_delay <<< "$(timer_acks quickack 7012)"
lat=$(sed -n 's/.*median_us \([0-9]*\).*/\1/p' "$OUT/cli-quickack.log")
tsl_log "with TCP_QUICKACK: request median ${lat} us, $q_timer timer ACKs"
tsl_log "ack_tx reasons: $(awk '{ print $1 }' "$OUT/quickack-acks.txt" | sort | uniq -c | tr '\n' ' ')"
tsl_expect no-stall "requests took ${lat} us (< $MIN_DELAY_US)" tsl_le "${lat:-999999}" $MIN_DELAY_US
tsl_expect quickack "$q_timer timer ACKs with TCP_QUICKACK (want <= 2)" [ "$q_timer" -le 2 ]
