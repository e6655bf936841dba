#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer whose receiving server is stopped for 400 ms every 2 s (SIGSTOP, SIGCONT); seen by the sender.
# The receiver's tcp_rmem allows 512 KiB at most, as on a host tuned for
# many connections: what its reader fails to take reaches the sender as a
# closing window instead of vanishing into a buffer of megabytes.
# expect: app_not_reading
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3 -b 20M, 2 ms RTT
# fault: the iperf3 server stopped 400 ms every 2 s
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_ns_sysctl srv net.ipv4.tcp_rmem "4096 131072 524288"
corpus_rtt 2
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() { corpus_stall "$PID_iperf3" 400 2000; }
corpus_run throughput
