/**
 * The operator's side of Settings → Users, for what the page leaves to whoever runs the server:
 *
 * npm run users -- list
 * npm run users -- create --email EMAIL [--admin]     an account with a temporary password (printed once)
 * npm run users -- reset-password --email EMAIL      a new temporary password; every session of it ends
 * npm run users -- make-admin --email EMAIL | remove-admin --email EMAIL
 *
 * An admin who forgot their password, the first account when sign-up is closed (ALLOW_REGISTRATION=false),
 * another admin: the page does not change admins' accounts. A temporary password is printed alone on the
 * last line; its owner signs in with it and must choose their own before anything else.
 */
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db";
import { findUserByEmail, listUsersAsAdmin, setUserAdmin } from "@/db/queries/users";
import { createWithTemporaryPassword, EmailAddress, resetToTemporaryPassword } from "@/lib/auth/accounts";
import { isAdmin } from "@/lib/auth/admin";
import { checkDatabaseFile, printUsageIfAsked } from "./cli-database";

const USAGE =
  "usage: npm run users -- list | create --email EMAIL [--admin] | reset-password --email EMAIL | " +
  "make-admin --email EMAIL | remove-admin --email EMAIL";

const COMMANDS = new Set(["list", "create", "reset-password", "make-admin", "remove-admin"]);

function fail(message: string): never {
  console.error(`users: ${message}`);
  process.exit(1);
}

const fmt = (ms: number | null) => (ms ? new Date(ms).toISOString().slice(0, 16).replace("T", " ") : "-");

async function account(email: string | undefined) {
  if (!email) fail(`this needs --email EMAIL\n${USAGE}`);
  return (await findUserByEmail(getDb(), { email })) ?? fail(`no account ${email}`);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  printUsageIfAsked(command, USAGE);
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: "string" }, admin: { type: "boolean" } },
  });
  if (command !== undefined && COMMANDS.has(command)) checkDatabaseFile("users", command === "create");
  const db = getDb();
  switch (command) {
    case "list": {
      console.log(["email", "role", "joined", "last active", "conversations"].join("\t"));
      for (const u of await listUsersAsAdmin(db)) {
        const role = (await isAdmin(u)) ? "admin" : u.hasPassword ? "member" : "api only";
        console.log([u.email, role, fmt(u.createdAt), fmt(u.lastSeenAt), u.conversations].join("\t"));
      }
      return;
    }
    case "create": {
      const parsed = EmailAddress.safeParse(values.email ?? "");
      if (!parsed.success) fail("create needs --email EMAIL (an email address)");
      const email = parsed.data;
      if (await findUserByEmail(db, { email })) fail(`an account ${email} exists already; reset-password it instead`);
      const { user, password } = await createWithTemporaryPassword(email);
      if (values.admin && !user.admin) await setUserAdmin(db, { userId: user.id, admin: true });
      console.log(
        `Created ${email}${values.admin || user.admin ? " (admin)" : ""}. Its temporary password, shown once:`,
      );
      console.log(password);
      return;
    }
    case "reset-password": {
      const user = await account(values.email);
      const { password, ended } = await resetToTemporaryPassword(user.id);
      console.log(`New password for ${user.email}; ${ended} session(s) ended. It is shown once:`);
      console.log(password);
      return;
    }
    case "make-admin":
    case "remove-admin": {
      const user = await account(values.email);
      await setUserAdmin(db, { userId: user.id, admin: command === "make-admin" });
      const listed = await isAdmin({ email: user.email, admin: false });
      console.log(
        command === "make-admin"
          ? `${user.email} is an admin.`
          : `${user.email} is a member${listed ? ", but still an admin by ADMIN_EMAILS" : ""}.`,
      );
      return;
    }
    default:
      fail(USAGE);
  }
}

main()
  .finally(() => closeDb())
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
