#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The reader's files: a capture that cannot start (another reader is
# attached) leaves the files named by -o and --keep as they were; a
# recording ended by SIGHUP is complete (END, the closing line) and mode
# 0600; -o over a symbolic link replaces the link, not its target.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-stream recv 7030 64 0
tsl_wait_port srv 7030
tsl_record first --port 7030

echo "an earlier recording" > "$OUT/kept.rec"
echo "an earlier diagnosis" > "$OUT/kept-diag.rec"
rc=0
tcpsleuth record --port 7031 --duration 1 -o "$OUT/kept.rec" 2> "$OUT/second.err" || rc=$?
tsl_expect record-refused "a second record: exit status $rc (want 1)" [ "$rc" = 1 ]
tsl_expect record-file-kept "-o file after the refused start: $(cat "$OUT/kept.rec")" \
	grep -qx "an earlier recording" "$OUT/kept.rec"
rc=0
tcpsleuth diagnose -q --port 7031 --duration 1 --keep "$OUT/kept-diag.rec" \
	-o "$OUT/diag.txt" 2> "$OUT/diag.err" || rc=$?
tsl_expect diagnose-refused "a second diagnose: exit status $rc (want 1)" [ "$rc" = 1 ]
tsl_expect keep-file-kept "--keep file after the refused start: $(cat "$OUT/kept-diag.rec")" \
	grep -qx "an earlier diagnosis" "$OUT/kept-diag.rec"
tsl_record_stop
tsl_expect no-temporaries "no temporary file left: $(ls -A "$OUT" | grep '^\.' | tr '\n' ' ')" \
	[ -z "$(ls -A "$OUT" | grep '^\.')" ]

# SIGHUP (a closed terminal) ends a recording as Ctrl-C does.
echo "not yours" > "$OUT/target"
ln -s "$OUT/target" "$OUT/hup.rec"
tcpsleuth record --port 7030 -o "$OUT/hup.rec" > /dev/null 2> "$OUT/hup.err" &
pid=$!
TSL_PIDS+=($pid)
sleep 1
tsl_ns cli tsl-stream send $SRV4 7030 256 > "$OUT/send.log"
kill -HUP $pid
rc=0
wait $pid || rc=$?
cat "$OUT/hup.err"
tsl_expect hup-exit "record ended by SIGHUP: exit status $rc (want 0)" [ "$rc" = 0 ]
tsl_expect hup-summary "its closing line: $(grep 'recorded' "$OUT/hup.err" || echo none)" \
	grep -q '^tcpsleuth: recorded [0-9]* events' "$OUT/hup.err"
tsl_expect hup-readable "the recording converts: $(tcpsleuth csv "$OUT/hup.rec" 2>&1 >/dev/null | head -n 1)" \
	tcpsleuth csv "$OUT/hup.rec" -o "$OUT/hup.csv"
tsl_expect hup-mode "mode $(stat -c %a "$OUT/hup.rec") (want 600)" \
	[ "$(stat -c %a "$OUT/hup.rec")" = 600 ]
tsl_expect link-replaced "the link's target: $(cat "$OUT/target")" \
	grep -qx "not yours" "$OUT/target"
