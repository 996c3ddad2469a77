import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

const classesOf = (html: string) => /class="([^"]*)"/.exec(html)![1].split(" ");

describe("cn: clsx + tailwind-merge", () => {
  test("the later of two conflicting Tailwind classes wins", () => {
    assert.equal(cn("h-9 px-3 text-sm", "h-10"), "px-3 text-sm h-10");
    assert.equal(cn("px-2 py-1", "p-3"), "p-3");
    assert.equal(cn("dark:bg-neutral-900", "dark:bg-neutral-100"), "dark:bg-neutral-100");
  });
  test("conditionals, arrays and objects, falsy values skipped", () => {
    assert.equal(cn("a", false, null, undefined, ["b", { c: true, d: false }]), "a b c");
  });
  test("a Button given a height gets that height only (the composer's Send is h-10, not h-9 and h-10)", () => {
    const classes = classesOf(renderToStaticMarkup(createElement(Button, { className: "h-10" }, "Send")));
    assert.ok(classes.includes("h-10"));
    assert.ok(!classes.includes("h-9"));
  });
});
