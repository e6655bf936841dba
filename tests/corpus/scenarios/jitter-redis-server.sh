#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# redis-cli --latency over a path with 4 ms +- 4 ms of delay each way, seen by redis-server.
# expect: path_jitter path_latency
# netns: srv
# role: server
# healthy-ok: no
# workload: redis-server, redis-cli --latency
# fault: netem delay 4ms 4ms both ways
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=6379
corpus_path
corpus_servers() { corpus_redis_server; }
corpus_load() { corpus_redis "$1"; }
corpus_fault() {
	corpus_netem rtr r-srv delay 4ms 4ms
	corpus_netem rtr r-cli delay 4ms 4ms
}
corpus_run latency
