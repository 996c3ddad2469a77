/** The CPU profiles' part of the doors section (bench/doors/report.ts): each door's summary, cut short. */
import type { ProfileResult } from "./types";

/** Each door's profile, cut to the areas and the top functions. */
export function renderProfile(p: ProfileResult): string[] {
  const L = [
    `CPU profiles (\`npm run bench:doors -- --profile\`, ${p.date}, ${p.build}): the server under \`--cpu-prof\`, ` +
      "a fresh server per door, warmed, summarised by bench/profile-summary.ts from the end of the warm-up on (shares " +
      "of the server's busy time at steady state; start-up and module loading left out).",
    "",
  ];
  for (const d of p.doors) {
    const lines = d.summary.split("\n");
    const cut = (header: RegExp, n: number) => {
      const i = lines.findIndex((x) => header.test(x));
      if (i < 0) return [];
      const out: string[] = [];
      for (let j = i + 1; j < lines.length && lines[j].startsWith("  ") && out.length < n; j++) {
        // The event loop's own frames are on every stack: they say nothing about whose work it is.
        if (!/ (processTicksAndRejections|runMicrotasks|\(garbage collector\)|\(program\)) /.test(lines[j]))
          out.push(lines[j]);
      }
      return out;
    };
    L.push(
      `**${d.door}**, ${d.streams} streams at ${d.concurrency} (${lines[0].replace(/^profile \S+: /, "")}):`,
      "",
      "```",
      "self time by area:",
      ...cut(/^self time by area/, 14),
      "top functions by self time (GC and writev are in the areas above):",
      ...cut(/functions by self time/, 12),
      "top functions by inclusive time:",
      ...cut(/functions by inclusive time/, 18),
      "```",
      "",
    );
  }
  return L;
}
