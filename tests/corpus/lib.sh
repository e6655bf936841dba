# SPDX-License-Identifier: GPL-2.0-or-later
# Guest library of the diagnosis corpus, sourced by every scenario after
# /tsl/lib.sh. A scenario builds a topology, defines how its servers start,
# how its load runs and what its fault is, and calls corpus_run, which:
#   1. starts the servers (corpus_servers) on the fault-free topology;
#   2. runs the load for $CORPUS_BASE_S seconds: the baseline figure;
#   3. injects the fault (corpus_fault);
#   4. records with `tcpsleuth record` inside the scenario's network
#      namespace (its "# netns:" line), filtered to the load's port, while the
#      load runs again for $CORPUS_LOAD_S seconds: the faulted figure;
#   5. writes $OUT/corpus.rec (the recording) and $OUT/metric
#      ("METRIC BASELINE FAULTED", METRIC throughput or latency).
# The host scores the recordings (tests/corpus/score); nothing is judged here
# beyond whether the steps ran.

: "${CORPUS_BASE_S:=6}"
: "${CORPUS_LOAD_S:=12}"
CORPUS_PORT=
CORPUS_STALL_PID=

# ---- topologies ----

# corpus_path: three namespaces, cli -- rtr -- srv, routed (IPv4):
# cli 10.200.1.1/24 on veth-cli, rtr 10.200.1.254 on r-cli and 10.200.2.254
# on r-srv, srv 10.200.2.2/24 on veth-srv. Faults "on the path" go on rtr's
# r-srv (towards the server) or r-cli (towards the client); the ends' own
# interfaces stay as they are unless a scenario puts a qdisc there.
corpus_path() {
	"$IP" netns add cli
	"$IP" netns add rtr
	"$IP" netns add srv
	"$IP" link add veth-cli netns cli type veth peer name r-cli netns rtr
	"$IP" link add veth-srv netns srv type veth peer name r-srv netns rtr
	tsl_ns cli "$IP" addr add 10.200.1.1/24 dev veth-cli
	tsl_ns rtr "$IP" addr add 10.200.1.254/24 dev r-cli
	tsl_ns rtr "$IP" addr add 10.200.2.254/24 dev r-srv
	tsl_ns srv "$IP" addr add 10.200.2.2/24 dev veth-srv
	for ns in cli rtr srv; do
		tsl_ns $ns "$IP" link set lo up
	done
	tsl_ns cli "$IP" link set veth-cli up
	tsl_ns srv "$IP" link set veth-srv up
	tsl_ns rtr "$IP" link set r-cli up
	tsl_ns rtr "$IP" link set r-srv up
	corpus_ns_sysctl rtr net.ipv4.ip_forward 1
	tsl_ns cli "$IP" route add default via 10.200.1.254
	tsl_ns srv "$IP" route add default via 10.200.2.254
	CLI4=10.200.1.1 SRV4=10.200.2.2
	tsl_wait 5 tsl_ns cli /bin/ping -c 1 -W 1 $SRV4 > /dev/null
}

# corpus_netem NS DEV ARGS...: netem with ARGS as DEV's root qdisc, replacing
# what was there (a scenario's base delay becomes delay plus the fault).
corpus_netem() {
	local ns=$1 dev=$2
	shift 2
	tsl_ns "$ns" "$TC" qdisc replace dev "$dev" root netem "$@" limit 100000
}

# corpus_rtt MS: MS of round trip on the path, half each way (rtr's egress).
corpus_rtt() {
	local half
	half=$(awk -v m="$1" 'BEGIN { print m / 2 }')
	corpus_netem rtr r-srv delay "${half}ms"
	corpus_netem rtr r-cli delay "${half}ms"
}

# ---- processes ----

# corpus_bg NAME NS CMD...: tsl_bg of a command in a namespace whose pid,
# PID_NAME, is the command's own (ip netns exec, nice, taskset exec it), so
# that signals, cgroups and waits reach it.
corpus_bg() {
	local name=$1 ns=$2
	shift 2
	tsl_bg "$name" "$IP" netns exec "$ns" "$@"
}

# corpus_cgroup NAME CPU_MAX PID...: put processes in a cgroup v2 group tsl-NAME
# with cpu.max "CPU_MAX" (e.g. "20000 100000": 20 % of a CPU).
corpus_cgroup() {
	local name=$1 max=$2 pid
	shift 2
	mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
	echo +cpu > /sys/fs/cgroup/cgroup.subtree_control
	name=tsl-$name
	mkdir -p "/sys/fs/cgroup/$name"
	echo "$max" > "/sys/fs/cgroup/$name/cpu.max"
	for pid in "$@"; do
		echo "$pid" > "/sys/fs/cgroup/$name/cgroup.procs"
	done
}

# corpus_stall PID STOP_MS EVERY_MS: in the background, stop a process for
# STOP_MS every EVERY_MS (SIGSTOP, SIGCONT): an application that stops
# reading now and then without any change in its code.
corpus_stall() {
	local pid=$1 stop=$2 every=$3
	(
		while kill -0 "$pid" 2>/dev/null; do
			sleep "$(awk -v m=$((every - stop)) 'BEGIN { print m / 1000 }')"
			kill -STOP "$pid" 2>/dev/null
			sleep "$(awk -v m="$stop" 'BEGIN { print m / 1000 }')"
			kill -CONT "$pid" 2>/dev/null
		done
	) &
	CORPUS_STALL_PID=$!
	TSL_PIDS+=($!)
}

# corpus_hogs NS CPU N [NICE]: N busy loops pinned to CPU inside NS, at
# nice NICE (default 0).
corpus_hogs() {
	local i
	for i in $(seq "$3"); do
		corpus_bg hog$i "$1" nice -n "${4:-0}" taskset -c "$2" /bin/bash -c 'while :; do :; done'
	done
}

# ---- loads: each prints one number ----

# corpus_iperf3 SECONDS ARGS...: an iperf3 client from cli to the server's
# port $CORPUS_PORT; prints the receiver's bytes per second.
corpus_iperf3() {
	local s=$1 json
	shift
	json=$(tsl_ns cli iperf3 -c $SRV4 -p $CORPUS_PORT -t "$s" -J "$@") || return 1
	echo "$json" | jq -r '.end.sum_received.bytes / .end.sum_received.seconds'
}

# corpus_rr COUNT "SERVER_ARGS" "CLIENT_ARGS": a tsl-rr server in srv (it
# serves one connection) and COUNT requests from cli; ARGS after the port:
# server "REQ RESP [flags]", client "REQ RESP [flags]". Prints the median
# round trip in us.
corpus_rr() {
	corpus_bg rr-server srv tsl-rr server $CORPUS_PORT $2
	tsl_wait_port srv $CORPUS_PORT || return 1
	tsl_ns cli tsl-rr client $SRV4 $CORPUS_PORT "$1" $3 |
		awk '$1 == "requests" { print $4 }'
}

# corpus_stream SECONDS "RECV_ARGS" "SEND_ARGS" [PREFIX...]: tsl-load recv
# in srv (one connection; PREFIX: e.g. "taskset -c 1") and tsl-load send from
# cli for SECONDS; prints the bytes per second received.
# corpus_stream_delay: the same, but prints the mean delivery time of the
# pieces in us (from the start of their write to their read).
corpus_stream() {
	corpus_stream_run "$@" && awk -v s="$1" '$1 == "received" { printf "%d\n", $2 / s }' "$OUT/stream-recv.log"
}
corpus_stream_delay() {
	corpus_stream_run "$@" && awk '$1 == "received" && $9 == "mean_us" { print $10 }' "$OUT/stream-recv.log"
}
corpus_stream_run() {
	local s=$1 rargs=$2 sargs=$3
	shift 3
	corpus_bg stream-recv srv "$@" tsl-load recv $CORPUS_PORT $rargs
	CORPUS_RECV_PID=$PID_stream_recv
	tsl_wait_port srv $CORPUS_PORT || return 1
	tsl_ns cli tsl-load send $SRV4 $CORPUS_PORT -t "$s" $sargs > /dev/null || return 1
	wait "$CORPUS_RECV_PID" 2>/dev/null
	return 0
}

# corpus_redis SECONDS: redis-cli's latency mode from cli (a PING every
# 10 ms) for SECONDS; prints the mean latency in us ("min max avg samples",
# in ms, is what --raw prints when the sampling ends).
corpus_redis() {
	tsl_ns cli redis-cli -h $SRV4 -p $CORPUS_PORT --latency --raw -i "$1" |
		awk 'NF >= 3 { printf "%d\n", $3 * 1000 }' | tail -n 1
}

# corpus_wrk SECONDS CONNS PATH: wrk against nginx; prints the mean latency
# in us.
corpus_wrk() {
	tsl_ns cli wrk -t 1 -c "$2" -d "$1"s --latency "http://$SRV4:$CORPUS_PORT$3" |
		awk '$1 == "Latency" && !done { v = $2; done = 1
			if (v ~ /us$/) m = 1; else if (v ~ /ms$/) m = 1000; else if (v ~ /s$/) m = 1000000
			sub(/[a-z]+$/, "", v); printf "%d\n", v * m }'
}

# corpus_curl SECONDS PATH PAUSE: one curl request every PAUSE seconds for
# SECONDS; prints the median total time in us.
corpus_curl() {
	local end=$(( $(date +%s) + $1 ))
	while [ "$(date +%s)" -lt "$end" ]; do
		tsl_ns cli curl -s -o /dev/null -w '%{time_total}\n' "http://$SRV4:$CORPUS_PORT$2"
		sleep "$3"
	done | awk '{ printf "%d\n", $1 * 1000000 }' | tsl_median
}

# corpus_sockperf SECONDS MPS [MSG]: sockperf ping-pong at MPS messages per
# second; prints the average latency in us.
corpus_sockperf() {
	tsl_ns cli sockperf ping-pong --tcp -i $SRV4 -p $CORPUS_PORT -t "$1" --mps "$2" \
		-m "${3:-64}" 2>&1 | sed -n 's/.*avg-latency=\([0-9.]*\).*/\1/p' | tail -n 1
}

# corpus_send SECONDS ARGS...: tsl-load send from cli to the server's port
# for SECONDS; prints the bytes per second sent.
corpus_send() {
	local s=$1
	shift
	tsl_ns cli tsl-load send $SRV4 $CORPUS_PORT -t "$s" "$@" |
		awk -v s="$s" '$1 == "sent" { printf "%d\n", $2 / s }'
}

# corpus_nginx: nginx in srv on $CORPUS_PORT, one worker, serving
# /small (4 KiB), /64k and /1m from /tmp/nginx/www.
corpus_nginx() {
	local d=/tmp/nginx
	mkdir -p $d/www $d/logs
	head -c 4096 /dev/urandom > $d/www/small
	head -c 65536 /dev/urandom > $d/www/64k
	head -c 1048576 /dev/urandom > $d/www/1m
	cat > $d/nginx.conf <<-EOC
	daemon off;
	master_process off;
	worker_processes 1;
	user root;
	error_log stderr;
	pid $d/nginx.pid;
	events { worker_connections 256; }
	http {
		access_log off;
		client_body_temp_path $d/body;
		proxy_temp_path $d/proxy;
		fastcgi_temp_path $d/fastcgi;
		uwsgi_temp_path $d/uwsgi;
		scgi_temp_path $d/scgi;
		server { listen $CORPUS_PORT; root $d/www; }
	}
	EOC
	corpus_bg nginx srv nginx -p $d -c $d/nginx.conf
	tsl_wait_port srv $CORPUS_PORT
}

# corpus_redis_server: redis-server in srv on $CORPUS_PORT, no persistence.
corpus_redis_server() {
	corpus_bg redis srv redis-server --port $CORPUS_PORT --bind 0.0.0.0 \
		--protected-mode no --save '' --appendonly no
	tsl_wait_port srv $CORPUS_PORT
}

# corpus_iperf3_server [PREFIX...]: iperf3 -s in srv on $CORPUS_PORT (PREFIX:
# e.g. "taskset -c 1"); its pid in PID_iperf3.
corpus_iperf3_server() {
	corpus_bg iperf3 srv "$@" iperf3 -s -p $CORPUS_PORT
	tsl_wait_port srv $CORPUS_PORT
}

# ---- the run ----

# corpus_run METRIC: the five steps above, on port $CORPUS_PORT (set by the
# scenario before it starts anything). The scenario defines
# corpus_load SECONDS (prints the figure) and corpus_fault, and
# corpus_servers if servers outlive one load (they wait for their port).
# METRIC: throughput (higher is better) or latency (lower is better).
corpus_run() {
	local base val rc=0
	corpus_servers || { tsl_result fail corpus "the servers did not start"; return 0; }
	base=$(corpus_load "$CORPUS_BASE_S") || base=
	corpus_fault
	tcpsleuth record -q --netns "$CORPUS_NETNS" --port "$CORPUS_PORT" \
		-o "$OUT/corpus.rec" > "$OUT/record.out" 2> "$OUT/record.err" &
	local rec=$!
	TSL_PIDS+=($rec)
	sleep 1
	if ! kill -0 $rec 2>/dev/null; then
		tsl_result fail corpus "tcpsleuth record: $(tail -n 1 "$OUT/record.err")"
		return 0
	fi
	val=$(corpus_load "$CORPUS_LOAD_S") || val=
	sleep 0.5
	kill -INT $rec 2>/dev/null
	wait $rec || rc=$?
	echo "$1 ${base:-nan} ${val:-nan}" > "$OUT/metric"
	# 3: recorded, but the module lost records (accounted in the file)
	if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
		tsl_result fail corpus "tcpsleuth record exited with $rc: $(tail -n 1 "$OUT/record.err")"
	elif [ -z "$base" ] || [ -z "$val" ]; then
		tsl_result fail corpus "the load printed no figure (baseline '${base}', faulted '${val}')"
	else
		tsl_result ok corpus "$1 baseline $base, with the fault $val"
	fi
}

corpus_servers() { :; }

# corpus_sysctl NAME VALUE: set a host-wide sysctl (net.ipv4.tcp_mem, say)
# for this scenario only; corpus_cleanup puts it back.
CORPUS_SYSCTLS=()
corpus_sysctl() {
	local f=/proc/sys/${1//.//}
	CORPUS_SYSCTLS+=("$f=$(tr '\t' ' ' < "$f")")
	echo "$2" > "$f"
}

# corpus_ns_sysctl NS NAME VALUE: a sysctl of one namespace (tcp_rmem,
# tcp_wmem, ...), gone with the namespace.
corpus_ns_sysctl() {
	tsl_ns "$1" sh -c "echo '$3' > /proc/sys/${2//.//}"
}

# corpus_cleanup: the EXIT trap: tsl_cleanup, then the cgroups and sysctls.
corpus_cleanup() {
	local kv g
	tsl_cleanup
	for kv in ${CORPUS_SYSCTLS[@]+"${CORPUS_SYSCTLS[@]}"}; do
		echo "${kv#*=}" > "${kv%%=*}"
	done
	for g in /sys/fs/cgroup/tsl-*; do
		[ -d "$g" ] && rmdir "$g" 2>/dev/null
	done
	return 0
}
trap corpus_cleanup EXIT

# The scenario's "# netns:" line names the namespace the diagnosis runs in.
CORPUS_NETNS=$(sed -n 's/^# netns: *\([a-z]*\).*/\1/p' "$0" | head -n 1)
: "${CORPUS_NETNS:=srv}"
