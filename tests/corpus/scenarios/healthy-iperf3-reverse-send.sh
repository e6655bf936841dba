#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A paced iperf3 transfer from the server (-R) on a clean path, seen by the sending server.
# expect: healthy
# netns: srv
# role: sender
# healthy-ok: yes
# workload: iperf3 -R -b 10M
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=5201
corpus_path
corpus_servers() { corpus_iperf3_server; }
corpus_load() { corpus_iperf3 "$1" -R -b 10M; }
corpus_fault() { :; }
corpus_run throughput
