#!/usr/bin/env bash
# `cargo lambda watch` end to end: every HTTP function behind the emulator's router on the
# embedded default, the pipeline running the real `extract` and `build-portfolio` functions
# through the emulator's Invoke API. A CV goes in through the API; its preview must come out
# served under /sites/ with the person's name on it. Needs port 9000 (the watch settings in
# Cargo.toml name it). The functions run with their `embedded` feature: a Lambda build has no
# one-machine adapters. extract reads the CV through a read-text child, as on Lambda.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=${R2W_TOOLS_VENV:-.venv-tools}
export PATH="$PWD/$tools/bin:$PATH"
base=http://127.0.0.1:9000
cv=functions/extract/fixtures/pdf/01-en-classic.pdf
name=$(python3 -c 'import json; print(json.load(open("functions/extract/fixtures/truth/01-en-classic.json"))["hero"]["fullName"])')

if curl -s -o /dev/null "$base/"; then
  echo "port 9000 is taken: stop what listens there (another cargo lambda watch?)" >&2
  exit 1
fi
# Built here, before the emulator starts, so the first request does not wait for a compile.
cargo build --quiet --workspace --bins --features embedded
data=$(mktemp -d)
log=target/watch.log
# Its own process group, so the emulator and every function it started stop together.
R2W_DATA_DIR="$data" R2W_TEXT_READER="$PWD/target/debug/read-text" setsid cargo lambda watch --features embedded --ignore-changes > "$log" 2>&1 &
watch_pid=$!
trap 'kill -- "-$watch_pid" 2>/dev/null || true; wait "$watch_pid" 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 1 300); do
  curl -s -o /dev/null "$base/upload.js" && break
  kill -0 "$watch_pid" 2>/dev/null || { echo "cargo lambda watch did not start:"; cat "$log"; exit 1; }
  sleep 0.5
done

fail() { echo "FAIL: $1" >&2; echo "--- $log" >&2; tail -n 60 "$log" >&2; exit 1; }

preview=$(target/debug/r2w demo "$cv" --server "$base") || fail "the demo flow (register, upload, job) did not finish"
case "$preview" in "http://localhost:9000/sites/previews/"*) ;; *) fail "the preview URL is not under the watch sites URL: $preview" ;; esac
html=$(curl -sf "$preview") || fail "the preview $preview is not served"
grep -qF "$name" <<< "$html" || fail "the preview does not show $name"
curl -sf "$base/cvs/any" | grep -qF '<div id="app">' || fail "the web app is not served at $base"
echo "ok: cargo lambda watch: $cv -> $preview (shows $name); the app is served"

# What the blob endpoint refuses there too: a tampered presigned URL.
status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary x "$base/_blobs/uploads/x?sig=forged")
[ "$status" = 403 ] || fail "a forged blob URL got $status, not 403"
echo "ok: cargo lambda watch: a forged presigned URL -> 403"
