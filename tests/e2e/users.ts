import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { request, type BrowserContextOptions } from "@playwright/test";
import * as http from "../support/http-auth";
import { PASSWORD, uniqueEmail } from "./pages";

/**
 * Accounts for the browser tests. The seeded ones are made once per run by global-setup.ts and kept as
 * Playwright storage states in the run's output folder (npm test runs two Playwright invocations at once,
 * on two servers, each with its own --output), so every invocation has its own. Fresh ones are made for
 * one test. Both sign up through the app's real /register form over HTTP (tests/support/http-auth.ts): no page
 * to render, so a sign-up costs a few hundred ms.
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

/** The cookies of an HTTP sign-up or sign-in as a storage state for browser.newContext(). */
function asStorageState(baseURL: string, { error, jar }: http.FormResult): FormResult {
  const domain = new URL(baseURL).hostname;
  return { error, state: { cookies: [...jar.cookies.values()].map((c) => ({ ...c, domain })), origins: [] } };
}

/** Signs up over HTTP through /register; on success the state holds the new session's cookie. */
export const signUp = async (baseURL: string, email: string, password = PASSWORD) =>
  asStorageState(baseURL, await http.signUp(baseURL, email, password));

/** Signs in over HTTP through /login. */
export const signIn = async (baseURL: string, email: string, password = PASSWORD) =>
  asStorageState(baseURL, await http.signIn(baseURL, email, password));

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
