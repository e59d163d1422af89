#!/usr/bin/env bash
# The whole check: formatting, lints, and every test. The AWS adapters are tested against a
# local moto server, started here on a free loopback port and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=${R2W_TOOLS_VENV:-.venv-tools}
python=${PYTHON:-python3}

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

# Licences, banned crates and sources (advisories need the RustSec database from GitHub,
# which this network cannot reach: docs/security.md).
echo "== web app: eslint, API types from docs/openapi.json, svelte-check, build"
(cd web && npm run lint && npm run build)

echo "== actionlint (.github/workflows)"
"$tools/bin/actionlint" .github/workflows/*.yml

echo "== cargo deny (licences, bans, sources)"
"$tools/bin/cargo-deny" check --hide-inclusion-graph licenses bans sources

# Offline: no credentials, a dummy region. No rule is suppressed; warnings fail too.
echo "== template.yaml: cfn-lint and sam validate --lint"
sam=${R2W_SAM_VENV:-.venv-sam}
"$sam/bin/cfn-lint" template.yaml infra/ci/github-deploy-role.yaml
SAM_CLI_TELEMETRY=0 "$sam/bin/sam" validate --lint --region us-east-1 --template template.yaml

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p target
echo "== moto server (local AWS) on 127.0.0.1:$port"
# MOTO_PORT must equal the port: Step Functions calls back into the server.
MOTO_PORT=$port "$tools/bin/moto_server" -H 127.0.0.1 -p "$port" > target/moto.log 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if "$python" -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then
    break
  fi
  kill -0 "$moto_pid" 2>/dev/null || { echo "moto server did not start:"; cat target/moto.log; exit 1; }
  sleep 0.2
done

# Dummy credentials: nothing here may reach real AWS.
export R2W_TEST_AWS_ENDPOINT="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

echo "== make deploy's web upload against the emulator (cache headers, order of writes)"
"$sam/bin/python" scripts/deploy-web.py --self-test

echo "== tests (contract suites run on both adapters; each test name says which)"
# What the scenarios log goes to target/test-logs (r2w_tests::record_logs), for the secrets scan.
rm -rf target/test-logs && mkdir -p target/test-logs
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast --status-level pass --final-status-level fail 2>&1 \
    | tee target/test-logs/nextest.log
else
  cargo test --workspace --no-fail-fast 2>&1 | tee target/test-logs/cargo-test.log
fi

echo "== browser tests (headless Chromium: the app's journeys, axe-core, layout, hostile CV, html-validate)"
# `--tests` gives the build the features the test build had (dev-dependencies included), so this
# finds the programs already built; plain `--bins` unified other features and built all of them
# again (7 minutes and 1.6 GB on a fresh clone).
cargo build --quiet --workspace --bins --tests
R2W_BIN="$PWD/target/debug/r2w" node --test --test-reporter=spec tests/browser/

# CI's disk: the test programs (about 2 GB) are done with, and the watch build next builds every
# function again with its `embedded` feature. The libraries stay, so nothing else rebuilds.
if [ -n "${R2W_CI:-}" ]; then find target/debug/deps -maxdepth 1 -type f -perm -u+x ! -name '*.so' -delete; fi

echo "== cargo lambda watch end to end (the functions behind the emulator, pipeline included)"
scripts/watch-e2e.sh

echo "== every function binary starts on its cloud configuration and answers (scripts/cold-start.py, a local Runtime API)"
"$python" scripts/cold-start.py target/debug 1

echo "== schemathesis against r2w serve (docs/openapi.json; no 5xx, no answer off the document)"
scripts/api-fuzz.sh

echo "== secrets scan (the repository, and the logs of this run)"
"$python" scripts/secrets-scan.py --self-test
"$python" scripts/secrets-scan.py target/test-logs/* target/watch.log target/moto.log

# CI's disk holds one cold build at a time: the debug build is done with, the fuzz build is next.
if [ -n "${R2W_CI:-}" ]; then rm -rf target/debug; fi

echo "== fuzz smoke run (every target, ${R2W_FUZZ_SECONDS:-10} s each; long runs: scripts/fuzz.sh 600)"
scripts/fuzz.sh "${R2W_FUZZ_SECONDS:-10}"
