/**
 * The usage benchmark's data set, the same on both engines: one user (a personal instance) owns every ledger
 * row, 3 API keys + the chat UI, 6 models, spread uniformly over the last 90 days; and the rows recordUsage
 * writes while it is timed.
 */
import { DEFAULT_MODELS } from "@/lib/models";
import { rng } from "../corpus";

export const DAYS = 90;
export const DAY = 86_400_000;
/** The viewer's UTC offset in minutes (Beijing). */
export const OFFSET = 480;
export const TARGET_MS = 50;
export const RECORD_CALLS = 5_000;

/** The data set's model mix (names from the app's registry). */
export const MODEL_MIX: [string, number][] = [
  ["GLM-4-Flash", 0.35],
  ["GLM-4-Air", 0.25],
  ["GLM-4-Plus", 0.15],
  ["GLM-4-FlashX", 0.1],
  ["GLM-4-AirX", 0.1],
  ["GLM-4-Long", 0.05],
];
for (const [m] of MODEL_MIX)
  if (!DEFAULT_MODELS.some((d) => d.id === m)) throw new Error(`bench/usage: ${m} is not in lib/models.ts`);
/** What the app passes the reports as the models it knows (app/settings/usage/actions.ts). */
export const KNOWN_MODELS = DEFAULT_MODELS.map((m) => m.id);

export const log = (msg: string) => console.log(`[bench:usage ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** The ledger's columns in the order of LedgerTuple. */
export const LEDGER_COLUMNS =
  "created_at, user_id, api_key_id, source, model, stream, status, error_code, prompt_tokens, " +
  "completion_tokens, ttft_ms, duration_ms";
export type LedgerTuple = [
  number,
  string,
  string | null,
  string,
  string,
  boolean,
  number,
  string | null,
  number,
  number,
  number | null,
  number,
];

/** The ledger rows of the data set, oldest first. */
export function* ledgerRows(rows: number, userId: string, keyIds: string[], now: number): Generator<LedgerTuple> {
  const r = rng(42).next;
  const times = new Float64Array(rows);
  const start = now - DAYS * DAY;
  for (let i = 0; i < rows; i++) times[i] = start + Math.floor(r() * DAYS * DAY);
  times.sort();
  const pickModel = () => {
    let x = r();
    for (const [m, w] of MODEL_MIX) if ((x -= w) < 0) return m;
    return MODEL_MIX[0][0];
  };
  for (let i = 0; i < rows; i++) {
    const s = r();
    const key = s < 0.4 ? null : s < 0.7 ? keyIds[0] : s < 0.9 ? keyIds[1] : keyIds[2];
    const e = r();
    const status = e < 0.97 ? 200 : e < 0.98 ? 400 : e < 0.99 ? 429 : 502;
    const stream = key === null || r() < 0.7;
    const ok = status === 200;
    yield [
      times[i],
      userId,
      key,
      key ? "api" : "chat",
      pickModel(),
      stream,
      status,
      ok ? null : status === 400 ? "invalid_request" : status === 429 ? "rate_limited" : "upstream_error",
      ok ? 20 + Math.floor(r() * 4000) : 0,
      ok ? Math.floor(r() * 1500) : 0,
      ok && stream ? 150 + Math.floor(r() * 1500) : null,
      200 + Math.floor(r() * 20_000),
    ];
  }
}

/** The roll-up of the seeded ledger: the backfill statement of db/migrations/0004_usage_hourly.sql. */
export const BACKFILL_HOURLY = `INSERT INTO usage_hourly (hour, user_id, api_key_id, source, model, requests, errors,
    prompt_tokens, completion_tokens, ttft_sum, ttft_count)
  SELECT (created_at / 3600000) * 3600000, user_id, coalesce(api_key_id, ''), source, model, count(*),
    sum(case when status >= 400 then 1 else 0 end), sum(prompt_tokens), sum(completion_tokens), coalesce(sum(ttft_ms), 0),
    count(ttft_ms)
  FROM usage WHERE user_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5`;

/** recordUsage's rows: the current hour, cycling over the 3 keys + chat and the 6 models. */
export function recordRow(user: string, keys: string[], now: number) {
  const r = rng(7).next;
  return (i: number) => {
    const k = i % 4;
    return {
      createdAt: now + i,
      userId: user,
      apiKeyId: k === 3 ? null : keys[k],
      source: k === 3 ? ("chat" as const) : ("api" as const),
      model: MODEL_MIX[i % MODEL_MIX.length][0],
      stream: true,
      status: 200,
      errorCode: null,
      promptTokens: 100 + Math.floor(r() * 1000),
      completionTokens: Math.floor(r() * 500),
      ttftMs: 300,
      durationMs: 2000,
    };
  };
}
