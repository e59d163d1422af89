#!/usr/bin/env bash
# What the optimisation level costs the CPU-bound work of the functions, to choose the release
# profile's levels by measurement (docs/benchmarks.md, "Size against speed"):
#   auth            login p50 (argon2id)        cargo bench -p r2w-auth --bench auth
#   extract         PDF text per file, whole process, beside poppler; heuristic p50
#   build-portfolio site render, whole process and in process
#
#   scripts/bench-opt-levels.sh LEVEL...
#
# LEVEL is 3, s or z (everything at that level), or `release` (the release profile's levels as
# checked in: its opt-level and its per-package overrides). Each level is a full build of the
# three benches in the bench profile (no LTO), so give it time: ~30 min per level on 2 cores.
# Prints each bench's tables under a heading per level; run the levels in one invocation so
# they share the machine's state.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 LEVEL... (3, s, z, release)" >&2; exit 2; }

for level in "$@"; do
  case "$level" in
    3) value=3 ;;
    s | z) value="\"$level\"" ;;
    release)
      # The bench profile is at 3; the release profile's own level, with its per-package
      # overrides (the bench profile inherits them), is what ships, less the LTO.
      value=$(sed -n '/^\[profile\.release\]$/,/^\[/ s/^opt-level = //p' Cargo.toml) ;;
    *) echo "unknown level $level (3, s, z, release)" >&2; exit 2 ;;
  esac
  config=(--config "profile.bench.opt-level=$value")
  if [ "$level" != release ]; then
    # The release profile's per-package overrides would keep their own levels: clear them, so
    # "3", "s" and "z" mean the whole program at that level.
    while read -r package; do
      config+=(--config "profile.bench.package.$package.opt-level=$value")
    done < <(sed -n 's/^\[profile\.release\.package\.\([A-Za-z0-9_-]*\)\]$/\1/p' Cargo.toml)
  fi
  echo "## opt-level $level"
  # One package at a time, built before it runs: a build of the three together would resolve
  # other features than each bench's own, and cargo would build each again to run it.
  for bench in "-p r2w-auth --bench auth" "-p r2w-extract --bench extraction" "-p r2w-sites --bench render"; do
    # shellcheck disable=SC2086
    cargo bench "${config[@]}" $bench --no-run --quiet 2>/dev/null
    # shellcheck disable=SC2086
    cargo bench "${config[@]}" $bench --quiet 2>/dev/null
  done
  echo
done
