#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced sender into socat, which is stopped for 500 ms every 2 s; seen by the sender.
# The receiver's tcp_rmem allows 512 KiB at most, as on a host tuned for
# many connections: what its reader fails to take reaches the sender as a
# closing window instead of vanishing into a buffer of megabytes.
# expect: app_not_reading
# netns: cli
# role: sender
# healthy-ok: no
# workload: socat sink, tsl-load send -r 2048
# fault: socat stopped 500 ms every 2 s
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7200
corpus_path
corpus_ns_sysctl srv net.ipv4.tcp_rmem "4096 131072 524288"
corpus_rtt 2
corpus_servers() {
	corpus_bg socat srv socat -u TCP-LISTEN:$CORPUS_PORT,reuseaddr OPEN:/dev/null
	tsl_wait_port srv $CORPUS_PORT
}
corpus_load() {
	[ -n "$PID_socat" ] && kill -0 "$PID_socat" 2>/dev/null || corpus_servers
	corpus_send "$1" -r 2048
}
corpus_fault() {
	sleep 0.5
	corpus_servers
	corpus_stall "$PID_socat" 500 2000
}
corpus_run throughput
