#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer whose server runs in a cgroup with cpu.max 5 ms per 100 ms; seen by the sender.
# expect: cgroup_throttled app_not_reading
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3 -b 20M
# fault: cgroup v2 cpu.max "5000 100000" on the iperf3 server
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 2
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() { corpus_cgroup srv "5000 100000" "$PID_iperf3"; }
corpus_run throughput
