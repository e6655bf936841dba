#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Port filters, one recording after another with traffic on two ports each
# time: --rport and --lport take only the side they name although the other
# side's socket has the port too (the port map lets both through, the exact
# test keeps one); --port after them takes both sides of a port the last
# filter did not name; no port takes everything. Each recorded receiver's
# data_rx adds up to every byte sent to it.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair
KB=256

# traffic NAME [FILTER...]: record while KB KiB go to each of 7006 and 7007;
# the recorded flows (cli7006, srv7006, cli7007, srv7007) sorted in $flows.
traffic() {
	local name=$1 port
	shift
	for port in 7006 7007; do
		tsl_bg "recv$port" tsl_ns srv tsl-stream recv $port 64 0
		tsl_wait_port srv $port
	done
	tsl_record "$name" "$@"
	tsl_ns cli tsl-stream send $SRV4 7006 $KB > "$OUT/$name-send6.log"
	tsl_ns cli tsl-stream send $SRV4 7007 $KB > "$OUT/$name-send7.log"
	wait "$PID_recv7006" "$PID_recv7007" || true
	sleep 0.5
	tsl_record_stop
	tsl_expect "$name-reader" "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
	tsl_csv "$OUT/$name.csv" '$c["event"] == "flow" {
		side = ($c["sport"] == 7006 || $c["sport"] == 7007) ? "srv" : "cli"
		print side (side == "srv" ? $c["sport"] : $c["dport"]), $c["cookie"] }' |
		sort > "$OUT/$name.flows"
	cat "$OUT/$name.flows"
	flows=$(cut -d' ' -f1 "$OUT/$name.flows" | tr '\n' ' ' | sed 's/ $//')
}

# received NAME SIDE: bytes data_rx shows for the flow SIDE (srv7006, ...),
# spurious retransmissions' repeats left out (tsl_rx_bytes).
received() {
	local cookie
	cookie=$(awk -v s="$2" '$1 == s { print $2; exit }' "$OUT/$1.flows")
	tsl_rx_bytes "$OUT/$1.csv" "$cookie" | cut -d' ' -f1
}

traffic rport --rport 7006
tsl_expect rport-flows "--rport 7006 recorded: ${flows:-nothing} (want cli7006)" [ "$flows" = cli7006 ]

traffic lport --lport 7007
tsl_expect lport-flows "--lport 7007 recorded: ${flows:-nothing} (want srv7007)" [ "$flows" = srv7007 ]
bytes=$(received lport srv7007)
tsl_expect lport-bytes "srv7007 data_rx adds up to $bytes of $((KB * 1024))" [ "$bytes" = $((KB * 1024)) ]

traffic port --port 7006
tsl_expect port-flows "--port 7006 after --lport 7007 recorded: ${flows:-nothing} (want cli7006 srv7006)" \
	[ "$flows" = "cli7006 srv7006" ]
bytes=$(received port srv7006)
tsl_expect port-bytes "srv7006 data_rx adds up to $bytes of $((KB * 1024))" [ "$bytes" = $((KB * 1024)) ]

traffic any
tsl_expect any-flows "no port filter recorded: ${flows:-nothing} (want all four)" \
	[ "$flows" = "cli7006 cli7007 srv7006 srv7007" ]
for side in srv7006 srv7007; do
	bytes=$(received any $side)
	tsl_expect "any-bytes-$side" "$side data_rx adds up to $bytes of $((KB * 1024))" [ "$bytes" = $((KB * 1024)) ]
done
