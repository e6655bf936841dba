#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced iperf3 transfer over a 20 ms path that drops 1 % of the data, to a receiver whose tcp_rmem allows 32 KiB; seen by the sender.
# expect: path_loss rcvbuf_limited
# also: path_loss rcvbuf_limited
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3, unpaced, 20 ms RTT
# fault: netem loss 1 % towards the server and tcp_rmem "4096 16384 32768" on the receiver
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 20
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1"; }
corpus_fault() {
	corpus_ns_sysctl srv net.ipv4.tcp_rmem "4096 16384 32768"
	corpus_netem rtr r-srv delay 10ms loss 1%
}
corpus_run throughput
