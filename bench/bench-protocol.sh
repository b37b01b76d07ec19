#!/usr/bin/env bash
# bench-protocol: JSON-RPC round trip of a take with 50 connected producers (request -> reply at
# the sender, request -> on_air.changed at every one of the 50), against 1 producer in the same
# run. Each take is a real one (saved, logged as aired). Runs build/bench/ctl-bench-take.
# Prints: metric: take_reply_p99_ms, take_all_50_p99_ms, take_all_50_p50_ms,
#         take_fanout_cost_ratio (p50 with 50 over p50 with 1).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
bin=$build/bench/ctl-bench-take
[ -x "$bin" ] || { echo "bench-protocol: $bin missing (make build)" >&2; exit 1; }
rounds=${BENCH_ROUNDS:-300}
one=$("$bin" 1 "$rounds")
fifty=$("$bin" 50 "$rounds")
echo "# 1 producer:   $one   (reply p50/p99, all p50/p99 in us)"
echo "# 50 producers: $fifty"
read -r _ _ _ _ a1 _ <<<"$one"
read -r _ _ r50 r99 a50 a99 <<<"$fifty"
awk -v r99="$r99" -v a50="$a50" -v a99="$a99" -v a1="$a1" 'BEGIN {
    printf "metric: take_reply_p99_ms %.2f ms\n", r99 / 1000;
    printf "metric: take_all_50_p50_ms %.2f ms\n", a50 / 1000;
    printf "metric: take_all_50_p99_ms %.2f ms\n", a99 / 1000;
    printf "metric: take_fanout_cost_ratio %.1f x\n", (a1 > 0 ? a50 / a1 : 0);
}'
