#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The client of a request/response connection: its socket is traced from
# its SYN (SYN-SENT, when copied_seq and rcv_nxt are still 0), yet its read
# records count the response bytes it read, no more, and start at the
# peer's first data byte; the server's side likewise.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

port=7021 n=30 req=100 resp=300
tsl_netns_pair
tsl_record rr --port $port
tsl_bg srv tsl_ns srv tsl-rr server $port $req $resp
tsl_wait_port srv $port
tsl_ns cli tsl-rr client $SRV4 $port $n $req $resp -n > "$OUT/cli.log"
wait "$PID_srv" || true
sleep 0.5
tsl_record_stop
csv=$OUT/rr.csv
tsl_expect reader-exit "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]

# side WANT PORT-COLUMN: the read bytes of the flow whose PORT-COLUMN is $port
side() {
	local name=$1 want=$2 col=$3 got
	got=$(tsl_csv "$csv" '$c["event"] == "read" && $c[col] == p { s += $c["bytes"] } END { print s + 0 }' \
		-v p=$port -v col="$col")
	tsl_expect "$name-read-bytes" "read records sum to $got bytes, want $want" [ "$got" = "$want" ]
}
side client $((n * resp)) dport
side server $((n * req)) sport
# The client's first read starts where the server's data starts: the
# sequence number of its first data_rx row.
first=$(tsl_csv "$csv" '$c["dport"] == p && ($c["event"] == "data_rx" || $c["event"] == "read") && !($c["event"] in s) { s[$c["event"]] = $c["seq"] }
	END { print s["data_rx"], s["read"] }' -v p=$port)
set -- $first
tsl_expect client-read-seq "first read at seq $2, first data_rx at seq $1" [ -n "$1" -a "$1" = "$2" ]
