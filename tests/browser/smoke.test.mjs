// scripts/smoke.sh, the check run after every deployment: green against `r2w serve`, and red
// with the failing step and its reason against stand-ins that answer wrongly.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { app, root, startApp, stopApp } from "./app-harness.mjs";

const smoke = (base) =>
  new Promise((resolve) => {
    const run = spawn("bash", [join(root, "scripts/smoke.sh"), base], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    run.stdout.on("data", (chunk) => (stdout += chunk));
    run.stderr.on("data", (chunk) => (stderr += chunk));
    run.on("close", (code) => resolve({ code, stdout, stderr }));
  });

/// A server that answers every request with `answer(req)`: [status, body].
async function standIn(answer) {
  const server = createServer((req, res) => {
    const [status, body] = answer(req);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}

before(() => startApp({}, { browser: false }));
after(stopApp);

test("green against r2w serve: every step timed, the throwaway account deleted", async () => {
  const { code, stdout, stderr } = await smoke(app.base);
  assert.equal(code, 0, stderr);
  for (const step of ["health", "sign up a throwaway account", "upload a CV", "wait for the preview", "fetch the preview",
    "delete the account"]) {
    assert.match(stdout, new RegExp(`smoke: ${step} +\\d+ ms`), `${step} is timed`);
  }
  assert.match(stdout, /smoke: passed in \d+ ms/);
});

test("red when the server answers wrongly, naming the step and the reason", async () => {
  // Healthy, but sign-up is broken.
  const broken = await standIn((req) =>
    req.url === "/v1/health" ? [200, { status: "ok", checks: [] }] : [500, { title: "Internal Server Error" }]);
  try {
    const { code, stderr } = await smoke(broken.base);
    assert.equal(code, 1);
    assert.match(stderr, /smoke: FAILED at sign up a throwaway account: POST .*\/v1\/auth\/register answered 500, not 201/);
  } finally {
    await broken.close();
  }

  // The job fails: its reason is passed on, and the throwaway account is still deleted.
  const deleted = [];
  const failing = await standIn((req) => {
    if (req.url === "/v1/health") return [200, { status: "ok" }];
    if (req.url === "/v1/auth/register") return [201, { access_token: "t" }];
    if (req.url === "/v1/uploads") return [201, { job_id: "j1", url: `${failing.base}/put`, method: "PUT", headers: {} }];
    if (req.url === "/put") return [200, {}];
    if (req.url === "/v1/jobs/j1") return [200, { status: "failed", error: { reason: "the file is not a CV" } }];
    if (req.url === "/v1/auth/me" && req.method === "DELETE") return (deleted.push(1), [204, null]);
    return [404, {}];
  });
  try {
    const { code, stderr } = await smoke(failing.base);
    assert.equal(code, 1);
    assert.match(stderr, /FAILED at wait for the preview: the job failed: the file is not a CV/);
    assert.match(stderr, /the throwaway account was deleted/);
    assert.equal(deleted.length, 1);
  } finally {
    await failing.close();
  }

  // Nothing answers at all.
  const { code, stderr } = await smoke("http://127.0.0.1:9");
  assert.equal(code, 1);
  assert.match(stderr, /FAILED at health: GET .*\/v1\/health could not be reached/);
});
