#!/usr/bin/env bash
# /fit/demo-reuses-build: after `make check` built build/, `make demo`'s build step (make
# build, with the demo's default variables) compiles and links nothing: the two commands share
# one configuration.
set -euo pipefail
src=$1
build=$2
[ "$(cd "$build" && pwd)" = "$(cd "$src/build" && pwd)" ] ||
    { echo "not the Makefile's build folder ($build): nothing to check"; exit 0; }
out=$(make -C "$src" --no-print-directory build JOBS=1 2>&1) ||
    { echo "$out" >&2; echo "FAIL: make build failed" >&2; exit 1; }
if grep -E 'Building C object|Linking C ' <<<"$out" >&2; then
    echo "FAIL: make demo's build step after make check rebuilt the above" >&2
    exit 1
fi
echo "make build after make check: nothing rebuilt"
