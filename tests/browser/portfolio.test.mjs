// Generated portfolio sites in real headless Chromium: accessibility (axe-core), layout at
// phone and desktop widths in light and dark, a hostile CV that must execute nothing, and
// html-validate on every page. Sites are made by the real `r2w build` (R2W_BIN).
//
// Run by scripts/test.sh after the Rust tests; screenshots go to target/browser-artifacts/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname, normalize, resolve } from "node:path";
import { launchChromium } from "./chromium.mjs";
import axe from "axe-core";
import { HtmlValidate } from "html-validate";

const root = resolve(import.meta.dirname, "../..");
const r2w = process.env.R2W_BIN ?? join(root, "target/debug/r2w");
const artifacts = join(root, "target/browser-artifacts");
const themes = ["classic", "modern", "minimal"];
const cvs = {
  long: join(root, "crates/core/tests/fixtures/cv/full-every-field.json"),
  minimal: join(root, "crates/core/tests/fixtures/cv/minimal-name-only.json"),
  hebrew: join(root, "crates/core/tests/fixtures/cv/rtl-hebrew.json"),
  hostile: join(root, "crates/sites/tests/fixtures/hostile.json"),
};
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".json": "application/json",
  ".vcf": "text/vcard", ".txt": "text/plain", ".xml": "application/xml" };

let sites, server, base, browser;

before(async () => {
  sites = mkdtempSync(join(tmpdir(), "r2w-sites-"));
  mkdirSync(artifacts, { recursive: true });
  for (const theme of themes) {
    for (const [name, cv] of Object.entries(cvs)) {
      execFileSync(r2w, ["build", cv, "--out", join(sites, theme, name), "--theme", theme]);
    }
  }
  // Served over HTTP (not file://) so the pages' Content-Security-Policy applies as online.
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(sites, path);
    if (file.endsWith("/")) file = join(file, "index.html");
    if (!file.startsWith(sites) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
  if (sites) rmSync(sites, { recursive: true, force: true });
});

for (const theme of themes) {
  for (const cv of ["long", "minimal", "hebrew"]) {
    for (const width of [375, 1280]) {
      for (const scheme of ["light", "dark"]) {
        test(`${theme} · ${cv} CV · ${width}px · ${scheme}`, async () => {
          // axe runs as injected script, which the page's CSP would block; the CSP itself is
          // exercised by the hostile CV test below.
          const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 },
            colorScheme: scheme });
          const page = await context.newPage();
          const response = await page.goto(`${base}/${theme}/${cv}/`);
          assert.equal(response.status(), 200);
          const sheets = await page.evaluate(() => document.styleSheets.length);
          assert.equal(sheets, 1, "the theme's stylesheet loaded");
          await page.addScriptTag({ content: axe.source });
          const results = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
          const serious = results.violations.filter((v) => ["serious", "critical"].includes(v.impact));
          assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), []);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `horizontal scroll of ${overflow}px`);
          await page.screenshot({ path: join(artifacts, `${theme}-${cv}-${width}-${scheme}.png`), fullPage: true });
          await context.close();
        });
      }
    }
  }
}

for (const theme of themes) {
  test(`${theme} · a hostile CV executes nothing`, async () => {
    for (const bypassCSP of [false, true]) {
      // With and without the CSP: the markup itself must be inert.
      const context = await browser.newContext({ bypassCSP, viewport: { width: 375, height: 800 } });
      const page = await context.newPage();
      const dialogs = [];
      page.on("dialog", async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
      const requests = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(`${base}/${theme}/hostile/`);
      await page.waitForLoadState("load");
      await page.mouse.move(50, 50);
      await page.mouse.move(200, 300);
      const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.type));
      assert.deepEqual(scripts, ["application/ld+json"]);
      assert.deepEqual(dialogs, []);
      const foreign = requests.filter((url) => !url.startsWith(base));
      assert.deepEqual(foreign, [], "nothing loaded from elsewhere");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `a 20,000-character word scrolls the page by ${overflow}px`);
      await context.close();
    }
  });
}

test("every generated page passes html-validate", async () => {
  // The standard rules and the document preset (a whole page: SRI on the stylesheet, a title,
  // a language).
  const presets = ["html-validate:standard", "html-validate:document"];
  const validator = new HtmlValidate({ extends: presets });
  // long-title measures the escaped source (`&#60;` is five characters); the hostile CV's title
  // is all markup characters, so only there does the page's 70-character cut not satisfy it.
  const lenient = new HtmlValidate({ extends: presets, rules: { "long-title": "off" } });
  const failures = [];
  for (const theme of themes) {
    for (const cv of Object.keys(cvs)) {
      for (const page of ["index.html", "404.html"]) {
        const file = join(sites, theme, cv, page);
        const report = await (cv === "hostile" ? lenient : validator).validateFile(file);
        for (const result of report.results) {
          for (const m of result.messages) failures.push(`${theme}/${cv}/${page}:${m.line} ${m.ruleId} ${m.message}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});
