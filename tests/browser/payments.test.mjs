// Publishing in real headless Chromium against `r2w serve`: Stripe's API and Stripe.js are a
// local stand-in with their surface (stripe-stand-in.mjs), webhooks are signed by Stripe's own
// library. A person signs up, uploads, chooses an address (a taken one is refused with the
// reason), pays in the embedded Checkout, and the return page shows the live URL that serves
// their site; a bank debit that fails and a refund each end in the state the person is told.
// Then the dashboard: two CVs, rebuild one, delete the other, export and import JSON Resume,
// delete the account.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  accessible, accessibleEverywhere, app, artifacts, getLocal, lighthouseReport, openApp, password, pdf, root, shortfalls,
  signIn, signUp, siteUrl, startApp, stopApp, uploadPdf,
} from "./app-harness.mjs";
import { stripeStandIn } from "./stripe-stand-in.mjs";
import { encode } from "../../web/node_modules/uqr/dist/index.mjs";

let graceSession;
const txt = join(root, "functions/extract/fixtures/txt/02-en-two-column.txt");
const stripe = stripeStandIn({
  secretKey: "sk_test_browser_stand_in",
  webhookSecret: "whsec_browser_stand_in",
  prices: { price_browser_once: { unit_amount: 2900, currency: "eur", recurring: null } },
});

before(async () => {
  const stripeUrl = await stripe.listen();
  await startApp({
    STRIPE_SECRET_KEY: "sk_test_browser_stand_in",
    STRIPE_WEBHOOK_SECRET: "whsec_browser_stand_in",
    R2W_STRIPE_API_BASE: `${stripeUrl}/`,
    R2W_STRIPE_PRICE_ONE_TIME: "price_browser_once",
    R2W_STRIPE_PUBLISHABLE_KEY: "pk_test_browser_stand_in",
    R2W_STRIPE_JS_URL: `${stripeUrl}/v3/`,
  });
  stripe.deliverTo(`${app.base}/v1/payments/webhook`);
});

after(async () => {
  await stopApp();
  await stripe.close();
});

/// The publish screen of the person's (only) CV, from the dashboard.
async function openPublish(page) {
  await page.goto(`${app.base}/`);
  await page.getByRole("link", { name: "Publish" }).first().click();
  await page.getByRole("heading", { name: "Publish your site" }).waitFor();
}

async function chooseAddress(page, slug) {
  await page.getByLabel("Address", { exact: true }).fill(slug);
  await page.getByText(`Available: ${siteUrl(slug)}`).waitFor();
  await page.getByRole("button", { name: "Use this address" }).click();
  await page.getByText(/Saved\. Once paid for, your site will be at/).waitFor();
}

async function payIn(page, method) {
  await page.getByRole("button", { name: "Continue to payment" }).click();
  const checkout = page.frameLocator('iframe[title="Secure payment input frame"]');
  await checkout.getByRole("heading", { name: "Pay 29.00 EUR" }).waitFor();
  await checkout.getByRole("button", { name: method }).click();
  await page.waitForURL(/\/checkout\/return\?session_id=cs_test_standin_\d+$/);
  return new URL(page.url()).searchParams.get("session_id");
}

test("sign up, upload, choose an address, pay: the return page shows the live URL, which serves the site", async () => {
  // Someone else holds an address first.
  const first = await openApp();
  await signUp(first.page, "first@example.com", "First Holder");
  await uploadPdf(first.page);
  await openPublish(first.page);
  await chooseAddress(first.page, "taken-name");
  await first.context.close();

  const { context, page } = await openApp();
  await signUp(page, "grace@example.com", "Grace Hopper");
  await uploadPdf(page);
  await page.getByRole("link", { name: "Publish your site" }).click();
  await page.getByRole("heading", { name: "Publish your site" }).waitFor();
  // Stripe.js is loaded on the payment screen only.
  assert.equal(await page.locator('script[src*="/v3/"]').count(), 0);
  assert.equal(await page.getByRole("button", { name: "Continue to payment" }).isDisabled(), true, "no address yet");
  assert.match(await page.getByRole("group", { name: "Plan" }).innerText(), /One payment: €29\.00 once/);

  // Taken, reserved and malformed addresses are refused with the reason, as they are typed.
  await page.getByLabel("Address", { exact: true }).fill("taken-name");
  await page.getByText("taken-name is taken; choose another").waitFor();
  assert.equal(await page.getByRole("button", { name: "Use this address" }).isDisabled(), true);
  await page.getByLabel("Address", { exact: true }).fill("admin");
  await page.getByText(/"admin" is reserved/).waitFor();
  await page.getByLabel("Address", { exact: true }).fill("a");
  await page.locator("#slug-check .error").waitFor();
  await accessible(page, "publish screen refused address");

  await chooseAddress(page, "grace-hopper");
  await accessible(page, "publish screen");
  const session = await payIn(page, "Pay with card");
  graceSession = session;
  await page.getByRole("heading", { name: "Your site is live" }).waitFor({ timeout: 30_000 });
  const live = siteUrl("grace-hopper");
  assert.equal(await page.getByLabel("Your site's address").inputValue(), live);
  await page.getByRole("img", { name: `QR code of ${live}` }).waitFor();
  // The code drawn is the live address's, module for module.
  const { data } = encode(live, { border: 2 });
  const modules = data.flatMap((row, y) => row.flatMap((dark, x) => (dark ? [`M${x} ${y}h1v1h-1z`] : []))).join("");
  assert.equal(await page.locator("svg.qr path").getAttribute("d"), modules);
  await accessible(page, "checkout return live");

  const site = await getLocal(live);
  assert.equal(site.status, 200);
  assert.match(site.text, /Olivia Bennett/, "the live URL serves the person's site");
  // At the root of its own host, as a crawler and a browser look for them.
  assert.equal((await getLocal(`${live}robots.txt`)).text, `User-agent: *\nAllow: /\nSitemap: ${live}sitemap.xml\n`);
  assert.match((await getLocal(`${live}sitemap.xml`)).text, new RegExp(`<loc>${live}</loc>`));
  assert.equal((await getLocal(`${live}favicon.svg`)).status, 200);
  // The live site in the browser, at its own address.
  const visitor = await context.newPage();
  await visitor.goto(live);
  await visitor.getByRole("heading", { name: "Olivia Bennett" }).waitFor();
  await visitor.close();
  // Served from its own host, the site is everything a crawler and a browser look for.
  const report = await lighthouseReport(live, ["seo", "best-practices"]);
  writeFileSync(join(artifacts, "lighthouse-published-site.json"), JSON.stringify(report, null, 2));
  for (const category of ["seo", "best-practices"]) {
    assert.equal(report.categories[category].score, 1, `${category}: ${shortfalls(report, category)}`);
  }
  assert.ok(stripe.sessions.get(session).payment_status === "paid");

  // Her own domain, from the share screen: on this machine it is live at once (pointed here),
  // the site's links move to it, and taken off it shows nothing.
  const returnPage = page.url();
  await page.goto(`${app.base}/`);
  await page.getByRole("link", { name: "Share" }).first().click();
  await page.getByRole("heading", { name: "Your site is live" }).waitFor();
  await page.getByRole("textbox", { name: "Domain" }).fill("www.grace.example");
  await page.getByRole("button", { name: "Use this domain" }).click();
  await page.getByText("Live at your domain, with its own certificate.").waitFor();
  const own = `http://www.grace.example:${new URL(app.base).port}/`;
  assert.equal(await page.getByLabel("Your site's address").inputValue(), own);
  const atDomain = await getLocal(own);
  assert.equal(atDomain.status, 200);
  assert.match(atDomain.text, new RegExp(`<link rel="canonical" href="${own}">`));
  await accessible(page, "share screen with a custom domain");
  await page.getByRole("button", { name: "Remove www.grace.example" }).click();
  await page.getByRole("button", { name: "Use this domain" }).waitFor();
  assert.doesNotMatch((await getLocal(own)).text, /Olivia Bennett/, "taken off, the domain shows no site");
  assert.equal(await page.getByLabel("Your site's address").inputValue(), live);
  await page.goto(returnPage);

  // The operator refunds it: the site comes down, and the person is told.
  await stripe.refund(session);
  assert.equal((await getLocal(live)).status, 404, "refunded: no longer public");
  await page.reload();
  await page.getByText("This payment was refunded, so your site is no longer public.").waitFor();
  await page.goto(`${app.base}/`);
  await page.getByText("Payment refunded: not public").waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a bank debit that fails: waiting, then failed, and the person may try again", async () => {
  const { context, page } = await openApp();
  await signUp(page, "debit@example.com", "Deb Itor");
  await uploadPdf(page);
  await page.getByRole("link", { name: "Publish your site" }).click();
  await chooseAddress(page, "deb-itor");
  const session = await payIn(page, "Pay by bank debit");
  await page.getByText(/Your payment is on its way/).waitFor({ timeout: 30_000 });
  await accessible(page, "checkout return pending");
  await stripe.failDelayedPayment(session);
  await page.getByText(/The payment did not go through, so nothing was charged/).waitFor({ timeout: 30_000 });
  await page.getByRole("link", { name: "Back to publishing" }).click();
  await page.getByText("Your last payment did not go through; nothing was charged. Try again below.").waitFor();
  assert.equal((await getLocal(siteUrl("deb-itor"))).status, 404);
  await context.close();
});

test("paying with the keyboard alone, up to the Checkout frame", async () => {
  const { context, page } = await openApp();
  await signIn(page, "debit@example.com");
  await page.goto(`${app.base}/`);
  const tabTo = async (name) => {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        return el?.labels?.[0]?.textContent?.trim() || el?.getAttribute("aria-label") || el?.textContent?.trim() || "";
      });
      if (focused === name) return;
    }
    assert.fail(`Tab never reached ${name}`);
  };
  await tabTo("Publish");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Publish your site" }).waitFor();
  await tabTo("Continue to payment");
  await page.keyboard.press("Enter");
  const checkout = page.frameLocator('iframe[title="Secure payment input frame"]');
  await checkout.getByRole("heading", { name: "Pay 29.00 EUR" }).waitFor();
  // Focus moves on into the frame.
  for (let i = 0; i < 10 && !(await checkout.locator("button:focus").count()); i++) await page.keyboard.press("Tab");
  assert.equal(await checkout.locator("button:focus").count(), 1, "the Checkout frame is reachable by Tab");
  await context.close();
});

test("the dashboard: two CVs, rebuild one, delete the other, export and import JSON Resume, delete the account", async () => {
  const { context, page } = await openApp();
  await signUp(page, "dash@example.com", "Dash Board");
  await uploadPdf(page);
  await page.goto(`${app.base}/`);
  await page.getByLabel("Choose a file").setInputFiles(txt);
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor({ timeout: 60_000 });
  await page.goto(`${app.base}/`);
  const cards = page.locator(".cards > li.card");
  const card = (name) => cards.filter({ has: page.getByRole("heading", { name }) });
  await card("Marcus Oyelaran").waitFor();
  assert.equal(await cards.count(), 2);
  await accessible(page, "dashboard");

  await card("Olivia Bennett").getByRole("button", { name: "Rebuild" }).click();
  await page.getByText("Rebuilt the site of Olivia Bennett.").waitFor();

  // The original as uploaded comes back.
  const download = page.waitForEvent("download");
  await card("Olivia Bennett").getByRole("button", { name: "Download the original" }).click();
  const original = await (await download).path();
  assert.deepEqual(readFileSync(original), readFileSync(pdf));

  page.once("dialog", (dialog) => dialog.accept());
  await card("Marcus Oyelaran").getByRole("button", { name: "Delete" }).click();
  await page.getByText("Deleted Marcus Oyelaran.").waitFor();
  assert.equal(await cards.count(), 1);
  await page.reload();
  await card("Olivia Bennett").waitFor();
  assert.equal(await cards.count(), 1, "gone for good");

  const exported = page.waitForEvent("download");
  await card("Olivia Bennett").getByRole("button", { name: "Export JSON Resume" }).click();
  const resume = JSON.parse(readFileSync(await (await exported).path(), "utf8"));
  assert.equal(resume.basics?.name, "Olivia Bennett");
  resume.basics.name = "Olivia Imported";
  const file = join(artifacts, "dashboard-resume.json");
  writeFileSync(file, JSON.stringify(resume));
  await page.getByLabel("A resume.json file (jsonresume.org)").setInputFiles(file);
  await page.getByRole("heading", { name: "Edit your CV" }).waitFor();
  assert.equal(await page.getByRole("group", { name: "About you" }).getByLabel("Full name").inputValue(), "Olivia Imported");
  await page.goto(`${app.base}/`);
  await card("Olivia Imported").waitFor();
  assert.equal(await cards.count(), 2);

  await page.getByRole("link", { name: "Dash Board, your account" }).click();
  await page.getByRole("heading", { name: "Your account", exact: true }).waitFor();
  await accessible(page, "account");
  const remove = page.getByRole("button", { name: "Delete my account" });
  assert.equal(await remove.isDisabled(), true, "not before the e-mail is typed");
  await page.getByLabel(/Type your e-mail address/).fill("dash@example.com");
  await remove.click();
  await page.getByText("Your account and everything in it were deleted.").waitFor();
  await page.getByLabel("E-mail address").fill("dash@example.com");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();
  assert.equal(await page.getByRole("heading", { name: "Your CVs" }).count(), 0, "signing in again fails");
  await context.close();
});

test("every new screen passes axe at 375 and 1280 px, light and dark", async () => {
  const sign = (page) => signIn(page, "grace@example.com");
  await accessibleEverywhere("dashboard", async (page) => {
    await sign(page);
    await page.locator(".cards > li.card").first().waitFor();
  });
  await accessibleEverywhere("publish", async (page) => {
    await sign(page);
    await page.getByRole("link", { name: "Publish" }).first().click();
    await page.getByRole("heading", { name: "Publish your site" }).waitFor();
    await page.getByRole("group", { name: "Plan" }).waitFor();
  });
  await accessibleEverywhere("checkout return", async (page) => {
    await sign(page);
    await page.goto(`${app.base}/checkout/return?session_id=${graceSession}`);
    await page.getByText("This payment was refunded, so your site is no longer public.").waitFor();
  });
  await accessibleEverywhere("account", async (page) => {
    await sign(page);
    await page.goto(`${app.base}/account`);
    await page.getByRole("heading", { name: "Your account", exact: true }).waitFor();
  });
});
