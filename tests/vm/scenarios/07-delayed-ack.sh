#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Nagle meets delayed ACKs: 200-byte requests written as two 100-byte writes
# without TCP_NODELAY (Nagle holds the second write until the first is
# acknowledged) against a responder whose ACK is delayed until its timer
# fires (40 ms): every request stalls on the delayed-ACK timer:
# "nagle_delack".
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7107
tsl_netns_pair
tsl_bg srv tsl_ns srv tsl-rr server $port 200 200
tsl_wait_port srv $port
tsl_bg cli tsl_ns cli tsl-rr client $SRV4 $port 1000 200 200 -s
sleep 1
tsl_diagnose_expect nagle_delack --port $port --duration 12
