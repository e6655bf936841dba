#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced iperf3 transfer through a 10 Mbit/s bottleneck on the router with a deep queue, seen by the sender.
# expect: queueing_delay
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3, unpaced, 4 ms RTT
# fault: tbf rate 10mbit burst 32kb latency 400ms on the router towards the server
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_netem rtr r-cli delay 4ms
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1"; }
corpus_fault() { tsl_ns rtr "$TC" qdisc add dev r-srv root tbf rate 10mbit burst 32kb latency 400ms; }
corpus_run throughput
