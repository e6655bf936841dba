#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The samples that split a flow's time: a sender behind a slow tbf with a
# deep queue, to a receiver with a small receive buffer whose cgroup has a
# CPU quota that a busy loop in the same group uses up. The recording's
# samples show the tbf's backlog for the sender's flow, throttling of the
# receiver's group, and the sender's busy and receive-window-limited time
# and min RTT from tcp_info.
set -e
. /tsl/lib.sh

PORT=7030
KB=3072		# 3 MiB through 10 Mbit/s: about 2.5 s
CG=/sys/fs/cgroup
GROUP=$CG/tsl-samples
mounted=

cleanup() {
	local p
	tsl_cleanup
	# the group can go once its processes have
	if [ -d "$GROUP" ]; then
		for p in $(cat "$GROUP/cgroup.procs" 2> /dev/null); do kill -9 "$p" 2> /dev/null || true; done
		tsl_wait 5 rmdir "$GROUP" 2> /dev/null || true
	fi
	[ -z "$mounted" ] || umount "$CG" 2> /dev/null || true
}
trap cleanup EXIT

if ! grep -q ' - cgroup2 ' /proc/self/mountinfo; then
	mount -t cgroup2 none "$CG"
	mounted=1
fi
if ! grep -qw cpu "$CG/cgroup.controllers"; then
	tsl_skip cgroup-cpu "no cpu controller in cgroup v2"
	exit 0
fi
echo +cpu > "$CG/cgroup.subtree_control"
mkdir "$GROUP"
echo "20000 100000" > "$GROUP/cpu.max"	# 20 % of one CPU

tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root tbf rate 10mbit burst 16k limit 4m
# In the group from the start: the receiver, and a loop that uses the quota.
tsl_bg spin sh -c "echo \$\$ > $GROUP/cgroup.procs; exec bash -c 'while :; do :; done'"
tsl_bg recv sh -c "echo \$\$ > $GROUP/cgroup.procs; exec $IP netns exec srv tsl-stream recv $PORT 64 0 -b 65536"
tsl_wait_port srv $PORT
recv_pid=$PID_recv

tcpsleuth record --port $PORT -o "$OUT/more.rec" > "$OUT/more.out" 2> "$OUT/more.err" &
TSL_REC_PID=$!
TSL_PIDS+=($!)
sleep 1
tsl_ns cli tsl-stream send $SRV4 $PORT $KB > "$OUT/send.log"
sleep 0.5
tsl_record_stop
cat "$OUT/more.err"
tsl_expect reader-exit "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]

tcpsleuth csv "$OUT/more.rec" -o "$OUT/more-events.csv"
tcpsleuth csv --samples "$OUT/more.rec" -o "$OUT/more-samples.csv"
# the sender's socket: the flow whose peer port is PORT
snd=$(tsl_csv "$OUT/more-events.csv" '$c["event"] == "flow" && $c["dport"] == p { print $c["cookie"]; exit }' -v p=$PORT)
rcv=$(tsl_csv "$OUT/more-events.csv" '$c["event"] == "flow" && $c["sport"] == p { print $c["cookie"]; exit }' -v p=$PORT)
tsl_expect flows "sender ${snd:-?}, receiver ${rcv:-?}" [ -n "$snd" -a -n "$rcv" ]

# largest value of SOURCE KEY ID over the samples; "none" when no row
# (tsl_csv's own loop uses i)
most() {
	tsl_csv "$OUT/more-samples.csv" '$c["source"] == src && $c["key"] == key && $c["id"] == id {
		if (!n++ || $c["value"] + 0 > m) m = $c["value"] + 0 }
		END { print n ? m : "none" }' -v src="$1" -v key="$2" -v id="$3"
}

backlog=$(most qdisc backlog_bytes "$snd")
tsl_expect qdisc-backlog "sender's tbf held up to $backlog bytes" tsl_ge "${backlog/none/0}" 1
kind_ok=$(most qdisc ifindex "$snd")
tsl_expect qdisc-device "sender's egress device ifindex $kind_ok" [ "$kind_ok" != none ]
throttled=$(most cgroup throttled_usec "$recv_pid")
tsl_expect cgroup-throttled "receiver's group throttled up to $throttled us per sample" \
	tsl_ge "${throttled/none/0}" 1
quota=$(most cgroup cpu_max_quota_us "$recv_pid")
tsl_expect cgroup-quota "receiver's group quota $quota us" [ "$quota" = 20000 ]
busy=$(most sock busy_us "$snd")
tsl_expect busy "sender busy up to $busy us per sample" tsl_ge "${busy/none/0}" 1
rwnd=$(most sock rwnd_limited_us "$snd")
tsl_expect rwnd-limited "sender limited by the receive window up to $rwnd us per sample" \
	tsl_ge "${rwnd/none/0}" 1
minrtt=$(most sock min_rtt_us "$snd")
tsl_expect min-rtt "sender's min_rtt up to $minrtt us" tsl_ge "${minrtt/none/0}" 1
minrtt=$(most sock min_rtt_us "$rcv")
tsl_expect min-rtt-receiver "receiver's min_rtt rows: $minrtt" [ "$minrtt" != none ]
# the kernel's tcp_info length: rcv_wnd from 6.8 on, absent before
rcvwnd=$(most sock rcv_wnd "$rcv")
case $(uname -r) in
5.*|6.[0-7].*) tsl_expect rcv-wnd "no rcv_wnd before 6.8 ($rcvwnd)" [ "$rcvwnd" = none ] ;;
*) tsl_expect rcv-wnd "receiver's rcv_wnd up to $rcvwnd" tsl_ge "${rcvwnd/none/0}" 1 ;;
esac
