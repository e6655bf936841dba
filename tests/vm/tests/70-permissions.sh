#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Permissions: without CAP_NET_ADMIN, status and record fail with a
# permission error and record nothing.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"
}
dir=/tmp/nobody
mkdir -p $dir && chmod 777 $dir

rc=0
nobody tcpsleuth status > "$OUT/status.out" 2> "$OUT/status.err" || rc=$?
cat "$OUT/status.err"
tsl_expect status-fails "status as uid 65534 exits $rc (want non-zero)" [ "$rc" != 0 ]
tsl_expect status-message "status says why: $(head -n 1 "$OUT/status.err")" \
	grep -qiE 'permi|not permitted|CAP_NET_ADMIN' "$OUT/status.err"

tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-stream recv 7007 64 0
tsl_wait_port srv 7007
rc=0
nobody tcpsleuth record --port 7007 --duration 5 -o $dir/x.csv > "$OUT/record.out" 2> "$OUT/record.err" &
rec=$!
tsl_ns cli tsl-stream send $SRV4 7007 256 > /dev/null
wait $rec || rc=$?
cat "$OUT/record.err"
tsl_expect record-fails "record as uid 65534 exits $rc (want non-zero)" [ "$rc" != 0 ]
tsl_expect record-message "record says why: $(head -n 1 "$OUT/record.err")" \
	grep -qiE 'permi|not permitted|CAP_NET_ADMIN' "$OUT/record.err"
rows=0
[ ! -s $dir/x.csv ] || rows=$(tsl_csv $dir/x.csv '{ n++ } END { print n + 0 }')
tsl_expect no-events "no events written ($rows rows)" [ "$rows" = 0 ]

# Every command sent straight over netlink, without the reader: EPERM.
rc=0
nobody tsl-nlcheck perm > "$OUT/nlcheck-perm.out" 2>&1 || rc=$?
cat "$OUT/nlcheck-perm.out"
eperm=$(grep -c '^ok' "$OUT/nlcheck-perm.out" || true)
[ "$rc" = 0 ] || eperm=0
tsl_expect every-command-eperm "INFO, SET_FILTER, START, STOP as uid 65534: $eperm of 4 EPERM" \
	[ "$eperm" = 4 ]

# root still can.
tsl_expect root-status "status works as root" tcpsleuth status > "$OUT/status-root.out"
rm -rf $dir
