#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer over a clean 20 ms path, well below what the path carries, seen by the receiver.
# expect: healthy path_latency
# netns: srv
# role: receiver
# healthy-ok: yes
# workload: iperf3 -b 8M over 20 ms RTT
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 20
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 8M; }
corpus_fault() { :; }
corpus_run throughput
