#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) into
# build-fuzz/ and, with a number of seconds as argument, runs each that long on a copy of its
# seed corpus. New crashes land in build-fuzz/ as crash-*; add a minimised one to
# tests/fuzz/corpus/NAME/ so CTest replays it from then on.
#   tests/fuzz/build-fuzzers.sh        # build only
#   tests/fuzz/build-fuzzers.sh 60     # build, then fuzz each target for 60 s
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$here/build-fuzz
mkdir -p "$out"
command -v clang >/dev/null || { echo "build-fuzzers: clang missing (apt install clang libclang-rt-14-dev)" >&2; exit 1; }

# The resource bundle the control library embeds (apply.c looks templates up in it).
glib-compile-resources --sourcedir="$here" --generate-source --target="$out/resources.c" \
    "$here/web/jobcast.gresource.xml"
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -I"$here/control" -I"$here/control/include" -I"$here/common/include"
       $(pkg-config --cflags glib-2.0 gio-2.0 json-glib-1.0 sqlite3 libwebsockets))
libs=($(pkg-config --libs glib-2.0 gio-2.0 json-glib-1.0))
common=("$here/common/jc_error.c" "$here/common/jc_text.c")
clang "${flags[@]}" -o "$out/fuzz-rpc" "$here/tests/fuzz/fuzz_rpc.c" "$here/control/ctl_rpc.c" \
    "${common[@]}" "${libs[@]}"
clang "${flags[@]}" -o "$out/fuzz-apply" "$here/tests/fuzz/fuzz_apply.c" \
    "$here/control/ctl_apply.c" "$here/control/ctl_rpc.c" "$out/resources.c" "${common[@]}" \
    "${libs[@]}"
echo "built $out/fuzz-rpc $out/fuzz-apply"

if [ $# -ge 1 ]; then
    for t in rpc apply; do
        mkdir -p "$out/corpus-$t"
        cp -n "$here/tests/fuzz/corpus/$t/"* "$out/corpus-$t/" 2>/dev/null || true
        (cd "$out" && ./fuzz-$t -max_total_time="$1" -max_len=70000 -detect_leaks=1 "corpus-$t")
    done
fi
