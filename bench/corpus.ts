/**
 * Synthetic but realistic chat text for bench/chat.ts: English, Chinese and Japanese conversations on everyday
 * topics, built from templates with filled slots, so a full-text index sees varied text with natural word
 * frequencies (common words are common, a few terms are rare). Deterministic for a given seed.
 */

export type Lang = "en" | "zh" | "ja";

/** mulberry32: small, fast, seedable. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Rng = ReturnType<typeof rng>;

import { RARE, SLOTS, TOPICS } from "./lib/corpus-text";

export const RARE_SENTENCE_EN = RARE.en[0].text;

function fill(template: string, r: Rng): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (SLOTS[k] ? r.pick(SLOTS[k]) : k));
}

const totalWeight = TOPICS.reduce((s, t) => s + t.weight, 0);
export function pickTopic(r: Rng, lang?: Lang): number {
  if (lang) {
    const ids = TOPICS.map((t, i) => (t.lang === lang ? i : -1)).filter((i) => i >= 0);
    return r.pick(ids);
  }
  let x = r.next() * totalWeight;
  for (let i = 0; i < TOPICS.length; i++) {
    x -= TOPICS[i].weight;
    if (x < 0) return i;
  }
  return TOPICS.length - 1;
}

export const topicLang = (topic: number): Lang => TOPICS[topic].lang;

const joiner = (lang: Lang) => (lang === "en" ? " " : "");

/** A user message: one prompt, sometimes with a follow-up sentence. */
export function userMessage(r: Rng, topic: number): string {
  const t = TOPICS[topic];
  const parts = [fill(r.pick(t.user), r)];
  if (r.chance(0.35)) parts.push(fill(r.pick(t.user), r));
  if (r.chance(0.15)) parts.push(fill(r.pick(t.assistant), r));
  for (const rare of RARE[t.lang]) if (r.chance(rare.p)) parts.push(rare.text);
  return parts.join(joiner(t.lang));
}

/** An assistant reply: a few paragraphs, sometimes a list or a code block. */
export function assistantMessage(r: Rng, topic: number, long = false): string {
  const t = TOPICS[topic];
  const paragraphs: string[] = [];
  const count = long ? r.int(2, 4) : r.int(1, 3);
  for (let p = 0; p < count; p++) {
    const sentences: string[] = [];
    for (let s = r.int(1, long ? 4 : 3); s > 0; s--) sentences.push(fill(r.pick(t.assistant), r));
    paragraphs.push(sentences.join(joiner(t.lang)));
  }
  if (r.chance(long ? 0.35 : 0.15)) {
    const items = Array.from({ length: r.int(2, 4) }, () => `- ${fill(r.pick(t.assistant), r)}`);
    paragraphs.splice(r.int(0, paragraphs.length), 0, items.join("\n"));
  }
  if (t.code && r.chance(long ? 0.5 : 0.3)) paragraphs.push(r.pick(t.code));
  if (long && r.chance(0.3))
    paragraphs.unshift(`### ${t.lang === "en" ? "Answer" : t.lang === "zh" ? "回答" : "回答"}`);
  for (const rare of RARE[t.lang]) if (r.chance(rare.p)) paragraphs.push(rare.text);
  return paragraphs.join("\n\n");
}

/** A markdown table, for the long conversation. */
export function markdownTable(r: Rng): string {
  const rows = Array.from(
    { length: r.int(2, 4) },
    () => `| ${r.pick(SLOTS.tool)} | ${r.pick(SLOTS.n)} ms | ${r.pick(["yes", "no", "partly"])} |`,
  );
  return ["| option | latency | supported |", "|---|---:|---|", ...rows].join("\n");
}
