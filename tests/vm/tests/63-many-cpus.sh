#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 256 possible CPUs, as a server kernel has (Debian builds NR_CPUS=8192):
# the counters of every possible CPU used to make END too large above about
# 52 of them (the reader waited, said "no END message" and exited 1) and
# INFO above about 100 (status failed). status names the possible CPUs and
# lists those with records; a recording that moves its traffic over every
# online CPU ends with END, and its accounting holds, per CPU and in total,
# in the closing line, the recording and status. A ring per possible CPU:
# buf_kb=64 keeps them at 16 MiB. 6.12 takes no hotplug CPU from
# QEMU 7.2's ACPI tables, and its possible_cpus= only lowers the count:
# there the test has nothing to check and says so.
# vm-boot: --maxcpus 256 --smp 2 --modparams buf_kb=64
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

possible=$(cat /sys/devices/system/cpu/possible)
online=$(nproc)
if [ "$possible" != 0-255 ] && [ "$possible" = "0-$((online - 1))" ] &&
   grep -q 'possible_cpus=256' /proc/cmdline; then
	tsl_skip possible "possible CPUs $possible: this kernel adds none for possible_cpus=256"
	exit 0
fi
tsl_expect possible "possible CPUs $possible, $online online (want 0-255: boot with --maxcpus 256)" \
	[ "$possible" = 0-255 ]

# status_check NAME: status exits 0 and names the 256 possible CPUs; its
# table has one row per CPU with records. Leaves the rows in $OUT/NAME.cpus.
status_check() {
	local rc=0 line rows shown
	tcpsleuth status > "$OUT/$1.txt" 2> "$OUT/$1.err" || rc=$?
	cat "$OUT/$1.err"
	line=$(grep '^cpus:' "$OUT/$1.txt" || echo 'no cpus line')
	tsl_expect "$1" "status: exit status $rc, $line" \
		grep -qE '^cpus: +256 possible, [0-9]+ with records' "$OUT/$1.txt"
	awk '/^cpus:/ { c = 1; getline; next } c && NF >= 5 { print }' "$OUT/$1.txt" > "$OUT/$1.cpus"
	rows=$(wc -l < "$OUT/$1.cpus")
	shown=$(sed -n 's/^cpus: *256 possible, \([0-9]*\) with records.*/\1/p' "$OUT/$1.txt")
	tsl_expect "$1-rows" "$rows CPU rows, $shown with records" [ "$rows" = "${shown:-none}" ]
}

status_check status-loaded

tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-stream recv 7060 16 10
tsl_wait_port srv 7060
tsl_record many --port 7060
# Started without a shell in between: $! is the sender itself (ip execs it).
"$IP" netns exec cli tsl-stream send $SRV4 7060 1000000 > "$OUT/send.log" 2>&1 &
sender=$!
TSL_PIDS+=($sender)
tsl_wait_line "$OUT/send.log" connected 20
# The sender, and with it the veth's softirqs, on every online CPU in turn.
for cpu in $(seq 0 $((online - 1))); do
	taskset -p -c "$cpu" "$sender" > /dev/null
	sleep 0.2
done
kill "$sender" 2>/dev/null || true
wait "$sender" 2>/dev/null || true
wait "$PID_recv" 2>/dev/null || true
sleep 0.5
tsl_record_stop
cat "$OUT/many.err"
tsl_expect reader-exit "reader exit status $TSL_REC_RC (1: no END; 3: a count mismatch)" [ "$TSL_REC_RC" = 0 ]
tsl_expect end "$(grep -m1 'no END' "$OUT/many.err" || echo 'END arrived')" \
	sh -c "! grep -q 'no END' '$OUT/many.err'"
read -r events flows produced delivered dropped <<< "$(tsl_summary "$OUT/many.err")"
tsl_expect accounting "closing line: $events events, produced $produced == delivered $delivered + dropped $dropped" \
	[ -n "$produced" ] && [ "$produced" = $((delivered + dropped)) ] && [ "$events" -gt 0 ]
rows=$(tsl_csv "$OUT/many.csv" '{ n++ } END { print n + 0 }')
tsl_expect rows "$rows CSV rows == $events events + $flows flow rows" [ "$rows" = $((events + flows)) ]

# After the recording the module keeps its counters: every online CPU
# produced records, and status's rows add up to the closing line.
status_check status-after
read -r n sum_p sum_del sum_drop <<< "$(awk '{ n++; p += $2; d += $3; x += $4 } END { print n + 0, p + 0, d + 0, x + 0 }' "$OUT/status-after.cpus")"
tsl_expect cpus-with-records "$n CPUs with records, $online online" [ "$n" = "$online" ]
tsl_expect status-totals "status: produced $sum_p, delivered $sum_del, dropped $sum_drop (closing line: $produced, $delivered, $dropped)" \
	[ "$sum_p $sum_del $sum_drop" = "$produced $delivered $dropped" ]
dmesg | grep 'tcpsleuth' > "$OUT/dmesg.txt" || true
tsl_expect kernel-log "$(grep -m1 -E 'cannot send|no END|gone' "$OUT/dmesg.txt" || echo 'no failure logged')" \
	sh -c "! grep -qE 'cannot send|no END|gone' '$OUT/dmesg.txt'"
