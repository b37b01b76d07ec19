#!/usr/bin/env bash
# bench-qrmonitor: what the QR read-back monitor costs in a real show: jobcast at 1080p30 (the
# synthetic input, the sample card on air, one output to a file, no recording), measured over WINDOW
# seconds after WARMUP. The monitor decodes one keyframe every 2 s, scales it to 360p and scans
# it, all on its own thread ("qrmon:src", the queue in front of its decoder); that thread's CPU
# time over the window is the monitor's cost, as a percentage of one core, and as a share of the
# whole process's CPU in the same run (the baseline: the show itself).
# Environment: BUILD (default build), PROFILE (1080p30), WARMUP (12 s), WINDOW (30 s).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PROFILE=${PROFILE:-1080p30}
WARMUP=${WARMUP:-12}
WINDOW=${WINDOW:-30}
BIN=$BUILD/jobcast
[ -x "$BIN" ] || { echo "bench-qrmonitor: $BIN missing (make build)" >&2; exit 2; }
tmp=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
# An output to a file: a show with no output and no recording encodes nothing (and has no code
# to read back).
"$BIN" --listen 127.0.0.1:$port --data-dir "$tmp" --no-record --profile "$PROFILE" \
    --output "file://$tmp/program.flv" \
    --duration $((WARMUP + WINDOW + 10)) >"$tmp/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
tck=$(getconf CLK_TCK)

# ticks TASKDIR: utime + stime of a thread or process (fields 14 and 15 after the comm).
ticks() { sed 's/.*) //' "$1/stat" | awk '{ print $12 + $13 }'; }
# The monitor's thread.
monitor_task() {
    for t in /proc/$pid/task/*; do
        [ "$(cat "$t/comm" 2>/dev/null)" = "qrmon:src" ] && { echo "$t"; return; }
    done
    echo "bench-qrmonitor: no qrmon:src thread in jobcast" >&2
    exit 1
}
scans() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^jobcast_qr_scans_total / { print $2 }'; }

sleep "$WARMUP"
task=$(monitor_task)
m0=$(ticks "$task"); p0=$(ticks /proc/$pid); s0=$(scans)
sleep "$WINDOW"
m1=$(ticks "$task"); p1=$(ticks /proc/$pid); s1=$(scans)
state=$(curl -s "http://127.0.0.1:$port/metrics" | awk -F'"' '/^jobcast_qr_state/ { print $2 }')
[ "$state" = ok ] || { echo "bench-qrmonitor: the monitor's state is '$state', not ok" >&2; exit 1; }
awk -v m=$((m1 - m0)) -v p=$((p1 - p0)) -v s=$((s1 - s0)) -v w="$WINDOW" -v tck="$tck" 'BEGIN {
    printf "metric: qr_monitor_cpu_pct %.2f %%\n", 100 * m / tck / w
    printf "metric: qr_monitor_share_of_show_pct %.2f %%\n", (p > 0 ? 100 * m / p : 0)
    printf "metric: show_cpu_pct %.1f %%\n", 100 * p / tck / w
    printf "metric: qr_monitor_scans_per_s %.2f scans/s\n", s / w
    printf "metric: qr_monitor_ms_per_scan %.1f ms\n", (s > 0 ? 1000 * m / tck / s : 0)
}'
