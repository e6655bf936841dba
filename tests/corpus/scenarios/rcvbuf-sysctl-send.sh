#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced iperf3 transfer over a 20 ms path to a receiver whose tcp_rmem allows 16 KiB at most; seen by the sender.
# expect: rcvbuf_limited
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3, unpaced, 20 ms RTT
# fault: tcp_rmem "4096 8192 16384" on the receiver
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 20
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1"; }
corpus_fault() { corpus_ns_sysctl srv net.ipv4.tcp_rmem "4096 8192 16384"; }
corpus_run throughput
