/** The production build the benchmarks serve, in its own NEXT_DIST_DIR; rebuilt when older than the sources. */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startChild } from "./processes";

export const ROOT = path.resolve(__dirname, "..", "..");
export const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");

/** Files `next build` rewrites to mention its distDir; restored afterwards so the bench edits nothing outside bench/. */
const BUILD_TOUCHES = ["tsconfig.json", "next-env.d.ts"];

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ["app", "components", "lib", "db"]) if (existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
  for (const f of ["next.config.mjs", "package-lock.json", "postcss.config.mjs", "instrumentation.ts", "proxy.ts"]) {
    if (existsSync(path.join(ROOT, f))) newest = Math.max(newest, statSync(path.join(ROOT, f)).mtimeMs);
  }
  return newest;
}

/** Builds into `dist` unless a build newer than the sources is there (or `force`). Says what it did. */
export async function ensureBuild(dist: string, force: boolean, log: (m: string) => void): Promise<string> {
  const buildId = path.join(ROOT, dist, "BUILD_ID");
  if (!force && existsSync(buildId) && statSync(buildId).mtimeMs > newestSource()) {
    log(`using the existing ${dist} build (newer than the sources; pass --build to rebuild)`);
    return "reused";
  }
  log(`building into ${dist} (NEXT_DIST_DIR=${dist} NEXT_TELEMETRY_DISABLED=1 npx next build) …`);
  const saved = new Map(BUILD_TOUCHES.map((f) => [f, readFileSync(path.join(ROOT, f), "utf8")]));
  const started = Date.now();
  try {
    // The next CLI directly (what `npx next build` runs), so the timeout's kill reaches the build itself.
    const child = startChild("next build", process.execPath, [NEXT_BIN, "build"], {
      cwd: ROOT,
      env: { ...process.env, NEXT_DIST_DIR: dist, NEXT_TELEMETRY_DISABLED: "1" },
    });
    const timer = setTimeout(() => child.proc.kill("SIGKILL"), 10 * 60_000);
    const code = await child.exited;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${child.output().slice(-6000)}`);
  } finally {
    for (const [f, before] of saved) {
      const file = path.join(ROOT, f);
      const now = readFileSync(file, "utf8");
      if (now !== before && now.includes(dist) && !before.includes(dist)) writeFileSync(file, before);
    }
  }
  const secs = (Date.now() - started) / 1000;
  log(`built in ${secs.toFixed(0)} s`);
  writeFileSync(path.join(ROOT, dist, BUILD_INFO), JSON.stringify({ ...sourceState(), at: started }));
  return `built in ${secs.toFixed(0)} s`;
}

const BUILD_INFO = "bench-build-info.json";

/** The commit the source tree is at, and how many tracked files differ from it (others may be editing). */
function sourceState(): { commit: string; changed: number } {
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  const changed = git(["status", "--porcelain", "--untracked-files=no"]).split("\n").filter(Boolean).length;
  return { commit: git(["rev-parse", "--short", "HEAD"]) || "unknown", changed };
}

/** "built 2026-11-26 03:46 UTC from commit 15a992f (plus N uncommitted changed files)", from what the build recorded. */
export function describeBuild(dist: string): string {
  const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16);
  try {
    const info = JSON.parse(readFileSync(path.join(ROOT, dist, BUILD_INFO), "utf8")) as {
      commit: string;
      changed: number;
      at: number;
    };
    return (
      `built ${when(info.at)} UTC from commit ${info.commit}` +
      (info.changed ? ` plus ${info.changed} uncommitted changed file(s)` : "")
    );
  } catch {
    return `built ${when(statSync(path.join(ROOT, dist, "BUILD_ID")).mtimeMs)} UTC (commit not recorded)`;
  }
}
