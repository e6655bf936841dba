#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced iperf3 -R transfer whose sending server's interface has an 8 Mbit/s netem rate limit with a deep queue, seen by the server.
# expect: local_queue
# netns: srv
# role: sender
# healthy-ok: no
# workload: iperf3 -R, unpaced, 4 ms RTT
# fault: netem rate 8mbit on the sender's interface
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 4
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -R; }
corpus_fault() { corpus_netem srv veth-srv rate 8mbit; }
corpus_run throughput
