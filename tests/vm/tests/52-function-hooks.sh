#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Function hooks: direct calls by default (in enabled_functions, pointing at
# tcpsleuth's trampoline, while recording), ftrace callbacks with
# func_hooks=ftrace, kprobes with func_hooks=kprobe (ftrace-based, never
# int3); each records the same 1 MiB transfer completely.
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

# complete NAME: the transfer was recorded completely.
complete() {
	read -r tx ack rx rd <<< "$(events $1)"
	tsl_log "$1: $tx tx, $ack ack_rx, $rx data_rx, $rd bytes read"
	tsl_expect $1-events "tx $tx, ack_rx $ack, data_rx $rx > 0; reads $rd of 1048576 bytes" \
		[ "$tx" -gt 0 -a "$ack" -gt 0 -a "$rx" -gt 0 -a "$rd" = 1048576 ]
}

transfer direct
dc=$(fn_hooks "$OUT/status-direct.txt" direct)
missing=
# enabled_functions: the function's line, then "direct-->" and the trampoline
for t in $dc; do
	grep -A1 "^$t " "$OUT/enabled-direct.txt" | grep -q 'direct-->tsl_tramp_' || missing+=" $t"
done
tsl_expect direct-hooks "function hooks are direct calls: $(echo $dc) (want 4)" [ "$(echo $dc | wc -w)" = 4 ]
tsl_expect direct-enabled "each calls a tcpsleuth trampoline in enabled_functions (not:${missing:- none})" [ -z "$missing" ]
tsl_expect direct-no-kprobes "no tcpsleuth kprobe or ftrace callback" \
	[ -z "$(fn_hooks "$OUT/status-direct.txt" kprobe; fn_hooks "$OUT/status-direct.txt" ftrace)" ]
complete direct

tsl_reload $TSL_MODPARAMS func_hooks=ftrace
transfer ftrace
ft=$(fn_hooks "$OUT/status-ftrace.txt" ftrace)
missing=
for t in $ft; do grep -q "^$t " "$OUT/enabled-ftrace.txt" || missing+=" $t"; done
tsl_expect ftrace-hooks "func_hooks=ftrace: function hooks are ftrace callbacks: $(echo $ft) (want 4)" [ "$(echo $ft | wc -w)" = 4 ]
tsl_expect ftrace-enabled "each is in enabled_functions while recording (missing:${missing:- none})" [ -z "$missing" ]
complete ftrace

tsl_reload $TSL_MODPARAMS func_hooks=kprobe
transfer kprobe
kp=$(fn_hooks "$OUT/status-kprobe.txt" kprobe)
bad=
for t in $kp; do grep -E " $t\+0x[0-9a-f]+ " "$OUT/kprobes-kprobe.txt" | grep -qE '\[(FTRACE|OPTIMIZED)\]' || bad+=" $t"; done
tsl_expect kprobe-hooks "func_hooks=kprobe: function hooks are kprobes: $(echo $kp) (want 4)" [ "$(echo $kp | wc -w)" = 4 ]
tsl_expect kprobe-ftrace "each kprobe is [FTRACE] or [OPTIMIZED] (not:${bad:- none})" [ -z "$bad" ]
complete kprobe

tsl_reload $TSL_MODPARAMS func_hooks=bogus 2> "$OUT/bogus.err" && bogus=loaded || bogus=refused
tsl_expect bogus-param "func_hooks=bogus: $bogus" [ $bogus = refused ]
