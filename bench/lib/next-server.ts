/**
 * The app server of a bench build as a child process, started one of two ways:
 * - `startNext`: `next start` (the next CLI run directly, so the pid is the server's);
 * - `startAppServer`: what `npm start` runs in production, `node --max-old-space-size=192 scripts/server.mjs`
 *   (node run directly, without the npm and sh processes in front of it).
 */
import path from "node:path";
import { startChild, waitForHealth, type Child } from "../support";
import { NEXT_BIN, ROOT } from "./build";

export interface NextOptions {
  dist: string;
  port: number;
  /** DATABASE_URL, AUTH_SECRET, UPSTREAM_* … (NODE_ENV, NEXT_DIST_DIR and PORT are set here). */
  env: Record<string, string | undefined>;
  name?: string;
  /** Write a V8 CPU profile of this server into the folder when it exits (SIGTERM). */
  cpuProfDir?: string;
  echo?: boolean;
}

/** The environment of a production server of build `dist` on `port`, over this process's. */
function productionEnv(
  o: { env: Record<string, string | undefined>; dist: string; port: number },
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...o.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: o.dist,
    NEXT_TELEMETRY_DISABLED: "1",
    ...extra,
    PORT: String(o.port),
  };
}

/** Starts the server and resolves once GET /api/health answers 200 (≤ 90 s). */
export async function startNext(o: NextOptions): Promise<Child & { startupMs: number }> {
  const t0 = performance.now();
  const env = productionEnv(o);
  delete env.NODE_OPTIONS;
  const child = startChild(
    o.name ?? `next start :${o.port}`,
    process.execPath,
    [
      ...(o.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${o.cpuProfDir}`] : []),
      NEXT_BIN,
      "start",
      "-p",
      String(o.port),
      "-H",
      "127.0.0.1",
      "--keepAliveTimeout",
      "60000",
    ],
    { cwd: ROOT, env, echo: o.echo },
  );
  await waitForHealth(o.port, "/api/health", 90_000, child);
  return Object.assign(child, { startupMs: performance.now() - t0 });
}

/** SIGTERM, wait up to `graceMs` (a CPU profile is written on the way out), then SIGKILL. */
export async function stopNext(child: Child, graceMs = 15_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill("SIGTERM");
  await Promise.race([child.exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill("SIGKILL");
}

export interface AppServerOptions extends NextOptions {
  /** Node flags before the script; default what `npm start` passes. */
  nodeFlags?: string[];
}

/** `npm start`'s node flags (package.json "start"). */
export const NPM_START_NODE_FLAGS = ["--max-old-space-size=192"];

/**
 * `NODE_ENV=production node --max-old-space-size=192 scripts/server.mjs` on 127.0.0.1 (HOSTNAME, PORT), as
 * `npm start` runs it; resolves once GET /api/health answers 200 (≤ 90 s).
 */
export async function startAppServer(o: AppServerOptions): Promise<Child & { startupMs: number }> {
  const t0 = performance.now();
  const env = productionEnv(o, { HOSTNAME: "127.0.0.1" });
  delete env.NODE_OPTIONS;
  const child = startChild(
    o.name ?? `server.mjs :${o.port}`,
    process.execPath,
    [
      ...(o.nodeFlags ?? NPM_START_NODE_FLAGS),
      ...(o.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${o.cpuProfDir}`] : []),
      path.join(ROOT, "scripts", "server.mjs"),
    ],
    { cwd: ROOT, env, echo: o.echo },
  );
  await waitForHealth(o.port, "/api/health", 90_000, child);
  return Object.assign(child, { startupMs: performance.now() - t0 });
}

export const relative = (p: string) => path.relative(ROOT, p);
