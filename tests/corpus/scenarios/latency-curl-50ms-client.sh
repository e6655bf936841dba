#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# curl fetches 64 KiB from nginx every 200 ms over a path whose RTT becomes 50 ms, seen by curl.
# expect: path_latency
# netns: cli
# role: client
# healthy-ok: no
# workload: nginx, curl /64k every 0.2 s
# fault: netem delay, 50 ms RTT
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=8080
corpus_path
corpus_servers() { corpus_nginx; }
corpus_load() { corpus_curl "$1" /64k 0.2; }
corpus_fault() { corpus_rtt 50; }
corpus_run latency
