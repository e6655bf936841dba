#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer over a 10 ms path that drops 2 % of the data, seen by the sender.
# expect: path_loss
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3 -b 20M over 10 ms RTT
# fault: netem loss 2 % towards the server
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 10
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() { corpus_netem rtr r-srv delay 5ms loss 2%; }
corpus_run throughput
