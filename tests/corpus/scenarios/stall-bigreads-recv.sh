#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A reader that reads 1 MiB at a time behind a plain write loop and stalls 400 ms every 2 s (in its own code); seen by the receiver.
# expect: app_not_reading
# netns: srv
# role: receiver
# healthy-ok: no
# workload: tsl-load recv -c 1024, tsl-load send -r 4096
# fault: reader stalls 400 ms every ~2 s
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7100
corpus_path
corpus_rtt 2
recv_args="-c 1024"
corpus_load() { corpus_stream_delay "$1" "$recv_args" "-r 4096"; }
corpus_fault() { recv_args="-c 1024 -x 2000:400:400"; }
corpus_run latency
