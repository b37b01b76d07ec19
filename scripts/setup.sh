#!/usr/bin/env bash
# Installs the Debian packages jobcast needs to build, run and test, only those missing. Every
# tool a test needs is here: a missing one makes its test fail or skip, and `make check` fails.
# Idempotent and quiet when everything is present; uses sudo when not root.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
pkgs=(
    # build
    build-essential cmake pkg-config clang-format
    # libraries
    libglib2.0-dev libjson-glib-dev libsqlite3-dev libqrencode-dev
    libcairo2-dev libpango1.0-dev
    libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
    libwebsockets-dev libwebsockets-evlib-glib
    libsodium-dev  # argon2id password hashes (control/ctl_auth.c)
    libpq-dev  # the province link's PostgreSQL client (control/ctl_province*.c)
    # run time: GStreamer elements (x264enc in -ugly, avenc_aac in -libav), CJK fonts
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
    gstreamer1.0-x  # clockoverlay for the synthetic camera
    gstreamer1.0-alsa  # alsasrc for --audio-device alsa:NAME (tested with ALSA's null PCM)
    fonts-noto-cjk
    # tests: decoders, HTTP/WebSocket client library, RTMP server
    ffmpeg libzbar-dev zbar-tools libsoup-3.0-dev sqlite3 nginx-light libnginx-mod-rtmp
    python3-websockets  # a second, strict WebSocket client: refusals must be HTTP/1.1 it reads
    prometheus  # promtool: the shipped alert rules and the /metrics text are checked with it
    postgresql-15  # the province tests start a real server (initdb, pg_ctl) on a Unix socket
    # tests: a TLS terminator for RTMPS, an RTSP server for the RTSP pull test (streamer)
    stunnel4 libgstrtspserver-1.0-dev
    glib-networking  # TLS for rtmps:// outputs (rtmp2sink uses GIO's TLS backend)
    # benchmarks: HTTP load generator and client (bench/bench-signup.sh)
    wrk curl
    # browser tests (tests/browser): Debian's chromium, driven by playwright-core from npm
    chromium
)
# node and npm: Debian's, unless some node (with its own npm, e.g. NodeSource's) is already
# there; Debian's npm package would conflict with that one.
command -v node >/dev/null || pkgs+=(nodejs)
command -v npm >/dev/null || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [[ "$status" == ii* ]] || missing+=("$p")
done

if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || { echo "setup: need root or sudo to install packages" >&2; exit 1; }
        sudo=sudo
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages for the browser tests, pinned by package-lock.json: installed when missing or
# older than the lock file (npm ci writes node_modules/.package-lock.json last).
if [ ! -f "$here/node_modules/.package-lock.json" ] ||
    [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci (playwright-core for the browser tests)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# nginx's Debian service must not hold port 80 or run at all: the tests start their own.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
    systemctl stop nginx || true
fi
exit 0
