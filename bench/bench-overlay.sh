#!/usr/bin/env bash
# bench-overlay: what each way of drawing the job card adds per frame, at 1080p and 720p, and how
# many frames a take needs to reach the picture (cut, and with a 400 ms slide and fade).
#
# The scene: the first sample posting's card (data/postings.json) at the default landscape layout
# with its QR code and sign-up counter, and a ticker of five other postings (scrolling: ours
# blends a moving window of it; the others get the visible window as a still picture).
# - GStreamer elements (build/bench/ovl-bench): videotestsrc num-buffers=FRAMES ! I420 !
#   ELEMENT ! fakesink sync=false; the figure is the streaming thread's CPU time inside ELEMENT
#   (CLOCK_THREAD_CPUTIME_ID between its sink and source pads) per frame, minus the same for
#   `identity` (the baseline). The whole process's CPU per frame minus the baseline pipeline's is
#   printed too (*_proc lines) as a cross-check.
# - FFmpeg: the CLI's overlay filter with the same rectangles (PNGs), single-threaded. Like
#   videotestsrc, FFmpeg's source hands out a fresh writable frame each time: lavfi `color`
#   alone would hand out references to one frame, so the first overlay would pay a full-frame
#   copy per frame that the baseline does not; `copy` in the graph of both commands makes each
#   frame its own. Setup (probing, PNG decoding, filter graph) is excluded as on our side: each
#   command runs for 30 and for 30 + FRAMES frames and only the difference counts. The figure is
#   that difference's process CPU (user + sys) with the overlays minus the same without them.
#   Median of RUNS runs each.
# Environment: BUILD (default build), FRAMES (300; FFmpeg runs 30 set-up frames before them),
# TAKES (60: also theme switches), RUNS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
FRAMES=${FRAMES:-300}
TAKES=${TAKES:-60}
RUNS=${RUNS:-3}
FF_WARMUP=30
BIN=$BUILD/bench/ovl-bench
[ -x "$BIN" ] || { echo "bench-overlay: $BIN missing (make build)" >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "bench-overlay: ffmpeg missing" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export JOBCAST_SOURCE_DIR=$PWD

# CPU seconds (user + sys) of one command.
cpu_of() {
    local t
    t=$( { TIMEFORMAT='%3U %3S'; time "$@" >/dev/null 2>&1; } 2>&1 )
    awk '{ printf "%.4f", $1 + $2 }' <<<"$t"
}

# steady FFMPEG-CMD...: CPU seconds of FRAMES frames once set-up is paid (FF_WARMUP + FRAMES
# frames minus FF_WARMUP frames of the same single-threaded command).
steady() {
    local opts=(-threads 1 -filter_threads 1 -filter_complex_threads 1 -f null -) long short
    long=$(cpu_of "$@" -frames:v $((FF_WARMUP + FRAMES)) "${opts[@]}")
    short=$(cpu_of "$@" -frames:v "$FF_WARMUP" "${opts[@]}")
    awk -v a="$long" -v b="$short" 'BEGIN { printf "%.4f", a - b }'
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# value NAME FILE: the number after NAME in ovl-bench's output.
value() {
    awk -v k="$1" '$1 == k { print $2 }' "$2"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'
}

for res in 1920x1080 1280x720; do
    w=${res%x*}
    h=${res#*x}
    tag=${h}p
    dir=$tmp/$tag
    mkdir -p "$dir"
    out=$dir/ovl-bench.txt
    for i in $(seq "$RUNS"); do
        "$BIN" blend "$w" "$h" "$FRAMES" "$dir" >"$dir/run$i.txt"
    done
    # Median per figure over the runs.
    for k in none_ms ours_ms overlaycomposition_ms overlaycomposition_argb_ms textoverlay_ms \
        none_proc_ms ours_proc_ms overlaycomposition_proc_ms overlaycomposition_argb_proc_ms \
        textoverlay_proc_ms; do
        echo "$k $(cat "$dir"/run*.txt | awk -v k=$k '$1 == k { print $2 }' | median)"
    done >"$out"
    grep -E '^(area|rect) ' "$dir/run1.txt" >>"$out"

    # FFmpeg: the same rectangles, chained overlays at the same positions.
    inputs=()
    graph=""
    last="0:v"
    n=0
    while read -r _ x y _ _ png; do
        n=$((n + 1))
        inputs+=(-i "$png")
        graph+="${graph:+;}[$last][$n:v]overlay=x=$x:y=$y:format=yuv420[o$n]"
        last=o$n
    done < <(grep '^rect ' "$out")
    src=(-f lavfi -i "color=c=gray:s=${w}x${h}:r=30,format=yuv420p,copy")
    base=$(for i in $(seq "$RUNS"); do
        steady ffmpeg -nostdin -v error "${src[@]}"; echo; done | median)
    with=$(for i in $(seq "$RUNS"); do
        steady ffmpeg -nostdin -v error "${src[@]}" "${inputs[@]}" \
            -filter_complex "$graph" -map "[$last]"; echo; done | median)
    ffmpeg_ms=$(awk -v a="$with" -v b="$base" -v n="$FRAMES" 'BEGIN { printf "%.4f", (a - b) * 1000 / n }')

    sub() { awk -v a="$(value "$1" "$out")" -v b="$(value "$2" "$out")" 'BEGIN { printf "%.4f", a - b }'; }
    ours=$(sub ours_ms none_ms)
    oc=$(sub overlaycomposition_ms none_ms)
    oc_argb=$(sub overlaycomposition_argb_ms none_ms)
    text=$(sub textoverlay_ms none_ms)
    echo "metric: overlay_area_px_$tag $(value area "$out") px"
    echo "metric: overlay_ms_$tag $ours ms"
    echo "metric: overlaycomposition_ms_$tag $oc ms"
    echo "metric: overlaycomposition_argb_ms_$tag $oc_argb ms"
    echo "metric: textoverlay_ms_$tag $text ms"
    echo "metric: ffmpeg_overlay_ms_$tag $ffmpeg_ms ms"
    echo "metric: overlay_proc_ms_$tag $(sub ours_proc_ms none_proc_ms) ms"
    echo "metric: overlaycomposition_proc_ms_$tag $(sub overlaycomposition_proc_ms none_proc_ms) ms"
    echo "metric: overlaycomposition_over_ours_$tag $(ratio "$oc" "$ours") x"
    echo "metric: overlaycomposition_argb_over_ours_$tag $(ratio "$oc_argb" "$ours") x"
    echo "metric: textoverlay_over_ours_$tag $(ratio "$text" "$ours") x"
    echo "metric: ffmpeg_over_ours_$tag $(ratio "$ffmpeg_ms" "$ours") x"
done

take=$tmp/take.txt
"$BIN" take 1920 1080 "$TAKES" >"$take"
echo "metric: take_latency_frames_p50 $(value take_p50 "$take") frames"
echo "metric: take_latency_frames_p99 $(value take_p99 "$take") frames"
echo "metric: take_latency_frames_max $(value take_max "$take") frames"
echo "metric: take_render_ms_1080p $(value render_ms "$take") ms"
echo "metric: take_convert_ms_1080p $(value convert_ms "$take") ms"

# The same with a 400 ms slide (the new card slides in while the old one slides out; counted
# from the first frame carrying it at any position) and a 400 ms fade (at any alpha).
for kind in slide fade; do
    "$BIN" take 1920 1080 "$TAKES" "$kind" >"$take"
    echo "metric: take_latency_${kind}_frames_p50 $(value take_p50 "$take") frames"
    echo "metric: take_latency_${kind}_frames_p99 $(value take_p99 "$take") frames"
    echo "metric: take_latency_${kind}_frames_max $(value take_max "$take") frames"
done

# A theme switch (graphics.theme) on the card on air: card, QR, counter, ticker and chrome are
# all redrawn by the worker; counted like a take, to the first frame in the new theme.
"$BIN" theme 1920 1080 "$TAKES" config/theme.example.ini >"$take"
echo "metric: theme_switch_frames_p50 $(value take_p50 "$take") frames"
echo "metric: theme_switch_frames_p99 $(value take_p99 "$take") frames"
echo "metric: theme_switch_frames_max $(value take_max "$take") frames"
echo "metric: theme_switch_render_ms_1080p $(value switch_ms "$take") ms"
