// How the browser tests start Debian's Chromium (no browser download from elsewhere): one set of
// flags for every suite, headless and quiet.
import { chromium } from "playwright-core";

export const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export const launchChromium = () => chromium.launch({ executablePath, args });
