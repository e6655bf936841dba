#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Request/response with TCP_NODELAY over a path with 6 ms +- 6 ms of delay each way, seen by the client.
# expect: path_jitter path_latency
# netns: cli
# role: client
# healthy-ok: no
# workload: tsl-rr requests 5 ms apart
# fault: netem delay 6ms 6ms both ways
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7000
corpus_path
corpus_load() { corpus_rr $(( $1 * 40 )) "100 200 -n" "100 200 -n -p 5"; }
corpus_fault() {
	corpus_netem rtr r-srv delay 6ms 6ms
	corpus_netem rtr r-cli delay 6ms 6ms
}
corpus_run latency
