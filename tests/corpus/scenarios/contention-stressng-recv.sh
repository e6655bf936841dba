#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced transfer to a reader pinned to CPU 1, where stress-ng runs two CPU workers; seen by the receiver.
# expect: cpu_contention
# netns: srv
# role: receiver
# healthy-ok: no
# workload: tsl-load send -r 2048; tsl-load recv on CPU 1
# fault: stress-ng --cpu 2 on CPU 1
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7100
corpus_path
corpus_rtt 2
corpus_load() { corpus_stream_delay "$1" "-c 16" "-r 2048" taskset -c 1; }
corpus_fault() { corpus_bg stress srv stress-ng --cpu 2 --taskset 1 --timeout 60; }
corpus_run latency
