#!/usr/bin/env bash
# bench-signup: durable sign-ups per second over HTTP on loopback, jobcast's group commit
# against the same server committing each sign-up on its own (--bench-commit-each), same run.
# Load: wrk with bench/signup.lua (varied realistic sign-ups, X-Forwarded-For from a pool of
# 5000 addresses through --trusted-proxy 127.0.0.1). Only 201 answers count toward the rate.
# Prints: metric: signups_per_s, signup_p99_ms, signups_per_s_commit_each,
#         signups_rejected (non-201 answers in the group-commit run), group_commit_speedup.
# Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 64), JOBCAST (binary),
#      BENCH_ARGS (more jobcast options for both runs, e.g. the province link's).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
jobcast=${JOBCAST:-$here/build/jobcast}
seconds=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-64}
command -v wrk >/dev/null || { echo "bench-signup: wrk missing (scripts/setup.sh installs it)" >&2; exit 1; }
[ -x "$jobcast" ] || { echo "bench-signup: $jobcast missing (make build)" >&2; exit 1; }

work=$(mktemp -d /tmp/jobcast-bench-signup.XXXXXX)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# run NAME [extra jobcast options...]: starts a fresh jobcast, loads it, prints wrk's RESULT line.
run() {
    local name=$1
    shift
    local port
    port=$(free_port)
    mkdir -p "$work/$name"
    "$jobcast" --listen "127.0.0.1:$port" --data-dir "$work/$name" --no-record \
        --profile 720x1280 --trusted-proxy 127.0.0.1 --duration $((seconds + 60)) ${BENCH_ARGS:-} "$@" \
        >"$work/$name.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    wrk -t 2 -c "$conns" -d "${seconds}s" --latency -s "$here/bench/signup.lua" \
        "http://127.0.0.1:$port" >"$work/$name.wrk" 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
    local stored
    stored=$(sqlite3 "$work/$name/jobcast.db" 'SELECT count(*) FROM signups')
    grep '^RESULT' "$work/$name.wrk" | sed "s/\$/ stored=$stored/"
}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

group=$(run group)
each=$(run each --bench-commit-each)
echo "# group commit: $group"
echo "# commit each:  $each"

g_created=$(field created "$group")
g_other=$(field other "$group")
g_secs=$(field seconds "$group")
g_p99=$(field p99_us "$group")
g_stored=$(field stored "$group")
e_created=$(field created "$each")
e_secs=$(field seconds "$each")

if [ "$g_stored" -lt "$g_created" ]; then
    echo "bench-signup: $g_created answered 201 but only $g_stored stored" >&2
    exit 1
fi
awk -v c="$g_created" -v s="$g_secs" -v p="$g_p99" -v o="$g_other" -v ec="$e_created" \
    -v es="$e_secs" 'BEGIN {
    g = c / s; e = ec / es;
    printf "metric: signups_per_s %.0f /s\n", g;
    printf "metric: signup_p99_ms %.2f ms\n", p / 1000;
    printf "metric: signups_per_s_commit_each %.0f /s\n", e;
    printf "metric: signups_rejected %d\n", o;
    printf "metric: group_commit_speedup %.2f x\n", (e > 0 ? g / e : 0);
}'
