#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# While the module retries the end of a stream to a reader whose socket is
# full (it STOPped and never reads), and commands of ours (INFO) wait for
# the session meanwhile, another generic netlink family still answers at
# once: nlctrl's CTRL_CMD_GETFAMILY, again and again, each within 200 ms.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair
tsl_bg recv tsl_ns srv tsl-stream recv 7060 64 0
tsl_wait_port srv 7060
gaveup() {
	dmesg | grep -cE "reader [0-9]+: (records left unsent, no END|cannot send END): the reader's socket stayed full \(-11\)" || true
}
before=$(gaveup)
tsl_bg stall tsl-nlcheck stall 1.5 8
tsl_wait_line "$OUT/stall.log" '^started' 10
tsl_bg send tsl_ns cli tsl-stream send $SRV4 7060 4096
tsl_wait_line "$OUT/stall.log" '^stopped' 20
# INFO after INFO: each waits for the session while the end is retried.
tsl_bg infos sh -c 'for i in $(seq 30); do tcpsleuth status > /dev/null 2>&1; done'
rc=0
tsl-nlcheck ctrl 3 > "$OUT/ctrl.out" 2>&1 || rc=$?
cat "$OUT/ctrl.out"
slowest=$(sed -n 's/.*the slowest \([0-9]*\) ms$/\1/p' "$OUT/ctrl.out")
tsl_expect nlctrl-answers "tsl-nlcheck ctrl exit status $rc" [ "$rc" = 0 ]
tsl_expect nlctrl-fast "nlctrl's slowest answer while the stream's end was retried: ${slowest:-none} ms (want < 200)" \
	[ "${slowest:-1000000}" -lt 200 ]
wait "$PID_stall" "$PID_infos" || true
after=$(gaveup)
tsl_expect end-retried "the end was retried until given up (kernel log lines saying so: $before before, $after after)" \
	[ "$after" -gt "$before" ]
tsl_expect session-over "the session is over: $(tcpsleuth status | grep '^active:')" \
	tsl_wait 10 sh -c "tcpsleuth status | grep -qx 'active:   no'"
kill "$PID_send" "$PID_recv" 2>/dev/null || true
