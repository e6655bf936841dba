#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Receive buffer: the receiver sets SO_RCVBUF to 4 KiB on its listening
# socket (the kernel doubles it to 8 KiB) and reads continuously; the
# advertised window stays at a few segments and limits the sender, while
# nothing waits in the receive queue: "rcvbuf_limited".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7106
tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-load recv $port -b 4096
tsl_wait_port srv $port
tsl_bg send tsl_ns cli tsl-load send $SRV4 $port -t 30
sleep 1
tsl_diagnose_expect rcvbuf_limited --port $port --duration 12
