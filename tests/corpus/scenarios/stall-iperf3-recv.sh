#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer whose receiving server is stopped for 400 ms every 2 s (SIGSTOP, SIGCONT); seen by the receiver.
# expect: app_not_reading
# netns: srv
# role: receiver
# healthy-ok: no
# workload: iperf3 -b 20M, 2 ms RTT
# fault: the iperf3 server stopped 400 ms every 2 s
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 2
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() { corpus_stall "$PID_iperf3" 400 2000; }
corpus_run throughput
