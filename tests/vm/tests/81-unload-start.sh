#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# START racing module exit: readers keep asking to record while the module
# is loaded and unloaded again and again. Every rmmod succeeds, a reader
# still works afterwards, and the kernel logs nothing (a START that got in
# after exit ended the session, before the family was gone, attached the
# hooks and queued a drain that outlived the module; now it is refused).
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

# starter N: record again and again, whether or not the module is there.
starter() {
	while :; do
		tcpsleuth record --duration 0.3 -q -o /dev/null 2>> "$OUT/starts-$1.err" || true
		sleep 0.02
	done
}
tsl_bg starter1 starter 1
tsl_bg starter2 starter 2
cycles=0
for i in $(seq 1 12); do
	tsl_module_loaded || insmod "$TSL_KO" $TSL_MODPARAMS || break
	sleep 0.$((RANDOM % 5 + 1))
	rmmod tcpsleuth || { tsl_result fail rmmod "rmmod $i failed"; break; }
	cycles=$i
done
kill "$PID_starter1" "$PID_starter2" 2>/dev/null || true
wait "$PID_starter1" "$PID_starter2" 2>/dev/null || true
tsl_expect cycles "$cycles of 12 load/unload cycles with readers starting" [ "$cycles" = 12 ]
tsl_log "readers refused while unloading: $(cat "$OUT"/starts-*.err | grep -c 'being unloaded' || true)"
insmod "$TSL_KO" $TSL_MODPARAMS
rc=0
tcpsleuth record --duration 1 -q -o "$OUT/after.csv" 2> "$OUT/after.err" || rc=$?
tsl_expect record-after "a recording after the cycles exits $rc" [ "$rc" = 0 ]
refs=$(awk '$1 == "tcpsleuth" { print $3 }' /proc/modules)
tsl_expect refcount "module reference count ${refs:-?}" [ "${refs:-x}" = 0 ]
