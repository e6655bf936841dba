#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A 1-byte request/response ping-pong with TCP_NODELAY every 5 ms on a clean path, seen by the server.
# expect: healthy
# netns: srv
# role: server
# healthy-ok: yes
# workload: tsl-rr 1-byte requests, TCP_NODELAY, 5 ms apart
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7000
corpus_path
corpus_load() { corpus_rr $(( $1 * 150 )) "1 1 -n" "1 1 -n -p 5"; }
corpus_fault() { :; }
corpus_run latency
