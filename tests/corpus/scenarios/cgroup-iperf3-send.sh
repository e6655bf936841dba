#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer whose server runs in a cgroup with cpu.max 1 ms per 100 ms; seen by the sender.
# The receiver's tcp_rmem allows 512 KiB at most, as on a host tuned for
# many connections: what its reader fails to take reaches the sender as a
# closing window instead of vanishing into a buffer of megabytes.
# expect: cgroup_throttled app_not_reading
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3 -b 20M
# fault: cgroup v2 cpu.max "1000 100000" on the iperf3 server
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_ns_sysctl srv net.ipv4.tcp_rmem "4096 131072 524288"
corpus_rtt 2
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() { corpus_cgroup srv "1000 100000" "$PID_iperf3"; }
corpus_run throughput
