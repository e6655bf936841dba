#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced transfer to a reader pinned to CPU 1, where stress-ng runs two CPU workers; seen by the receiver.
# expect: cpu_contention
# netns: srv
# role: receiver
# healthy-ok: no
# workload: tsl-load send -r 2048; tsl-load recv on CPU 1
# fault: stress-ng --cpu 2 on CPU 1
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7100
corpus_path
corpus_rtt 2
corpus_load() {
	tsl_bg stream-recv tsl_ns srv taskset -c 1 tsl-load recv $CORPUS_PORT -c 16
	tsl_wait_port srv $CORPUS_PORT || return 1
	tsl_ns cli tsl-load send $SRV4 $CORPUS_PORT -t "$1" -r 2048 > /dev/null || return 1
	wait "$PID_stream_recv" 2>/dev/null
	awk -v s="$1" '$1 == "received" { printf "%d\n", $2 / s }' "$OUT/stream-recv.log"
}
corpus_fault() { tsl_bg stress tsl_ns srv stress-ng --cpu 2 --taskset 1 --timeout 60; }
corpus_run throughput
