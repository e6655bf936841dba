#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# CPU contention: the receiver is pinned to CPU 1 together with two busy
# loops; it reads as fast as it can but gets a third of the CPU, is
# preempted at every slice and data waits for it to be scheduled:
# "cpu_contention". The sender runs on CPU 0.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7108
tsl_netns_pair
tsl_hogs srv 1 2
tsl_bg recv tsl_ns srv taskset -c 1 tsl-load recv $port
tsl_wait_port srv $port
tsl_bg send tsl_ns cli taskset -c 0 tsl-load send $SRV4 $port -t 30
sleep 1
tsl_diagnose_expect cpu_contention --port $port --duration 12
