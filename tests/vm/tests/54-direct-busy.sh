#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A function whose direct call another module holds (as a BPF trampoline
# would): tcpsleuth hooks it with an ftrace callback instead, says so in
# `status` (FALLBACK yes), hooks the others directly, and records the
# transfer completely. Once the direct call is free again, the next
# recording takes it.
set -e
. /tsl/lib.sh
holder_loaded() { grep -q '^tsl_holder ' /proc/modules; }
trap 'holder_loaded && rmmod tsl_holder; tsl_reload $TSL_MODPARAMS > /dev/null 2>&1; tsl_cleanup' EXIT

port=7009
target=tcp_rate_gen
tsl_netns_pair
insmod /lib/tcpsleuth/tsl_holder.ko func=$target
tsl_expect holder "tsl_holder holds the direct call of $target" holder_loaded
tsl_reload $TSL_MODPARAMS

tsl_bg recv tsl_ns srv tsl-stream recv $port 64 0
tsl_wait_port srv $port
tsl_record busy --port $port
tcpsleuth status > "$OUT/status.txt"
cat /sys/kernel/tracing/enabled_functions > "$OUT/enabled.txt" 2>&1 || true
tsl_ns cli tsl-stream send $SRV4 $port 1024 > "$OUT/send.log"
wait "$PID_recv" || true
sleep 0.5
tsl_record_stop
cat "$OUT/busy.err"
tsl_expect reader "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]

# hook TARGET: "TYPE FALLBACK ATTACHED" of the hook on TARGET in status.
hook() {
	awk -v t="$1" '/^hooks:/ { h = 1; getline; next } /^cpus:/ { h = 0 }
		h && $3 == t { print $2, $4, $5; exit }' "$OUT/status.txt"
}
read -r type fallback attached <<< "$(hook $target)"
tsl_expect fallback "$target: $type, fallback $fallback, attached $attached (want ftrace yes yes)" \
	[ "$type.$fallback.$attached" = ftrace.yes.yes ]
read -r type fallback attached <<< "$(hook tcp_retransmit_timer)"
tsl_expect others "tcp_retransmit_timer: $type, fallback $fallback (want direct no)" [ "$type.$fallback" = direct.no ]
dmesg | grep -q "direct call of $target is taken" && logged=yes || logged=no
tsl_expect logged "the kernel log says the direct call was taken: $logged" [ $logged = yes ]
read -r ack rd <<< "$(tsl_csv "$OUT/busy.csv" '$c["event"] == "ack_rx" { a++ } $c["event"] == "read" { r += $c["bytes"] } END { print a + 0, r + 0 }')"
tsl_log "ack_rx $ack, reads $rd bytes"
tsl_expect events "ack_rx $ack > 0 through the ftrace callback; reads $rd of 1048576 bytes" \
	[ "$ack" -gt 0 -a "$rd" = 1048576 ]

rmmod tsl_holder
tsl_record again --port $port
tcpsleuth status > "$OUT/status.txt"
tsl_record_stop
read -r type fallback attached <<< "$(hook $target)"
tsl_expect freed "$target after tsl_holder left: $type, fallback $fallback, attached $attached (want direct no yes)" \
	[ "$type.$fallback.$attached" = direct.no.yes ]
