#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A reader killed without STOP (SIGKILL) while nothing is queued for it: the
# session ends as its socket is released, so that no other socket can take
# over its port id and the stream, and the next reader attaches at once.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

# No traffic on these ports: the rings stay empty, nothing is ever sent.
tsl_record killed --port 7030
kill -9 "$TSL_REC_PID"
wait "$TSL_REC_PID" 2>/dev/null || true
tcpsleuth status > "$OUT/status.txt"
tsl_expect session-ended "status right after the kill: $(grep '^active:' "$OUT/status.txt" || echo 'no active line')" \
	grep -qx 'active:   no' "$OUT/status.txt"
rc=0
tcpsleuth record --port 7031 --duration 1 -o "$OUT/next.csv" \
	> "$OUT/next.out" 2> "$OUT/next.err" || rc=$?
cat "$OUT/next.err"
tsl_expect next-attaches "next reader: exit status $rc (want 0)" [ "$rc" = 0 ]
tsl_expect next-not-refused "next reader was not refused: $(head -n 1 "$OUT/next.err")" \
	sh -c "! grep -q 'another reader is attached' '$OUT/next.err'"

# The same with records queued: the kill lands while the rings hold some.
tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-stream recv 7032 64 0
tsl_wait_port srv 7032
tsl_record busy --port 7032
tsl_bg send tsl_ns cli tsl-stream send $SRV4 7032 4096
sleep 0.3
kill -9 "$TSL_REC_PID"
wait "$TSL_REC_PID" 2>/dev/null || true
wait "$PID_send" "$PID_recv" || true
rc=0
tcpsleuth record --port 7031 --duration 1 -o "$OUT/after.csv" \
	> "$OUT/after.out" 2> "$OUT/after.err" || rc=$?
cat "$OUT/after.err"
tsl_expect after-busy "reader after a busy one was killed: exit status $rc (want 0)" [ "$rc" = 0 ]
