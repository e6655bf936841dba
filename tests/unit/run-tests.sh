#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs each cmocka test binary under valgrind (with TSL_SANITIZED=1, as
# built: the sanitizers check instead); the last line is "N passed, N failed".
set -u

passed=0
failed=0

# count LOG: sets p and f from cmocka's "[  PASSED  ] N" / "[  FAILED  ] N" lines
count() {
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
}

for t in "$@"; do
	log=$t.log
	vglog=$t.valgrind.log
	if [ -n "${TSL_SANITIZED:-}" ]; then
		"./$t" >"$log" 2>&1
		rc=$?
		echo "ERROR SUMMARY: 0 errors (sanitized build, exit $rc)" > "$vglog"
		grep -q 'ERROR: AddressSanitizer\|runtime error:\|ERROR: LeakSanitizer' "$log" &&
			cp "$log" "$vglog"
	else
		valgrind --error-exitcode=1 --leak-check=full --log-file="$vglog" \
			"./$t" >"$log" 2>&1
		rc=$?
	fi
	cat "$log"
	count "$log"
	if ! grep -q '^\[==========\] .* test(s) run\.' "$log"; then
		echo "$t: did not finish (exit $rc)"
		f=$((f + 1))
	fi
	if ! grep -q 'ERROR SUMMARY: 0 errors' "$vglog"; then
		echo "$t: valgrind or a sanitizer reported errors:"
		cat "$vglog"
		f=$((f + 1))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
