#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Path latency: netem adds a constant 20 ms to everything leaving the
# client (data, ICMP echo requests); a 8 Mbit/s paced transfer then sees a
# 20 ms RTT that ICMP sees too: "path_latency".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7102
tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root netem delay 20ms
tsl_bg recv tsl_ns srv tsl-load recv $port
tsl_wait_port srv $port
tsl_bg send tsl_ns cli tsl-load send $SRV4 $port -r 1024 -t 30
sleep 1
tsl_diagnose_expect path_latency --port $port --duration 12
