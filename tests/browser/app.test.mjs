// The web app in real headless Chromium against `r2w serve` on the embedded default, each
// journey from a person's side and driven by role and label: sign up, upload a PDF, watch the
// steps, edit, save, see the preview change; a reload keeps the session; access tokens lapse
// (10 s here) without the person noticing; another theme; a bad file; someone else's CV.
// Every screen is checked with axe-core at 375 and 1280 px, light and dark.
//
// Run by scripts/test.sh (web/dist built first); screenshots go to target/browser-artifacts/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { args, executablePath } from "./chromium.mjs";
import lighthouse from "lighthouse";
import {
  accessible, app, artifacts, freePort, openApp, password, pdf, preview, signIn, signUp, startApp, stopApp, uploadPdf,
} from "./app-harness.mjs";

const TOKEN_SECONDS = 10;

let base, data, github;

/// A stand-in for GitHub's OAuth app endpoints and REST API, speaking their protocol: the
/// authorize redirect, the code exchange (client secret and PKCE verifier checked), /user and
/// /user/emails with the bearer token it issued.
function fakeGitHub() {
  const codes = new Map();
  const token = "gho_browser_test_token";
  return createHttpServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const json = (status, body) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (url.pathname === "/login/oauth/authorize") {
      const code = `code-${codes.size + 1}`;
      codes.set(code, url.searchParams.get("code_challenge"));
      const back = new URL(url.searchParams.get("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state"));
      return res.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      return req.on("end", () => {
        const form = new URLSearchParams(body);
        const challenge = codes.get(form.get("code"));
        const verified = challenge &&
          createHash("sha256").update(form.get("code_verifier") ?? "").digest("base64url") === challenge;
        codes.delete(form.get("code"));
        if (form.get("client_id") !== "browser-client" || form.get("client_secret") !== "browser-secret" || !verified) {
          return json(200, { error: "bad_verification_code" });
        }
        json(200, { access_token: token, token_type: "bearer", scope: "read:user,user:email" });
      });
    }
    if (req.headers.authorization !== `Bearer ${token}`) return json(401, { message: "Bad credentials" });
    if (url.pathname === "/user") return json(200, { id: 9001, login: "octo-ada", name: "Octo Ada" });
    if (url.pathname === "/user/emails") return json(200, [{ email: "octo@example.com", primary: true, verified: true }]);
    json(404, { message: "Not Found" });
  });
}

before(async () => {
  github = fakeGitHub();
  await new Promise((ok) => github.listen(0, "127.0.0.1", ok));
  const githubUrl = `http://127.0.0.1:${github.address().port}`;
  await startApp({
    R2W_ACCESS_TOKEN_SECONDS: String(TOKEN_SECONDS),
    R2W_OAUTH_GITHUB_CLIENT_ID: "browser-client",
    OAUTH_GITHUB_CLIENT_SECRET: "browser-secret",
    R2W_OAUTH_GITHUB_URL: githubUrl,
    R2W_OAUTH_GITHUB_API_URL: githubUrl,
  });
  ({ base, data } = app);
});

after(async () => {
  await stopApp();
  github?.close();
});

let firstCvId;

test("sign up, upload a PDF, watch the steps, edit the title and add a job: the preview shows both", async () => {
  const { context, page } = await openApp();
  await signUp(page, "ada@example.com");
  firstCvId = await uploadPdf(page);
  assert.match(page.url(), /\/cvs\/[^/]+$/);
  await preview(page).getByText("Olivia Bennett").first().waitFor();

  const about = page.getByRole("group", { name: "About you" });
  await about.getByLabel("Professional title").fill("Principal Cartographer");
  const jobs = await page.getByRole("group", { name: /^Job \d+/ }).count();
  await page.getByRole("button", { name: "Add job" }).click();
  const job = page.getByRole("group", { name: new RegExp(`^Job ${jobs + 1}\\b`) });
  await job.getByLabel("Title", { exact: true }).fill("Chief Mapmaker");
  await job.getByLabel("Company", { exact: true }).fill("Atlas Works");
  assert.equal(await page.getByText("Unsaved changes").count(), 1);
  await page.getByRole("button", { name: "Save and rebuild" }).click();
  await page.getByText(/the preview shows it/).waitFor({ timeout: 30_000 });
  await preview(page).getByText("Principal Cartographer").first().waitFor();
  await preview(page).getByText("Atlas Works").first().waitFor();
  await preview(page).getByText("Chief Mapmaker").first().waitFor();

  // A reload keeps the session: the refresh token is in a cookie no script can read.
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "r2w_session");
  assert.ok(session?.httpOnly && session.secure && session.sameSite === "Strict", JSON.stringify(cookies));
  assert.equal(await page.evaluate(() => document.cookie.includes("r2w_session")), false);
  await page.reload();
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor();
  assert.equal(await page.getByRole("group", { name: "About you" }).getByLabel("Professional title").inputValue(),
    "Principal Cartographer");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("another theme: the preview changes", async () => {
  const { context, page } = await openApp();
  await page.goto(`${base}/signin`);
  await page.getByLabel("E-mail address").fill("ada@example.com");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your CVs" }).waitFor();
  await page.getByRole("link", { name: "Edit" }).first().click();
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor();
  const stylesheet = () => preview(page).locator('link[rel="stylesheet"]').first().getAttribute("href");
  await preview(page).getByText("Olivia Bennett").first().waitFor();
  const before = await stylesheet();
  const current = await page.getByRole("radio", { checked: true }).getAttribute("value");
  const other = current === "classic" ? "minimal" : "classic";
  await page.getByRole("radio", { name: new RegExp(`^${other}`) }).check();
  await page.getByText(`Your site now uses the ${other} theme.`).waitFor({ timeout: 30_000 });
  for (let i = 0; i < 50 && (await stylesheet()) === before; i++) await page.waitForTimeout(100);
  assert.notEqual(await stylesheet(), before, "the preview is drawn in the other theme");
  // Every theme side by side, drawn with the person's own CV.
  await page.getByRole("button", { name: "Compare the themes with your CV" }).click();
  for (const theme of ["classic", "modern", "minimal"]) {
    await page.frameLocator(`iframe[title="Your CV in the ${theme} theme"]`).getByText("Olivia Bennett").first().waitFor();
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a photo: added from a file, shown on the preview, removed", async () => {
  const { context, page } = await openApp();
  await page.goto(`${base}/signin`);
  await page.getByLabel("E-mail address").fill("ada@example.com");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Edit" }).first().click();
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor();
  // An 8x6 PNG: the server cuts it square and encodes it afresh as a JPEG.
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAGCAIAAABxZ0isAAAAEUlEQVR4nGM4YaOBFTEMpAQAmkY4QXj/pr4AAAAASUVORK5CYII=",
    "base64",
  );
  await page.getByLabel("Add a photo").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png });
  await page.getByText("Your photo is on your site.").waitFor({ timeout: 30_000 });
  const photo = preview(page).locator("img.photo");
  await photo.waitFor();
  assert.equal(await photo.getAttribute("src"), "photo.jpg");
  assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), "the photo loads in the preview");
  await accessible(page, "editor with a photo");
  await page.getByRole("button", { name: "Remove the photo" }).click();
  await page.getByText("Your photo was removed.").waitFor({ timeout: 30_000 });
  await page.getByLabel("Add a photo").waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("access tokens lapse while a person edits, and no 401 reaches them", async () => {
  const { context, page } = await openApp();
  await signUp(page, "grace@example.com", "Grace Hopper");
  await uploadPdf(page);
  // Past the token's life and the server's 30 s leeway, with the tab left alone.
  await page.waitForTimeout((TOKEN_SECONDS + 35) * 1000);
  await page.getByRole("group", { name: "About you" }).getByLabel("Tagline").fill("Still signed in");
  await page.getByRole("button", { name: "Save and rebuild" }).click();
  await page.getByText(/the preview shows it/).waitFor({ timeout: 30_000 });
  assert.ok(page.refreshes >= 3, `the app renewed its token (${page.refreshes} times)`);
  assert.equal(await page.getByRole("alert").count(), 0, "no error shown");
  assert.equal(await page.getByRole("heading", { name: "Sign in" }).count(), 0, "not sent to sign in");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a bad file gets a clear message and loses nothing", async () => {
  const { context, page } = await openApp();
  await signUp(page, "bad-file@example.com", "Bad File");
  const picture = join(data, "photo.png");
  writeFileSync(picture, Buffer.from("89504e470d0a1a0a", "hex"));
  await page.getByLabel("Choose a file").setInputFiles(picture);
  await page.getByRole("alert").getByText(/is not a PDF, Word \(\.docx\) or text file/).waitFor();

  const broken = join(data, "broken.pdf");
  writeFileSync(broken, "%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n");
  await page.getByLabel("Choose a file").setInputFiles(broken);
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: 60_000 });
  const message = await alert.innerText();
  assert.match(message, /PDF|file/i, message);
  assert.doesNotMatch(message, /panic|stack|internal/i);
  // Still signed in, still able to upload a good one.
  await page.getByLabel("Choose a file").setInputFiles(pdf);
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor({ timeout: 60_000 });
  await context.close();
});

test("a value the API refuses is shown on its field", async () => {
  const { context, page } = await openApp();
  await signUp(page, "field-error@example.com", "Field Error");
  await uploadPdf(page);
  const years = page.getByRole("group", { name: "Summary" }).getByLabel("Years of experience");
  await years.fill("-3");
  await page.getByRole("button", { name: "Save and rebuild" }).click();
  await page.getByText("A field needs fixing; it is marked below.").waitFor();
  assert.equal(await years.getAttribute("aria-invalid"), "true");
  const described = await years.getAttribute("aria-describedby");
  assert.match(await page.locator(`#${described}`).innerText(), /-3|invalid/i);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-invalid")), "true", "focus moved there");
  await years.fill("12");
  assert.equal(await years.getAttribute("aria-invalid"), null, "fixing it clears the mark");
  await page.getByRole("button", { name: "Save and rebuild" }).click();
  await page.getByText(/the preview shows it/).waitFor({ timeout: 30_000 });
  await context.close();
});

test("what a person hides stays in the form and leaves the site", async () => {
  const { context, page } = await openApp();
  await signUp(page, "hider@example.com", "Hider");
  await uploadPdf(page);
  await preview(page).getByText("Lumen Payments").first().waitFor();
  await page.getByLabel("Show job 1 on my site").uncheck();
  await page.getByLabel("Show my phone on my site").uncheck();
  await page.getByRole("button", { name: "Save and rebuild" }).click();
  await page.getByText(/the preview shows it/).waitFor({ timeout: 30_000 });
  await preview(page).getByText("Brightwave").first().waitFor();
  assert.equal(await preview(page).getByText("Lumen Payments").count(), 0, "the hidden job is off the site");
  assert.equal(await preview(page).getByText("555-0134").count(), 0, "the hidden phone is off the site");
  assert.equal(await page.getByRole("group", { name: /^Job 1: .*Lumen Payments/ }).count(), 1, "still in the form");
  await page.reload();
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor();
  assert.equal(await page.getByLabel("Show job 1 on my site").isChecked(), false, "kept with the CV");
  await context.close();
});

test("entries reorder, leaving with unsaved changes asks first, and the preview follows dark mode", async () => {
  const { context, page } = await openApp();
  await signIn(page, "hider@example.com");
  await uploadPdf(page);
  const legend = (n) => page.getByRole("group", { name: new RegExp(`^Job ${n}: `) }).first().evaluate((g) => g.querySelector("legend").textContent);
  const [first, second] = [await legend(1), await legend(2)];
  await page.getByRole("button", { name: "Move down: job 1" }).click();
  assert.equal((await legend(1)).replace(/^Job 1/, ""), second.replace(/^Job 2/, ""));
  assert.equal((await legend(2)).replace(/^Job 2/, ""), first.replace(/^Job 1/, ""));
  // Leaving now asks; staying keeps the edit.
  let asked = 0;
  page.once("dialog", (dialog) => {
    asked += 1;
    dialog.dismiss();
  });
  await page.getByRole("link", { name: "Resume2Website" }).click();
  assert.equal(asked, 1, "asked before leaving");
  assert.match(page.url(), /\/cvs\//, "still in the editor");
  await page.getByRole("button", { name: "Save and rebuild" }).click();
  await page.getByText(/the preview shows it/).waitFor({ timeout: 30_000 });
  // Dark mode reaches the preview frame (the sites honour prefers-color-scheme).
  const frame = page.locator('iframe[title="Preview of your site"]');
  await page.getByRole("button", { name: "Dark mode" }).click();
  assert.equal(await frame.evaluate((f) => f.style.colorScheme), "dark");
  await page.getByRole("button", { name: "Dark mode" }).click();
  assert.equal(await frame.evaluate((f) => f.style.colorScheme), "light");
  await page.getByRole("link", { name: "Resume2Website" }).click();
  await page.getByRole("heading", { name: "Your CVs" }).waitFor();
  await context.close();
});

test("sign in with GitHub: the provider's button, its consent, and back signed in", async () => {
  const { context, page } = await openApp();
  await page.goto(`${base}/signin`);
  await page.getByRole("link", { name: "Continue with GitHub" }).click();
  await page.getByRole("heading", { name: "Your CVs" }).waitFor();
  assert.equal(await page.getByRole("banner").getByText("Octo Ada").count(), 1, "signed in as the GitHub account");
  assert.equal(new URL(page.url()).pathname, "/", "the one-time code left the address bar");
  await page.reload();
  await page.getByRole("heading", { name: "Your CVs" }).waitFor();
  await page.getByRole("link", { name: "Octo Ada, your account" }).click();
  await page.getByRole("heading", { name: "Your account", exact: true }).waitFor();
  const facts = await page.locator(".facts").innerText();
  assert.match(facts, /octo@example.com/);
  assert.match(facts, /GitHub/, "the linked provider is shown");
  await accessible(page, "account screen");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  assert.equal((await context.cookies()).some((c) => c.name === "r2w_session" && c.value), false, "the cookie is gone");
  await context.close();
});

test("another person's CV id in the address is not found", async () => {
  assert.ok(firstCvId, "the first journey made a CV");
  const { context, page } = await openApp();
  await signUp(page, "mallory@example.com", "Mallory");
  await page.goto(`${base}/cvs/${firstCvId}`);
  await page.getByRole("heading", { name: "Not found" }).waitFor();
  assert.equal(await page.getByText("Olivia Bennett").count(), 0);
  await context.close();
});

let axeAccount = false;
for (const width of [375, 1280]) {
  for (const scheme of ["light", "dark"]) {
    test(`every screen is accessible at ${width}px, ${scheme}`, async () => {
      const { context, page } = await openApp({ width, scheme });
      await page.goto(`${base}/signin`);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await accessible(page, `signin-${width}-${scheme}`);
      await page.getByRole("link", { name: "Create an account" }).click();
      await page.getByRole("heading", { name: "Create your account" }).waitFor();
      await accessible(page, `signup-${width}-${scheme}`);
      // One account for the four runs: the server allows 10 sign-ups an hour from one address,
      // and every journey here comes from 127.0.0.1.
      if (!axeAccount) {
        await page.getByLabel("Your name").fill("Axe Tester");
        await page.getByLabel("E-mail address").fill("axe@example.com");
        await page.getByLabel("Password").fill(password);
        await page.getByRole("button", { name: "Create account" }).click();
        axeAccount = true;
      } else {
        await page.getByRole("link", { name: "Sign in" }).click();
        await page.getByLabel("E-mail address").fill("axe@example.com");
        await page.getByLabel("Password").fill(password);
        await page.getByRole("button", { name: "Sign in" }).click();
      }
      await page.getByRole("heading", { name: "Your CVs" }).waitFor();
      await accessible(page, `home-${width}-${scheme}`);
      await uploadPdf(page);
      await preview(page).getByText("Olivia Bennett").first().waitFor();
      await accessible(page, `editor-${width}-${scheme}`);
      await page.getByRole("button", { name: "Compare the themes with your CV" }).click();
      await page.frameLocator('iframe[title="Your CV in the minimal theme"]').getByText("Olivia Bennett").first().waitFor();
      await accessible(page, `editor-themes-${width}-${scheme}`);
      assert.deepEqual(page.errors, []);
      await context.close();
    });
  }
}

test("the whole journey with the keyboard alone", async () => {
  const { context, page } = await openApp();
  await page.goto(`${base}/signup`);
  await page.getByRole("heading", { name: "Create your account" }).waitFor();
  // Tab to each control in turn (round the page if need be) and type; Enter submits.
  const tabTo = async (name) => {
    for (let i = 0; i < 600; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        return el?.labels?.[0]?.textContent?.trim() ?? el?.textContent?.trim() ?? "";
      });
      if (focused === name) return;
    }
    assert.fail(`${name} cannot be reached with Tab`);
  };
  await tabTo("Your name");
  await page.keyboard.type("Kim Keys");
  await tabTo("E-mail address");
  await page.keyboard.type("keys@example.com");
  await tabTo("Password");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Your CVs" }).waitFor();
  await tabTo("Choose a file");
  // Chromium sometimes does not report a file chooser opened right after Playwright asks to
  // intercept it (microsoft/playwright#28023; seen here once, in the full suite under load):
  // Space on the still-focused control again, a few times, before calling it unreachable.
  let chooser = null;
  for (let attempt = 0; attempt < 3 && !chooser; attempt++) {
    const opened = page.waitForEvent("filechooser", { timeout: 10_000 }).catch(() => null);
    await page.keyboard.press("Space");
    chooser = await opened;
  }
  assert.ok(chooser, "Space on the focused file control opens no file chooser");
  await chooser.setFiles(pdf);
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor({ timeout: 60_000 });
  await tabTo("Professional title");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("Keyboard Virtuoso");
  assert.equal(await page.getByLabel("Professional title").inputValue(), "Keyboard Virtuoso");
  await tabTo("Save and rebuild");
  await page.keyboard.press("Enter");
  await page.getByText(/the preview shows it/).waitFor({ timeout: 30_000 });
  await preview(page).getByText("Keyboard Virtuoso").first().waitFor();
  await context.close();
});

test("Lighthouse on the sign-in screen, the editor and the dashboard: 0.95 or more for accessibility, best practices and SEO, 0.9 for performance", async () => {
  // Lighthouse drives a browser over the DevTools protocol; the session made here with
  // Playwright is the one it audits (its storage reset is off so the cookie stays).
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), "r2w-lighthouse-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: [...args, `--remote-debugging-port=${port}`],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // Lighthouse's scores vary from run to run (its own docs advise the median of several; five,
    // as simulated throttling on a 2-core machine moves the editor's score by a few hundredths).
    const audit = async (url) => {
      const runs = [];
      for (let i = 0; i < 5; i++) {
        runs.push((await lighthouse(url, { port, output: "json", logLevel: "error", disableStorageReset: true })).lhr);
      }
      runs.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
      const lhr = runs[2];
      const scores = Object.fromEntries(Object.entries(lhr.categories).map(([name, c]) => [name, c.score]));
      const metrics = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
        "cumulative-layout-shift", "speed-index", "max-potential-fid"]
        .map((id) => [id, lhr.audits[id]?.displayValue, lhr.audits[id]?.score]);
      const longTasks = lhr.audits["long-tasks"]?.details?.items?.map((t) => [t.url, Math.round(t.duration)]);
      writeFileSync(join(artifacts, `lighthouse-${new URL(url).pathname.split("/")[1] || "home"}.json`),
        JSON.stringify({ scores, metrics, longTasks }, null, 2));
      return scores;
    };
    const signIn = await audit(`${base}/signin`);
    await signUp(page, "lighthouse@example.com", "Light House");
    await uploadPdf(page);
    const editor = await audit(page.url());
    const dashboard = await audit(`${base}/`);
    for (const [screen, scores] of [["sign-in", signIn], ["editor", editor], ["dashboard", dashboard]]) {
      for (const [category, score] of Object.entries(scores)) {
        // Performance is simulated throttling over a real run on a shared 2-core machine: the
        // editor's median moves between 0.94 and 0.97 from one run to the next with the same
        // code. Its figures are written beside the report; the hard gate on weight is the
        // bundle budget (web/scripts/budget.mjs).
        const floor = category === "performance" ? 0.9 : 0.95;
        assert.ok(score >= floor, `${screen}: ${category} ${score} (${JSON.stringify(scores)})`);
      }
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
