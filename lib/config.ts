import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { databasePath, isPostgresUrl } from "@/db/url";

const intFromEnv = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const EnvSchema = z.object({
  UPSTREAM_BASE_URL: z.string().url().default("https://open.bigmodel.cn/api/paas/v4"),
  UPSTREAM_API_KEY: z.string().trim().optional(),
  UPSTREAM_MODEL_MAP: z.string().optional(),
  /** A JSON list of models written into the catalogue at start-up (lib/model-catalogue.ts). */
  MODELS_FILE: z.string().trim().optional(),
  DATABASE_URL: z.string().default("file:./data/app.db"),
  AUTH_SECRET: z.string().optional(),
  /** Until the upstream's response headers arrive. */
  UPSTREAM_CONNECT_TIMEOUT_MS: intFromEnv(10_000),
  /** Until the first byte of the body, and the longest silence allowed mid-stream. */
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: intFromEnv(60_000),
  /** Interval of `: ping` comments while the upstream is silent. */
  STREAM_KEEPALIVE_MS: intFromEnv(15_000),
  MAX_BODY_BYTES: intFromEnv(4 * 1024 * 1024),
  ALLOW_REGISTRATION: z.enum(["true", "false", "1", "0", "yes", "no"]).default("true"),
  ADMIN_EMAILS: z.string().default(""),
  /**
   * Client addresses the per-address sign-in and sign-up limits leave out (comma-separated). For test runs that
   * sign up hundreds of accounts from 127.0.0.1 (scripts/test.mjs); a real server has no reason to set it.
   */
  THROTTLE_EXEMPT_ADDRESSES: z.string().default(""),
  /**
   * A reverse proxy of the operator's is in front: its X-Forwarded-* headers are believed (1, true, yes; as
   * scripts/server.mjs reads it). Without it anyone could send them.
   */
  TRUST_PROXY: z.string().default(""),
  /** Requests per minute; 0 = no limit. */
  RATE_LIMIT_KEY_RPM: z.coerce.number().int().min(0).default(0),
  RATE_LIMIT_USER_RPM: z.coerce.number().int().min(0).default(0),
  RATE_LIMIT_CHAT_RPM: z.coerce.number().int().min(0).default(0),
  /** What one account's documents may take on the server, in MB of uploaded files; 0 = no limit. */
  DOCUMENTS_QUOTA_MB: z.coerce.number().int().min(0).default(2048),
});

export type AppConfig = ReturnType<typeof loadConfig>;

/** Parses `GLM-4-Flash=glm4:9b,GLM-4-Air=qwen` into an override map keyed by lower-case public name. */
export function parseModelMap(raw: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!raw) return map;
  for (const pair of raw.split(/[,;\n]/)) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim().toLowerCase();
    const target = pair.slice(eq + 1).trim();
    // Names are checked against the catalogue once it is loaded (lib/model-catalogue.ts warns about strays).
    if (eq < 1 || !target || !/^[a-z0-9][a-z0-9._:-]*$/.test(name)) {
      throw new Error(`UPSTREAM_MODEL_MAP: cannot read "${pair.trim()}"; expected e.g. GLM-4-Flash=glm4:9b`);
    }
    map.set(name, target);
  }
  return map;
}

export { databasePath };

/**
 * AUTH_SECRET, or (on the single-machine SQLite default) one generated on first run and kept beside the
 * database. On PostgreSQL every instance must sign sessions with the same secret, so it must be given.
 */
function authSecret(given: string | undefined, databaseUrl: string, dbFile: string): string {
  if (given) return given;
  if (isPostgresUrl(databaseUrl)) {
    throw new Error(
      "AUTH_SECRET must be set when DATABASE_URL is PostgreSQL: every instance signs and reads " +
        "sessions with it. Generate one with `openssl rand -base64 32` and give all instances the same value.",
    );
  }
  const dir = dbFile === ":memory:" ? path.resolve("data") : path.dirname(dbFile);
  const file = path.join(dir, ".auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  // The data folder is private (0700), whoever creates it first: this, or the database beside it.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process starting at the same moment wrote it first: use that one.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw err;
  }
  return secret;
}

function loadConfig() {
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dbFile = isPostgresUrl(env.DATABASE_URL) ? "" : databasePath(env.DATABASE_URL);
  return {
    upstreamBaseUrl: env.UPSTREAM_BASE_URL.replace(/\/+$/, ""),
    upstreamApiKey: env.UPSTREAM_API_KEY || undefined,
    /** No key: the built-in demo upstream answers, and the UI says so. */
    demoMode: !env.UPSTREAM_API_KEY,
    modelMap: parseModelMap(env.UPSTREAM_MODEL_MAP),
    modelsFile: env.MODELS_FILE || undefined,
    dbFile,
    connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
    firstByteTimeoutMs: env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
    keepAliveMs: env.STREAM_KEEPALIVE_MS,
    maxBodyBytes: env.MAX_BODY_BYTES,
    allowRegistration: ["true", "1", "yes"].includes(env.ALLOW_REGISTRATION),
    adminEmails: env.ADMIN_EMAILS.split(/[,\s]+/)
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
    trustProxy: ["1", "true", "yes"].includes(env.TRUST_PROXY.trim().toLowerCase()),
    throttleExemptAddresses: env.THROTTLE_EXEMPT_ADDRESSES.split(/[,\s]+/).filter(Boolean),
    rateLimits: { keyRpm: env.RATE_LIMIT_KEY_RPM, userRpm: env.RATE_LIMIT_USER_RPM, chatRpm: env.RATE_LIMIT_CHAT_RPM },
    documentsQuotaBytes: env.DOCUMENTS_QUOTA_MB * 1024 * 1024,
    get authSecret() {
      return (cached.secret ??= authSecret(env.AUTH_SECRET, env.DATABASE_URL, dbFile));
    },
  };
}

const cached: { config?: AppConfig; secret?: string } = {};

export function config(): AppConfig {
  return (cached.config ??= loadConfig());
}
