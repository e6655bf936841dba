#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced iperf3 transfer whose sender's own interface has a 10 Mbit/s shaper with a deep queue, seen by the sender.
# expect: local_queue
# netns: cli
# role: sender
# healthy-ok: no
# workload: iperf3, unpaced, 4 ms RTT
# fault: tbf rate 10mbit burst 32kb latency 400ms on the sender's interface
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_rtt 4
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1"; }
corpus_fault() { tsl_ns cli "$TC" qdisc add dev veth-cli root tbf rate 10mbit burst 32kb latency 400ms; }
corpus_run throughput
