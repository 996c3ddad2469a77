/**
 * npm run keys -- create --name NAME [--email OWNER] [--expires-days N]
 * npm run keys -- list
 * npm run keys -- revoke <id or prefix>
 *
 * The same key service the settings page uses; the new key is printed alone on the last line.
 */
import { parseArgs } from "node:util";
import { closeDb, getDb } from "@/db";
import { createUser, defaultKeyOwner, findUserByEmail } from "@/db/queries/users";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/auth/api-keys";
import { checkDatabaseFile, printUsageIfAsked } from "./cli-database";

const DEFAULT_OWNER = "admin@localhost";
const USAGE =
  "usage: npm run keys -- create --name NAME [--email OWNER] [--expires-days N] | list | revoke <id or prefix>";

function fail(message: string): never {
  console.error(`keys: ${message}`);
  process.exit(1);
}

async function owner(email: string | undefined) {
  const db = getDb();
  if (email) {
    const found = await findUserByEmail(db, { email });
    if (found) return found;
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) fail(`"${email}" is not an email address`);
    console.error(
      `keys: no account ${email} yet; created it, for API keys only. To sign in it needs a password: ` +
        `npm run users -- reset-password --email ${email} (or Reset password in Settings → Users).`,
    );
    return createUser(db, { email, passwordHash: null });
  }
  return (await defaultKeyOwner(db)) ?? createUser(db, { email: DEFAULT_OWNER, passwordHash: null });
}

const fmt = (ms: number | null) => (ms ? new Date(ms).toISOString().slice(0, 16).replace("T", " ") : "-");

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  printUsageIfAsked(command, USAGE);
  if (command === "create" || command === "list" || command === "revoke")
    checkDatabaseFile("keys", command === "create");
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { name: { type: "string" }, email: { type: "string" }, "expires-days": { type: "string" } },
  });
  switch (command) {
    case "create": {
      const name = values.name?.trim();
      if (!name) fail("create needs --name NAME");
      const days = values["expires-days"] ? Number(values["expires-days"]) : undefined;
      if (days !== undefined && !(days > 0)) fail("--expires-days must be a positive number");
      const user = await owner(values.email);
      const { key, row } = await createApiKey({
        userId: user.id,
        name,
        expiresAt: days ? Date.now() + days * 86_400_000 : null,
      });
      console.log(`Created key "${row.name}" (id ${row.id}) for ${user.email}. It is shown only once:`);
      console.log(key);
      return;
    }
    case "list": {
      const keys = await listApiKeys("admin");
      if (!keys.length) return console.log("No API keys yet. Create one: npm run keys -- create --name NAME");
      console.log(["id", "prefix", "name", "owner", "created", "last used", "expires", "status"].join("\t"));
      for (const k of keys) {
        const status = k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt < Date.now() ? "expired" : "active";
        console.log(
          [
            k.id,
            `${k.prefix}…`,
            k.name,
            k.ownerEmail,
            fmt(k.createdAt),
            fmt(k.lastUsedAt),
            fmt(k.expiresAt),
            status,
          ].join("\t"),
        );
      }
      return;
    }
    case "revoke": {
      const target = positionals[0];
      if (!target) fail("revoke needs a key id or prefix");
      const { revoked, matches } = await revokeApiKey("admin", target.replace(/…$/, ""));
      if (matches > 1) fail(`"${target}" matches ${matches} active keys; give the id or a longer prefix`);
      if (!revoked.length) fail(`no active key matches "${target}"`);
      console.log(`Revoked key "${revoked[0].name}" (${revoked[0].prefix}…).`);
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
