#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced iperf3 -R transfer over a 20 ms path from a server whose tcp_wmem allows 16 KiB at most; seen by the server.
# expect: sndbuf_limited
# netns: srv
# role: sender
# healthy-ok: no
# workload: iperf3 -R, unpaced, 20 ms RTT
# fault: tcp_wmem "4096 8192 16384" on the server
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 20
corpus_servers() { :; }
# the server's sockets take tcp_wmem when they are made: one server per load
corpus_load() {
	local v
	corpus_iperf3_server || return 1
	v=$(corpus_iperf3 "$1" -R)
	kill "$PID_iperf3" 2>/dev/null
	wait "$PID_iperf3" 2>/dev/null
	[ -n "$v" ] && echo "$v"
}
corpus_fault() { corpus_ns_sysctl srv net.ipv4.tcp_wmem "4096 8192 16384"; }
corpus_run throughput
