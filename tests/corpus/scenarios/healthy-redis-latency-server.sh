#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# redis-cli --latency (a PING every 10 ms) on a clean path, seen by redis-server.
# expect: healthy
# netns: srv
# role: server
# healthy-ok: yes
# workload: redis-server, redis-cli --latency
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=6379
corpus_path
corpus_servers() { corpus_redis_server; }
corpus_load() { corpus_redis "$1"; }
corpus_fault() { :; }
corpus_run latency
