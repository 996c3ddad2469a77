/**
 * A throw-away PostgreSQL 15 for a benchmark (scripts/postgres.mjs: its own server in a temp folder, or a
 * fresh database on TEST_DATABASE_URL's server), migrated with the app's migrations, plus the pid of its
 * postmaster so the bench can count the database's CPU time.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./build";

export interface BenchPg {
  url: string;
  /** The postmaster's pid (its backends are its children), when the server runs on this machine. */
  pid?: number;
  stop(): void;
}

interface TestPostgres {
  url: string;
  createDatabase(label: string): string;
  stop(): void;
}

export async function startPostgres(log: (m: string) => void): Promise<BenchPg> {
  // scripts/postgres.mjs is plain JavaScript without types; imported by a computed path so tsc does not look for them.
  const script = path.join(ROOT, "scripts", "postgres.mjs");
  const { startTestPostgres } = (await import(script)) as { startTestPostgres: () => Promise<TestPostgres> };
  const t0 = performance.now();
  const pg = await startTestPostgres();
  const { migratePostgres } = await import("@/db/engines/postgres");
  await migratePostgres(pg.url);
  const pid = postmasterOf(Number(new URL(pg.url).port));
  log(
    `PostgreSQL ${new URL(pg.url).host} up and migrated in ${((performance.now() - t0) / 1000).toFixed(1)} s` +
      (pid ? ` (postmaster pid ${pid})` : ""),
  );
  return { url: pg.url, pid, stop: () => pg.stop() };
}

/** The postgres process listening on `port` whose parent is not a postgres process (the postmaster). */
export function postmasterOf(port: number): number | undefined {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (!/(^|\/)postgres$/.test(argv[0]) || !argv.includes(String(port))) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const parent = readFileSync(`/proc/${ppid}/cmdline`, "utf8").split("\0")[0];
      if (!/(^|\/)postgres$/.test(parent)) return Number(name);
    } catch {
      /* gone */
    }
  }
  return undefined;
}
