#!/usr/bin/env bash
# The size of every function `sam build` packaged (.aws-sam/build/<Function>/bootstrap) and of
# every program a layer holds (.aws-sam/build/<Layer>/bin/*), and whether each meets the 8 MiB
# goal (docs/benchmarks.md records the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((8 * 1024 * 1024))
status=0
printf '%-32s %10s %8s\n' binary bytes MiB
shopt -s nullglob
binaries=(.aws-sam/build/*/bootstrap .aws-sam/build/*/bin/*)
[ ${#binaries[@]} -gt 0 ] || { echo "nothing packaged: run make package"; exit 1; }
for binary in "${binaries[@]}"; do
  name=${binary#.aws-sam/build/}
  name=${name%/bootstrap}
  bytes=$(stat -c %s "$binary")
  printf '%-32s %10d %8.2f\n' "$name" "$bytes" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')"
  [ "$bytes" -le "$limit" ] || { echo "  ^ over 8 MiB"; status=1; }
done
exit $status
