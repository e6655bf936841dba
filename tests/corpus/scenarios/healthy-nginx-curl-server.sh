#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# curl fetches a 4 KiB page from nginx every 100 ms on a clean path, seen by nginx.
# expect: healthy
# netns: srv
# role: server
# healthy-ok: yes
# workload: nginx, curl every 0.1 s
# fault: none
. /tsl/lib.sh
. /tsl/corpus/lib.sh

CORPUS_PORT=8080
corpus_path
corpus_servers() { corpus_nginx; }
corpus_load() { corpus_curl "$1" /small 0.1; }
corpus_fault() { :; }
corpus_run latency
