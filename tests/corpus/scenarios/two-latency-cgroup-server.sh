#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# redis-cli --latency over a path whose RTT becomes 30 ms, against a redis-server in a cgroup with cpu.max 1 ms per 50 ms; seen by redis-server.
# expect: path_latency cgroup_throttled
# also: path_latency cgroup_throttled
# netns: srv
# role: server
# healthy-ok: no
# workload: redis-server, redis-cli --latency
# fault: netem delay (30 ms RTT) and cgroup v2 cpu.max "1000 50000" on redis-server
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=6379
corpus_path
corpus_servers() { corpus_redis_server; }
corpus_load() { corpus_redis "$1"; }
corpus_fault() {
	corpus_rtt 30
	corpus_cgroup redis "1000 50000" "$PID_redis"
}
corpus_run latency
