#!/usr/bin/env python3
"""Load benchmark of `r2w serve` on this machine (docs/benchmarks.md, "Pipeline spine").

1. GET /v1/jobs/{id} (bearer token: signature check, account read, job read) at 64 connections
   with wrk, side by side with the reference: a static preview file from the same server (no
   auth, no table) under the same load.
2. Upload-complete -> preview-ready latency with the heuristic extractor: the time from the PUT
   of the file's answer to the job reading `ready`, polled every 2 ms, over 30 uploads.

Usage: scripts/bench-serve.py PATH/TO/r2w   (build it with `cargo build --profile bench -p r2w-local --bin r2w`: target/release/r2w)
Needs wrk (Debian package `wrk`).
"""
import json, os, re, socket, statistics, subprocess, sys, tempfile, time, urllib.request

R2W = sys.argv[1] if len(sys.argv) > 1 else "target/release/r2w"
CV = "functions/extract/fixtures/txt/01-en-classic.txt"
UPLOADS = 30


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def call(method, url, body=None, token=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text and response.headers.get("content-type", "").startswith("application/json") else text


def wrk(url, token=None):
    args = ["wrk", "-t2", "-c64", "-d10s", "--latency", url]
    if token:
        args[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return latency, rps, out


def ms(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main():
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tempfile.mkdtemp(prefix="r2w-bench-")
    env = dict(os.environ, R2W_LOG_FORMAT="text", RUST_LOG="warn", ANTHROPIC_API_KEY="")
    server = subprocess.Popen([R2W, "serve", "--port", str(port), "--data-dir", data], env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/v1/jobs"); break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        user = call("POST", base + "/v1/auth/register",
                    {"email": "bench@example.com", "password": "violet-teapot-rainfall-93", "full_name": "Bench"})
        token = user["access_token"]
        body = open(CV, "rb").read()
        ready, first_job, preview = [], None, None
        for _ in range(UPLOADS):
            ticket = call("POST", base + "/v1/uploads",
                          {"filename": "cv.txt", "content_type": "text/plain", "size": len(body)}, token)
            call("PUT", ticket["url"], raw=body, headers=ticket["headers"])
            uploaded = time.perf_counter()
            while True:
                job = call("GET", f"{base}/v1/jobs/{ticket['job_id']}", token=token)
                if job["status"] in ("ready", "failed"):
                    break
                time.sleep(0.002)
            ready.append((time.perf_counter() - uploaded) * 1000)
            assert job["status"] == "ready", job
            first_job, preview = first_job or ticket["job_id"], job["links"]["preview"]

        ref_lat, ref_rps, _ = wrk(preview)
        api_lat, api_rps, _ = wrk(f"{base}/v1/jobs/{first_job}", token)
        ready.sort()
        print("\nGET /v1/jobs/{id} at 64 connections, 10 s, wrk -t2 (client and server share the 2 cores)\n")
        print("| what | p50 | p99 | requests/s |")
        print("| --- | ---: | ---: | ---: |")
        print(f"| static preview file, same server (reference) | {ms(ref_lat['50']):.2f} ms | {ms(ref_lat['99']):.2f} ms | {ref_rps:,.0f} |")
        print(f"| GET /v1/jobs/{{id}} (token, account, job) | {ms(api_lat['50']):.2f} ms | {ms(api_lat['99']):.2f} ms | {api_rps:,.0f} |")
        print(f"\njobs API / static file: {api_rps / ref_rps:.2f}x the rate")
        print(f"\nUpload-complete -> preview-ready, heuristic extractor, {UPLOADS} uploads: "
              f"p50 {statistics.median(ready):.1f} ms, max {ready[-1]:.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
