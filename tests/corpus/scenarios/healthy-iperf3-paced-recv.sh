#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer on a clean path, seen by the receiver.
# expect: healthy
# netns: srv
# role: receiver
# healthy-ok: yes
# workload: iperf3 -b 20M, client to server
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -b 20M; }
corpus_fault() { :; }
corpus_run throughput
