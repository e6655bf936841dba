# SPDX-License-Identifier: GPL-2.0-or-later
# Guest half of the cost benchmark (appended to a header that sets
# BENCH_N, BENCH_REPS, BENCH_PORT and writes /tmp/tsl-bench.bt). Meant for
# a boot with -icount shift=0 -smp 1, where guest ns are instructions.
# Writes $OUT/cost.txt: "CONFIG METRIC VALUE" lines, one per figure.
set -u
. /tsl/lib.sh
trap tsl_cleanup EXIT
TR=/sys/kernel/tracing
RES=$OUT/cost.txt
: > "$RES"
put() { echo "$*" >> "$RES"; }
# Progress on the console too (guest time stamps show where time goes).
log() { tsl_log "$*"; echo "bench: $*" > /dev/kmsg; }

# hits_total / produced_total: sums over `tcpsleuth status`.
hits_total() { tcpsleuth status | awk '/^hooks:/ { h = 1; getline; next } /^cpus:/ { h = 0 } h { s += $NF } END { print s + 0 }'; }
produced_total() { tcpsleuth status | awk '/^cpus:/ { c = 1; getline; next } c { s += $2 } END { print s + 0 }'; }

# pingpong CONFIG: BENCH_REPS timed runs of BENCH_N round trips.
pingpong() {
	local cfg=$1 line
	tsl-pingpong "$BENCH_PORT" "$BENCH_N" "$BENCH_REPS" > "$OUT/pp-$cfg.log" 2>&1 ||
		{ put "$cfg error pingpong_failed"; return 1; }
	grep '^rep ' "$OUT/pp-$cfg.log" | while read -r _ rep _ n _ ns _ per; do
		put "$cfg ns_per_rt $per"
	done
}

# counted CONFIG: pingpong CONFIG, with the hook hits and records
# tcpsleuth counted meanwhile.
counted() {
	local h0 p0 h1 p1
	h0=$(hits_total) p0=$(produced_total)
	pingpong "$1"
	h1=$(hits_total) p1=$(produced_total)
	put "$1 hook_hits $(( h1 - h0 ))"
	put "$1 records $(( p1 - p0 ))"
}

# record_start NAME ARGS...: a tcpsleuth recording in the background.
record_start() {
	local name=$1
	shift
	tcpsleuth record -q "$@" > "$OUT/$name.out" 2> "$OUT/$name.err" &
	REC_PID=$!
	TSL_PIDS+=($!)
	sleep 1
	kill -0 "$REC_PID" 2>/dev/null
}
record_stop() { kill -INT "$REC_PID" 2>/dev/null; wait "$REC_PID"; }

rts=$(( BENCH_N * BENCH_REPS ))
put "all round_trips_per_config $rts"
put "all kernel $(uname -r)"
tcpsleuth status > "$OUT/status-0.txt"

# (a) no tracer.
log "none"
pingpong none

# (b) tcpsleuth, filter matching nothing: every hook runs, nothing recorded.
log "tcpsleuth-nomatch"
if record_start nomatch --port 1 --interval 0 -o /dev/null; then
	counted tcpsleuth_nomatch
	tcpsleuth status > "$OUT/status-nomatch.txt"
	record_stop
else
	put "tcpsleuth_nomatch error record_failed"
fi

# (c) tcpsleuth, every event of the flow, binary recording on tmpfs.
log "tcpsleuth-all"
if record_start all --port "$BENCH_PORT" --interval 0 -o /tmp/all.tsl; then
	# (g) how each tcpsleuth function hook is implemented.
	cat /sys/kernel/debug/kprobes/list > "$OUT/kprobes.list" 2>&1
	cat $TR/enabled_functions > "$OUT/enabled_functions.txt" 2>&1
	tcpsleuth status > "$OUT/status-all-start.txt"
	counted tcpsleuth_all
	tcpsleuth status > "$OUT/status-all.txt"
	record_stop
	put "tcpsleuth_all reader_summary $(tsl_summary "$OUT/all.err" | tr ' ' ,)"
	put "tcpsleuth_all file_bytes $(stat -c %s /tmp/all.tsl)"
	rm -f /tmp/all.tsl
else
	put "tcpsleuth_all error record_failed"
fi

# (p) as (c), but the drain takes the records off the rings without sending
# them (debug build, discard=1): the probes' own cost.
log "tcpsleuth-probe"
if echo 1 > /sys/module/tcpsleuth/parameters/discard &&
   record_start probe --port "$BENCH_PORT" --interval 0 -o /tmp/probe.tsl; then
	counted tcpsleuth_probe
	record_stop
	rm -f /tmp/probe.tsl
else
	put "tcpsleuth_probe error record_failed"
fi
echo 0 > /sys/module/tcpsleuth/parameters/discard

# (t) as (b) and (c), with ftrace callbacks in place of the direct calls
# (func_hooks=ftrace).
log "tcpsleuth-ftrace-callbacks"
if tsl_reload func_hooks=ftrace && record_start nomatch-ftraceops --port 1 --interval 0 -o /dev/null; then
	counted tcpsleuth_nomatch_ftraceops
	record_stop
else
	put "tcpsleuth_nomatch_ftraceops error record_failed"
fi
if record_start ftraceops --port "$BENCH_PORT" --interval 0 -o /tmp/t.tsl; then
	cat $TR/enabled_functions > "$OUT/enabled_functions-t.txt" 2>&1
	tcpsleuth status > "$OUT/status-ftraceops.txt"
	counted tcpsleuth_ftraceops
	record_stop
	rm -f /tmp/t.tsl
else
	put "tcpsleuth_ftraceops error record_failed"
fi

# (k) as (c), with kprobes in place of the direct calls (func_hooks=kprobe).
log "tcpsleuth-kprobes"
if tsl_reload func_hooks=kprobe && record_start kprobes --port "$BENCH_PORT" --interval 0 -o /tmp/k.tsl; then
	cat /sys/kernel/debug/kprobes/list > "$OUT/kprobes-k.list" 2>&1
	tcpsleuth status > "$OUT/status-kprobes.txt"
	counted tcpsleuth_kprobes
	record_stop
	rm -f /tmp/k.tsl
else
	put "tcpsleuth_kprobes error record_failed"
fi
tsl_reload

# (s) the system samplers (default --interval 100 ms: /proc and sysfs
# counters, sock_diag, ICMP to peers) with a filter matching nothing: their
# cost, which (b), (c), (p) and (k) leave out (--interval 0).
log "tcpsleuth-samplers"
if record_start samplers --port 1 -o /dev/null; then
	pingpong tcpsleuth_samplers
	record_stop
else
	put "tcpsleuth_samplers error record_failed"
fi

# (d) ftrace: the same tracepoints, kprobe_events on tcpsleuth's function hooks.
log "ftrace"
ft_events="tcp/tcp_probe tcp/tcp_retransmit_skb sock/inet_sock_set_state tcp/tcp_destroy_sock timer/timer_expire_entry timer/timer_expire_exit"
ft_ok=1
echo 0 > $TR/tracing_on
echo > $TR/trace
echo 4096 > $TR/buffer_size_kb
: > $TR/kprobe_events
for t in $(awk '/^hooks:/ { h = 1; getline; next } /^cpus:/ { h = 0 } h && ($2 == "kprobe" || $2 == "ftrace" || $2 == "direct") { print $3 }' "$OUT/status-0.txt" | sort -u); do
	case $t in
	__tcp_transmit_skb) spec="sk=%di skb=%si clone=%dx rcv_nxt=%r8:u32" ;;
	tcp_rate_gen) spec="sk=%di delivered=%si:u32 lost=%dx:u32 rs=%r8" ;;
	*cleanup_rbuf) spec="sk=%di copied=%si:s32" ;;
	*) spec="sk=%di" ;;
	esac
	echo "p:tslbench/$t $t $spec" >> $TR/kprobe_events || ft_ok=0
	ft_events="$ft_events tslbench/$t"
done
cat $TR/kprobe_events > "$OUT/ftrace-kprobe_events.txt"
for e in $ft_events; do echo 1 > "$TR/events/$e/enable" || ft_ok=0; done
put "ftrace probes $(echo $ft_events | wc -w)"
echo 1 > $TR/tracing_on
cat $TR/trace_pipe > /tmp/ftrace.txt &
cat_pid=$!
TSL_PIDS+=($cat_pid)
sleep 1
b0=$(wc -l < /tmp/ftrace.txt)
ev_written() { cat $TR/per_cpu/cpu*/stats | awk '/^(entries|overrun|read events):/ { s += $NF } END { print s + 0 }'; }
w0=$(ev_written)
pingpong ftrace
# Let the reader catch up (bounded), then count what the ring took.
for i in $(seq 1 120); do
	[ "$(cat $TR/per_cpu/cpu*/stats | awk '/^entries:/ { s += $2 } END { print s + 0 }')" = 0 ] && break
	sleep 1
done
w1=$(ev_written)
put "ftrace events_written $(( w1 - w0 ))"
kill $cat_pid; wait $cat_pid 2>/dev/null
echo 0 > $TR/tracing_on
for e in $ft_events; do echo 0 > "$TR/events/$e/enable"; done
: > $TR/kprobe_events
b1=$(wc -l < /tmp/ftrace.txt)
put "ftrace records $(( w1 - w0 ))"
put "ftrace lines_read $(( b1 - b0 ))"
put "ftrace ok $ft_ok"
put "ftrace overruns $(grep -h overrun $TR/per_cpu/cpu*/stats | awk '{ s += $2 } END { print s + 0 }')"
awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[a-z_]+:$/ && $(i-1) ~ /^[0-9.]+:$/) { print $i; next } }' /tmp/ftrace.txt |
	sort | uniq -c > "$OUT/ftrace-kinds.txt"
head -n 40 /tmp/ftrace.txt > "$OUT/ftrace-head.txt"
rm -f /tmp/ftrace.txt
echo 1408 > $TR/buffer_size_kb

# (e) bpftrace, equivalent per-event work, printf (perf buffer) to a file.
log "bpftrace"
if command -v bpftrace > /dev/null; then
	# Fully buffered output (the efficient mode), flushed at exit; so
	# readiness is seen in the kprobes list, not in the output.
	bpftrace -B full /tmp/tsl-bench.bt > /tmp/bt.out 2> "$OUT/bpftrace.log" &
	bt_pid=$!
	TSL_PIDS+=($bt_pid)
	nk=$(awk '/^hooks:/ { h = 1; getline; next } /^cpus:/ { h = 0 } h && ($2 == "kprobe" || $2 == "ftrace" || $2 == "direct") { print $3 }' "$OUT/status-0.txt" | sort -u | wc -l)
	# Compiling the program takes minutes of guest time under TCG.
	tsl_wait 1200 sh -c "[ \$(grep -c -E ' (__tcp_transmit_skb|tcp_rate_gen|__tcp_cleanup_rbuf|tcp_cleanup_rbuf|tcp_retransmit_timer)\\+' /sys/kernel/debug/kprobes/list) -ge $nk ] || ! kill -0 $bt_pid 2>/dev/null"
	if kill -0 $bt_pid 2>/dev/null; then
		sleep 5
		log 'bpftrace attached'
		cat /sys/kernel/debug/kprobes/list > "$OUT/kprobes-bpftrace.list"
		pingpong bpftrace
		sleep 2
		kill -INT $bt_pid; wait $bt_pid 2>/dev/null
		put "bpftrace records $(grep -c -E '^(tx|ack_rx|data_rx|read|retrans|rto|state) ' /tmp/bt.out)"
		put "bpftrace lost $(grep -h -i 'lost' /tmp/bt.out "$OUT/bpftrace.log" | grep -o '[0-9]*' | awk '{ s += $1 } END { print s + 0 }')"
		awk '{ print $1 }' /tmp/bt.out | sort | uniq -c > "$OUT/bpftrace-kinds.txt"
	else
		wait $bt_pid 2>/dev/null
		put "bpftrace error did_not_start"
		tail -n 5 "$OUT/bpftrace.log" >&2
	fi
	head -n 40 /tmp/bt.out > "$OUT/bpftrace-out-head.txt"
	rm -f /tmp/bt.out
else
	put "bpftrace error not_in_guest"
fi

# (f) bcc's tools, where bench/run could copy them in (Python, bcc and the
# kernel's headers, which each tool compiles its C against when it starts).
# Neither writes a record per event: tcptop (kprobes on tcp_sendmsg and
# tcp_cleanup_rbuf) adds bytes per flow in a hash map, tcprtt (a kprobe on
# tcp_rcv_established) counts the socket's srtt in a log2 histogram; both
# print their maps every 5 s. The calls of the functions they hook are
# counted in a run of their own (kprobe_events' hit counts).
bcc_hits() {	# CONFIG FUNCTION...: calls per BENCH_N round trips, scaled to all reps
	local cfg=$1 f n
	shift
	echo 0 > $TR/tracing_on
	for f; do
		echo "p:tslcount/tslc_$f $f" >> $TR/kprobe_events &&
			echo 1 > "$TR/events/tslcount/tslc_$f/enable" ||
			{ put "$cfg error cannot_count_$f"; : > $TR/kprobe_events; return 1; }
	done
	tsl-pingpong "$BENCH_PORT" "$BENCH_N" 1 > "$OUT/pp-$cfg-count.log" 2>&1
	# kprobe_profile: "EVENT HITS MISSES", the event without its group
	n=$(awk '$1 ~ /^tslc_/ { s += $2 } END { print s + 0 }' $TR/kprobe_profile)
	cp $TR/kprobe_profile "$OUT/kprobe_profile-$cfg.txt"
	for f; do echo 0 > "$TR/events/tslcount/tslc_$f/enable"; done
	: > $TR/kprobe_events
	put "$cfg hook_hits $(( n * BENCH_REPS ))"
}
bcc_tool() {	# TOOL "ARGS" FUNCTION...: TOOL-bpfcc ARGS through the ping-pong
	local tool=$1 args=$2 cfg=bcc_$1 pid f
	shift 2
	log "bcc $tool"
	# shellcheck disable=SC2086 # ARGS are words
	"$tool-bpfcc" $args > "$OUT/$cfg.out" 2> "$OUT/$cfg.err" &
	pid=$!
	TSL_PIDS+=($pid)
	# Compiling against the headers takes minutes of guest time under TCG.
	for f; do
		tsl_wait 1500 sh -c "grep -q ' $f+0x0 ' /sys/kernel/debug/kprobes/list || ! kill -0 $pid 2>/dev/null"
	done
	if ! kill -0 $pid 2>/dev/null; then
		wait $pid 2>/dev/null
		put "$cfg error $(grep -q -m1 'error:' "$OUT/$cfg.err" && echo did_not_compile || echo did_not_start)"
		tail -n 5 "$OUT/$cfg.err" >&2
		return 1
	fi
	sleep 5
	log "bcc $tool attached"
	grep -E " ($(echo "$@" | tr ' ' '|'))\+" /sys/kernel/debug/kprobes/list > "$OUT/kprobes-$cfg.list"
	pingpong "$cfg"
	# SIGTERM: a background job of a script starts with SIGINT ignored, and
	# Python then leaves it so.
	kill -TERM $pid; wait $pid 2>/dev/null
	bcc_hits "$cfg" "$@"
}
if command -v tcptop-bpfcc > /dev/null && command -v python3 > /dev/null; then
	kv=$(uname -r)
	mkdir -p "/lib/modules/$kv"
	ln -sfn "/usr/src/linux-headers-$kv" "/lib/modules/$kv/build"
	for d in /usr/src/linux-headers-*-common; do ln -sfn "$d" "/lib/modules/$kv/source"; done
	bcc_tool tcptop "-C 5" tcp_sendmsg tcp_cleanup_rbuf || true
	bcc_tool tcprtt "-i 5" tcp_rcv_established || true
else
	put "bcc_tcptop error not_in_guest"
	put "bcc_tcprtt error not_in_guest"
fi

# (a') no tracer again: the baseline must not have drifted.
log "none-again"
pingpong none_again
log "done"
