#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RTT: with netem adding 5 ms, ack_rx RTT samples of an iperf3 flow match
# ping's RTT (within 10 % of ping's min..median), and the flow's srtt matches ss -ti.
set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT

tsl_netns_pair
tsl_ns cli "$TC" qdisc add dev veth-cli root netem delay 5ms
tsl_bg iperf3-srv tsl_ns srv iperf3 -s -1
tsl_wait_port srv 5201
tsl_record rtt --port 5201

# A paced flow (20 Mbit/s, 8 KiB writes) keeps the CPU free, so RTT samples
# measure the path rather than the emulator's backlog. The ping runs at the
# same time to see the same conditions.
tsl_bg iperf3-cli tsl_ns cli iperf3 -c $SRV4 -t 5 -b 20M -l 8K
sleep 1
# ss and the clock of the time_ns column, read at about the same moment;
# before the pings, which on a loaded host can outlast the flow.
t_ss=$(tsl-now)
tsl_ns cli "$SS" -Htin 'dport = :5201' > "$OUT/ss.txt"
t_ss2=$(tsl-now)
# ping stamps its request in user space, so a busy guest adds the time the
# ping process waits for a CPU; the kernel's RTT samples do not include it,
# but they do include the sender's own queueing when the emulator is slow.
# "The ping RTT" is therefore ping's range from its minimum (the path RTT) to
# its median: the kernel's median must lie within 10 % of that range.
tsl_ping_rtts cli $SRV4 10 > "$OUT/ping.txt"
ping_us=$(sort -n "$OUT/ping.txt" | head -n 1)
ping_med=$(tsl_median < "$OUT/ping.txt")
wait "$PID_iperf3_cli" || tsl_result fail iperf3 "client failed: $(tail -n 2 "$OUT/iperf3-cli.log")"
tsl_record_stop
cat "$OUT/rtt.err"
csv=$OUT/rtt.csv
tsl_expect reader-exit "reader exit status $TSL_REC_RC" [ "$TSL_REC_RC" = 0 ]

# The data connection is the client-side flow with the most RTT samples;
# iperf3's control connection also goes to port 5201.
cookie=$(tsl_csv "$csv" '$c["event"] == "ack_rx" && $c["rtt_us"] > 0 { n[$c["cookie"]]++ }
	END { for (k in n) if (n[k] > best) { best = n[k]; b = k }; print b }')
[ -n "$cookie" ] || { tsl_result fail samples "no ack_rx row with rtt_us > 0"; exit 0; }
sport=$(tsl_csv "$csv" '$c["event"] == "flow" && $c["cookie"] == k { print $c["sport"]; exit }' -v k="$cookie")
nsamples=$(tsl_csv "$csv" '$c["event"] == "ack_rx" && $c["cookie"] == k && $c["rtt_us"] > 0 { n++ } END { print n + 0 }' -v k="$cookie")
rtt_us=$(tsl_csv "$csv" '$c["event"] == "ack_rx" && $c["cookie"] == k && $c["rtt_us"] > 0 { print $c["rtt_us"] }' -v k="$cookie" | tsl_median)
tsl_log "flow cookie $cookie sport $sport: $nsamples samples, median rtt ${rtt_us} us; ping min ${ping_us} us, median ${ping_med} us"
tsl_expect samples "$nsamples RTT samples (want >= 20)" [ "$nsamples" -ge 20 ]
tsl_expect ping "ping min ${ping_us} us (want >= 5000)" tsl_ge "${ping_us:-0}" 5000
tsl_expect rtt-vs-ping "median rtt_us $rtt_us vs ping min $ping_us / median $ping_med us (10 %)" \
	awk -v r="$rtt_us" -v lo="$ping_us" -v hi="$ping_med" 'BEGIN { exit !(r >= lo * 0.9 && r <= hi * 1.1) }'

# srtt: ss prints rtt:SRTT/RTTVAR in ms for the socket with our local port.
ss_ms=$(awk -v p=":$sport" '$1 == "ESTAB" { m = (index($4, p) == length($4) - length(p) + 1) }
	m && /rtt:/ { sub(/.*[ \t]rtt:/, ""); sub(/\/.*/, ""); print; exit }' "$OUT/ss.txt")
ss_us=$(awk -v m="$ss_ms" 'BEGIN { printf "%d", m * 1000 }')
# srtt changes only when an ACK is processed, and every such ACK is an
# ack_rx record: the value ss read must be the srtt after the last ACK before
# ss started or after one of those that came while it ran. Of these, take the
# one closest to ss (a loaded emulator can take tens of ms to run ss).
srtt_us=$(tsl_csv "$csv" '$c["event"] == "ack_rx" && $c["cookie"] == k {
		if ($c["time_ns"] < t0) { last = $c["srtt_us"] }
		else if ($c["time_ns"] <= t1) { cand[++n] = $c["srtt_us"] } }
	END { cand[++n] = last; best = ""
		for (i = 1; i <= n; i++) {
			if (cand[i] == "") continue
			d = cand[i] - ss; if (d < 0) d = -d
			if (best == "" || d < bd) { best = cand[i]; bd = d } }
		print best }' -v k="$cookie" -v t0="$t_ss" -v t1="$t_ss2" -v ss="$(awk -v m="$ss_ms" 'BEGIN { printf "%d", m * 1000 }')")
tsl_log "ss rtt ${ss_ms} ms; closest recorded srtt while ss ran: ${srtt_us} us"
[ -n "$ss_ms" ] || { tsl_result fail srtt-vs-ss "no ss line for local port $sport"; cat "$OUT/ss.txt"; exit 0; }
tsl_expect srtt-vs-ss "srtt_us $srtt_us vs ss rtt $ss_us us (10 %)" tsl_within "${srtt_us:-0}" "$ss_us" 10
