#!/usr/bin/env bash
# The size of every function `sam build` packaged (.aws-sam/build/<Function>/bootstrap), and
# whether it meets the 8 MB goal (docs/benchmarks.md records the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((8 * 1024 * 1024))
status=0
printf '%-26s %10s %8s\n' function bytes MiB
for bootstrap in .aws-sam/build/*/bootstrap; do
  [ -f "$bootstrap" ] || { echo "nothing packaged: run make package"; exit 1; }
  function=$(basename "$(dirname "$bootstrap")")
  bytes=$(stat -c %s "$bootstrap")
  printf '%-26s %10d %8.2f\n' "$function" "$bytes" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')"
  [ "$bytes" -le "$limit" ] || { echo "  ^ over 8 MiB"; status=1; }
done
exit $status
