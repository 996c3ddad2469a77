import { existsSync } from "node:fs";
import { databasePath, databaseUrl, usingPostgres } from "@/db/url";

const HELP = new Set(["--help", "-h", "help"]);

/** `--help` (or `-h`, `help`) asked for the usage: printed to stdout, exit 0, as command line tools do. */
export function printUsageIfAsked(command: string | undefined, usage: string): void {
  if (command === undefined || !HELP.has(command)) return;
  console.log(usage);
  process.exit(0);
}

/**
 * A command line tool about to open a SQLite file that is not there. `creates`: the command makes things (a
 * key, an account), which on a new install may come before the server's first start, so the file is made
 * and that is said; any other command has nothing to read in a new file, and a mistyped DATABASE_URL would
 * have made an empty database the server never reads: it stops with the path instead.
 */
export function checkDatabaseFile(tool: string, creates: boolean): void {
  if (usingPostgres()) return;
  const file = databasePath(databaseUrl());
  if (file === ":memory:" || existsSync(file)) return;
  if (!creates) {
    console.error(`${tool}: no database at ${file}. Set DATABASE_URL to the server's, or start the server once.`);
    process.exit(1);
  }
  console.error(`${tool}: no database at ${file} yet; creating it. If the server uses another, set DATABASE_URL.`);
}
