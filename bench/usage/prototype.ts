/**
 * Not the app's code: the bench's own SQL on its temp SQLite database, to size the fix proposed for slow
 * reports. (1) A per-UTC-day roll-up for usageByModel / usageByKey, which only need the range's edges on
 * local midnights: whole UTC days from usage_daily, the edge hours from usage_hourly. (2) For dailyUsage,
 * covering indexes in (hour, model) order so an inner GROUP BY hour, model streams without a sorter.
 */
import type Database from "better-sqlite3";
import type { Db } from "@/db";
import * as R from "@/db/queries/usage-report";
import { ms } from "../lib/load";
import { type Stats, timeCalls } from "../support";
import { DAY, KNOWN_MODELS, log, OFFSET } from "./data";

export interface ProtoRow {
  query: string;
  scope: string;
  wall: Stats;
  cpu: Stats;
  /** Identical rows to the app's function (null: nothing to compare with). */
  same: boolean | null;
}

/** Builds the prototype's table and indexes on the scratch database, then times its queries (90 days). */
export async function prototype(sqlite: Database.Database, db: Db, user: string, now: number): Promise<ProtoRow[]> {
  sqlite.exec(`create table usage_daily (day integer not null, user_id text not null, api_key_id text not null,
      source text not null, model text not null, requests integer not null, errors integer not null,
      prompt_tokens integer not null, completion_tokens integer not null, ttft_sum integer not null, ttft_count integer not null);
    insert into usage_daily select hour / ${DAY} * ${DAY}, user_id, api_key_id, source, model, sum(requests), sum(errors),
      sum(prompt_tokens), sum(completion_tokens), sum(ttft_sum), sum(ttft_count) from usage_hourly group by 1, 2, 3, 4, 5;
    create unique index usage_daily_bucket_idx on usage_daily (user_id, day, api_key_id, source, model);
    create index usage_daily_day_idx on usage_daily (day);
    create index usage_hourly_user_hour_model_idx on usage_hourly (user_id, hour, model, requests, prompt_tokens, completion_tokens);
    create index usage_hourly_hour_model_idx on usage_hourly (hour, model, requests, prompt_tokens, completion_tokens);`);
  const range = R.lastDays(90, OFFSET, now);
  const d0 = Math.ceil(range.from / DAY) * DAY;
  const d1 = Math.floor(range.to / DAY) * DAY;
  const cols = "model, source, api_key_id, requests, errors, prompt_tokens, completion_tokens, ttft_sum, ttft_count";
  const out: ProtoRow[] = [];
  const canon = (v: unknown[]) => JSON.stringify([...v].map((x) => JSON.stringify(Object.values(x as object))).sort());
  for (const [scopeName, scope] of [
    ["user", user],
    ["admin (null)", null],
  ] as const) {
    const w = scope ? "user_id = ? and " : "";
    const sp = scope ? [scope] : [];
    const both = `select ${cols} from usage_daily where ${w}day >= ? and day < ?
      union all select ${cols} from usage_hourly where ${w}((hour >= ? and hour < ?) or (hour >= ? and hour < ?))`;
    const bothP = [...sp, d0, d1, ...sp, range.from, d0, d1, range.to];
    const o = { range, knownModels: KNOWN_MODELS };
    const app = scope
      ? await Promise.all([
          R.dailyUsage(db, { ...o, userId: scope }),
          R.usageByModel(db, { ...o, userId: scope }),
          R.usageByKey(db, { ...o, userId: scope }),
        ])
      : await Promise.all([R.dailyUsageAsAdmin(db, o), R.usageByModelAsAdmin(db, o), R.usageByKeyAsAdmin(db, o)]);
    const cases: [string, string, unknown[], unknown[] | null][] = [
      [
        "range read, no GROUP BY (reference)",
        `select sum(requests) from usage_hourly where ${w}hour >= ? and hour < ?`,
        [...sp, range.from, range.to],
        null,
      ],
      [
        "dailyUsage: covering index + inner GROUP BY hour, model",
        `select date((hour + ${OFFSET * 60_000}) / 1000, 'unixepoch') day, model, sum(t) tokens, sum(r) requests from (
          select hour, model, sum(prompt_tokens + completion_tokens) t, sum(requests) r from usage_hourly
          where ${w}hour >= ? and hour < ? group by hour, model) group by day, model order by day`,
        [...sp, range.from, range.to],
        app[0],
      ],
      [
        "usageByModel: usage_daily for whole UTC days + hourly edges",
        `select model, sum(requests) requests, sum(prompt_tokens + completion_tokens) tokens, sum(errors) errors,
          cast(sum(ttft_sum) as real) / nullif(sum(ttft_count), 0) ttftMs from (${both}) group by model order by requests desc`,
        bothP,
        app[1],
      ],
      [
        "usageByKey: same, grouped before joining api_keys",
        `select k.source, k.keyId, a.name keyName, a.prefix keyPrefix, k.requests, k.tokens from (
          select source, api_key_id keyId, sum(requests) requests, sum(prompt_tokens + completion_tokens) tokens
          from (${both}) group by source, api_key_id) k left join api_keys a on a.id = k.keyId order by k.requests desc`,
        bothP,
        app[2],
      ],
    ];
    for (const [query, sql, params, expected] of cases) {
      const stmt = sqlite.prepare(sql);
      const m = timeCalls(() => stmt.all(...params));
      out.push({
        query,
        scope: scopeName,
        wall: m.wall,
        cpu: m.cpu,
        same: expected ? canon(m.result) === canon(expected) : null,
      });
      log(`prototype ${query} ${scopeName}: p50 ${ms(m.wall.p50)} p95 ${ms(m.wall.p95)} ms (CPU p50 ${ms(m.cpu.p50)})`);
    }
  }
  return out;
}
