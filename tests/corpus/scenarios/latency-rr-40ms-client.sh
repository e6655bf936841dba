#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Request/response (100 B, 200 B, TCP_NODELAY) back to back over a path whose RTT becomes 40 ms, seen by the client.
# expect: path_latency
# netns: cli
# role: client
# healthy-ok: no
# workload: tsl-rr back-to-back requests
# fault: netem delay, 40 ms RTT
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7000
corpus_path
corpus_load() { corpus_rr $(( $1 * 20 )) "100 200 -n" "100 200 -n"; }
corpus_fault() { corpus_rtt 40; }
corpus_run latency
