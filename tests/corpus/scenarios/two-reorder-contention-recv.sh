#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer over a 10 ms path that reorders 20 % of the data, to a server that shares its CPU with three busy loops; seen by the receiver.
# expect: reordering cpu_contention
# also: reordering cpu_contention
# netns: srv
# role: receiver
# healthy-ok: no
# workload: iperf3 -b 20M, 10 ms RTT, server on CPU 1
# fault: netem reorder 20 % towards the server and three busy loops on CPU 1
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 10
corpus_servers() { corpus_iperf3_server taskset -c 1; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() {
	corpus_netem rtr r-srv delay 5ms reorder 20% 50%
	corpus_hogs srv 1 3
}
corpus_run throughput
