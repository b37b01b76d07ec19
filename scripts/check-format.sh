#!/usr/bin/env bash
# Fails, naming the files, when a tracked or new C source is not clang-formatted.
set -euo pipefail
cf=${1:-clang-format}
cd "$(dirname "$0")/.."
bad=()
while IFS= read -r f; do
    "$cf" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files --cached --others --exclude-standard -- '*.c' '*.h')
if ((${#bad[@]})); then
    echo "not clang-formatted (run: clang-format -i FILE):"
    printf '  %s\n' "${bad[@]}"
    exit 1
fi
echo "all C sources formatted"
