# SPDX-License-Identifier: GPL-2.0-or-later
# Guest half of the drain-rate benchmark (appended to a header that sets
# DRAIN_RATES and DRAIN_SECS). Meant for a boot with -icount shift=0 -smp 1
# and a module built with TSL_LOADGEN=1: at each rate (synthetic records per
# guest second on the one CPU), a binary recording to tmpfs for DRAIN_SECS
# guest seconds. Writes $OUT/drain.txt: "RATE METRIC VALUE" lines.
set -u
. /tsl/lib.sh
trap tsl_cleanup EXIT
RES=$OUT/drain.txt
: > "$RES"
log() { tsl_log "$*"; echo "bench: $*" > /dev/kmsg; }
P=/sys/module/tcpsleuth/parameters
if ! [ -w $P/loadgen_rate ]; then
	echo "all error no_loadgen" >> "$RES"
	exit 1
fi
echo "all buf_kb $(cat $P/buf_kb)" >> "$RES"
echo "all secs $DRAIN_SECS" >> "$RES"
tcpsleuth status > "$OUT/status-0.txt"
for rate in $DRAIN_RATES; do
	log "drain rate $rate"
	echo "$rate" > $P/loadgen_rate
	# The reader stops itself: near saturation the shell gets little CPU.
	t0=$(cut -d" " -f1 /proc/uptime)
	tcpsleuth record -q --duration "$DRAIN_SECS" -o /tmp/d.tsl > "$OUT/rec-$rate.out" 2> "$OUT/rec-$rate.err"
	echo "$rate reader_exit $?" >> "$RES"
	t1=$(cut -d" " -f1 /proc/uptime)
	echo 0 > $P/loadgen_rate
	read -r evs flows prod deliv drop <<< "$(tsl_summary "$OUT/rec-$rate.err")"
	{
		echo "$rate produced ${prod:-nan}"
		echo "$rate delivered ${deliv:-nan}"
		echo "$rate dropped ${drop:-nan}"
		echo "$rate recorded ${evs:-nan}"
		echo "$rate guest_s $(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.2f", b - a }')"
		echo "$rate file_bytes $(stat -c %s /tmp/d.tsl 2>/dev/null || echo 0)"
		tsl-chunks /tmp/d.tsl | sed "s/^/$rate /"
	} >> "$RES"
	rm -f /tmp/d.tsl
done
log "done"
