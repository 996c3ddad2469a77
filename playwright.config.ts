import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

/** As scripts/test.mjs chooses, for `npx playwright test` run by hand: the headless shell when installed. */
const SHELL = "/usr/bin/chromium-headless-shell";

/**
 * Runs against the production server that `npm test` starts (APP_URL), in the Chromium it found (CHROMIUM_PATH:
 * Debian's chromium-headless-shell, else its chromium): `npx playwright install` cannot download browsers here.
 * The global setup signs up the seeded users once per run and keeps their storage states in the output folder
 * (tests/e2e/fixtures.ts uses them).
 */
export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 45_000,
  // A run that hangs ends red with its output rather than at CI's limit with none (scripts/test.mjs has the same).
  globalTimeout: 25 * 60_000,
  // Two cores shared by the server, the stand-in and Chromium: give each expectation some slack.
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: process.env.APP_URL ?? "http://127.0.0.1:3000",
    browserName: "chromium",
    headless: true,
    // Recording a trace of every test only to keep the failures' costs CPU in every test, on two cores shared
    // by two servers and two browsers; PW_TRACE=1 turns it back on when a failure needs one.
    trace: process.env.PW_TRACE === "1" ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? (existsSync(SHELL) ? SHELL : "/usr/bin/chromium"),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
