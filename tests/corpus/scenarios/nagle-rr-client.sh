#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Requests of 400 B written in two halves (write-write-read) with Nagle on: the second half waits for the ACK of the first, which the server delays; seen by the client.
# expect: nagle_delack
# netns: cli
# role: client
# healthy-ok: no
# workload: tsl-rr 400 B requests in two writes, 400 B answers
# fault: TCP_NODELAY off on the client (on in the baseline)
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7000
corpus_path
rr_flags="-s -n"
corpus_load() { corpus_rr $(( $1 * 20 )) "400 400" "400 400 $rr_flags -p 5"; }
corpus_fault() { rr_flags="-s"; }
corpus_run latency
