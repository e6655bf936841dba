#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Path latency: netem adds a constant 20 ms to everything leaving the
# client (data, ICMP echo requests). A request/response client (TCP_NODELAY,
# 100-byte requests, 2000-byte answers, back to back) waits a round trip for
# every answer, and that round trip is the path's floor, which ICMP sees
# too: "path_latency".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7102
tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root netem delay 20ms
tsl_bg srv tsl_ns srv tsl-rr server $port 100 2000 -n
tsl_wait_port srv $port
tsl_bg cli tsl_ns cli tsl-rr client $SRV4 $port 1000 100 2000 -n
sleep 1
tsl_diagnose_expect path_latency --port $port --duration 12
