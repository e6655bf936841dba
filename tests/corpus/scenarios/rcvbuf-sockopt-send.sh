#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An unpaced tsl-load transfer over a 20 ms path to a receiver that sets SO_RCVBUF to 16 KiB; seen by the sender.
# expect: rcvbuf_limited
# netns: cli
# role: sender
# healthy-ok: no
# workload: tsl-load send, unpaced, 20 ms RTT
# fault: SO_RCVBUF 16384 on the receiver
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7100
corpus_path
corpus_rtt 20
recv_args=
corpus_load() { corpus_stream "$1" "$recv_args" ""; }
corpus_fault() { recv_args="-b 16384"; }
corpus_run throughput
