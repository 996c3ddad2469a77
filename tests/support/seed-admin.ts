/**
 * Signs up the browser tests' admin (tests/e2e/users.ts adminEmail) on APP_URL before any other account:
 * an address in ADMIN_EMAILS may sign itself up only as a server's first account (app/(auth)/actions.ts), and
 * npm test runs the integration suites, which make many accounts, before the browser tests' global setup.
 * Run by scripts/test.mjs right after it starts each server; "already exists" is fine (a reused database).
 */
import { adminEmail } from "../e2e/users";
import { signUp } from "./http-auth";

async function main() {
  const base = process.env.APP_URL;
  if (!base) throw new Error("seed-admin: APP_URL is not set");
  const { error } = await signUp(base, adminEmail());
  if (error && !/already exists/.test(error)) throw new Error(`seed-admin: signing up ${adminEmail()}: ${error}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
