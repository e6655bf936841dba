# SPDX-License-Identifier: GPL-2.0-or-later
# Offline analysis speed, on this host (sourced by bench/run, which sets
# dir, work, rc). `tcpsleuth report FILE --format json -o /dev/null` on
# synthetic recordings of OFFLINE_EVENTS (bench/tools/gen-recording.c),
# pinned to one core, /usr/bin/time -v for CPU time and peak RSS; beside it
# tshark computing tcp.analysis.ack_rtt over a capture of loopback iperf3
# traffic, per packet.
OFFLINE_EVENTS=${OFFLINE_EVENTS:-10000000 20000000}
OFFLINE_REPS=${OFFLINE_REPS:-3}
[ -z "${QUICK:-}" ] || { OFFLINE_EVENTS="1000000 2000000"; OFFLINE_REPS=1; }
off=$dir/offline
mkdir -p "$off"
: > "$off/offline.txt"
oput() { echo "$*" >> "$off/offline.txt"; }
# The core to run on: the last one, away from interrupts on CPU 0.
core=$(( $(nproc) - 1 ))

# otime OUT CMD...: run CMD under /usr/bin/time -v pinned to $core; prints
# "user+sys_s elapsed_s maxrss_kb".
otime() {
	local out=$1
	shift
	/usr/bin/time -v -o "$out" taskset -c "$core" "$@" > /dev/null 2>> "$off/stderr.log" || return 1
	awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 }
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); e = 0; for (i = 1; i <= n; i++) e = e * 60 + p[i] }
		/Maximum resident/ { m = $2 } END { printf "%.3f %.3f %d\n", u + s, e, m }' "$out"
}

offline_run() {
	local tsl=$TSL_TOP/user/tcpsleuth n i t
	if ! command -v tshark > /dev/null || ! command -v tcpdump > /dev/null || ! [ -x /usr/bin/time ]; then
		[ "$(id -u)" = 0 ] || { tsl_log "offline: need tshark, tcpdump and time (apt-get install tshark tcpdump time)"; return 1; }
		echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q tshark tcpdump time >&2 || return 1
	fi
	make -s -C "$TSL_TOP/user" >&2 || return 1	# up to date with the tree
	gcc -O2 -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -I"$TSL_TOP/kmod/uapi" -I"$TSL_TOP/user/recording" \
		-o "$work/gen-recording" "$BENCH_DIR/tools/gen-recording.c" "$TSL_TOP/user/recording/chunks.c" || return 1
	bench_meta offline_commit "$(git -C "$TSL_TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	bench_meta offline_cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	bench_meta offline_tshark "$(tshark --version | head -n 1)"
	oput "all core $core"
	oput "all reps $OFFLINE_REPS"
	# Events 10 us apart; then the last count again 5 us apart: as many
	# events as the largest run in the time of the first, so memory can be
	# seen against events at equal recorded time.
	local cfg step last=${OFFLINE_EVENTS##* } first=${OFFLINE_EVENTS%% *}
	for n in $OFFLINE_EVENTS dense; do
		cfg=tsl_$n step=10000
		if [ $n = dense ]; then
			n=$last step=$(( 10000 * first / last ))
			oput "tsldense_$n step_ns $step"
			cfg=tsldense_$n
		fi
		tsl_log "offline: tcpsleuth report, $n events $step ns apart"
		"$work/gen-recording" -n "$n" -s $step -o "$work/gen.tsl" > /dev/null || return 1
		oput "$cfg file_bytes $(stat -c %s "$work/gen.tsl")"
		cat "$work/gen.tsl" > /dev/null	# in the page cache for every repetition
		for i in $(seq 1 "$OFFLINE_REPS"); do
			t=$(otime "$off/time-$cfg-$i.txt" "$tsl" report "$work/gen.tsl" --format json -o /dev/null) || return 1
			oput "$cfg run $t"
		done
		"$tsl" report "$work/gen.tsl" --format json -o "$off/report-$cfg.json" 2>> "$off/stderr.log" || true
		rm -f "$work/gen.tsl"
	done

	# tshark: a few seconds of loopback iperf3, headers only (the analysis
	# reads TCP headers; payload bytes only cost I/O).
	tsl_log "offline: tshark ack_rtt over a loopback iperf3 capture"
	local port=5299 spid cpid
	iperf3 -s -p $port -1 > "$off/iperf3-server.log" 2>&1 &
	spid=$!
	tcpdump -i lo -s 96 -B 65536 -w "$work/lo.pcap" "tcp port $port" 2> "$off/tcpdump.log" &
	cpid=$!
	sleep 1
	iperf3 -c 127.0.0.1 -p $port -t "${OFFLINE_CAPTURE_SECS:-5}" -l 1448 -N -w 64K > "$off/iperf3-client.log" 2>&1 || true
	sleep 1
	kill -INT $cpid; wait $cpid 2>/dev/null || true
	kill $spid 2>/dev/null; wait $spid 2>/dev/null || true
	oput "tshark packets $(tcpdump -r "$work/lo.pcap" 2>/dev/null | wc -l)"
	oput "tshark dropped_by_kernel $(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$off/tcpdump.log")"
	oput "tshark file_bytes $(stat -c %s "$work/lo.pcap")"
	for i in $(seq 1 "$OFFLINE_REPS"); do
		t=$(otime "$off/time-tshark-$i.txt" tshark -r "$work/lo.pcap" -T fields -e tcp.analysis.ack_rtt -Y tcp.analysis.ack_rtt) || return 1
		oput "tshark run $t"
	done
	oput "tshark ack_rtt_values $(taskset -c "$core" tshark -r "$work/lo.pcap" -T fields -e tcp.analysis.ack_rtt -Y tcp.analysis.ack_rtt 2>/dev/null | wc -l)"
	rm -f "$work/lo.pcap"
}
offline_run || { rc=1; tsl_log "offline: failed (see $off/stderr.log)"; }
