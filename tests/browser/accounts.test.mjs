// Accounts people can trust, in real Chromium against `r2w serve` on the embedded default,
// whose mail lands in the local mailbox (/_mailbox/, read here as the person would): sign up ->
// the verification mail's link -> confirmed; forgot password -> the reset mail -> a new
// password -> signed in; two-step sign-in set up by scanning nothing (the key is read off the
// page, the code computed as an authenticator does, RFC 6238) -> sign-in asks for the code ->
// a recovery code works once; the list of devices. axe-core on every new screen, 375/1280 px,
// light and dark.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { accessible, accessibleEverywhere, app, openApp, password, signUp, startApp, stopApp } from "./app-harness.mjs";

const NEW_PASSWORD = "saffron kayak thunder 47";

before(() => startApp());
after(stopApp);

/// The code an authenticator shows for a base32 `secret` now (RFC 6238: HMAC-SHA-1, 30 s, 6 digits).
function totp(secret, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/// The page's errors, less the refusals this journey provokes on purpose (Chromium logs each
/// refused request as a console error).
const unexpected = (page, ...statuses) =>
  page.errors.filter((e) => !statuses.some((status) => e === `Failed to load resource: the server responded with a status of ${status}`));

/// Opens the newest mail to `to` in the local mailbox page and follows its link.
async function followMail(page, to, subject) {
  await page.goto(`${app.base}/_mailbox/`);
  const item = page.getByRole("listitem").filter({ hasText: `to ${to}` }).filter({ hasText: subject }).first();
  await item.getByRole("link").click();
  const href = await page.getByRole("link", { name: /#token=/ }).first().getAttribute("href");
  assert.ok(href.startsWith(`${app.base}/`), href);
  await page.goto(href);
}

test("a person confirms their address, resets a forgotten password, and signs in with it", async () => {
  const { context, page } = await openApp();
  try {
    await signUp(page, "grace@example.com", "Grace Hopper");
    await page.goto(`${app.base}/account`);
    await page.getByText("grace@example.com is not confirmed yet").waitFor();
    await followMail(page, "grace@example.com", "Confirm your e-mail address");
    await page.getByText("Your e-mail address is confirmed.").waitFor();
    assert.ok(!page.url().includes("token"), "the token leaves the address bar");
    await accessible(page, "verify-email");
    await page.goto(`${app.base}/account`);
    await page.getByText("grace@example.com is confirmed.").waitFor();

    // Forgotten: from the sign-in page, in another browser.
    const other = await openApp();
    await other.page.goto(`${app.base}/signin`);
    await other.page.getByRole("link", { name: "Forgot your password?" }).click();
    await other.page.getByLabel("E-mail address").fill("grace@example.com");
    await other.page.getByRole("button", { name: "Send the link" }).click();
    await other.page.getByText("a link to choose a new password is on its way").waitFor();
    await accessible(other.page, "forgot-password");
    await followMail(other.page, "grace@example.com", "Reset your password");
    await other.page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await accessible(other.page, "reset-password");
    await other.page.getByLabel("New password").fill(NEW_PASSWORD);
    await other.page.getByRole("button", { name: "Set the password" }).click();
    await other.page.getByText("Your new password is set").waitFor();
    await other.page.getByRole("link", { name: "Sign in" }).click();
    await other.page.getByLabel("E-mail address").fill("grace@example.com");
    await other.page.getByLabel("Password").fill(NEW_PASSWORD);
    await other.page.getByRole("button", { name: "Sign in" }).click();
    await other.page.getByRole("heading", { name: "Your CVs" }).waitFor();
    await other.context.close();

    // The first browser's session ended with the reset.
    await page.goto(`${app.base}/account`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.deepEqual(unexpected(page, "401 (Unauthorized)"), [], "only the ended session's refusal");
  } finally {
    await context.close();
  }
});

test("two-step sign-in: set up with the key on the page, then sign-in asks for a code; a recovery code works once", async () => {
  const { context, page } = await openApp();
  try {
    await signUp(page, "ada@example.com");
    await page.goto(`${app.base}/account`);
    await page.getByLabel("Your password").first().waitFor();
    const section = page.getByRole("region", { name: "Two-step sign-in" });
    await section.getByLabel("Your password").fill(password);
    await section.getByRole("button", { name: "Set up two-step sign-in" }).click();
    await section.getByRole("img", { name: /QR code/ }).waitFor();
    await accessible(page, "two-step setup");
    const secret = (await section.locator("code.secret").textContent()).trim();
    await section.getByLabel("Code from the app").fill(totp(secret));
    await section.getByRole("button", { name: "Turn on" }).click();
    // allTextContents does not wait: the list appears once the server has answered.
    const recoveryList = section.getByRole("list", { name: "Recovery codes" });
    await recoveryList.getByRole("listitem").first().waitFor();
    const codes = await recoveryList.getByRole("listitem").allTextContents();
    assert.equal(codes.length, 10);
    await accessible(page, "recovery codes");
    await section.getByRole("button", { name: "I have saved them" }).click();
    await section.getByText("On: signing in asks for a code").waitFor();
    // Signing out ends on the sign-in screen. Going elsewhere before it does would cut the
    // logout's answer (which clears the cookie) short, and the next page would try the ended
    // session: a refusal in the console that no person sees.
    const signOut = async () => {
      await page.getByRole("button", { name: "Sign out", exact: true }).click();
      await page.waitForURL("**/signin");
    };
    await signOut();

    const signInWith = async (code) => {
      await page.goto(`${app.base}/signin`);
      await page.getByLabel("E-mail address").fill("ada@example.com");
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Enter your code" }).waitFor();
      await page.getByLabel("Authentication code").fill(code);
      await page.getByRole("button", { name: "Continue" }).click();
    };
    await signInWith(codes[0].trim());
    await page.getByRole("heading", { name: "Your CVs" }).waitFor();
    await signOut();
    await signInWith(codes[0].trim());
    await page.getByText("That code is not right").waitFor();
    await accessible(page, "enter your code");
    // Keyboard only: the code field takes focus by Tab and Enter submits.
    await page.getByLabel("Authentication code").focus();
    await page.keyboard.type(totp(secret, Date.now() + 30_000));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Your CVs" }).waitFor();

    // The devices list marks this one.
    await page.goto(`${app.base}/account`);
    await page.getByRole("region", { name: "Where you are signed in" }).getByText("this device").waitFor();
    assert.deepEqual(unexpected(page, "422 (Unprocessable Entity)"), [], "only the spent recovery code's refusal");
  } finally {
    await context.close();
  }
});

test("the account and recovery screens are accessible at 375 and 1280 px, light and dark", async () => {
  await accessibleEverywhere("forgot password", async (page) => {
    await page.goto(`${app.base}/forgot-password`);
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
  });
  await accessibleEverywhere("reset without a token", async (page) => {
    await page.goto(`${app.base}/reset-password`);
    await page.getByText("This link is incomplete").waitFor();
  });
  await accessibleEverywhere("account security", async (page) => {
    await page.goto(`${app.base}/signin`);
    await page.getByLabel("E-mail address").fill("grace@example.com");
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Your CVs" }).waitFor();
    await page.goto(`${app.base}/account`);
    await page.getByRole("heading", { name: "Where you are signed in" }).waitFor();
  });
});
