#!/usr/bin/env bash
# bench-show: the whole show (jobcast) against the FFmpeg CLI doing the same job, CPU time.
#
# Both read the same raw input the bench generates (Y4M at 720p30 / 1080p30 and a WAV), put the
# same job card + QR on it (jobcast: its own overlay, the first sample posting on air in a fresh
# show; FFmpeg: its overlay filter with PNGs of the same two rectangles, from `ovl-bench card`,
# checked afterwards: zbar must read the same apply URL off both outputs), encode H.264 with
# the same x264 settings (veryfast, zerolatency, high profile, BITRATE kbit/s with a 1 s VBV,
# keyframe every 2 s, automatic threads) and AAC at 128 kbit/s, and write an MP4.
# - jobcast: `build/jobcast --input file://CLIP.y4m?loop=1&audio=file://CLIP.wav --output
#   file://OUT.mp4 --no-record --duration SECONDS` (a live show: it runs in real time; the whole
#   process is measured: web server, store, renderer, slate, preview JPEGs included).
# - FFmpeg: `ffmpeg -re -i CLIP.y4m -re -i CLIP.wav -i rect*.png -filter_complex overlay...
#   -c:v libx264 ... -c:a aac ... OUT.mp4`: `-re` reads the input at its frame rate, i.e. FFmpeg
#   doing a live show from a file, the same job as jobcast (pacing alone costs x264 10-25% more
#   CPU per frame: its threads sleep between frames). The same command without `-re` (as fast as
#   it can, a batch transcode) is the second baseline.
# Figure: process CPU time (user + sys) per encoded video frame (ffprobe counts each output's
# frames: a live show's length is not exactly the clip's), jobcast's over FFmpeg's, median of
# RUNS interleaved runs (jobcast and the live FFmpeg take turns going first):
# show_cpu_vs_ffmpeg_TAG against the live FFmpeg, show_cpu_vs_ffmpeg_batch_TAG against the batch
# one.
# Environment: BUILD (default build), SECONDS_LONG (clip length, 20: long enough that start-up,
# about 0.25 s of CPU for both, does not weigh on the per-frame figure), RUNS (7), PROFILES
# (which of "720p 1080p" to run; both by default).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LEN=${SECONDS_LONG:-20}
RUNS=${RUNS:-7}
JOBCAST=$BUILD/jobcast
OVL=$BUILD/bench/ovl-bench
for x in "$JOBCAST" "$OVL"; do
    [ -x "$x" ] || { echo "bench-show: $x missing (make build)" >&2; exit 2; }
done
for tool in ffmpeg ffprobe zbarimg; do
    command -v $tool >/dev/null || { echo "bench-show: $tool missing" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export JOBCAST_SOURCE_DIR=$PWD

# CPU seconds (user + sys) of one command (children included).
cpu_of() {
    local t
    t=$( { TIMEFORMAT='%3U %3S'; time "$@" >/dev/null 2>&1; } 2>&1 )
    awk '{ printf "%.3f", $1 + $2 }' <<<"$t"
}

# Video frames in an MP4.
frames_of() {
    ffprobe -v error -count_packets -select_streams v -show_entries stream=nb_read_packets \
        -of csv=p=0 "$1"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The QR code both put on air (rectangle 2 of rects.txt), read by zbar from frame 90 of an output.
qr_of() {
    local x y w h
    read -r _ x y w h _ < <(grep '^rect ' "$2" | sed -n 2p)
    ffmpeg -nostdin -v error -y -i "$1" -vf "select=eq(n\\,90),crop=$w:$h:$x:$y,scale=iw*2:-1" \
        -frames:v 1 "$1.qr.png"
    zbarimg -q --raw "$1.qr.png" 2>/dev/null
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
    # What jobcast puts on air in a fresh show (the first posting's card and its QR code, the same
    # apply URL), as PNGs at their positions on this frame size.
    "$OVL" card "$w" "$h" "$dir/png" >"$dir/rects.txt"
    local inputs=() graph="" last="0:v" n=1
    while read -r _ x y _ _ png; do
        n=$((n + 1))
        inputs+=(-i "$png")
        graph+="${graph:+;}[$last][$n:v]overlay=x=$x:y=$y:format=yuv420[o$n]"
        last=o$n
    done < <(grep '^rect ' "$dir/rects.txt")
    local ff=(ffmpeg -nostdin -v error -y -re -i "$dir/clip.y4m" -re -i "$dir/clip.wav" "${inputs[@]}"
        -filter_complex "$graph" -map "[$last]" -map 1:a
        -c:v libx264 -preset veryfast -tune zerolatency -profile:v high -pix_fmt yuv420p
        -b:v "${kbps}k" -maxrate "${kbps}k" -bufsize "${kbps}k" -g 60 -threads 0
        -c:a aac -b:a 128k -ar 48000 -ac 2 "$dir/ffmpeg.mp4")
    # The same command as a batch transcode: without the two -re.
    local batch=()
    local arg
    for arg in "${ff[@]}"; do [ "$arg" = -re ] || batch+=("$arg"); done
    local jc=("$JOBCAST" --data-dir "$dir/data" --listen 127.0.0.1:0 --no-record
        --public-url http://127.0.0.1:8080
        --profile "$profile" --duration "$LEN"
        --input "file://$dir/clip.y4m?loop=1&audio=file://$dir/clip.wav"
        --output "file://$dir/jobcast.mp4")
    : >"$dir/live"
    : >"$dir/batch"
    for i in $(seq "$RUNS"); do
        rm -f "$dir/jobcast.mp4" "$dir/ffmpeg.mp4"
        local a b c fa fb fc
        # jobcast first in odd runs, FFmpeg first in even ones: whatever the machine does to the
        # run that follows another (caches, frequency, a neighbour's load) falls on both alike.
        if [ $((i % 2)) -eq 1 ]; then
            a=$(cpu_of "${jc[@]}")
            b=$(cpu_of "${ff[@]}")
        else
            b=$(cpu_of "${ff[@]}")
            a=$(cpu_of "${jc[@]}")
        fi
        fa=$(frames_of "$dir/jobcast.mp4")
        fb=$(frames_of "$dir/ffmpeg.mp4")
        c=$(cpu_of "${batch[@]}")
        fc=$(frames_of "$dir/ffmpeg.mp4")
        [ "$fa" -gt 0 ] && [ "$fb" -gt 0 ] && [ "$fc" -gt 0 ] ||
            { echo "bench-show: an output has no frames" >&2; exit 1; }
        awk -v a="$a" -v fa="$fa" -v b="$b" -v fb="$fb" \
            'BEGIN { printf "%.3f\n", (a / fa) / (b / fb) }' >>"$dir/live"
        awk -v a="$a" -v fa="$fa" -v c="$c" -v fc="$fc" \
            'BEGIN { printf "%.3f\n", (a / fa) / (c / fc) }' >>"$dir/batch"
        awk -v t="$i $tag" -v a="$a" -v fa="$fa" -v b="$b" -v fb="$fb" -v c="$c" -v fc="$fc" \
            'BEGIN { printf "run %s: jobcast %.2f ms/frame (%ss, %d frames), ffmpeg -re %.2f ms/frame (%ss, %d), ffmpeg batch %.2f ms/frame (%ss, %d)\n", t, 1000 * a / fa, a, fa, 1000 * b / fb, b, fb, 1000 * c / fc, c, fc }' >&2
    done
    # Both showed the same picture: the same QR code where the card puts it.
    local qa qb
    qa=$(qr_of "$dir/jobcast.mp4" "$dir/rects.txt")
    qb=$(qr_of "$dir/ffmpeg.mp4" "$dir/rects.txt")
    [ -n "$qa" ] && [ "$qa" = "$qb" ] ||
        { echo "bench-show: the two outputs differ: QR '$qa' vs '$qb'" >&2; exit 1; }
    echo "$tag: both outputs carry the card with the QR code for $qa" >&2
    echo "metric: show_cpu_vs_ffmpeg_$tag $(median <"$dir/live") x"
    echo "metric: show_cpu_vs_ffmpeg_batch_$tag $(median <"$dir/batch") x"
}

for p in ${PROFILES:-720p 1080p}; do
    case $p in
    720p) run_profile 720p 1280 720 2500 720p30 ;;
    1080p) run_profile 1080p 1920 1080 4500 1080p30 ;;
    *) echo "bench-show: unknown profile $p (720p or 1080p)" >&2; exit 2 ;;
    esac
done
