import { execFile } from "node:child_process";
import { promisify } from "node:util";
import OpenAI from "openai";
import type { LoggedRequest } from "../upstream/server";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the integration tests through \`npm test\`.`);
  return value;
}

export const APP_URL = required("APP_URL");
export const STANDIN_URL = required("STANDIN_URL");
export const DATABASE_URL = required("DATABASE_URL");

/**
 * The keys CLI as an operator runs it, without blocking the event loop: a blocked loop keeps the HTTP
 * client from noticing that the server closed an idle keep-alive socket (5 s), and its next request would
 * go into a dead socket ("other side closed") — on a busy machine the CLI alone takes that long.
 */
export async function keysCli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("node_modules/.bin/tsx", ["scripts/keys.ts", ...args], {
    env: process.env,
    encoding: "utf8",
  });
  return stdout;
}

/** Creates a key through the real CLI; returns the key from its last line. */
export async function createKey(name: string, email?: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { stdout } = await promisify(execFile)(
    "node_modules/.bin/tsx",
    ["scripts/keys.ts", "create", "--name", name, ...(email ? ["--email", email] : [])],
    { env, encoding: "utf8" },
  );
  return stdout.trim().split("\n").pop()!;
}

/** The official SDK, pointed at our /v1 exactly as the seed's examples do; no retries so faults show. */
export function client(apiKey: string, maxRetries = 0): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${APP_URL}/v1`, maxRetries });
}

export async function standinLog(): Promise<LoggedRequest[]> {
  return (await fetch(`${STANDIN_URL}/_log`)).json() as Promise<LoggedRequest[]>;
}

/** The request the stand-in received whose last message contains `tag`. */
export async function upstreamRequestTagged(tag: string): Promise<LoggedRequest | undefined> {
  const log = await standinLog();
  return log.reverse().find((r) => JSON.stringify(r.body.messages).includes(tag));
}

export const tag = () => `t${Math.random().toString(36).slice(2, 10)}`;

export { sqlRow, sqlRows } from "../support/server-database";

export async function post(path: string, body: string | object, headers: Record<string, string> = {}) {
  return fetch(`${APP_URL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `read()` again until `ok` holds, or its last answer after `ms`: for rows another process writes a moment
 * after the response (the SQLite ledger commits its writes in batches, up to 50 ms apart).
 */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 2000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await sleep(20);
  }
}
