import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { APP_URL, DATABASE_URL } from "./helpers";

/** What `npm start` (scripts/server.mjs) promises about where it listens and what it writes to disk. */

/** The local addresses listening on `port`, from /proc/net/tcp{,6} (no traffic to any other address). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === "0A" && local?.endsWith(`:${hexPort}`)) found.push(local.split(":")[0]);
    }
  }
  return found;
}

test("HOSTNAME=127.0.0.1 listens on the loopback address only", () => {
  const port = Number(new URL(APP_URL).port);
  const addresses = listeners(port);
  assert.ok(addresses.length > 0, "the server is listening");
  // 0100007F is 127.0.0.1 in /proc's little-endian hex; 00000000 would be every interface.
  assert.deepEqual([...new Set(addresses)], ["0100007F"]);
});

test("the database and its WAL/SHM files are private (0600)", () => {
  const file = DATABASE_URL.replace(/^file:/, "");
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(f)) continue;
    assert.equal(statSync(f).mode & 0o777, 0o600, `${path.basename(f)} is 0600`);
  }
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test("public/ serves robots.txt and a web manifest that every page links", async () => {
  const robots = await fetch(`${APP_URL}/robots.txt`);
  assert.equal(robots.status, 200);
  assert.match(await robots.text(), /Disallow: \//);
  const manifest = await fetch(`${APP_URL}/manifest.webmanifest`);
  assert.equal(manifest.status, 200);
  const body = (await manifest.json()) as { name: string; icons: { src: string }[] };
  assert.equal(body.name, "glm-chat");
  assert.equal((await fetch(`${APP_URL}${body.icons[0].src}`)).status, 200);
  assert.match(await (await fetch(`${APP_URL}/login`)).text(), /<link rel="manifest" href="\/manifest.webmanifest"/);
});
