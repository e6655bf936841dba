#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer over a 10 ms path whose ACKs meet 5 ms +- 10 ms of delay, seen by the sender.
# expect: path_jitter
# netns: cli
# role: sender
# healthy-ok: yes
# workload: iperf3 -b 10M over 10 ms RTT
# fault: netem delay 5ms 10ms on the ACK path
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 10
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 10M; }
corpus_fault() { corpus_netem rtr r-cli delay 5ms 10ms; }
corpus_run throughput
