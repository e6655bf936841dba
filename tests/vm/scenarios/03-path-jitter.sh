#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Path jitter: netem delays each packet leaving the client by 0..10 ms
# (5 ms +- 5 ms, uniform). Plain netem jitter reorders: every packet gets
# its own send time and the time-ordered queue releases a later packet with
# a smaller delay first, which TCP sees as out-of-order arrivals (the
# "reordering" verdict). With "rate", netem schedules each packet after the
# one queued before it (send time = max(now + delay, previous send time) +
# transmission time), so delays still vary but the order is kept; 1 Gbit/s
# adds at most about 0.5 ms per 64 KiB GSO packet. The sender writes 16 KiB
# every 62 ms (2 Mbit/s), more than the largest delay apart, so packets of
# one write never wait behind another write's delay: the varying RTT is the
# path's, not a queue the flow builds. Expect "path_jitter".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7103
tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root netem delay 5ms 5ms rate 1gbit
tsl_bg recv tsl_ns srv tsl-load recv $port
tsl_wait_port srv $port
tsl_bg send tsl_ns cli tsl-load send $SRV4 $port -r 256 -t 30
sleep 1
tsl_diagnose_expect path_jitter --port $port --duration 12
