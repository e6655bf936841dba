#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Healthy: an 8 Mbit/s paced bulk transfer over a clean veth pair; nothing
# is wrong, so the top verdict must be "healthy".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7101
tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-load recv $port
tsl_wait_port srv $port
tsl_bg send tsl_ns cli tsl-load send $SRV4 $port -r 1024 -t 30
sleep 1
tsl_diagnose_expect healthy --port $port --duration 12
