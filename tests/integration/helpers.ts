import { execFile, execFileSync } from "node:child_process";
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

/** Creates a key through the real CLI, as an operator would; returns the key from its last line. */
export function createKey(name: string, email?: string): string {
  const out = execFileSync("node_modules/.bin/tsx", ["scripts/keys.ts", "create", "--name", name,
    ...(email ? ["--email", email] : [])], { env: process.env, encoding: "utf8" });
  return out.trim().split("\n").pop()!;
}

/**
 * The CLI without blocking the event loop: a blocked loop keeps the HTTP client from noticing that the
 * server closed an idle keep-alive socket, and its next request would go into a dead socket.
 */
export async function keysCliAsync(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("node_modules/.bin/tsx", ["scripts/keys.ts", ...args],
    { env: process.env, encoding: "utf8" });
  return stdout;
}

export function keysCli(...args: string[]): string {
  return execFileSync("node_modules/.bin/tsx", ["scripts/keys.ts", ...args], { env: process.env, encoding: "utf8" });
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
