import type { FullConfig } from "@playwright/test";
import { adminEmail, saveSeeded, seesAdminView, signIn, signUp, type SeededRole, type StorageState } from "./users";

/**
 * Seeds the users the specs share, once per Playwright run, against the server under test (APP_URL), and
 * saves a storage state per user in this run's output folder (see users.ts). It can run again on the same
 * database: the admin signs in when it exists already, the other users get new addresses every run.
 *
 * The admin is explicit: signed up first, so that it is the first account on a fresh database, and named
 * in ADMIN_EMAILS when npm test starts the server. It is checked to see the admin's pages, and the member
 * to see a member's, so that no test depends on who happened to register first.
 */
export default async function globalSetup(config: FullConfig) {
  const project = config.projects[0];
  const baseURL = project.use.baseURL;
  if (!baseURL) throw new Error("global setup: no baseURL (APP_URL)");
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

  const admin = adminEmail();
  let adminState: StorageState;
  const created = await signUp(baseURL, admin);
  if (!created.error) adminState = created.state;
  else if (/already exists/.test(created.error)) {
    const signedIn = await signIn(baseURL, admin);
    if (signedIn.error)
      throw new Error(`global setup: ${admin} exists but does not sign in with the test password: ${signedIn.error}`);
    adminState = signedIn.state;
  } else throw new Error(`global setup: signing up ${admin}: ${created.error}`);

  const member = `e2e-member-${run}@example.com`;
  const memberResult = await signUp(baseURL, member);
  if (memberResult.error) throw new Error(`global setup: signing up ${member}: ${memberResult.error}`);

  if (!(await seesAdminView(baseURL, adminState))) {
    throw new Error(
      `global setup: ${admin} is not an admin on ${baseURL}: start the server with ADMIN_EMAILS=${admin}, ` +
        "or on a database where it is the first account",
    );
  }
  if (await seesAdminView(baseURL, memberResult.state))
    throw new Error(`global setup: ${member} should not be an admin`);

  const accounts: Record<SeededRole, { email: string; state: StorageState }> = {
    admin: { email: admin, state: adminState },
    member: { email: member, state: memberResult.state },
  };
  saveSeeded(project.outputDir, accounts);
}
