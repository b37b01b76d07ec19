#!/usr/bin/env bash
# bench-show: the whole show (jobcast) against the FFmpeg CLI doing the same job, CPU time.
#
# Both read the same raw input the bench generates (Y4M at 720p30 / 1080p30 and a WAV), put the
# same job card + QR on it (jobcast: its own overlay, the first sample posting on air; FFmpeg: its
# overlay filter with PNGs of the same rectangles, from build/bench/ovl-bench), encode H.264 with
# the same x264 settings (veryfast, zerolatency, high profile, BITRATE kbit/s with a 1 s VBV,
# keyframe every 2 s, automatic threads) and AAC at 128 kbit/s, and write an MP4.
# - jobcast: `build/jobcast --input file://CLIP.y4m?loop=1&audio=file://CLIP.wav --output
#   file://OUT.mp4 --no-record --duration SECONDS` (a live show: it runs in real time; the whole
#   process is measured: web server, store, renderer, slate, preview JPEGs included).
# - FFmpeg: `ffmpeg -i CLIP.y4m -i CLIP.wav -i rect*.png -filter_complex overlay... -c:v libx264
#   ... -c:a aac ... OUT.mp4` (as fast as it can).
# Figure: process CPU time (user + sys) of jobcast / FFmpeg's, median of RUNS interleaved runs.
# Environment: BUILD (default build), SECONDS_LONG (clip length, 8), RUNS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LEN=${SECONDS_LONG:-8}
RUNS=${RUNS:-5}
JOBCAST=$BUILD/jobcast
OVL=$BUILD/bench/ovl-bench
for x in "$JOBCAST" "$OVL"; do
    [ -x "$x" ] || { echo "bench-show: $x missing (make build)" >&2; exit 2; }
done
command -v ffmpeg >/dev/null || { echo "bench-show: ffmpeg missing" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export JOBCAST_SOURCE_DIR=$PWD

# CPU seconds (user + sys) of one command (children included).
cpu_of() {
    local t
    t=$( { TIMEFORMAT='%3U %3S'; time "$@" >/dev/null 2>&1; } 2>&1 )
    awk '{ printf "%.3f", $1 + $2 }' <<<"$t"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

run_profile() {
    local tag=$1 w=$2 h=$3 kbps=$4 profile=$5
    local dir=$tmp/$tag
    mkdir -p "$dir/png"
    # The input: a moving test picture (not trivially compressible) and a tone.
    ffmpeg -nostdin -v error -f lavfi -i "testsrc2=s=${w}x${h}:r=30:d=$LEN" -pix_fmt yuv420p \
        "$dir/clip.y4m"
    ffmpeg -nostdin -v error -f lavfi -i "sine=f=440:d=$LEN:sample_rate=48000" -ac 2 \
        "$dir/clip.wav"
    # The card's rectangles as PNGs, at their positions on this frame size.
    "$OVL" blend "$w" "$h" 2 "$dir/png" >"$dir/rects.txt"
    local inputs=() graph="" last="0:v" n=1
    while read -r _ x y _ _ png; do
        n=$((n + 1))
        inputs+=(-i "$png")
        graph+="${graph:+;}[$last][$n:v]overlay=x=$x:y=$y:format=yuv420[o$n]"
        last=o$n
    done < <(grep '^rect ' "$dir/rects.txt")
    local ff=(ffmpeg -nostdin -v error -y -i "$dir/clip.y4m" -i "$dir/clip.wav" "${inputs[@]}"
        -filter_complex "$graph" -map "[$last]" -map 1:a
        -c:v libx264 -preset veryfast -tune zerolatency -profile:v high -pix_fmt yuv420p
        -b:v "${kbps}k" -maxrate "${kbps}k" -bufsize "${kbps}k" -g 60 -threads 0
        -c:a aac -b:a 128k -ar 48000 -ac 2 "$dir/ffmpeg.mp4")
    local jc=("$JOBCAST" --data-dir "$dir/data" --listen 127.0.0.1:0 --no-record
        --profile "$profile" --duration "$LEN"
        --input "file://$dir/clip.y4m?loop=1&audio=file://$dir/clip.wav"
        --output "file://$dir/jobcast.mp4")
    : >"$dir/ratios"
    for i in $(seq "$RUNS"); do
        rm -f "$dir/jobcast.mp4"
        local a b
        a=$(cpu_of "${jc[@]}")
        b=$(cpu_of "${ff[@]}")
        [ -s "$dir/jobcast.mp4" ] || { echo "bench-show: jobcast wrote nothing" >&2; exit 1; }
        awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", a / b }' >>"$dir/ratios"
        echo "run $i $tag: jobcast ${a}s ffmpeg ${b}s" >&2
    done
    echo "metric: show_cpu_vs_ffmpeg_$tag $(median <"$dir/ratios") x"
}

run_profile 720p 1280 720 2500 720p30
run_profile 1080p 1920 1080 4500 1080p30
