/**
 * The model catalogue (db/queries/models.ts, lib/model-catalogue.ts, lib/models.ts) on SQLite in memory and,
 * with TEST_DATABASE_URL set, on PostgreSQL: seeding, adding, editing, disabling, MODELS_FILE.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Db } from "@/db";
import { Catalogue, DEFAULT_MODELS } from "@/lib/models";
import { sql } from "drizzle-orm";
import { alsoOnPostgres, openTestDatabase, testEngine } from "../support/engines";

let db: Db;
let close: () => Promise<void>;
let Q: typeof import("@/db/queries/models");
let readModelsFile: typeof import("@/lib/model-catalogue").readModelsFile;
before(async () => {
  ({ db, close } = await openTestDatabase());
  Q = await import("@/db/queries/models");
  ({ readModelsFile } = await import("@/lib/model-catalogue"));
});
after(() => close?.());

const fields = (name: string, extra: Partial<import("@/db/queries/models").ModelFields> = {}) => ({
  name,
  upstreamId: name.toLowerCase(),
  contextWindow: 200_000,
  maxOutputTokens: 128_000,
  thinking: "optional" as const,
  description: "",
  enabled: true,
  ...extra,
});
const names = async () => (await Q.listModels(db)).map((m) => `${m.name}${m.enabled ? "" : " (off)"}`);
const fileOf = (json: unknown) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "models-")), "models.json");
  writeFileSync(file, typeof json === "string" ? json : JSON.stringify(json));
  return file;
};

describe("the catalogue in the database", () => {
  test("a new database gets the seed's six enabled and the newer models disabled, once", async () => {
    const defaults = DEFAULT_MODELS.map((m) => ({ ...fields(m.id), ...m, name: m.id }));
    await Q.seedModels(db, defaults);
    await Q.setModelEnabled(db, { name: "GLM-4.7", enabled: true });
    await Q.seedModels(db, defaults); // a second start changes nothing the admin did
    const list = await names();
    assert.deepEqual(list.slice(0, 7), [
      "GLM-4-Plus",
      "GLM-4-Air",
      "GLM-4-AirX",
      "GLM-4-Long",
      "GLM-4-FlashX",
      "GLM-4-Flash",
      "GLM-4.7",
    ]);
    assert.deepEqual(list.slice(7), ["GLM-4.7-Flash (off)", "GLM-4.6 (off)", "GLM-5 (off)"]);
  });

  test("add puts a model last; a name that exists in any case is refused", async () => {
    assert.equal(await Q.addModel(db, fields("My-Model")), true);
    assert.equal(await Q.addModel(db, fields("my-model")), false);
    assert.equal((await names()).at(-1), "My-Model");
  });

  test("edit keeps the place; renaming onto another model's name is refused; a missing one is said", async () => {
    const { enabled: _, ...edit } = fields("My-Model-2", { contextWindow: 32_000, maxOutputTokens: 8_000 });
    assert.equal(await Q.updateModel(db, { name: "MY-MODEL", fields: edit }), "updated");
    const row = (await Q.listModels(db)).at(-1)!;
    assert.deepEqual(
      [row.name, row.key, row.contextWindow, row.maxOutputTokens],
      ["My-Model-2", "my-model-2", 32_000, 8_000],
    );
    assert.equal(await Q.updateModel(db, { name: "My-Model-2", fields: { ...edit, name: "glm-4-air" } }), "taken");
    assert.equal(await Q.updateModel(db, { name: "nope", fields: edit }), "missing");
  });

  test("disable and enable; the last enabled model cannot be disabled", async () => {
    assert.equal(await Q.setModelEnabled(db, { name: "glm-4-plus", enabled: false }), "done");
    const catalogue = new Catalogue(
      (await Q.listModels(db)).map((r) => ({ ...r, id: r.name })) as unknown as ConstructorParameters<
        typeof Catalogue
      >[0],
    );
    assert.equal(catalogue.find("GLM-4-Plus"), undefined, "a disabled model is not found for use");
    assert.equal(catalogue.findAny("glm-4-plus")?.id, "GLM-4-Plus", "but still known by name");
    for (const m of await Q.listModels(db))
      if (m.name !== "GLM-4-Flash") await Q.setModelEnabled(db, { name: m.name, enabled: false });
    assert.equal(await Q.setModelEnabled(db, { name: "GLM-4-Flash", enabled: false }), "last");
    assert.equal(await Q.setModelEnabled(db, { name: "nope", enabled: true }), "missing");
    assert.deepEqual(
      (await Q.listModels(db)).filter((m) => m.enabled).map((m) => m.name),
      ["GLM-4-Flash"],
    );
  });

  test("MODELS_FILE is the list: its models added or updated in its order, every other one disabled", async () => {
    const file = fileOf({
      models: [
        {
          name: "GLM-4.7",
          upstreamId: "glm-4.7",
          contextWindow: 200000,
          maxOutputTokens: 128000,
          thinking: "optional",
        },
        { name: "GLM-4-Air", upstreamId: "qwen2.5:7b", contextWindow: 32000, maxOutputTokens: 4095 },
        { name: "Local-Llama", upstreamId: "llama3:8b", contextWindow: 8192, maxOutputTokens: 2048, enabled: false },
      ],
    });
    await Q.provisionModels(db, readModelsFile(file));
    const rows = await Q.listModels(db);
    const on = rows.filter((m) => m.enabled).map((m) => `${m.name}=${m.upstreamId}`);
    assert.deepEqual(on, ["GLM-4.7=glm-4.7", "GLM-4-Air=qwen2.5:7b"]);
    assert.equal(rows.find((m) => m.name === "Local-Llama")?.enabled, false);
    assert.equal(rows.find((m) => m.name === "GLM-4-Air")?.thinking, "none");
  });
});

describe("MODELS_FILE is checked before anything is written", () => {
  const ok = { name: "A", upstreamId: "a", contextWindow: 100, maxOutputTokens: 10 };
  const cases: [string, unknown, RegExp][] = [
    ["not JSON", "{nope", /MODELS_FILE .*JSON/],
    ["a field missing", [{ name: "A", contextWindow: 100, maxOutputTokens: 10 }], /0\.upstreamId/],
    [
      "output over context",
      [{ ...ok, maxOutputTokens: 1000 }],
      /0\.maxOutputTokens: Cannot be more than the context window/,
    ],
    ["a name with a space", [{ ...ok, name: "My model" }], /0\.name: Use letters/],
    ["an upstream id with a space", [{ ...ok, upstreamId: "glm 4 air" }], /0\.upstreamId: Upstream ids have no spaces/],
    ["a name twice", [ok, { ...ok, name: "a" }], /listed twice/],
    ["nothing enabled", [{ ...ok, enabled: false }], /no model is enabled/],
    ["an unknown thinking mode", [{ ...ok, thinking: "sometimes" }], /0\.thinking: Choose none, optional or always/],
  ];
  for (const [what, json, message] of cases)
    test(what, () => assert.throws(() => readModelsFile(fileOf(json)), message));
  test("a missing file names itself", () =>
    assert.throws(() => readModelsFile("/nonexistent/models.json"), /MODELS_FILE \/nonexistent\/models.json/));
});

describe("Catalogue", () => {
  const c = new Catalogue(DEFAULT_MODELS);
  test("names are case-insensitive; disabled models are not found for use", () => {
    assert.equal(c.find(" glm-4-AIR ")?.id, "GLM-4-Air");
    assert.equal(c.find("GLM-4.7"), undefined);
    assert.equal(c.findAny("glm-4.7")?.id, "GLM-4.7");
  });
  test("a new chat starts on the last model if it is still enabled, else GLM-4-Flash, else the first", () => {
    assert.equal(c.startingModel("glm-4-long")?.id, "GLM-4-Long");
    assert.equal(c.startingModel("GLM-4.7")?.id, "GLM-4-Flash");
    assert.equal(c.startingModel(null)?.id, "GLM-4-Flash");
    const noFlash = new Catalogue(DEFAULT_MODELS.map((m) => ({ ...m, enabled: m.enabled && m.id !== "GLM-4-Flash" })));
    assert.equal(noFlash.startingModel(null)?.id, "GLM-4-Plus");
  });
  test("the longest enabled model is offered for prompts that outgrow one", () => {
    assert.equal(c.longest()?.id, "GLM-4-Long");
    assert.equal(new Catalogue([]).longest(), undefined);
  });
});

alsoOnPostgres(__filename);

describe("the catalogue a process holds", () => {
  /** Until `done()`, or 5 s: a re-read on PostgreSQL is a round trip, not a turn of the event loop. */
  const until = async (done: () => boolean) => {
    for (let waited = 0; !done() && waited < 5_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
  };

  test("is re-read by a timer of its own, never by the requests that read it", async (t) => {
    t.mock.timers.enable({ apis: ["setInterval"] });
    const { loadedCatalogue, modelCatalogue } = await import("@/lib/model-catalogue");
    const first = await modelCatalogue();
    // Another instance adds a model: this process sees it at its next re-read, not before.
    assert.equal(await Q.addModel(db, fields("Timer-Model")), true);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 5));
      assert.equal(loadedCatalogue(), first, "reading the catalogue does not re-read it");
    }
    t.mock.timers.tick(5_000);
    await until(() => loadedCatalogue() !== first);
    assert.equal(loadedCatalogue()?.find("timer-model")?.id, "Timer-Model");
  });

  test("a re-read that fails keeps the catalogue it had, and says so once per outage", async (t) => {
    const errors = t.mock.method(console, "error", () => {});
    const infos = t.mock.method(console, "info", () => {});
    const { catalogueChanged, loadedCatalogue, rereadCatalogue } = await import("@/lib/model-catalogue");
    const held = await catalogueChanged();
    const rename = async (from: string, to: string) => {
      const statement = sql.raw(`alter table ${from} rename to ${to}`);
      if (testEngine === "postgres")
        await (db as unknown as { execute: (q: typeof statement) => Promise<unknown> }).execute(statement);
      else db.run(statement);
    };
    await rename("models", "models_away");
    try {
      for (let i = 0; i < 3; i++) assert.equal(await rereadCatalogue(), held, "the last catalogue is kept");
      assert.equal(loadedCatalogue(), held);
      assert.equal(errors.mock.callCount(), 1, "one error for the outage, not one per re-read");
    } finally {
      await rename("models_away", "models");
    }
    const fresh = await rereadCatalogue();
    assert.notEqual(fresh, held, "read again once the database answers");
    assert.equal(loadedCatalogue(), fresh);
    assert.equal(infos.mock.callCount(), 1);
  });
});
