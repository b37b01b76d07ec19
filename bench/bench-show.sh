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
# Two more variants at 720p, so that nothing jobcast skips in the plain run flatters it:
# - watched (show_cpu_vs_ffmpeg_720p_watched): a client pulls /api/preview.jpg eight times a
#   second throughout, as the control page does, so jobcast encodes its preview at the full
#   4 JPEG/s instead of one every 2 s when nobody looks; the bench fails if the client saw fewer
#   than 3 new frames a second. The client's own CPU is not counted.
# - file (show_cpu_vs_ffmpeg_720p_file): the same clip as an H.264 MP4 (with its AAC track),
#   which both decode through their general file path (jobcast: decodebin; no Y4M fast path).
# Checked after every run: both outputs carry the same x264 option string (the SEI x264 writes
# into the stream) and the same number of video frames (within 30, one second: a live show runs
# on a clock from start-up, slate included, not on the clip's frames), else the bench fails.
# Environment: BUILD (default build), SECONDS_LONG (clip length, 20: long enough that start-up,
# about 0.25 s of CPU for both, does not weigh on the per-frame figure), RUNS (7), PROFILES
# (which of "720p 1080p" to run; both by default), VARIANTS (which of "watched file" to run at
# 720p; both by default).
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
for tool in ffmpeg ffprobe zbarimg curl; do
    command -v $tool >/dev/null || { echo "bench-show: $tool missing" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export JOBCAST_SOURCE_DIR=$PWD
TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

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

# The x264 option string x264 writes into the stream's SEI.
x264_options() {
    grep -a -o -m1 'options: [[:print:]]*' "$1" | head -1
}

# Both outputs were made the same way: same x264 options, same frame count (within 30).
same_output() {
    local oa ob
    oa=$(x264_options "$1")
    ob=$(x264_options "$2")
    [ -n "$oa" ] && [ "$oa" = "$ob" ] ||
        { printf 'bench-show: x264 options differ:\n jobcast: %s\n ffmpeg:  %s\n' "$oa" "$ob" >&2; exit 1; }
    awk -v a="$3" -v b="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 30) }' ||
        { echo "bench-show: frame counts differ: jobcast $3, ffmpeg $4" >&2; exit 1; }
}

# watch LOG SEQS DONE: once jobcast has printed its address in LOG, pull the preview eight times
# a second until DONE exists, recording each answer's X-Frame-Seq in SEQS.
watch() {
    local log=$1 seqs=$2 done=$3 base=""
    while [ ! -e "$done" ] && [ -z "$base" ]; do
        base=$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$log" 2>/dev/null || true)
        sleep 0.05
    done
    while [ ! -e "$done" ]; do
        curl -s -o /dev/null -D - -H "Authorization: Bearer $TOKEN" "$base/api/preview.jpg" |
            tr -d '\r' | awk -F': ' 'tolower($1) == "x-frame-seq" { print $2 }' >>"$seqs" || true
        sleep 0.125
    done
}

# run_jobcast DIR VARIANT CMD...: CPU seconds of jobcast's show; watched: with a preview client.
run_jobcast() {
    local dir=$1 variant=$2 cpu n
    shift 2
    rm -f "$dir/data.log" "$dir/seqs" "$dir/done"
    if [ "$variant" != watched ]; then
        cpu_of "$@"
        return
    fi
    watch "$dir/data.log" "$dir/seqs" "$dir/done" &
    local watcher=$!
    cpu=$(cpu_of "$@")
    touch "$dir/done"
    wait "$watcher"
    n=$(sort -u "$dir/seqs" 2>/dev/null | grep -c . || true)
    awk -v n="$n" -v s="$LEN" 'BEGIN { exit !(n >= 3 * s) }' ||
        { echo "bench-show: the preview client saw $n frames in ${LEN}s (fewer than 3/s)" >&2; exit 1; }
    echo "preview client: $n new frames in ${LEN}s" >&2
    echo "$cpu"
}

run_profile() {
    local tag=$1 w=$2 h=$3 kbps=$4 profile=$5 variant=${6:-plain}
    local dir=$tmp/$tag-$variant
    [ "$variant" = plain ] || tag=${tag}_$variant
    mkdir -p "$dir/png"
    # The input: a moving test picture (not trivially compressible) and a tone; for the file
    # variant the same as one H.264 + AAC MP4 (high quality, so both decode the same picture).
    ffmpeg -nostdin -v error -f lavfi -i "testsrc2=s=${w}x${h}:r=30:d=$LEN" -pix_fmt yuv420p \
        "$dir/clip.y4m"
    ffmpeg -nostdin -v error -f lavfi -i "sine=f=440:d=$LEN:sample_rate=48000" -ac 2 \
        "$dir/clip.wav"
    local ff_in=(-re -i "$dir/clip.y4m" -re -i "$dir/clip.wav") jc_in="file://$dir/clip.y4m?loop=1&audio=file://$dir/clip.wav"
    if [ "$variant" = file ]; then
        ffmpeg -nostdin -v error -i "$dir/clip.y4m" -i "$dir/clip.wav" -c:v libx264 -preset fast \
            -crf 18 -g 60 -c:a aac -b:a 128k "$dir/clip.mp4"
        ff_in=(-re -i "$dir/clip.mp4")
        jc_in="file://$dir/clip.mp4?loop=1"
    fi
    # What jobcast puts on air in a fresh show (the first posting's card and its QR code, the same
    # apply URL), as PNGs at their positions on this frame size.
    "$OVL" card "$w" "$h" "$dir/png" >"$dir/rects.txt"
    # PNG inputs are numbered after the clip's (video + WAV, or one MP4).
    local inputs=() graph="" last="0:v" n=1
    [ "$variant" = file ] && n=0
    while read -r _ x y _ _ png; do
        n=$((n + 1))
        inputs+=(-i "$png")
        graph+="${graph:+;}[$last][$n:v]overlay=x=$x:y=$y:format=yuv420[o$n]"
        last=o$n
    done < <(grep '^rect ' "$dir/rects.txt")
    local amap=1:a
    [ "$variant" = file ] && amap=0:a
    local ff=(ffmpeg -nostdin -v error -y "${ff_in[@]}" "${inputs[@]}"
        -filter_complex "$graph" -map "[$last]" -map "$amap"
        -c:v libx264 -preset veryfast -tune zerolatency -profile:v high -pix_fmt yuv420p
        -b:v "${kbps}k" -maxrate "${kbps}k" -bufsize "${kbps}k" -g 60 -threads 0
        -c:a aac -b:a 128k -ar 48000 -ac 2 "$dir/ffmpeg.mp4")
    # The same command as a batch transcode: without the two -re.
    local batch=()
    local arg
    for arg in "${ff[@]}"; do [ "$arg" = -re ] || batch+=("$arg"); done
    # jobcast's stdout goes to a log the preview client reads its address from.
    local jc=(sh -c 'log=$1; shift; exec "$@" >"$log" 2>&1' sh "$dir/data.log" "$JOBCAST"
        --data-dir "$dir/data"
        --listen 127.0.0.1:0 --no-record --public-url http://127.0.0.1:8080
        --producer-token "$TOKEN" --profile "$profile" --duration "$LEN"
        --input "$jc_in" --output "file://$dir/jobcast.mp4")
    : >"$dir/live"
    : >"$dir/batch"
    for i in $(seq "$RUNS"); do
        rm -f "$dir/jobcast.mp4" "$dir/ffmpeg.mp4"
        local a b c fa fb fc
        # jobcast first in odd runs, FFmpeg first in even ones: whatever the machine does to the
        # run that follows another (caches, frequency, a neighbour's load) falls on both alike.
        if [ $((i % 2)) -eq 1 ]; then
            a=$(run_jobcast "$dir" "$variant" "${jc[@]}")
            b=$(cpu_of "${ff[@]}")
        else
            b=$(cpu_of "${ff[@]}")
            a=$(run_jobcast "$dir" "$variant" "${jc[@]}")
        fi
        fa=$(frames_of "$dir/jobcast.mp4")
        fb=$(frames_of "$dir/ffmpeg.mp4")
        same_output "$dir/jobcast.mp4" "$dir/ffmpeg.mp4" "$fa" "$fb"
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

for p in ${PROFILES-720p 1080p}; do
    case $p in
    720p) run_profile 720p 1280 720 2500 720p30 ;;
    1080p) run_profile 1080p 1920 1080 4500 1080p30 ;;
    *) echo "bench-show: unknown profile $p (720p or 1080p)" >&2; exit 2 ;;
    esac
done
for v in ${VARIANTS-watched file}; do
    case $v in
    watched | file) run_profile 720p 1280 720 2500 720p30 "$v" ;;
    *) echo "bench-show: unknown variant $v (watched or file)" >&2; exit 2 ;;
    esac
done
