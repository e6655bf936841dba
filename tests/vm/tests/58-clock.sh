#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Record times, timed by the TSC (the default where it is usable) and with
# tsc=0: status names the clock; every record's time_ns is CLOCK_MONOTONIC,
# between readings of that clock taken before and after the traffic; and
# across two CPUs' records, a data segment's tx on the sender and its
# data_rx on the receiver are the 10 ms of netem delay apart (the least
# of these over the transfer).
set -e
. /tsl/lib.sh
trap 'tsl_reload $TSL_MODPARAMS > /dev/null 2>&1; tsl_cleanup' EXIT

port=7009
tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root netem delay 10ms

# run NAME: one recording of 64 KiB sent to $port; checks as above.
run() {
	local name=$1 csv t0 t1 snd rcv out
	csv=$OUT/$name.csv
	tsl_bg "recv-$name" tsl_ns srv tsl-stream recv $port 64 0
	tsl_wait_port srv $port
	tsl_record "$name" --port $port
	t0=$(tsl-now)
	tsl_ns cli tsl-stream send $SRV4 $port 64 > "$OUT/$name-send.log"
	eval wait "\$PID_recv_$name" || true
	sleep 0.5
	t1=$(tsl-now)
	tsl_record_stop
	tsl_expect "$name-reader" "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
	out=$(tsl_csv "$csv" '$c["event"] != "flow" { n++; if ($c["time_ns"] < t0 || $c["time_ns"] > t1) bad++ }
		END { print n + 0, bad + 0 }' -v t0="$t0" -v t1="$t1")
	tsl_log "$name: $out (records, outside [$t0, $t1])"
	tsl_expect "$name-monotonic" "records outside the traffic's CLOCK_MONOTONIC span [$t0, $t1]: ${out#* } of ${out% *} (want 0 of > 0)" \
		[ "${out#* }" = 0 -a "${out% *}" -gt 0 ]
	snd=$(tsl_csv "$csv" '$c["event"] == "flow" && $c["dport"] == p { print $c["cookie"]; exit }' -v p=$port)
	rcv=$(tsl_csv "$csv" '$c["event"] == "flow" && $c["sport"] == p { print $c["cookie"]; exit }' -v p=$port)
	# The least time from a segment's first tx to its first data_rx: the
	# emulator sometimes holds a single delivery up for a few ms more.
	out=$(tsl_csv "$csv" '$c["event"] == "tx" && $c["cookie"] == s && $c["len"] > 0 && !($c["seq"] in tx) { tx[$c["seq"]] = $c["time_ns"] }
		$c["event"] == "data_rx" && $c["cookie"] == r && !($c["seq"] in rx) { rx[$c["seq"]] = $c["time_ns"] }
		END { for (q in tx) if (q in rx && (!n++ || rx[q] - tx[q] < m)) m = rx[q] - tx[q]
		      if (n) printf "%.3f %d\n", m / 1e6, n }' -v s="$snd" -v r="$rcv")
	tsl_log "$name: least segment tx to data_rx ${out% *} ms (${out#* } segments)"
	tsl_expect "$name-one-way" "least segment tx to data_rx: ${out% *} ms over ${out#* } segments (want 10 to 15)" \
		awk -v d="${out% *}" 'BEGIN { exit !(d ~ /^[0-9.]+$/ && d >= 10 && d <= 15) }'
}

tsl_log "cpu: $(grep -m1 '^flags' /proc/cpuinfo | grep -ow 'tsc\|constant_tsc\|nonstop_tsc\|tsc_reliable\|tsc_known_freq' | tr '\n' ' ')"
tsl_log "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
tcpsleuth status > "$OUT/status-tsc.txt"
clock=$(sed -n 's/^clock: *//p' "$OUT/status-tsc.txt")
tsl_log "default: clock $clock"
tsl_expect tsc-status "status with tsc=Y: clock '$clock' (want TSC at N kHz)" \
	grep -q '^clock: *TSC at [1-9][0-9]* kHz' "$OUT/status-tsc.txt"
run tsc

tsl_reload $TSL_MODPARAMS tsc=0
tcpsleuth status > "$OUT/status-mono.txt"
clock=$(sed -n 's/^clock: *//p' "$OUT/status-mono.txt")
tsl_expect mono-status "status with tsc=0: clock '$clock' (want CLOCK_MONOTONIC)" [ "$clock" = CLOCK_MONOTONIC ]
run mono
