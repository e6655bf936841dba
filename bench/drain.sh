# SPDX-License-Identifier: GPL-2.0-or-later
# Drain rate (sourced by bench/run, which sets kernel, kdir, kver, dir,
# work, rc): a module built with TSL_LOADGEN=1 writes synthetic tx records
# at stepped rates on one CPU under -icount shift=0, where a guest second is
# 10^9 guest instructions; the reader records each rate to tmpfs.
DRAIN_RATES=${DRAIN_RATES:-50000 100000 200000 400000 800000 1000000 1200000 1400000 1600000 2000000 2400000 2800000 3200000 4000000}
DRAIN_SECS=${DRAIN_SECS:-2}
[ -z "${QUICK:-}" ] || DRAIN_SECS=1

tsl_log "drain: -icount shift=0 -smp 1, loadgen rates $DRAIN_RATES, ${DRAIN_SECS}s each"
if [ -n "$lko" ]; then
	gcc -O2 -Wall -Wextra -static -I"$TSL_TOP/kmod/uapi" -I"$TSL_TOP/user/recording" -o "$work/tsl-chunks" "$BENCH_DIR/tools/tsl-chunks.c"
	{
		echo "DRAIN_RATES='$DRAIN_RATES' DRAIN_SECS=$DRAIN_SECS"
		cat "$BENCH_DIR/guest/drain.sh"
	} > "$work/drain.sh"
	bench_meta drain_commit "$(git -C "$TSL_TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	bench_meta drain_kernel "$kver"
	"$TSL_VM_DIR/run" --kernel "$kernel" --ko "$lko" --smp 1 --icount 0 --mem 2048 \
		--extra-bin "$work/tsl-chunks:/usr/bin/tsl-chunks" \
		--script "$work/drain.sh" --out "$dir/drain" --timeout 1500 --test-timeout 1380 \
		> "$dir/drain.log" 2>&1 || { rc=1; tsl_log "drain boot failed: $(tail -n 2 "$dir/drain.log")"; }
else
	rc=1
	tsl_log "drain: the TSL_LOADGEN=1 module did not build"
fi
