#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Application CPU-bound: the receiver spins 200 us of user CPU per KiB it
# reads (about 5 MB/s at most) behind a sender that writes as fast as it
# may; the reader's CPU is saturated and data queues: "app_cpu_bound".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7109
tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-load recv $port -c 16 -u 200
tsl_wait_port srv $port
tsl_bg send tsl_ns cli tsl-load send $SRV4 $port -t 30
sleep 1
tsl_diagnose_expect app_cpu_bound --port $port --duration 12
