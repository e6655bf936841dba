#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer whose server shares its CPU with three busy loops at a higher priority (nice -10); seen by the sender.
# The receiver's tcp_rmem allows 512 KiB at most, as on a host tuned for
# many connections: what its reader fails to take reaches the sender as a
# closing window instead of vanishing into a buffer of megabytes.
# expect: cpu_contention app_not_reading
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3 -b 20M, server pinned to CPU 1
# fault: three busy loops on CPU 1 at nice -10
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_ns_sysctl srv net.ipv4.tcp_rmem "4096 131072 524288"
corpus_rtt 2
corpus_servers() { corpus_iperf3_server taskset -c 1; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() { corpus_hogs srv 1 3 -10; }
corpus_run throughput
