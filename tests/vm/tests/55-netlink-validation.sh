#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The module validates every filter attribute itself: malformed filters in
# START sent straight over netlink (bypassing the reader's own checks) get
# EINVAL and an extack message; a valid filter is accepted; SET_FILTER is
# refused with a message saying the filter goes with START.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

rc=0
tsl-nlcheck filter > "$OUT/nlcheck.out" 2>&1 || rc=$?
cat "$OUT/nlcheck.out"
while IFS= read -r line; do
	case $line in
	"ok "*) name=${line#ok }; tsl_result ok "${name%%:*}" "${name#*: }" ;;
	"fail "*) name=${line#fail }; tsl_result fail "${name%%:*}" "${name#*: }" ;;
	esac
done < "$OUT/nlcheck.out"
tsl_expect cases "11 cases answered" [ "$(grep -cE '^(ok|fail) ' "$OUT/nlcheck.out")" = 11 ]
tsl_expect exit "tsl-nlcheck exit status $rc" [ "$rc" = 0 ]
