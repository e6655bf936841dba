#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# curl downloads 1 MiB from nginx every 200 ms over a 10 ms path that reorders 20 % of the data, seen by curl (the receiver).
# expect: reordering
# netns: cli
# role: receiver
# healthy-ok: no
# workload: nginx, curl /1m every 0.2 s
# fault: netem delay 5ms reorder 20% towards the client
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=8080
corpus_path
corpus_rtt 10
corpus_servers() { corpus_nginx; }
corpus_load() { corpus_curl "$1" /1m 0.2; }
corpus_fault() { corpus_netem rtr r-cli delay 5ms reorder 20% 50%; }
corpus_run latency
