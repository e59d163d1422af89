#!/usr/bin/env bash
# Smoke test of a running deployment, from outside, as a person would use it: the health route,
# a throwaway account, a small CV uploaded through a presigned URL, its preview built and
# served with the name on it, then the account deleted (also when a step fails). Prints each
# step's time; exits non-zero with the step and the reason on any failure.
#   scripts/smoke.sh https://d1234.cloudfront.net     (a stack: its AppUrl output)
#   scripts/smoke.sh http://127.0.0.1:8080            (r2w serve)
# Python's standard library only: runs anywhere python3 does.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: scripts/smoke.sh BASE_URL" >&2
  exit 2
fi
exec python3 - "$1" <<'PY'
import json
import secrets
import sys
import time
import urllib.error
import urllib.request

BASE = sys.argv[1].rstrip("/")
NAME = "Avery Smoketest"
CV = (f"{NAME}\nSite reliability engineer\navery.smoketest@example.com\n\nExperience\n"
      "Northwind Freight, Site reliability engineer, 2019 - present\n").encode()
TIMEOUT = 20


class Failed(Exception):
    pass


def call(method, url, body=None, token=None, raw=None, headers=None, expect=(200,)):
    url = url if url.startswith("http") else BASE + url
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        raise Failed(f"{method} {url.split('?')[0]} could not be reached: {e}") from e
    if status not in expect:
        detail = text[:300].decode("utf-8", "replace")
        raise Failed(f"{method} {url.split('?')[0]} answered {status}, not {'/'.join(map(str, expect))}: {detail}")
    return text


def as_json(text, what):
    try:
        return json.loads(text) if text else None
    except ValueError as e:
        raise Failed(f"{what} is not JSON: {text[:120]!r}") from e


timings = []


def step(name, work):
    started = time.monotonic()
    try:
        result = work()
    except Failed as e:
        raise Failed(f"{name}: {e}") from e
    timings.append((name, time.monotonic() - started))
    print(f"smoke: {name:<28} {1000 * timings[-1][1]:8.0f} ms", flush=True)
    return result


def health():
    answer = as_json(call("GET", "/v1/health"), "the health answer")
    if not isinstance(answer, dict) or answer.get("status") != "ok":
        raise Failed(f"not healthy: {answer}")


def register():
    email = f"smoke-{secrets.token_hex(6)}@example.com"
    body = {"email": email, "password": secrets.token_urlsafe(24), "full_name": NAME}
    answer = as_json(call("POST", "/v1/auth/register", body, expect=(201,)), "the sign-up answer")
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not token:
        raise Failed("the sign-up answer has no access token")
    return token


def upload(token):
    ticket = as_json(call("POST", "/v1/uploads", {"filename": "smoke.txt", "content_type": "text/plain",
                                                   "size": len(CV)}, token, expect=(201,)), "the upload ticket")
    call(ticket.get("method", "PUT"), ticket["url"], raw=CV, headers=ticket.get("headers") or {}, expect=(200, 204))
    return ticket["job_id"]


def built(token, job_id):
    deadline = time.monotonic() + 180
    while True:
        job = as_json(call("GET", f"/v1/jobs/{job_id}", token=token), "the job")
        if job.get("status") == "ready":
            preview = (job.get("links") or {}).get("preview")
            if not preview:
                raise Failed("the job is ready but names no preview")
            return preview
        if job.get("status") == "failed":
            raise Failed(f"the job failed: {(job.get('error') or {}).get('reason', 'no reason given')}")
        if time.monotonic() > deadline:
            raise Failed(f"the job is still {job.get('status')} after 180 s")
        time.sleep(0.5)


def preview(url):
    page = call("GET", url).decode("utf-8", "replace")
    if NAME not in page:
        raise Failed("the preview does not show the CV's name")


def delete(token):
    call("DELETE", "/v1/auth/me", token=token, expect=(204,))


token = None
try:
    step("health", health)
    token = step("sign up a throwaway account", register)
    job = step("upload a CV", lambda: upload(token))
    url = step("wait for the preview", lambda: built(token, job))
    step("fetch the preview", lambda: preview(url))
    step("delete the account", lambda: delete(token))
    token = None
    total = sum(t for _, t in timings)
    print(f"smoke: passed in {1000 * total:.0f} ms against {BASE}")
except Failed as e:
    print(f"smoke: FAILED at {e}", file=sys.stderr)
    sys.exit(1)
finally:
    if token:
        # Leave nothing behind: the throwaway account goes even when a step failed.
        try:
            delete(token)
            print("smoke: the throwaway account was deleted", file=sys.stderr)
        except Failed as e:
            print(f"smoke: could not delete the throwaway account: {e}", file=sys.stderr)
PY
