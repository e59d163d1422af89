#!/usr/bin/env python3
"""Cold-start proxy for every function: process start to the first invocation answered.

Each binary is started as Lambda starts it (AWS_LAMBDA_RUNTIME_API pointing at a small local
Runtime API served here), given one invocation, and timed from the spawn to the moment its
answer (or its error) reaches the Runtime API; then it is stopped. The same server answers the
one AWS call some functions make while they start — Secrets Manager's GetSecretValue (the JSON
protocol the SDK speaks, through AWS_ENDPOINT_URL) — so nothing leaves the machine. The
reference is `r2w-hello-lambda`, the smallest lambda_runtime function, built the same way.

Usage: scripts/cold-start.py TARGET_DIR [RUNS]   (e.g. target/release 20; build first with
       `cargo build --release --bins -p r2w-tests -p r2w-auth ...`, then extract and read-text
       with their own features, see docs/benchmarks.md). extract is pointed at TARGET_DIR's
       read-text, as the template points it at its layer's.
Prints one row per function: median and p90 in milliseconds, and the median against the
reference's.
"""

import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid

# binary -> the event of its first invocation. HTTP functions get a request for a route none
# of them has (answered 404 without touching a store); tasks get an event they refuse or a
# trigger with no records: each is answered without I/O, so what is timed is the start.
HTTP_EVENT = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/v1/cold-start-probe",
    "rawQueryString": "",
    "headers": {"host": "api.example.com", "user-agent": "cold-start"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "api",
        "domainName": "api.example.com",
        "http": {"method": "GET", "path": "/v1/cold-start-probe", "protocol": "HTTP/1.1",
                 "sourceIp": "192.0.2.1", "userAgent": "cold-start"},
        "requestId": "cold-start",
        "routeKey": "$default",
        "stage": "$default",
        "time": "06/Dec/2026:12:00:00 +0000",
        "timeEpoch": 1796558400000,
    },
    "isBase64Encoded": False,
}
FUNCTIONS = {
    "r2w-hello-lambda": {"probe": True},
    "status": HTTP_EVENT,
    "auth": HTTP_EVENT,
    "upload": HTTP_EVENT,
    "portfolios": HTTP_EVENT,
    "payments": HTTP_EVENT,
    "stripe-webhook": HTTP_EVENT,
    "upload-trigger": {"Records": []},
    "build-portfolio": {"probe": True},
    "extract": {"probe": True},
}


class Runtime:
    """One invocation per process start; the times its answer arrived."""

    def __init__(self):
        self.lock = threading.Lock()
        self.event = None
        self.request_id = None
        self.answered = threading.Event()
        self.outcome = None

    def arm(self, event):
        with self.lock:
            self.event = event
            self.request_id = str(uuid.uuid4())
            self.answered.clear()
            self.outcome = None

    def take(self):
        with self.lock:
            event, self.event = self.event, None
            return event, self.request_id

    def answer(self, request_id, outcome):
        with self.lock:
            if request_id == self.request_id and self.outcome is None:
                self.outcome = (time.perf_counter(), outcome)
                self.answered.set()


RUNTIME = Runtime()


def secret_value(name):
    if name.endswith("stripe-secret-key"):
        return "sk_test_coldstartprobe"
    if name.endswith("stripe-webhook-secret"):
        return "whsec_coldstartprobe"
    return "ab" * 32


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A stopped function leaves its connections half-written: expected, not worth a trace.
        pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
    # client's delayed ACK (40 ms) on a kept-alive connection, which no AWS endpoint does. It
    # added 45 ms to the one function that makes two calls while starting (payments).
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != "/2018-06-01/runtime/invocation/next":
            return self.send(404)
        event, request_id = RUNTIME.take()
        if event is None:
            # Only one invocation per start: the process is stopped while it waits here.
            time.sleep(30)
            return self.send(204)
        self.send(200, json.dumps(event).encode(), {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 60_000),
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:probe",
            "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
        })

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = self.path.strip("/").split("/")
        if parts[:3] == ["2018-06-01", "runtime", "invocation"] and len(parts) == 5:
            RUNTIME.answer(parts[3], parts[4])
            return self.send(202, b"{}", {"Content-Type": "application/json"})
        if parts[:3] == ["2018-06-01", "runtime", "init"]:
            RUNTIME.answer(RUNTIME.request_id, "init/error: " + body.decode(errors="replace")[:200])
            return self.send(202, b"{}", {"Content-Type": "application/json"})
        if self.headers.get("X-Amz-Target") == "secretsmanager.GetSecretValue":
            name = json.loads(body or b"{}").get("SecretId", "")
            answer = {"ARN": f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{name}", "Name": name,
                      "SecretString": secret_value(name), "VersionId": "v1", "CreatedDate": 1796558400}
            return self.send(200, json.dumps(answer).encode(), {"Content-Type": "application/x-amz-json-1.1"})
        self.send(400, b'{"__type":"UnknownOperationException"}', {"Content-Type": "application/x-amz-json-1.1"})


def environment(port, target):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "R2W_"))}
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
        "AWS_LAMBDA_FUNCTION_NAME": "probe",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "cold-start",
        "AWS_SECRET_ACCESS_KEY": "cold-start",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_EC2_METADATA_DISABLED": "true",
        "R2W_BACKEND": "aws",
        "R2W_TABLE_NAME": "r2w-probe",
        "R2W_UPLOADS_BUCKET": "r2w-probe-uploads",
        "R2W_SITES_BUCKET": "r2w-probe-sites",
        "R2W_SECRETS_PREFIX": "r2w/probe/",
        "R2W_PUBLIC_URL": "https://api.example.com",
        "R2W_SITES_URL": "https://sites.example.com/",
        "R2W_APP_URL": "https://app.example.com",
        "R2W_MAIL": "ses",
        "R2W_MAIL_FROM": "Resume2Website <no-reply@example.com>",
        "R2W_STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:probe",
        "R2W_STRIPE_PRICE_ONE_TIME": "price_probe_one",
        "R2W_STRIPE_PRICE_YEARLY": "price_probe_year",
        "R2W_CHECKOUT_RETURN_URL": "https://app.example.com/checkout/return?session_id={CHECKOUT_SESSION_ID}",
        # extract's file reader, as the template points it at its layer's program.
        "R2W_TEXT_READER": os.path.abspath(os.path.join(target, "read-text")),
        "RUST_LOG": "error",
    })
    return env


def start_once(binary, event):
    # A server of its own per start: a stopped process's last long poll cannot take the next
    # start's event.
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = environment(server.server_address[1], os.path.dirname(binary))
    RUNTIME.arm(event)
    started = time.perf_counter()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if not RUNTIME.answered.wait(30):
            process.kill()
            raise SystemExit(f"{binary}: no answer in 30 s: {process.communicate()[1].decode(errors='replace')[-2000:]}")
        answered_at, outcome = RUNTIME.outcome
        if outcome.startswith("init/error"):
            raise SystemExit(f"{binary} did not start: {outcome}")
        return (answered_at - started) * 1000
    finally:
        process.kill()
        process.wait()
        server.shutdown()
        server.server_close()


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    target, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rows = []
    for name, event in FUNCTIONS.items():
        binary = os.path.join(target, name)
        if not os.path.exists(binary):
            raise SystemExit(f"{binary} is missing: build it first")
        start_once(binary, event)  # warms the page cache, as a provisioned runtime would have
        times = sorted(start_once(binary, event) for _ in range(runs))
        p90 = times[max(0, int(round(0.9 * len(times))) - 1)]
        rows.append((name, statistics.median(times), p90, os.path.getsize(binary)))
    reference = rows[0][1]
    print(f"{'function':<18} {'median ms':>10} {'p90 ms':>8} {'vs hello':>9} {'MiB':>7}")
    for name, median, p90, size in rows:
        print(f"{name:<18} {median:>10.2f} {p90:>8.2f} {median / reference:>8.2f}x {size / 1048576:>7.2f}")


if __name__ == "__main__":
    main()
