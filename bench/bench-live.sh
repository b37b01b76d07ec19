#!/usr/bin/env bash
# bench-live: a long live show at 1080p30 with the overlay, two RTMP outputs to a local
# nginx-rtmp and the recording: the machine's CPU it takes and whether its memory stays flat.
#
# - jobcast: `build/jobcast --profile 1080p30 --input test: --output rtmp://127.0.0.1:PORT/live/a
#   --output rtmp://127.0.0.1:PORT/live/b --duration SECONDS` (recording on, the first sample
#   posting on air: card + QR, web server and preview JPEGs included).
# - baseline, same run: gst-launch doing the same encode without jobcast (videotestsrc 1080p30
#   with the same clock text + a tone -> x264enc veryfast/zerolatency/4500 kbit/s, keyframe
#   every 2 s, VBV 1 s -> AAC 128 kbit/s -> MP4), for as long.
# Sampled every 10 s from /proc: CPU (utime + stime of the process, children included), RSS.
# Figures: live_cpu_cores (mean cores used after the warm-up), live_cpu_vs_encode (that over
# the baseline's cores), live_rss_growth_mb (RSS at the end minus RSS after the warm-up).
# nginx's own CPU is not counted (it is the "platform").
# Environment: BUILD (default build), LIVE_SECONDS (600), WARMUP (30).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LEN=${LIVE_SECONDS:-600}
WARMUP=${WARMUP:-30}
STEP=10
JOBCAST=$BUILD/jobcast
MODULE=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -x "$JOBCAST" ] || { echo "bench-live: $JOBCAST missing (make build)" >&2; exit 2; }
[ -f "$MODULE" ] || { echo "bench-live: libnginx-mod-rtmp missing" >&2; exit 2; }
((LEN > WARMUP + STEP)) || { echo "bench-live: LIVE_SECONDS must exceed WARMUP + $STEP" >&2; exit 2; }

tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/nginx.conf" <<EOF
load_module $MODULE;
daemon off;
master_process off;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 64; }
rtmp { server { listen 127.0.0.1:$port; application live { live on; } } }
EOF
nginx -p "$tmp" -c "$tmp/nginx.conf" &
pids+=($!)
sleep 1

hz=$(getconf CLK_TCK)
# CPU seconds (utime + stime + children's) and RSS (MB) of pid, from /proc.
sample() {
    local pid=$1
    awk -v hz="$hz" '{ printf "%.2f ", ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat"
    awk '/^VmRSS:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$pid/status"
}

# Runs "$@" in the background for LEN seconds and samples it every STEP s; prints
# "cores rss_growth_mb" (over the part after WARMUP).
measure() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    local t=0 first="" last=""
    sleep "$WARMUP"
    t=$WARMUP
    first=$(sample "$pid")
    while ((t + STEP <= LEN - 2)) && kill -0 "$pid" 2>/dev/null; do
        sleep "$STEP"
        t=$((t + STEP))
        last=$(sample "$pid")
        echo "  t=${t}s cpu_s rss_mb: $last" >&2
    done
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    awk -v a="$first" -v b="$last" -v dt="$((t - WARMUP))" 'BEGIN {
        split(a, x, " "); split(b, y, " ");
        printf "%.3f %.1f\n", (y[1] - x[1]) / dt, y[2] - x[2] }'
}

echo "bench-live: jobcast, 1080p30, two RTMP outputs + recording, ${LEN}s" >&2
read -r cores growth < <(measure "$tmp/jobcast.log" "$JOBCAST" --listen 127.0.0.1:0 \
    --data-dir "$tmp/data" --profile 1080p30 --input test: \
    --output "rtmp://127.0.0.1:$port/live/a" --output "rtmp://127.0.0.1:$port/live/b" \
    --duration "$LEN")

echo "bench-live: baseline, gst-launch encode only, ${LEN}s" >&2
read -r base_cores _ < <(measure "$tmp/base.log" gst-launch-1.0 -e -q \
    videotestsrc is-live=true pattern=ball ! \
    video/x-raw,format=I420,width=1920,height=1080,framerate=30/1 ! \
    clockoverlay time-format=%H:%M:%S auto-resize=false "font-desc=Sans 28" ! \
    x264enc tune=zerolatency speed-preset=veryfast key-int-max=60 bitrate=4500 \
    vbv-buf-capacity=1000 ! video/x-h264,profile=high ! h264parse ! queue ! mux. \
    audiotestsrc is-live=true wave=sine freq=440 volume=0.1 ! audioconvert ! \
    audio/x-raw,rate=48000,channels=2 ! avenc_aac bitrate=128000 ! aacparse ! queue ! mux. \
    mp4mux name=mux fragment-duration=1000 ! filesink location="$tmp/base.mp4")

echo "metric: live_cpu_cores $cores cores"
echo "metric: live_rss_growth_mb $growth MB"
echo "metric: live_baseline_cpu_cores $base_cores cores"
awk -v a="$cores" -v b="$base_cores" 'BEGIN { printf "metric: live_cpu_vs_encode %.2f x\n", a / b }'
