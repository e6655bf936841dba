#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced sender into socat, which is stopped for 300 ms every 1.5 s; seen by the sender.
# expect: app_not_reading
# netns: cli
# role: sender
# healthy-ok: no
# workload: socat sink, tsl-load send -r 2048
# fault: socat stopped 300 ms every 1.5 s
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7200
corpus_path
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
	corpus_stall "$PID_socat" 300 1500
}
corpus_run throughput
