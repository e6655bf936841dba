#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tsl-load sends 1 MiB/s over a clean 10 ms path, seen by the sender.
# expect: healthy path_latency
# netns: cli
# role: sender
# healthy-ok: yes
# workload: tsl-load send -r 1024
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7100
corpus_path
corpus_rtt 10
corpus_load() { corpus_stream_delay "$1" "" "-r 1024"; }
corpus_fault() { :; }
corpus_run latency
