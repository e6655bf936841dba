#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sockperf ping-pong at 200 messages per second on a clean path, seen by the client.
# expect: healthy
# netns: cli
# role: client
# healthy-ok: yes
# workload: sockperf ping-pong --mps 200
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=11111
corpus_path
corpus_servers() {
	corpus_bg sockperf srv sockperf server --tcp -i 0.0.0.0 -p $CORPUS_PORT
	tsl_wait_port srv $CORPUS_PORT
}
corpus_load() { corpus_sockperf "$1" 200; }
corpus_fault() { :; }
corpus_run latency
