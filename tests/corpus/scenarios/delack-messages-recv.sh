#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A sender of 1 KiB messages every 50 ms, each acknowledged on the receiver's delayed-ACK timer; seen by the receiver.
# expect: delayed_ack
# netns: srv
# role: receiver
# healthy-ok: yes
# workload: tsl-load send -r 20 -l 1
# fault: none (the receiver's delayed ACKs, on by default)
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=7100
corpus_path
corpus_rtt 1
corpus_load() { corpus_stream_delay "$1" "" "-r 20 -l 1"; }
corpus_fault() { :; }
corpus_run latency
