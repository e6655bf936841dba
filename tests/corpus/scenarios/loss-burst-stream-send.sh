#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tsl-load sends 2 MiB/s over a 10 ms path with bursty loss (5 %, 25 % correlated), seen by the sender.
# expect: path_loss
# netns: cli
# role: sender
# healthy-ok: no
# workload: tsl-load send -r 2048 over 10 ms RTT
# fault: netem loss 5% 25% towards the server
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7100
corpus_path
corpus_rtt 10
corpus_load() { corpus_stream_delay "$1" "" "-r 2048"; }
corpus_fault() { corpus_netem rtr r-srv delay 5ms loss 5% 25%; }
corpus_run latency
