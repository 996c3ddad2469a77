/**
 * A benchmark's results kept as JSON (bench/results/NAME.json) and rendered into its section of
 * docs/benchmarks.md: the section is a pure function of the JSON, so it can be rendered again (a changed
 * wording, a new column of what was measured) without running the benchmark.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { replaceDocSection } from "../support";

const ROOT = path.resolve(__dirname, "..", "..");
const RESULTS = path.join(ROOT, "bench", "results");

export const resultsFile = (name: string) => path.join(RESULTS, `${name}.json`);

export function saveResults(name: string, data: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = resultsFile(name);
  writeFileSync(file, `${JSON.stringify(data, null, 1)}\n`);
  return file;
}

export function loadResults<T>(name: string): T | undefined {
  const file = resultsFile(name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

/** Writes the `## heading` section of docs/benchmarks.md; returns the file. */
export const writeSection = (heading: string, section: string) => replaceDocSection(ROOT, heading, section);

/** The files a result of `name` lives in, relative to the repository. */
export const relativeResults = (name: string) => path.relative(ROOT, resultsFile(name));
