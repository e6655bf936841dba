#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A reader that stops reading for a while: the module's messages pile up in
# its socket, more of them than the drain keeps pages for (64), so it takes
# fresh pages, and reuses its own only once the reader has let go of them.
# With the socket's room to spare nothing is dropped, and every record
# arrives intact: the receiver's data_rx adds up to every byte sent.
set -e
. /tsl/lib.sh
trap 'kill -CONT "$TSL_REC_PID" 2> /dev/null || true; tsl_cleanup' EXIT

POOL_BYTES=$(( 64 * 4096 ))
KB=98304	# 96 MiB, read 64 KiB at a time with 2 ms pauses: 3 s or more

# The largest receive queue (Rmem) of the generic netlink sockets.
genl_rmem() { awk '$2 == 16 && $5 > m { m = $5 } END { print m + 0 }' /proc/net/netlink; }

tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-stream recv 7010 64 2
tsl_wait_port srv 7010
tsl_record stall --port 7010
tsl_bg send tsl_ns cli tsl-stream send $SRV4 7010 $KB
sleep 0.5
kill -STOP "$TSL_REC_PID"
sleep 1.5
rmem=$(genl_rmem)
sent_before=$(grep -c done "$OUT/send.log" || true)
kill -CONT "$TSL_REC_PID"
wait "$PID_send" "$PID_recv" || true
sleep 0.5
tsl_record_stop
cat "$OUT/stall.err"

tsl_expect still-sending "the transfer was still going when the reader went on" [ "$sent_before" = 0 ]
tsl_expect backlog "reader's socket held $rmem B while stopped (> $POOL_BYTES B of pool pages)" \
	[ "$rmem" -gt $POOL_BYTES ]
tsl_expect reader-exit "reader exit status $TSL_REC_RC (3 would mean a count mismatch)" [ "$TSL_REC_RC" = 0 ]
read -r events flows produced delivered dropped <<< "$(tsl_summary "$OUT/stall.err")"
tsl_expect nothing-dropped "produced ${produced:-?}, delivered ${delivered:-?}, dropped ${dropped:-?}" \
	[ "${dropped:-none}" = 0 -a "${produced:-none}" = "${delivered:-}" ]
cookie=$(tsl_csv "$OUT/stall.csv" '$c["event"] == "flow" && $c["sport"] == 7010 { print $c["cookie"]; exit }')
read -r got repeats <<< "$(tsl_rx_bytes "$OUT/stall.csv" "${cookie:-none}")"
tsl_expect bytes "receiver's data_rx: $got bytes ($repeats repeats), sent $(( KB * 1024 ))" \
	[ "$got" = $(( KB * 1024 )) ]
