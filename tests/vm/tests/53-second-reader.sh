#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A second reader while one records is refused ("another reader is
# attached", exit status 1) and leaves the recording's filter as it was:
# the first reader still records its port and not the one the second asked
# for, and `tcpsleuth status` shows the first one's filter.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair
for port in 7020 7021; do
	tsl_bg "recv$port" tsl_ns srv tsl-stream recv $port 64 0
	tsl_wait_port srv $port
done
tsl_record first --port 7020
rc=0
tcpsleuth record --port 7021 --duration 1 -o "$OUT/second.csv" \
	> "$OUT/second.out" 2> "$OUT/second.err" || rc=$?
cat "$OUT/second.err"
tsl_expect second-refused "second reader: exit status $rc (want 1)" [ "$rc" = 1 ]
tsl_expect second-says "second reader said: $(head -n 1 "$OUT/second.err")" \
	grep -q "another reader is attached" "$OUT/second.err"
tcpsleuth status > "$OUT/status.txt"
tsl_expect status-filter "status: $(grep '^filter:' "$OUT/status.txt" || echo 'no filter line')" \
	grep -qx 'filter:   port 7020; every event' "$OUT/status.txt"
tsl_ns cli tsl-stream send $SRV4 7020 256 > "$OUT/send7020.log"
tsl_ns cli tsl-stream send $SRV4 7021 256 > "$OUT/send7021.log"
wait "$PID_recv7020" "$PID_recv7021" || true
sleep 0.5
tsl_record_stop
tsl_expect first-exit "first reader's exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]
# A flow's service port is the lower of its two (the other is ephemeral).
ports=$(tsl_csv "$OUT/first.csv" '$c["event"] == "flow" {
	print ($c["sport"] + 0 < $c["dport"] + 0) ? $c["sport"] : $c["dport"] }' | sort -u | tr '\n' ' ')
tsl_expect first-flows "first recording's flows are on ports: ${ports:-none} (want 7020 only)" \
	[ "$ports" = "7020 " ]
