#!/usr/bin/env bash
# Import speed of `r2w import-legacy` on the embedded default (docs/benchmarks.md, "Legacy
# import"): a legacy database of USERS accounts and CVS CVs (scripts/legacy-fixture.py), read
# and decided with --dry-run (the reference: the same reading, conversion and checks, no
# writes), then imported into a fresh data folder, then imported again (everything unchanged).
#
# usage: scripts/bench-import.sh PATH/TO/r2w [USERS] [CVS]
#   (build r2w with `cargo build --profile bench -p r2w-local --bin r2w`: target/release/r2w)
set -euo pipefail
cd "$(dirname "$0")/.."
r2w=${1:-target/release/r2w}
users=${2:-10000}
cvs=${3:-20000}
python=${R2W_TOOLS_VENV:-.venv-tools}/bin/python

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "legacy data: $users accounts, $cvs CVs"
"$python" scripts/legacy-fixture.py "$work/legacy" --users "$users" --cvs "$cvs" 2>/dev/null

run() {
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  R2W_DATA_DIR="$work/data" RUST_LOG=warn "$r2w" import-legacy --db "$work/legacy/resume2website.db" \
    --uploads "$work/legacy/uploads" "$@" > "$work/$label.txt"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n="$cvs" -v l="$label" \
    'BEGIN { t = e - s; printf "%-22s %8.1f s %10.0f CVs/s\n", l, t, n / t }'
  echo "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" > "$work/$label.seconds"
}

run "dry run (reference)" --dry-run
run "import" 
run "second run" 
awk 'BEGIN { getline r < ARGV[1]; getline i < ARGV[2]; printf "import / dry run: %.1fx the time\n", i / r }' \
  "$work/dry run (reference).seconds" "$work/import.seconds"
echo
cat "$work/import.txt"
echo "stored: $(du -sh "$work/data" | cut -f1) in $work/data"
