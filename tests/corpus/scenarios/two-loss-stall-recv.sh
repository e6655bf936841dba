#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer over a 10 ms path that drops 2 % of the data, to a server stopped for 400 ms every 2 s; seen by the receiver.
# expect: path_loss app_not_reading
# also: path_loss app_not_reading
# netns: srv
# role: receiver
# healthy-ok: no
# workload: iperf3 -b 20M, 10 ms RTT
# fault: netem loss 2 % towards the server and the server stopped 400 ms every 2 s
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 10
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() {
	corpus_netem rtr r-srv delay 5ms loss 2%
	corpus_stall "$PID_iperf3" 400 2000
}
corpus_run throughput
