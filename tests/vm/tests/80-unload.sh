#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Unload: rmmod during traffic and during a recording ends the reader with a
# clear message; 20 load/unload cycles under traffic leave no flows, no
# module references and no memory behind.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

# flows_in_use: N of the status line "flows:    N in use, M max, R refused".
flows_in_use() {
	tcpsleuth status | sed -n 's/^flows: *\([0-9][0-9]*\) in use.*/\1/p'
}
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

tsl_netns_pair
tsl_bg iperf3-srv tsl_ns srv iperf3 -s
tsl_wait_port srv 5201

# 1. rmmod while a recording runs on live traffic.
tsl_bg iperf3-a tsl_ns cli iperf3 -c $SRV4 -t 6 -b 50M
tsl_record during --port 5201
sleep 1
rc=0
timeout 30 rmmod tcpsleuth || rc=$?
tsl_expect rmmod-recording "rmmod with a reader attached exits $rc" [ "$rc" = 0 ]
ended=0
for i in $(seq 1 100); do
	kill -0 $TSL_REC_PID 2>/dev/null || { ended=1; break; }
	sleep 0.1
done
tsl_expect reader-ends "the reader ended on its own within 10 s" [ "$ended" = 1 ]
tsl_record_stop
cat "$OUT/during.err"
tsl_expect reader-status "reader exit status $TSL_REC_RC (not killed by a signal)" [ "$TSL_REC_RC" -lt 128 ]
tsl_expect reader-message "the reader says why: $(grep -v '^tcpsleuth: recorded' "$OUT/during.err" | head -n 1)" \
	grep -qiE 'unload|remov|went away|module' "$OUT/during.err"

# 2. insmod and rmmod while traffic flows and nobody records.
insmod "$TSL_KO" $TSL_MODPARAMS
sleep 1
rc=0
rmmod tcpsleuth || rc=$?
tsl_expect rmmod-traffic "rmmod under traffic exits $rc" [ "$rc" = 0 ]
wait "$PID_iperf3_a" || true

# 3. 20 cycles, with request/response traffic running through all of them.
insmod "$TSL_KO" $TSL_MODPARAMS; rmmod tcpsleuth	# warm caches once
sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1
slab0=$(meminfo SUnreclaim) vm0=$(meminfo VmallocUsed) pcpu0=$(meminfo Percpu)
tsl_bg rr-srv tsl_ns srv tsl-rr server 7008 1 1 -n
tsl_wait_port srv 7008
tsl_bg rr-cli tsl_ns cli tsl-rr client $SRV4 7008 1000000 1 1 -n -p 1
cycles_ok=0
for i in $(seq 1 20); do
	insmod "$TSL_KO" $TSL_MODPARAMS || { tsl_result fail cycle "insmod $i failed"; break; }
	if [ $((i % 5)) = 0 ]; then
		tcpsleuth record --port 7008 --duration 1 -q -o "$OUT/cycle$i.csv" 2> "$OUT/cycle$i.err" ||
			tsl_result fail cycle-record "record in cycle $i: $(tail -n 1 "$OUT/cycle$i.err")"
	fi
	rmmod tcpsleuth || { tsl_result fail cycle "rmmod $i failed"; break; }
	cycles_ok=$i
done
tsl_expect cycles "$cycles_ok of 20 load/unload cycles" [ "$cycles_ok" = 20 ]
tsl_reap_rr() { kill "$PID_rr_cli" "$PID_rr_srv" 2>/dev/null; wait "$PID_rr_cli" "$PID_rr_srv" 2>/dev/null; }
tsl_reap_rr || true

# Flows end with their sockets: once traffic stopped, none is in use.
insmod "$TSL_KO" $TSL_MODPARAMS
tsl_bg rr2-srv tsl_ns srv tsl-rr server 7009 1 1 -n
tsl_wait_port srv 7009
tsl_record after --port 7009
tsl_ns cli tsl-rr client $SRV4 7009 50 1 1 -n > /dev/null
wait "$PID_rr2_srv" || true
sleep 1
inuse=$(flows_in_use)
tsl_record_stop
tsl_expect flows-back "flows in use after the connections closed: ${inuse:-?} (want 0)" [ "${inuse:-x}" = 0 ]
refs=$(awk '$1 == "tcpsleuth" { print $3 }' /proc/modules)
tsl_expect refcount "module reference count ${refs:-?} with no reader" [ "${refs:-x}" = 0 ]
rmmod tcpsleuth

# Memory: 20 cycles of 2 x 256 KiB rings would leak >= 10 MiB; allow 1 MiB of
# noise in each of slab, vmalloc and per-CPU memory.
sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1
slab1=$(meminfo SUnreclaim) vm1=$(meminfo VmallocUsed) pcpu1=$(meminfo Percpu)
tsl_log "SUnreclaim $slab0 -> $slab1 kB, VmallocUsed $vm0 -> $vm1 kB, Percpu $pcpu0 -> $pcpu1 kB"
tsl_expect leak-slab "SUnreclaim grew $((slab1 - slab0)) kB (want < 1024)" [ $((slab1 - slab0)) -lt 1024 ]
tsl_expect leak-vmalloc "VmallocUsed grew $((vm1 - vm0)) kB (want < 1024)" [ $((vm1 - vm0)) -lt 1024 ]
tsl_expect leak-percpu "Percpu grew $((pcpu1 - pcpu0)) kB (want < 1024)" [ $((pcpu1 - pcpu0)) -lt 1024 ]
insmod "$TSL_KO" $TSL_MODPARAMS
