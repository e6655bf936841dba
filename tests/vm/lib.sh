# SPDX-License-Identifier: GPL-2.0-or-later
# Guest test library, sourced by the runner and by every tests/*.sh (bash).
# busybox applets would shadow iproute2 inside busybox sh, so the real tools
# are always called by full path.

IP=/usr/sbin/ip
TC=/usr/sbin/tc
SS=/usr/bin/ss
TSL_KO=/lib/tcpsleuth/tcpsleuth.ko
: "${OUT:=/tmp/out}"
: "${TSL_NAME:=script}"
: "${TSL_RESULTS:=$OUT/results}"
: "${TSL_MODPARAMS:=}"
TSL_PIDS=()
mkdir -p "$OUT"

# Addresses of the two namespaces made by tsl_netns_pair.
CLI4=10.200.0.1 SRV4=10.200.0.2
CLI6=fd00:200::1 SRV6=fd00:200::2

tsl_log() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }

# tsl_result ok|fail NAME [REASON]: one check's outcome; any fail fails the test.
tsl_result() {
	local verdict=$1 name=$2
	shift 2
	if [ "$verdict" = ok ]; then
		echo "ok $name${1:+: $*}" >> "$TSL_RESULTS"
	else
		echo "fail $name: ${*:-failed}" >> "$TSL_RESULTS"
	fi
	tsl_log "$verdict $name${1:+: $*}"
}

# tsl_expect NAME REASON CONDITION...: tsl_result from the exit status of a command.
tsl_expect() {
	local name=$1 reason=$2
	shift 2
	if "$@"; then tsl_result ok "$name" "$reason"; else tsl_result fail "$name" "$reason"; fi
}

tsl_skip() { echo "ok $1: SKIP $2" >> "$TSL_RESULTS"; tsl_log "skip $1: $2"; }

tsl_module_loaded() { grep -q '^tcpsleuth ' /proc/modules; }

# tsl_reload [PARAM=VALUE...]: reload tcpsleuth.ko with these parameters.
tsl_reload() {
	if tsl_module_loaded; then rmmod tcpsleuth || return 1; fi
	insmod "$TSL_KO" "$@"
}

# tsl_ns NS CMD...: run a command inside a network namespace.
tsl_ns() { local ns=$1; shift; "$IP" netns exec "$ns" "$@"; }

# tsl_netns_pair: namespaces "cli" and "srv" joined by a veth pair,
# 10.200.0.1/24 and fd00:200::1/64 in cli, 10.200.0.2/24 and fd00:200::2/64 in srv.
tsl_netns_pair() {
	"$IP" netns add cli
	"$IP" netns add srv
	"$IP" link add veth-cli netns cli type veth peer name veth-srv netns srv
	tsl_ns cli "$IP" addr add $CLI4/24 dev veth-cli
	tsl_ns srv "$IP" addr add $SRV4/24 dev veth-srv
	tsl_ns cli "$IP" addr add $CLI6/64 dev veth-cli nodad
	tsl_ns srv "$IP" addr add $SRV6/64 dev veth-srv nodad
	for ns in cli srv; do
		tsl_ns $ns "$IP" link set lo up
		tsl_ns $ns "$IP" link set veth-$ns up
	done
	# IPv6 neighbour discovery can need the link to be fully up.
	tsl_wait 5 tsl_ns cli "$IP" -6 route get $SRV6 > /dev/null
}

# tsl_netns_ino NS: the namespace inode, as the tracer's netns column shows it.
tsl_netns_ino() { stat -L -c %i "/run/netns/$1"; }

# tsl_bg NAME CMD...: start a command in the background, output in $OUT/NAME.log.
tsl_bg() {
	local name=$1
	shift
	"$@" > "$OUT/$name.log" 2>&1 &
	TSL_PIDS+=($!)
	eval "PID_${name//[^a-zA-Z0-9_]/_}=$!"
}

# tsl_wait SECS CMD...: retry a command every 0.1 s until it succeeds.
tsl_wait() {
	local end=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# tsl_wait_port NS PORT: until something listens on the TCP port in NS.
tsl_wait_port() {
	tsl_wait 20 sh -c "$IP netns exec $1 $SS -Hltn 'sport = :$2' | grep -q LISTEN"
}

# tsl_wait_line FILE REGEX [SECS]: until a line of FILE matches.
tsl_wait_line() { tsl_wait "${3:-60}" grep -qE "$2" "$1"; }

# tsl_record NAME ARGS...: start "tcpsleuth record ARGS -o $OUT/NAME.csv" in
# the background and give it time to attach. Stop it with tsl_record_stop.
tsl_record() {
	local name=$1
	shift
	tcpsleuth record "$@" -o "$OUT/$name.csv" > "$OUT/$name.out" 2> "$OUT/$name.err" &
	TSL_REC_PID=$!
	TSL_PIDS+=($!)
	sleep 1
	kill -0 $TSL_REC_PID 2>/dev/null || { cat "$OUT/$name.err" >&2; return 1; }
}

# tsl_record_stop: SIGINT the recording, wait; its exit status in TSL_REC_RC.
tsl_record_stop() {
	kill -INT "$TSL_REC_PID" 2>/dev/null || true
	TSL_REC_RC=0
	wait "$TSL_REC_PID" || TSL_REC_RC=$?
}

# tsl_summary FILE: "N M P D X" from the reader's closing line
# "tcpsleuth: recorded N events (M flows); produced P, delivered D, dropped X".
tsl_summary() {
	sed -n 's/.*recorded \([0-9]*\) events (\([0-9]*\) flows); produced \([0-9]*\), delivered \([0-9]*\), dropped \([0-9]*\).*/\1 \2 \3 \4 \5/p' "$1" | tail -n 1
}

# tsl_csv FILE AWK-PROGRAM [awk -v args...]: run an awk program over the data
# rows of a CSV; $c["name"] is the column with that header. Quotes around
# fields are dropped (no field the tests look at contains a comma).
tsl_csv() {
	local file=$1 prog=$2
	shift 2
	awk -F, "$@" '{ gsub(/"/, "") } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } '"$prog" "$file"
}

# tsl_rx_bytes CSV COOKIE: "BYTES REPEATS": the payload the flow's data_rx
# rows brought, where a segment that only repeated bytes already received
# (a spurious retransmission: out of order, before rcv_nxt) counts only what
# it brought beyond rcv_nxt, and REPEATS is how many brought nothing new.
tsl_rx_bytes() {
	tsl_csv "$1" 'function wrap(x) { x %= 4294967296; if (x < 0) x += 4294967296
		return x >= 2147483648 ? x - 4294967296 : x }
	$c["event"] == "data_rx" && $c["cookie"] == k {
		len = $c["len"]
		if ($c["ofo"] == 1 && wrap($c["seq"] - $c["rcv_nxt"]) < 0) {
			len = wrap($c["seq"] + len - $c["rcv_nxt"])
			if (len <= 0) { rep++; next }
		}
		s += len
	}
	END { print s + 0, rep + 0 }' -v k="$2"
}

# tsl_median: the median of the numbers on stdin (empty if none).
tsl_median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# tsl_within A B PCT: |A - B| <= PCT % of B.
tsl_within() {
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b != 0 && d <= b * p / 100) }'
}

# tsl_ge A B / tsl_le A B: numeric comparisons that take decimals.
tsl_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
tsl_le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

# tsl_snmp NS FIELD: a Tcp: counter of /proc/net/snmp inside a namespace.
tsl_snmp() {
	tsl_ns "$1" cat /proc/net/snmp | awk -v f="$2" '
		$1 == "Tcp:" && !h { for (i = 2; i <= NF; i++) n[$i] = i; h = 1; next }
		$1 == "Tcp:" && h { print $(n[f]) }'
}

# tsl_ping_rtts NS DST COUNT: one RTT per reply, in microseconds.
tsl_ping_rtts() {
	local ping=/bin/ping
	[ -x /usr/bin/ping ] && ping=/usr/bin/ping
	tsl_ns "$1" $ping -c "$3" -i 0.2 "$2" | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' |
		awk '{ printf "%d\n", $1 * 1000 }'
}

# tsl_ping_median NS DST COUNT: median RTT in microseconds.
tsl_ping_median() { tsl_ping_rtts "$@" | tsl_median; }

# tsl_leftovers: what a test should have removed (used by the runner).
tsl_leftovers() {
	local ns
	ns=$("$IP" netns list 2>/dev/null | awk '{print $1}' | tr '\n' ' ')
	[ -z "$ns" ] || echo "netns: $ns"
}

# tsl_reap: kill whatever runs in the test namespaces and delete them.
tsl_reap() {
	local ns
	for ns in $("$IP" netns list 2>/dev/null | awk '{print $1}'); do
		"$IP" netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		"$IP" netns del "$ns" 2>/dev/null
	done
}

# tsl_cleanup: the default EXIT trap: stop background jobs, delete namespaces.
tsl_cleanup() {
	local pid
	set +e
	for pid in "${TSL_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${TSL_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	tsl_reap
	tsl_module_loaded || insmod "$TSL_KO" $TSL_MODPARAMS 2>/dev/null
	return 0
}

# tsl_verdicts JSON: "category confidence" per verdict of a report's JSON
# (docs/report-schema.md), in the report's order (best first). jq reads the
# JSON; awk only prints the confidence with "%.2f" (jq 1.6 has no printf).
tsl_verdicts() {
	local v
	v=$(jq -r '(.verdicts // [])[] | "\(.category) \(.confidence)"' "$1") || return
	[ -z "$v" ] || printf '%s\n' "$v" | awk '{ printf "%s %.2f\n", $1, $2 }'
}

# tsl_diagnose_expect WANT DIAGNOSE-ARGS...: run "tcpsleuth diagnose --format
# json DIAGNOSE-ARGS" (JSON in $OUT/diagnose.json, the recording kept in
# $OUT/diagnose.rec and its text report in $OUT/diagnose.txt), print the top
# three verdicts, and pass (result "verdict") when the top one is WANT.
tsl_diagnose_expect() {
	local want=$1 rc=0 top= conf= note=
	shift
	tcpsleuth diagnose --format json -q --keep "$OUT/diagnose.rec" -o "$OUT/diagnose.json" "$@" \
		2> "$OUT/diagnose.err" || rc=$?
	cat "$OUT/diagnose.err" >&2
	# 3: the report was written, but the module lost records.
	if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
		tsl_result fail verdict "tcpsleuth diagnose exited with status $rc: $(tail -n 1 "$OUT/diagnose.err")"
		return 0
	fi
	[ "$rc" = 0 ] || note=" (lost records: exit status 3)"
	tcpsleuth report "$OUT/diagnose.rec" > "$OUT/diagnose.txt" 2>&1 || true
	tsl_verdicts "$OUT/diagnose.json" > "$OUT/verdicts.txt"
	echo "top verdicts:"
	head -n 3 "$OUT/verdicts.txt" | awk '{ printf "  %d. %s (%s)\n", NR, $1, $2 }'
	read -r top conf < "$OUT/verdicts.txt" || true
	if [ -n "$top" ] && [ "$top" = "$want" ]; then
		tsl_result ok verdict "top verdict $top ($conf)$note"
	else
		tsl_result fail verdict "top verdict ${top:-none}${conf:+ ($conf)}, want $want$note"
	fi
}

# tsl_hogs NS CPU N: N busy loops pinned to CPU, inside namespace NS (so that
# tsl_reap ends them too).
tsl_hogs() {
	local i
	for i in $(seq "$3"); do
		tsl_bg hog$i tsl_ns "$1" taskset -c "$2" /bin/bash -c 'while :; do :; done'
	done
}
