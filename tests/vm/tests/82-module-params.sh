#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Module parameters out of range are refused at load, each with a message
# that names it and its range, and no kernel warning (a 2 GiB ring asked
# of kvmalloc() used to WARN); the bounds themselves load.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

# refused PARAM=VALUE: insmod fails and the kernel log names the parameter.
refused() {
	local rc=0 seen
	seen=$(dmesg | wc -l)
	insmod "$TSL_KO" "$1" 2> "$OUT/insmod.err" || rc=$?
	dmesg | tail -n +$((seen + 1)) > "$OUT/dmesg.txt"
	if [ "$rc" = 0 ]; then
		rmmod tcpsleuth
		tsl_result fail "refuse-$1" "insmod $1 succeeded"
		return
	fi
	tsl_expect "refuse-$1" "insmod $1: $(grep -m1 'tcpsleuth: ' "$OUT/dmesg.txt" || echo 'no message')" \
		grep -q "tcpsleuth: ${1%%=*}=${1#*=} out of range" "$OUT/dmesg.txt"
	tsl_expect "no-warning-$1" "insmod $1: $(grep -m1 -E 'WARNING|Call Trace' "$OUT/dmesg.txt" || echo 'no kernel warning')" \
		sh -c "! grep -qE 'WARNING|Call Trace' '$OUT/dmesg.txt'"
}

# loads PARAM=VALUE: insmod succeeds and a recording runs.
loads() {
	local rc=0
	insmod "$TSL_KO" "$1" || rc=$?
	tsl_expect "load-$1" "insmod $1 exits $rc" [ "$rc" = 0 ]
	[ "$rc" = 0 ] || return 0
	rc=0
	tcpsleuth record --port 7040 --duration 1 -q -o "$OUT/rec.csv" 2> "$OUT/rec.err" || rc=$?
	tsl_expect "record-$1" "record with $1 exits $rc" [ "$rc" = 0 ]
	rmmod tcpsleuth
}

rmmod tcpsleuth
for p in buf_kb=0 buf_kb=65537 buf_kb=2097152 buf_kb=268435456 buf_kb=4294967295 \
	max_flows=0 max_flows=1048577 drain_ms=0 drain_ms=101; do
	refused $p
done
for p in buf_kb=1 buf_kb=65536 max_flows=1 max_flows=1048576 drain_ms=1 drain_ms=100; do
	loads $p
done
insmod "$TSL_KO" $TSL_MODPARAMS
