#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Path jitter: netem delays each packet leaving the client by 0..10 ms
# (5 ms +- 5 ms, uniform; with "rate" netem keeps the packets in order, so
# the delays vary without reordering). A request/response client (TCP_NODELAY,
# 100-byte requests, 2000-byte answers, 5 ms apart) waits a round trip for
# every answer: the time it waits varies with the path's delay, well above
# the path's floor, and its small flight cannot build a queue of its own.
# Expect "path_jitter".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7103
tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root netem delay 5ms 5ms rate 1gbit
tsl_bg srv tsl_ns srv tsl-rr server $port 100 2000 -n
tsl_wait_port srv $port
tsl_bg cli tsl_ns cli tsl-rr client $SRV4 $port 3000 100 2000 -n -p 5
sleep 1
tsl_diagnose_expect path_jitter --port $port --duration 12
