// What the web app's browser suites share: `r2w serve` on the embedded default in a fresh
// data folder, headless Chromium, a person's first steps (sign up, sign in, upload), and the
// checks every screen gets (axe-core serious/critical, no sideways scroll, a screenshot).
// Each suite file is its own process with its own server (and so its own sign-up limits).

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import http from "node:http";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import axe from "axe-core";
import lighthouse from "lighthouse";
import { chromium } from "playwright-core";
import { args, executablePath, launchChromium } from "./chromium.mjs";

export const root = resolve(import.meta.dirname, "../..");
export const artifacts = join(root, "target/browser-artifacts");
export const pdf = join(root, "functions/extract/fixtures/pdf/01-en-classic.pdf");
export const password = "correct horse battery staple 42";
const r2w = process.env.R2W_BIN ?? join(root, "target/debug/r2w");

/// The running app: `base` (its URL), `data` (its folder), `browser`, and the server's log.
export const app = { base: "", data: "", browser: null, log: "", process: null };

export const freePort = () =>
  new Promise((ok, fail) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
    probe.on("error", fail);
  });

/// Starts `r2w serve` with `env` added to this process's environment, and Chromium (unless
/// `browser` is false).
export async function startApp(env = {}, { browser = true } = {}) {
  mkdirSync(artifacts, { recursive: true });
  app.data = mkdtempSync(join(tmpdir(), "r2w-app-"));
  const port = await freePort();
  app.base = `http://127.0.0.1:${port}`;
  app.process = spawn(r2w, ["serve", "--port", String(port), "--data-dir", app.data], {
    env: { ...process.env, RUST_LOG: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.process.stderr.on("data", (chunk) => (app.log += chunk));
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${app.base}/v1/health`).then((r) => r.ok, () => false);
    if (up) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  if (browser) app.browser = await launchChromium();
  return app;
}

/// Where `r2w serve` publishes the site at `slug`: a host of its own under localhost.
export const siteUrl = (slug) => `http://${slug}.localhost:${new URL(app.base).port}/`;

/// GET `url` as a browser would, every name under localhost being this machine (Chromium knows
/// that; Node's resolver does not, and fetch ignores a Host header): `{ status, text }`.
export function getLocal(url) {
  const lookup = (_name, options, done) =>
    options.all ? done(null, [{ address: "127.0.0.1", family: 4 }]) : done(null, "127.0.0.1", 4);
  return new Promise((ok, fail) => {
    http
      .get(url, { lookup }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => ok({ status: response.statusCode, text }));
      })
      .on("error", fail);
  });
}

/// Lighthouse's report of `url` in `categories`, from a Chromium of its own.
export async function lighthouseReport(url, categories) {
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), "r2w-lighthouse-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: [...args, `--remote-debugging-port=${port}`],
  });
  try {
    const { lhr } = await lighthouse(url, { port, output: "json", logLevel: "error", onlyCategories: categories });
    return lhr;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/// What kept each category of `lhr` below 1: the failed audits' ids.
export const shortfalls = (lhr, category) =>
  lhr.categories[category].auditRefs
    .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
    .map((ref) => ref.id);

export async function stopApp() {
  await app.browser?.close();
  app.process?.kill();
  if (app.data) rmSync(app.data, { recursive: true, force: true });
  if (process.exitCode) process.stderr.write(app.log.slice(-4000));
}

/// A page that fails the test on any uncaught error, and remembers every 401 the app received.
export async function openApp({ width = 1280, scheme = "light" } = {}) {
  const context = await app.browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
  const page = await context.newPage();
  page.errors = [];
  page.unauthorized = [];
  page.refreshes = 0;
  page.on("pageerror", (error) => page.errors.push(error.message));
  page.on("console", (message) => message.type() === "error" && page.errors.push(message.text()));
  page.on("response", (response) => {
    if (response.status() === 401) page.unauthorized.push(response.url());
    if (response.url().endsWith("/v1/auth/refresh") && response.ok()) page.refreshes += 1;
  });
  return { context, page };
}

/// No serious or critical axe violation; no horizontal scroll.
export async function accessible(page, label) {
  const name = label.replace(/[^a-z0-9]+/gi, "-");
  await page.screenshot({ path: join(artifacts, `app-${name}.png`), fullPage: true });
  // axe-core is injected through the protocol (not a script tag): the app's CSP stays on.
  await page.evaluate(axe.source);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = results.violations.filter((v) => ["serious", "critical"].includes(v.impact));
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], `axe on ${label}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${label} scrolls sideways by ${overflow}px`);
}

/// `accessible` at 375 and 1280 px, light and dark, on the screen `open` reaches in a page.
export async function accessibleEverywhere(label, open) {
  for (const width of [375, 1280]) {
    for (const scheme of ["light", "dark"]) {
      const { context, page } = await openApp({ width, scheme });
      try {
        await open(page);
        await accessible(page, `${label} ${width} ${scheme}`);
      } finally {
        await context.close();
      }
    }
  }
}

export async function signUp(page, email, name = "Ada Lovelace") {
  await page.goto(`${app.base}/`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Your CVs" }).waitFor();
}

/// Signing in again rather than up: the server allows 10 sign-ups an hour from one address,
/// and every journey here comes from 127.0.0.1.
export async function signIn(page, email) {
  await page.goto(`${app.base}/signin`);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your CVs" }).waitFor();
}

export async function uploadPdf(page, file = pdf) {
  await page.getByLabel("Choose a file").setInputFiles(file);
  await page.getByRole("list", { name: "Progress" }).waitFor();
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor({ timeout: 60_000 });
  return new URL(page.url()).pathname.split("/").pop();
}

export const preview = (page) => page.frameLocator('iframe[title="Preview of your site"]');
