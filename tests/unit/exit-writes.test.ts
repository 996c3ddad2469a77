/**
 * A process that exits right after its last writes (db/engines/sqlite-exit.ts): the ledger's queued batch is
 * written and committed, the loop turn's shared transaction is committed, and the log is copied into the
 * database file, so the file alone holds everything. The writer is a child process (tests/support/exit-writer.ts)
 * because only a real exit runs the exit steps.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";

const dir = mkdtempSync(path.join(tmpdir(), "glm-exit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("writes made just before the process exits are committed, and the database file alone holds them", () => {
  const file = path.join(dir, "app.db");
  const child = spawnSync(
    process.execPath,
    [path.resolve("node_modules/tsx/dist/cli.mjs"), "tests/support/exit-writer.ts", file, "leaving@example.com"],
    { encoding: "utf8", env: { ...process.env, AUTH_SECRET: "test", DATABASE_URL: `file:${file}` }, timeout: 60_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stderr.trim(), "", "nothing went wrong at exit");
  // The log was copied into the file and emptied: a copy of the file without it has every write.
  assert.equal(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0, 0, "the log is empty");
  const copy = path.join(dir, "copy.db");
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    const user = db
      .prepare("select id, last_model as lastModel from users where email = ?")
      .get("leaving@example.com") as { id: string; lastModel: string | null } | undefined;
    assert.ok(user, "the account, written before the last moment");
    assert.equal(user.lastModel, "GLM-4-Long", "the shared transaction's write");
    const rows = db
      .prepare("select status, prompt_tokens as p, completion_tokens as c from usage where user_id = ?")
      .all(user.id);
    assert.deepEqual(
      rows,
      [{ status: 200, p: 12, c: 34 }],
      "the ledger's row, started and completed in its last batch",
    );
  } finally {
    db.close();
  }
});
