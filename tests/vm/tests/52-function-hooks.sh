#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Function hooks: ftrace callbacks by default (in enabled_functions while
# recording), kprobes with use_kprobes=1 (ftrace-based, never int3); both
# record the same 1 MiB transfer completely.
set -e
. /tsl/lib.sh
trap 'tsl_reload $TSL_MODPARAMS > /dev/null 2>&1; tsl_cleanup' EXIT

port=7006
TR=/sys/kernel/tracing
tsl_netns_pair

# fn_hooks FILE TYPE: targets of attached function hooks of TYPE in a
# `tcpsleuth status` output.
fn_hooks() {
	awk -v t="$2" '/^hooks:/ { h = 1; getline; next } /^cpus:/ { h = 0 }
		h && $2 == t && $5 == "yes" { print $3 }' "$1" | sort -u
}

# transfer NAME: 1 MiB over $port while recording it; status while recording.
transfer() {
	tsl_bg "recv-$1" tsl_ns srv tsl-stream recv $port 64 0
	tsl_wait_port srv $port
	tsl_record "$1" --port $port
	tcpsleuth status > "$OUT/status-$1.txt"
	cat $TR/enabled_functions > "$OUT/enabled-$1.txt" 2>&1 || true
	cat /sys/kernel/debug/kprobes/list > "$OUT/kprobes-$1.txt" 2>&1 || true
	tsl_ns cli tsl-stream send $SRV4 $port 1024 > "$OUT/send-$1.log"
	eval wait "\$PID_recv_$1" || true
	sleep 0.5
	tsl_record_stop
	cat "$OUT/$1.err"
	tsl_expect "$1-reader" "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
}

# events NAME: "tx ack_rx data_rx read-bytes" of the recording.
events() {
	tsl_csv "$OUT/$1.csv" '$c["event"] == "tx" { tx++ } $c["event"] == "ack_rx" { ack++ }
		$c["event"] == "data_rx" { rx++ } $c["event"] == "read" { rd += $c["bytes"] }
		END { print tx + 0, ack + 0, rx + 0, rd + 0 }'
}

transfer ftrace
ft=$(fn_hooks "$OUT/status-ftrace.txt" ftrace)
missing=
for t in $ft; do grep -q "^$t " "$OUT/enabled-ftrace.txt" || missing+=" $t"; done
tsl_expect ftrace-hooks "function hooks are ftrace callbacks: $(echo $ft) (want 4)" [ "$(echo $ft | wc -w)" = 4 ]
tsl_expect ftrace-enabled "each is in enabled_functions while recording (missing:${missing:- none})" [ -z "$missing" ]
tsl_expect ftrace-no-kprobes "no tcpsleuth kprobe is registered" [ -z "$(fn_hooks "$OUT/status-ftrace.txt" kprobe)" ]
read -r tx ack rx rd <<< "$(events ftrace)"
tsl_log "ftrace: $tx tx, $ack ack_rx, $rx data_rx, $rd bytes read"
tsl_expect ftrace-events "tx $tx, ack_rx $ack, data_rx $rx > 0; reads $rd of 1048576 bytes" \
	[ "$tx" -gt 0 -a "$ack" -gt 0 -a "$rx" -gt 0 -a "$rd" = 1048576 ]

tsl_reload $TSL_MODPARAMS use_kprobes=1
transfer kprobe
kp=$(fn_hooks "$OUT/status-kprobe.txt" kprobe)
bad=
for t in $kp; do grep -E " $t\+0x[0-9a-f]+ " "$OUT/kprobes-kprobe.txt" | grep -qE '\[(FTRACE|OPTIMIZED)\]' || bad+=" $t"; done
tsl_expect kprobe-hooks "use_kprobes=1: function hooks are kprobes: $(echo $kp) (want 4)" [ "$(echo $kp | wc -w)" = 4 ]
tsl_expect kprobe-ftrace "each kprobe is [FTRACE] or [OPTIMIZED] (not:${bad:- none})" [ -z "$bad" ]
read -r tx ack rx rd <<< "$(events kprobe)"
tsl_log "kprobes: $tx tx, $ack ack_rx, $rx data_rx, $rd bytes read"
tsl_expect kprobe-events "tx $tx, ack_rx $ack, data_rx $rx > 0; reads $rd of 1048576 bytes" \
	[ "$tx" -gt 0 -a "$ack" -gt 0 -a "$rx" -gt 0 -a "$rd" = 1048576 ]
