# SPDX-License-Identifier: GPL-2.0-or-later
# Guest half of the throughput and memory benchmarks (appended to a header
# that sets BENCH_PAIRS, BENCH_SECS and BENCH_REC_ARGS, extra arguments of
# `tcpsleuth record`). Normal TCG with several CPUs, or -icount with one.
# Writes $OUT/tput.txt ("PATH OFFLOAD TRACER RUN MBITS" lines) and
# $OUT/mem.txt ("METRIC VALUE" lines).
set -u
. /tsl/lib.sh
trap tsl_cleanup EXIT
PORT=5201
TPUT=$OUT/tput.txt MEM=$OUT/mem.txt
: > "$TPUT"
: > "$MEM"
log() { tsl_log "$*"; echo "bench: $*" > /dev/kmsg; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# --- Memory: the module's footprint, measured around insmod.
log "memory"
mem_snapshot() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	echo "$(meminfo MemFree) $(meminfo Percpu) $(meminfo VmallocUsed)"
}
# Three unload/load cycles; the median of each figure.
for i in 1 2 3; do
	rmmod tcpsleuth
	read -r free0 pcpu0 vm0 <<< "$(mem_snapshot)"
	insmod "$TSL_KO"
	read -r free1 pcpu1 vm1 <<< "$(mem_snapshot)"
	echo "$(( free0 - free1 )) $(( pcpu1 - pcpu0 )) $(( vm1 - vm0 ))" >> "$OUT/mem-cycles.txt"
done
med() { cut -d' ' -f"$1" "$OUT/mem-cycles.txt" | tsl_median; }
{
	echo "memfree_drop_kb $(med 1)"
	echo "percpu_growth_kb $(med 2)"
	echo "vmalloc_growth_kb $(med 3)"
	echo "module_core_bytes $(awk '$1 == "tcpsleuth" { print $2 }' /proc/modules)"
	echo "buf_kb $(cat /sys/module/tcpsleuth/parameters/buf_kb)"
	echo "max_flows $(cat /sys/module/tcpsleuth/parameters/max_flows)"
	echo "cpus_possible $(nproc --all)"
	echo "vmalloc_tcpsleuth_bytes $(grep -E 'tsl_|\[tcpsleuth\]' /proc/vmallocinfo | awk '{ s += $2 } END { print s + 0 }')"
} >> "$MEM"
grep -E 'tsl_|\[tcpsleuth\]' /proc/vmallocinfo > "$OUT/vmallocinfo-tcpsleuth.txt"
tcpsleuth status > "$OUT/status-mem.txt"

# --- Throughput.
# offloads on|off DEV [NS]: GSO, TSO and GRO of a device.
offloads() {
	local state=$1 dev=$2 ns=${3:-}
	if [ -n "$ns" ]; then
		tsl_ns "$ns" ethtool -K "$dev" gso "$state" tso "$state" gro "$state" 2>/dev/null
		tsl_ns "$ns" ethtool -k "$dev"
	else
		ethtool -K "$dev" gso "$state" tso "$state" gro "$state" 2>/dev/null
		ethtool -k "$dev"
	fi | grep -E '^(generic-segmentation|tcp-segmentation|generic-receive)-offload' |
		tr '\n' ' ' >> "$OUT/offloads.txt"
	echo "<- $dev $state" >> "$OUT/offloads.txt"
}

# iperf PATH: Mbit/s received in one BENCH_SECS run, or nothing.
iperf() {
	local out
	if [ "$1" = lo ]; then
		out=$(iperf3 -c 127.0.0.1 -p $PORT -t "$BENCH_SECS" -f m 2>&1)
	else
		out=$(tsl_ns cli iperf3 -c $SRV4 -p $PORT -t "$BENCH_SECS" -f m 2>&1)
	fi
	echo "$out" >> "$OUT/iperf.log"
	echo "$out" | awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }'
}

# one PATH OFFLOAD TRACER RUN
one() {
	local mbit rec=
	if [ "$3" = tcpsleuth ]; then
		tcpsleuth record -q --port $PORT $BENCH_REC_ARGS -o /tmp/t.tsl > /dev/null 2> /tmp/t.err &
		rec=$!
		TSL_PIDS+=($rec)
		sleep 1
	fi
	mbit=$(iperf "$1")
	if [ -n "$rec" ]; then
		kill -INT $rec; wait $rec
		echo "$1 $2 $4 $(tsl_summary /tmp/t.err)" >> "$OUT/tcpsleuth-summaries.txt"
		rm -f /tmp/t.tsl
	fi
	echo "$1 $2 $3 $4 ${mbit:-0}" >> "$TPUT"
}

tsl_netns_pair
iperf3 -s -p $PORT > "$OUT/iperf-server-lo.log" 2>&1 &
TSL_PIDS+=($!)
tsl_ns srv iperf3 -s -p $PORT > "$OUT/iperf-server-veth.log" 2>&1 &
TSL_PIDS+=($!)
tsl_wait_port srv $PORT
sleep 1
for path in lo veth; do
	for off in on off; do
		log "throughput $path offloads $off"
		if [ $path = lo ]; then
			offloads $off lo
		else
			offloads $off veth-cli cli
			offloads $off veth-srv srv
		fi
		for i in $(seq 1 "$BENCH_PAIRS"); do
			# Alternate which goes first, so drift cancels.
			if [ $(( i % 2 )) = 1 ]; then
				one $path $off none $i; one $path $off tcpsleuth $i
			else
				one $path $off tcpsleuth $i; one $path $off none $i
			fi
		done
	done
done
offloads on lo
log "done"
