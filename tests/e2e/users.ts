import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { request, type APIRequestContext, type BrowserContextOptions } from "@playwright/test";
import { PASSWORD, uniqueEmail } from "./pages";

/**
 * Accounts for the browser tests. The seeded ones are made once per run by global-setup.ts and kept as
 * Playwright storage states in the run's output folder (npm test runs two Playwright invocations at once,
 * on two servers, each with its own --output), so every invocation has its own. Fresh ones are made for
 * one test. Both sign up through the app's real /register form, submitted as a browser without
 * JavaScript does (the form works without it): no page to render, so a sign-up costs a few hundred ms.
 */

export type StorageState = Exclude<BrowserContextOptions["storageState"], string | undefined>;

/**
 * admin: the explicit admin (in ADMIN_EMAILS, and signed up first), who also owns the "showcase"
 * content the accessibility specs audit. member: a signed-in user for tests that need nothing more; it is
 * shared, so tests using it must not depend on its conversations, usage or last model being empty.
 */
export const SEEDED_ROLES = ["admin", "member"] as const;
export type SeededRole = (typeof SEEDED_ROLES)[number];

export interface Account {
  email: string;
  /** A storage state file (seeded users) or object (fresh ones) for browser.newContext(). */
  storageState: string | StorageState;
}

/** The admin's email: the first of ADMIN_EMAILS (npm test gives the servers it starts one), else a fixed one. */
export function adminEmail(): string {
  return (
    (process.env.ADMIN_EMAILS ?? "")
      .split(/[,\s]+/)
      .find(Boolean)
      ?.toLowerCase() ?? "e2e-admin@example.com"
  );
}

export const authDir = (outputDir: string) => path.join(outputDir, ".auth");
const manifest = (outputDir: string) => path.join(authDir(outputDir), "users.json");

/** Records the seeded accounts of this run (global setup). */
export function saveSeeded(outputDir: string, accounts: Record<SeededRole, { email: string; state: StorageState }>) {
  mkdirSync(authDir(outputDir), { recursive: true });
  const emails: Record<string, string> = {};
  for (const role of SEEDED_ROLES) {
    writeFileSync(path.join(authDir(outputDir), `${role}.json`), JSON.stringify(accounts[role].state, null, 2));
    emails[role] = accounts[role].email;
  }
  writeFileSync(manifest(outputDir), JSON.stringify(emails, null, 2));
}

/** A seeded account of this run, as the global setup left it. */
export function seeded(outputDir: string, role: SeededRole): Account {
  const file = manifest(outputDir);
  if (!existsSync(file))
    throw new Error(`no seeded users in ${file}: run the specs through playwright.config.ts (its globalSetup)`);
  const emails = JSON.parse(readFileSync(file, "utf8")) as Record<SeededRole, string>;
  return { email: emails[role], storageState: path.join(authDir(outputDir), `${role}.json`) };
}

/** A new account, only for the test that asks for it. */
export async function freshAccount(baseURL: string, who = "fresh"): Promise<Account & { storageState: StorageState }> {
  const email = uniqueEmail(who);
  const result = await signUp(baseURL, email);
  if (result.error) throw new Error(`signing up ${email} failed: ${result.error}`);
  return { email, storageState: result.state };
}

interface FormResult {
  /** The form's message when it refused (taken email, weak password, throttled), else undefined. */
  error?: string;
  state: StorageState;
}

/** Signs up over HTTP through /register; on success the state holds the new session's cookie. */
export const signUp = (baseURL: string, email: string, password = PASSWORD) =>
  submitAuthForm(baseURL, "/register", email, password);

/** Signs in over HTTP through /login. */
export const signIn = (baseURL: string, email: string, password = PASSWORD) =>
  submitAuthForm(baseURL, "/login", email, password);

async function submitAuthForm(baseURL: string, pagePath: string, email: string, password: string): Promise<FormResult> {
  const api = await request.newContext({ baseURL });
  try {
    const fields = { ...(await hiddenFields(api, pagePath)), email, password };
    const res = await api.post(pagePath, {
      multipart: fields,
      maxRedirects: 0,
      headers: { origin: new URL(baseURL).origin, accept: "text/html" },
    });
    // Success is the server action's redirect (303 to "/") with the session cookie; a refusal re-renders
    // the form with its message.
    if (res.status() === 303) return { state: await api.storageState() };
    const html = await res.text();
    const error = html.match(/role="alert"[^>]*>([^<]*)</)?.[1] ?? `HTTP ${res.status()} without a message`;
    return { error, state: await api.storageState() };
  } finally {
    await api.dispose();
  }
}

/** The hidden inputs of the page's form with an email field (the server action's reference). */
async function hiddenFields(api: APIRequestContext, pagePath: string): Promise<Record<string, string>> {
  const html = await (await api.get(pagePath)).text();
  const form = [...html.matchAll(/<form[^>]*>([\s\S]*?)<\/form>/g)].find((m) => m[1].includes('name="email"'));
  if (!form) throw new Error(`no sign-up/in form on ${pagePath}`);
  const fields: Record<string, string> = {};
  for (const m of form[1].matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g)) {
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2] ?? "");
  }
  return fields;
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** Whether a signed-in state sees the admin's view of Settings → API keys. */
export async function seesAdminView(baseURL: string, state: StorageState): Promise<boolean> {
  const api = await request.newContext({ baseURL, storageState: state });
  try {
    const res = await api.get("/settings/keys", { maxRedirects: 0 });
    if (res.status() !== 200)
      throw new Error(`/settings/keys answered ${res.status()} to a seeded user (not signed in?)`);
    return (await res.text()).includes("All API keys (admin)");
  } finally {
    await api.dispose();
  }
}
