#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced transfer to a reader that spends 300 us of CPU per KiB it reads; seen by the sender.
# expect: app_cpu_bound app_not_reading
# netns: cli
# role: sender
# healthy-ok: no
# workload: tsl-load send, unpaced; tsl-load recv
# fault: the reader spins 300 us per KiB
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7100
corpus_path
corpus_rtt 2
recv_args=
corpus_load() { corpus_stream "$1" "$recv_args" ""; }
corpus_fault() { recv_args="-u 300"; }
corpus_run throughput
