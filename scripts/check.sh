#!/usr/bin/env bash
# Runs ctest in each build folder given and fails unless every test ran and passed: a failed
# test, a skipped one (a missing tool, a suite that could not be registered) or a folder where no
# test ran at all each make it fail. Ends with "N passed, F failed, S skipped".
#
# usage: scripts/check.sh [-j JOBS] BUILD_DIR... [-- CTEST_ARGS...]
#   e.g. scripts/check.sh -j 2 build build-asan
#        scripts/check.sh build -- -R /control/   (a subset, same verdict)
set -uo pipefail

jobs=$(nproc)
dirs=()
extra=()
while (($#)); do
    case "$1" in
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    --) shift; extra=("$@"); break ;;
    *) dirs+=("$1"); shift ;;
    esac
done
((${#dirs[@]})) || { echo "usage: $0 [-j JOBS] BUILD_DIR... [-- CTEST_ARGS...]" >&2; exit 2; }

total_pass=0 total_fail=0 total_skip=0
bad_lines=()
for dir in "${dirs[@]}"; do
    [ -f "$dir/CTestTestfile.cmake" ] || { echo "check: $dir is not a configured build folder" >&2; exit 2; }
    log=$(mktemp)
    echo "== ctest in $dir"
    (cd "$dir" && ctest --output-on-failure -j "$jobs" "${extra[@]}") 2>&1 | tee "$log"
    # One result line per test: "  3/316 Test   #3: /path ....   Passed    0.02 sec",
    # "***Failed", "***Timeout", "***Skipped", "***Not Run", "***Exception: ...".
    results=$(grep -E '^ *[0-9]+/[0-9]+ +Test +#[0-9]+: ' "$log")
    pass=$(grep -cE ' Passed +[0-9.]+ sec' <<<"$results")
    skip=$(grep -cE '\*\*\*Skipped|Not Run' <<<"$results")
    all=$(grep -c . <<<"$results")
    fail=$((all - pass - skip))
    rm -f "$log"
    while IFS= read -r line; do
        [ -n "$line" ] && bad_lines+=("$dir: ${line#"${line%%Test*}"}")
    done < <(grep -vE ' Passed +[0-9.]+ sec' <<<"$results")
    echo "$dir: $pass passed, $fail failed, $skip skipped"
    if ((all == 0)); then
        echo "check: no test ran in $dir" >&2
        fail=$((fail + 1))
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
done

if ((${#bad_lines[@]})); then
    echo "not passed:"
    printf '  %s\n' "${bad_lines[@]}"
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
((total_fail == 0 && total_skip == 0))
