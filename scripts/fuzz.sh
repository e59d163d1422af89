#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for SECONDS each, seeded from the test fixtures.
#   scripts/fuzz.sh 600               # by hand: 10 minutes per target, figures to target/fuzz/logs
#   scripts/fuzz.sh 15 text_pdf       # one target
# A crash stops the run with its input under fuzz/artifacts/<target>/; turn it into a
# regression test (docs/fuzzing.md) before fixing it. Needs cargo-fuzz (make tools) and a
# nightly toolchain, or the stable one unlocked with RUSTC_BOOTSTRAP (the sanitizer flags are
# unstable).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(text_pdf text_docx text_txt heuristic json_resume cv_data stripe_signature access_token presigned_url)
fi
export PATH="$PWD/${R2W_TOOLS_VENV:-.venv-tools}/bin:$PATH"
TOOLCHAIN=()
if rustup run nightly rustc --version >/dev/null 2>&1; then
  TOOLCHAIN=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi
TARGET_DIR="$PWD/target/fuzz"
CORPUS="$TARGET_DIR/corpus"
LOGS="$TARGET_DIR/logs"
FIXTURES=functions/extract/fixtures
mkdir -p "$LOGS"

seed() { # seed <target> <files...>: the fixtures join the target's corpus
  local dir="$CORPUS/$1"
  shift
  mkdir -p "$dir"
  for file in "$@"; do [ -f "$file" ] && cp -n "$file" "$dir/" || true; done
}
seed text_pdf "$FIXTURES"/pdf/* "$FIXTURES"/bad/*
seed text_docx "$FIXTURES"/docx/*
seed text_txt "$FIXTURES"/txt/*
seed heuristic "$FIXTURES"/txt/* functions/extract/corpus/pandoc-txt/*.txt
seed json_resume fuzz/seeds/json_resume/*
seed cv_data "$FIXTURES"/truth/*.json crates/sites/tests/fixtures/*.json
for target in stripe_signature access_token presigned_url; do seed "$target"; done

cd fuzz

for target in "${TARGETS[@]}"; do
  cargo "${TOOLCHAIN[@]}" fuzz build --release --target-dir "$TARGET_DIR" "$target"
done
status=0
for target in "${TARGETS[@]}"; do
  log="$LOGS/$target.log"
  # -timeout: one input taking longer is a hang; -rss_limit_mb: the Lambda's memory.
  if cargo "${TOOLCHAIN[@]}" fuzz run --release --target-dir "$TARGET_DIR" "$target" "$CORPUS/$target" -- \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=1024 -max_len=262144 -print_final_stats=1 \
    >"$log" 2>&1; then
    outcome=ok
  else
    outcome=CRASH
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  corpus=$(find "$CORPUS/$target" -type f | wc -l)
  printf '%-18s %-5s %10s executions in %4s s, corpus %5s\n' "$target" "$outcome" "$runs" "$SECONDS_EACH" "$corpus"
  if [ "$outcome" = CRASH ]; then
    grep -E 'panicked|ERROR: |SUMMARY|Test unit written' "$log" | head -n 8 | sed 's/^/    /'
  fi
done
exit $status
