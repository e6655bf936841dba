#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A reader in a network namespace of its own (root, with CAP_NET_ADMIN, but
# outside the initial namespace) is confined to it: with no filter it
# records only its namespace's flows while traffic flows in the initial
# namespace too; naming another namespace is refused with a message; its
# `status` shows nothing of a recording made elsewhere (no filter, no
# flows), while the initial namespace's shows everything.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair
"$IP" link set lo up
srv_ino=$(tsl_netns_ino srv)

# Traffic in srv (from cli, port 7040) and on the initial namespace's
# loopback (port 7041).
tsl_bg recvns tsl_ns srv tsl-stream recv 7040 64 0
tsl_bg recvinit tsl-stream recv 7041 64 0
tsl_wait_port srv 7040
tsl_wait 20 sh -c "$SS -Hltn 'sport = :7041' | grep -q LISTEN"

tsl_ns srv tcpsleuth record --duration 6 -o "$OUT/confined.csv" \
	> "$OUT/confined.out" 2> "$OUT/confined.err" &
rec=$!
TSL_PIDS+=($rec)
sleep 1.5
tsl_ns srv tcpsleuth status > "$OUT/status-own.txt"
tsl_ns cli tcpsleuth status > "$OUT/status-cli.txt"
tsl_ns cli tsl-stream send $SRV4 7040 2048 > "$OUT/send-ns.log"
tsl-stream send 127.0.0.1 7041 2048 > "$OUT/send-init.log"
rc=0
wait $rec || rc=$?
cat "$OUT/confined.err"
tsl_expect confined-exit "confined reader's exit status $rc (want 0)" [ "$rc" = 0 ]
netns=$(tsl_csv "$OUT/confined.csv" '$c["event"] == "flow" { print $c["netns"] }' | sort -u | tr '\n' ' ')
ports=$(tsl_csv "$OUT/confined.csv" '$c["event"] == "flow" {
	print ($c["sport"] + 0 < $c["dport"] + 0) ? $c["sport"] : $c["dport"] }' | sort -u | tr '\n' ' ')
tsl_expect confined-netns "its flows' namespaces: ${netns:-none} (want $srv_ino alone)" \
	[ "$netns" = "$srv_ino " ]
tsl_expect confined-ports "its flows' ports: ${ports:-none} (want 7040 alone)" [ "$ports" = "7040 " ]
tsl_expect own-status "status in srv shows its own recording: $(grep '^filter:' "$OUT/status-own.txt" || echo 'no filter line')" \
	grep -qx "filter:   netns inode $srv_ino; every event" "$OUT/status-own.txt"
tsl_expect other-status "status in cli: $(grep -E '^(active|filter|flows):' "$OUT/status-cli.txt" | tr '\n' ' ')" \
	sh -c "grep -qx 'active:   yes' '$OUT/status-cli.txt' && ! grep -q '^filter:' '$OUT/status-cli.txt' &&
		grep -q '^flows:    0 in use' '$OUT/status-cli.txt'"
wait "$PID_recvns" "$PID_recvinit" || true

# Another namespace named in the filter: refused, with the module's reason.
rc=0
tsl_ns srv tcpsleuth record --netns 1 --duration 1 -o "$OUT/other.csv" \
	> "$OUT/other.out" 2> "$OUT/other.err" || rc=$?
cat "$OUT/other.err"
tsl_expect other-netns-refused "--netns of the initial namespace from srv: exit status $rc (want 1)" [ "$rc" = 1 ]
tsl_expect other-netns-says "it said: $(head -n 1 "$OUT/other.err")" \
	grep -q "records only its own network namespace" "$OUT/other.err"
# Its own namespace, named: accepted.
rc=0
tsl_ns srv tcpsleuth record --netns srv --duration 1 -o "$OUT/own.csv" \
	> "$OUT/own.out" 2> "$OUT/own.err" || rc=$?
cat "$OUT/own.err"
tsl_expect own-netns "--netns srv from srv: exit status $rc (want 0)" [ "$rc" = 0 ]

# An initial-namespace reader records port 7042: srv's status shows no trace of it.
tsl_record initrec --port 7042
tcpsleuth status > "$OUT/status-init.txt"
tsl_ns srv tcpsleuth status > "$OUT/status-srv.txt"
tsl_record_stop
tsl_expect init-status "status in the initial namespace: $(grep '^filter:' "$OUT/status-init.txt" || echo 'no filter line')" \
	grep -qx 'filter:   port 7042; every event' "$OUT/status-init.txt"
tsl_expect srv-status-no-filter "status in srv while it records: $(grep -E '^(active|filter|flows):' "$OUT/status-srv.txt" | tr '\n' ' ')" \
	sh -c "grep -qx 'active:   yes' '$OUT/status-srv.txt' && ! grep -q '7042' '$OUT/status-srv.txt' &&
		! grep -q '^filter:' '$OUT/status-srv.txt'"
tsl_expect init-exit "initial namespace reader's exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
