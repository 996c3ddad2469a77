import { describe, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { databasePath, parseModelMap } from "@/lib/config";

describe("parseModelMap", () => {
  test("pairs become a map keyed by the lower-case public name", () => {
    const map = parseModelMap("GLM-4-Flash=glm4:9b, glm-4-air=qwen");
    assert.deepEqual(
      [...map.entries()],
      [
        ["glm-4-flash", "glm4:9b"],
        ["glm-4-air", "qwen"],
      ],
    );
  });

  test("nothing to parse is an empty map", () => {
    assert.equal(parseModelMap(undefined).size, 0);
    assert.equal(parseModelMap("").size, 0);
    assert.equal(parseModelMap(" , ").size, 0);
  });

  test("semicolons and newlines separate pairs too; whitespace is trimmed", () => {
    const map = parseModelMap("GLM-4-Plus = big-model ;\n GLM-4-LONG=long:latest\n");
    assert.equal(map.get("glm-4-plus"), "big-model");
    assert.equal(map.get("glm-4-long"), "long:latest");
    assert.equal(map.size, 2);
  });

  test("the target keeps everything after the first '='", () => {
    assert.equal(parseModelMap("GLM-4-Air=org/model=v2").get("glm-4-air"), "org/model=v2");
  });

  test("a later pair for the same model wins", () => {
    assert.equal(parseModelMap("GLM-4-Air=a,glm-4-air=b").get("glm-4-air"), "b");
  });

  test("any catalogue name may be mapped (the catalogue is data); a name no model can have throws, naming the pair", () => {
    assert.equal(parseModelMap("GLM-5=glm5").get("glm-5"), "glm5");
    assert.throws(() => parseModelMap("GLM 5=glm5"), /GLM 5=glm5/);
    assert.throws(() => parseModelMap("GLM-4-Flash=a,gpt/4o=b"), /gpt\/4o=b/);
  });

  test("malformed pairs throw", () => {
    for (const raw of ["GLM-4-Flash", "GLM-4-Flash=", "=glm4", "GLM-4-Flash= ", "GLM-4-Flash:glm4"]) {
      assert.throws(() => parseModelMap(raw), /UPSTREAM_MODEL_MAP/, `should reject ${JSON.stringify(raw)}`);
    }
  });
});

describe("databasePath", () => {
  test("in-memory spellings", () => {
    assert.equal(databasePath(":memory:"), ":memory:");
    assert.equal(databasePath("file::memory:"), ":memory:");
  });

  test("file: URLs and plain paths resolve to absolute paths", () => {
    assert.equal(databasePath("file:./data/app.db"), path.resolve("data/app.db"));
    assert.equal(databasePath("/var/lib/app.db"), "/var/lib/app.db");
  });
});
