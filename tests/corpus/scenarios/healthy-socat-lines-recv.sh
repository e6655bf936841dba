#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A slow producer (1 KiB writes, 256 KiB/s) into socat writing to /dev/null, seen by socat's side.
# expect: healthy
# netns: srv
# role: receiver
# healthy-ok: yes
# workload: socat sink, tsl-load send -r 256 -l 1
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7200
corpus_path
corpus_servers() {
	corpus_bg socat srv socat -u TCP-LISTEN:$CORPUS_PORT,reuseaddr,fork OPEN:/dev/null
	tsl_wait_port srv $CORPUS_PORT
}
corpus_load() { corpus_send "$1" -r 256 -l 1; }
corpus_fault() { :; }
corpus_run throughput
