import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { APP_URL } from "./helpers";

/**
 * A signed-in session for plain HTTP requests: sign up through the real /register page in Chromium (the
 * names of the product spec), then hand its cookies over as a Cookie header.
 */
export async function signedUpCookie(): Promise<string> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"],
  });
  try {
    const context = await browser.newContext({ baseURL: APP_URL });
    const page = await context.newPage();
    await page.goto("/register");
    await page.getByLabel("Email").fill(`fuzz-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("textbox", { name: "Message", exact: true }).waitFor({ timeout: 20_000 });
    return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  } finally {
    await browser.close();
  }
}

/** Server action ids of the build under test, by exported name (they change with every build). */
export function actionIds(): Record<string, string> {
  const file = path.join(process.env.NEXT_DIST_DIR || ".next", "server/server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { node: Record<string, { exportedName?: string }> };
  return Object.fromEntries(Object.entries(manifest.node).map(([id, entry]) => [entry.exportedName ?? id, id]));
}

/** Calls a server action the way the browser does (a fetch action), with a raw body. */
export function callAction(page: string, id: string, body: BodyInit, headers: Record<string, string> = {}) {
  // FormData: fetch writes the multipart content type with its boundary; a string goes as React sends one.
  const type: Record<string, string> = body instanceof FormData ? {} : { "content-type": "text/plain;charset=UTF-8" };
  return fetch(`${APP_URL}${page}`, {
    method: "POST",
    redirect: "manual",
    headers: { "next-action": id, accept: "text/x-component", ...type, ...headers },
    body,
  });
}
