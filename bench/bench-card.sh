#!/usr/bin/env bash
# bench-card: the producer's card preview (GET/POST /api/card.png): median time to draw the card
# with the overlay's code and encode it as a PNG, against the bare card render it starts from
# (the baseline, same process), for a landscape and a portrait frame. The figure decides that
# control renders it on a worker thread, not on main.
# Environment: BUILD (default build), RUNS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-20}
BIN=$BUILD/bench/jc-bench-card
[ -x "$BIN" ] || { echo "bench-card: $BIN missing (make build)" >&2; exit 2; }
"$BIN" "$RUNS"
