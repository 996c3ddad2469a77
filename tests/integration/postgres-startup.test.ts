import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import postgres from "postgres";

/**
 * On PostgreSQL a misconfigured instance refuses to start, saying what to do, instead of listening and
 * failing every request: AUTH_SECRET must be set (instances share it), and the database must have been
 * migrated by `npm run db:migrate`. Needs TEST_DATABASE_URL (npm test sets it) and the production build.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
const skip = serverUrl ? false : "TEST_DATABASE_URL is not set (npm test sets it)";
const name = `startup_${process.pid}`;
let url = "";

before(async () => {
  if (!serverUrl) return;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  url = u.toString();
});

after(async () => {
  if (!serverUrl) return;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

/** Starts `npm start`'s server and waits for it to exit (or to listen, which is a failure here). */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { AUTH_SECRET: _secret, NODE_ENV: _mode, ...rest } = process.env;
  const child = spawn(process.execPath, ["scripts/server.mjs"], {
    env: {
      ...rest,
      NODE_ENV: "production",
      HOSTNAME: "127.0.0.1",
      PORT: String(6950 + Math.floor(Math.random() * 40)),
      DATABASE_URL: url,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

test("without AUTH_SECRET an instance on PostgreSQL exits and names the variable", { skip }, async () => {
  const { code, output } = await start({});
  assert.equal(code, 1, output);
  assert.match(output, /AUTH_SECRET must be set when DATABASE_URL is PostgreSQL/);
});

test("on a database that was not migrated it exits and says to run npm run db:migrate", { skip }, async () => {
  const { code, output } = await start({ AUTH_SECRET: "a-shared-secret" });
  assert.equal(code, 1, output);
  assert.match(output, /lacks \d+ migration\(s\): run `npm run db:migrate`/);
});
