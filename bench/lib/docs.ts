/**
 * Results kept as JSON under bench/results/ and rendered into docs/benchmarks.md: read/write the JSON, and
 * replace one `## heading` section of the docs (or a section it supersedes under an older heading).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./build";

/** bench/results/NAME (".json" added when NAME has no extension). */
export const resultsFile = (name: string) =>
  path.join(ROOT, "bench", "results", path.extname(name) ? name : `${name}.json`);

/** JSON with NaN / ±Infinity kept as null (JSON has neither). */
export function writeResults(name: string, data: unknown): string {
  const file = resultsFile(name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 1)}\n`);
  return file;
}

/** The JSON written by writeResults; null figures are read back as NaN unless `nullAsNaN` is false. */
export function readResults<T>(name: string, { nullAsNaN = true } = {}): T | undefined {
  const file = resultsFile(name);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return (nullAsNaN ? JSON.parse(text, (_k, v) => (v === null ? Number.NaN : v)) : JSON.parse(text)) as T;
}

const headingAt = (text: string, heading: string) =>
  text.search(new RegExp(`^## ${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`, "m"));

/**
 * Replaces the `## heading` section of docs/benchmarks.md with `section`; if there is none, the first section
 * found under one of `supersedes` (older headings of the same benchmark); else appends. Other sections are
 * left alone. Re-reads the file right before writing, since benchmarks may run side by side.
 */
export function writeDocSection(heading: string, section: string, supersedes: string[] = []): string {
  const file = path.join(ROOT, "docs", "benchmarks.md");
  mkdirSync(path.dirname(file), { recursive: true });
  let text = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (!text.trim()) text = "# Benchmarks\n";
  const start = [heading, ...supersedes].map((h) => headingAt(text, h)).find((i) => i >= 0) ?? -1;
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.slice(start + 1).search(/^## (?!#)/m);
    const end = next < 0 ? text.length : start + 1 + next;
    text = `${text.slice(0, start)}${section.trimEnd()}\n${end < text.length ? `\n${text.slice(end)}` : ""}`;
  }
  writeFileSync(file, `${text.trimEnd()}\n`);
  return file;
}
