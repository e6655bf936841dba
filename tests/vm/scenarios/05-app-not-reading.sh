#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Application not reading: the receiver reads 64 KiB, then sleeps 100 ms,
# behind a sender that writes as fast as it may; data waits in the receive
# queue (recv_q high, long read residence) while the reader sleeps:
# "app_not_reading".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7105
tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-load recv $port -c 64 -p 100
tsl_wait_port srv $port
tsl_bg send tsl_ns cli tsl-load send $SRV4 $port -t 30
sleep 1
tsl_diagnose_expect app_not_reading --port $port --duration 12
