#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Four paced iperf3 streams on a clean 2 ms path, seen by the sending client.
# expect: healthy
# netns: cli
# role: sender
# healthy-ok: yes
# workload: iperf3 -P 4 -b 4M
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 2
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -P 4 -b 4M; }
corpus_fault() { :; }
corpus_run throughput
