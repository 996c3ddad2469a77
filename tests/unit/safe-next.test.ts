import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { safeNext } from "@/lib/auth/safe-next";

describe("safeNext", () => {
  test("keeps same-site paths with their query and fragment", () => {
    for (const path of ["/", "/chat/abc-123", "/settings/keys?tab=1", "/chat/x#m-5", "/share/%E4%BD%A0"]) {
      assert.equal(safeNext(path), path);
    }
  });

  test("refuses everything that could leave the origin or break a header", () => {
    const nasty = [
      "",
      "chat",
      "https://evil.example/",
      "http:/evil.example",
      "javascript:alert(1)",
      "data:text/html,x",
      "//evil.example",
      "///evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/\\/evil.example",
      "/x\\y",
      "/\t/evil.example",
      "/%09/evil.example",
      "%2F%09%2F127.0.0.1:4299%2Ftab",
      "/%2F%09%2F127.0.0.1:4299%2Ftab",
      "/%2F/evil.example",
      "%2F%2Fevil.example",
      "/%5Cevil.example",
      "/%255Cevil.example",
      "/%252F%252Fevil.example",
      "/\r\nSet-Cookie: a=b",
      "/%0d%0aSet-Cookie:%20a=b",
      "/%0aevil",
      "/\u0000",
      "/%00",
      "/\u007f",
      "/%7f",
      "/\u0085",
      "/%C2%85",
      "/\n/evil.example",
      " /chat",
      "/%ff",
      "/%",
      "/%E4%BD",
      "/" + "a".repeat(3000),
    ];
    for (const input of nasty) assert.equal(safeNext(input), "/", JSON.stringify(input));
  });

  test("anything but a string is /", () => {
    for (const input of [null, undefined, 42, ["/chat"], { toString: () => "/chat" }]) {
      assert.equal(safeNext(input), "/");
    }
  });

  test("whatever it returns resolves to the same origin", () => {
    const origin = "http://127.0.0.1:3000";
    for (const input of ["/a/../../b", "/./x", "/..//evil.example", "/a?next=//evil.example", "/@evil.example"]) {
      assert.equal(new URL(safeNext(input), origin).origin, origin, input);
    }
  });
});
