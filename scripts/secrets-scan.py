#!/usr/bin/env python3
"""Secrets scan: no key, token or password in the repository, nor in the logs of a test run.

  scripts/secrets-scan.py [LOG ...]     the repo (git ls-files) and these logs
  scripts/secrets-scan.py --self-test   plants each kind of secret and checks it is found

In the repository, only real credentials' shapes count (live Stripe keys, Anthropic API keys,
AWS access keys, private keys, GitHub tokens): the tests' made-up values are fine there. In
logs, anything secret counts, made up or not: access and refresh tokens (JWT shape), bearer
headers, Stripe and Anthropic keys of any mode, webhook secrets, and every password and secret
value the test suite itself uses (read from the test sources, so a new one is covered).
Exit status 1 with each finding (file:line and the kind, never the value) when anything is found.
"""

import os
import re
import subprocess
import sys
import tempfile

REAL = {
    "Stripe live key": r"\b[rs]k_live_[0-9A-Za-z]{10,}",
    "Anthropic API key": r"\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{20,}",
    "AWS access key id": r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    "private key": r"-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----",
    "GitHub token": r"\bgh[pousr]_[A-Za-z0-9]{36}\b",
    "Slack token": r"\bxox[abpr]-[A-Za-z0-9-]{10,}",
}
IN_LOGS = {
    "JSON web token": r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    "bearer credentials": r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{16,}",
    "Stripe key": r"\b[rs]k_(?:test|live)_[0-9A-Za-z_]{8,}",
    "Stripe webhook secret": r"\bwhsec_[0-9A-Za-z_]{8,}",
    "Anthropic key": r"\bsk-ant-[A-Za-z0-9_-]{8,}",
    "refresh token": r"\br2w_rt_[A-Za-z0-9_-]{16,}",
    "single-use token": r"\br2w_ot_[A-Za-z0-9_-]{16,}",
    "TOTP secret": r"(?i)\botpauth://|[?&]secret=[A-Z2-7]{16,}",
    "recovery code": r"\b[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}\b",
}
# Where the suite's own passwords and secret values are written.
TEST_SOURCES = re.compile(r"(^|/)(tests?|benches)/|\.rs$|\.py$|\.mjs$|\.sh$")
TEST_VALUES = [
    re.compile(r"(?i)\"password\"\s*:\s*\"([^\"]{8,})\""),
    re.compile(r"(?i)(?:PASSWORD|SECRET|TOKEN|_KEY)\s*:\s*&str\s*=\s*\"([^\"]{8,})\""),
    re.compile(r"\"((?:sk|rk)_test_[0-9A-Za-z_]{6,}|whsec_[0-9A-Za-z_]{6,}|sk-ant-[A-Za-z0-9_-]{6,})\""),
]
# Made-up values that are also ordinary words in logs.
NOT_SECRETS = {"testing"}


def tracked_files():
    names = subprocess.run(["git", "ls-files", "-z"], check=True, capture_output=True).stdout.split(b"\0")
    return [n.decode() for n in names if n and os.path.isfile(n)]


def read(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None  # binary (PDF, DOCX, images)
    return data.decode("utf-8", "replace")


def test_values(files):
    values = set()
    for path in files:
        if not TEST_SOURCES.search(path):
            continue
        text = read(path) or ""
        for pattern in TEST_VALUES:
            values.update(m.group(1) for m in pattern.finditer(text))
    # Names of secrets (`anthropic-api-key`) are not secrets: logs may say which one is missing.
    return sorted(v for v in values - NOT_SECRETS if len(v) >= 8 and not re.fullmatch(r"[a-z-]+", v))


def scan(path, text, patterns, literals=()):
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        for kind, pattern in patterns.items():
            if re.search(pattern, line):
                findings.append(f"{path}:{number}: {kind}")
        for value in literals:
            if value in line:
                findings.append(f"{path}:{number}: a secret value of the test suite")
    return findings


def run(logs, files=None):
    files = tracked_files() if files is None else files
    findings = []
    for path in files:
        if path == "scripts/secrets-scan.py":
            continue  # its own patterns
        text = read(path)
        if text is not None:
            findings += scan(path, text, REAL)
    literals = test_values(files)
    every = {**REAL, **IN_LOGS}
    for log in logs:
        text = read(log)
        if text is not None:
            findings += scan(log, text, every, literals)
    return findings, literals


def self_test():
    fake_jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMTIzNCJ9.c2lnbmF0dXJlc2lnbmF0dXJl"
    planted = {
        "JSON web token": f'{{"message":"issued","token":"{fake_jwt}"}}',
        "bearer credentials": "authorization: Bearer abcdefghijklmnopqrstuvwxyz012345",
        "Stripe key": "key=sk_test_" + "a1b2c3d4e5f6",
        "Stripe webhook secret": "secret whsec_" + "abcdefgh1234",
        "Anthropic key": "x-api-key: sk-ant-" + "test-something-long",
        "refresh token": "refresh=r2w_rt_" + "0123456789abcdefghij",
        "single-use token": "link https://app/verify-email#token=r2w_ot_" + "0123456789abcdefghij",
        "TOTP secret": "uri otpauth" + "://totp/R2W:ada?secret=JBSWY3DPEHPK3PXP",
        "recovery code": "codes: 7k2m-" + "q9zx-4hn0-wt3r",
        "AWS access key id": "AKIA" + "ABCDEFGHIJKLMNOP",
        "private key": "-----BEGIN " + "PRIVATE KEY-----",
        "a secret value of the test suite": "login with violet-" + "teapot-rainfall-93",
    }
    with tempfile.TemporaryDirectory() as dir:
        source = os.path.join(dir, "tests", "x.rs")
        os.makedirs(os.path.dirname(source))
        with open(source, "w") as f:
            f.write('const PASSWORD: &str = "violet-' + 'teapot-rainfall-93";\n')
        missed = []
        for kind, line in planted.items():
            log = os.path.join(dir, "test.log")
            with open(log, "w") as f:
                f.write('{"message":"request handled","status":200}\n' + line + "\n")
            findings, _ = run([log], files=[source])
            if not any(f.endswith(kind) for f in findings):
                missed.append(kind)
        clean = os.path.join(dir, "clean.log")
        with open(clean, "w") as f:
            f.write('{"message":"account registered","user":"u_1","request_id":"abc"}\n')
        false_alarms, _ = run([clean], files=[source])
    if missed or false_alarms:
        print(f"secrets scan self-test failed: missed {missed}, false alarms {false_alarms}")
        return 1
    print(f"secrets scan self-test: {len(planted)} planted kinds found, a clean log passes")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    findings, literals = run(argv[1:])
    for finding in findings:
        print(finding)
    print(f"secrets scan: {len(tracked_files())} files and {len(argv) - 1} logs, "
          f"{len(literals)} test-suite values looked for: {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
