#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced iperf3 -R transfer through an 8 Mbit/s bottleneck on the router with a deep queue, seen by the sending server.
# expect: queueing_delay
# netns: srv
# role: sender
# healthy-ok: no
# workload: iperf3 -R, unpaced, 4 ms RTT
# fault: tbf rate 8mbit latency 500ms on the router towards the client
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_netem rtr r-srv delay 4ms
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -R; }
corpus_fault() { tsl_ns rtr "$TC" qdisc add dev r-cli root tbf rate 8mbit burst 32kb latency 500ms; }
corpus_run throughput
