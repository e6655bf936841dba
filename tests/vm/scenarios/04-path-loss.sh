#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Path loss: netem drops 3 % of the packets leaving the client (data and
# ICMP echo requests) under a 16 Mbit/s paced transfer over a 10 ms path
# (5 ms each way), where each loss holds the data behind it for a round
# trip or more: retransmissions, holes at the receiver and lost probes, no
# local drops: "path_loss".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7104
tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root netem delay 5ms loss 3%
tsl_ns srv "$TC" qdisc add dev veth-srv root netem delay 5ms
tsl_bg recv tsl_ns srv tsl-load recv $port
tsl_wait_port srv $port
tsl_bg send tsl_ns cli tsl-load send $SRV4 $port -r 2048 -t 30
sleep 1
tsl_diagnose_expect path_loss --port $port --duration 12
