#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced iperf3 transfer over a 20 ms path from a sender whose tcp_wmem allows 16 KiB at most; seen by the receiver, which can only tell that the sender holds back.
# expect: sndbuf_limited
# netns: srv
# role: receiver
# healthy-ok: yes
# workload: iperf3, unpaced, 20 ms RTT
# fault: tcp_wmem "4096 8192 16384" on the sender
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 20
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1"; }
corpus_fault() { corpus_ns_sysctl cli net.ipv4.tcp_wmem "4096 8192 16384"; }
corpus_run throughput
