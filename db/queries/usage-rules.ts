/**
 * What the usage ledger stores and how a finished request is counted, shared by the engine-neutral ledger
 * (db/queries/usage.ts), its engine-specific statements (db/engines/usage-*.ts) and the reports
 * (db/queries/usage-report.ts). A module of its own so the engine statements need not import usage.ts,
 * which imports them.
 */
import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import type { UsageRow } from "@/db/schema";

export const HOUR = 3_600_000;

/** `status` of a ledger row whose request is still running; replaced by the HTTP status when it ends. */
export const USAGE_IN_PROGRESS = 0;
/** What a request left running by a process that died is recorded as: our side failed it. */
export const USAGE_INTERRUPTED = { status: 500, errorCode: "interrupted" } as const;

/**
 * An error in the usage reports is something that went wrong on our side or the upstream's: a 5xx (upstream
 * failure or timeout, internal error, interrupted) or the upstream account out of credit. A client that
 * stopped a reply (499) or a request refused for its own input (400, 401, 404 unknown model, 429 limits)
 * is not one: a single Stop must not give a model a 10 % error rate. `FAILED_SQL` is the same rule for
 * reports that read ledger rows (0 or 1, so it sums on both engines: PostgreSQL cannot sum a boolean).
 */
export const isFailure = (o: { status: number; errorCode?: string | null }) =>
  o.status >= 500 || o.errorCode === "insufficient_quota";
export const FAILED_SQL = sql.raw(
  "(case when status >= 500 or coalesce(error_code, '') = 'insufficient_quota' then 1 else 0 end)",
);

/** How a request ended. */
export type UsageOutcome = Pick<
  UsageRow,
  "status" | "errorCode" | "promptTokens" | "completionTokens" | "ttftMs" | "durationMs"
>;

/** A ledger row with every optional column settled, as both engines write it. */
export interface LedgerRow {
  createdAt: number;
  userId: string | null;
  apiKeyId: string | null;
  source: "api" | "chat";
  model: string;
  stream: boolean;
  status: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  ttftMs: number | null;
  durationMs: number;
}

/** A row as the ledger writes it, with `status` (a started request's is in progress, not the row's own). */
export const ledgerRow = (row: Omit<UsageRow, "status">, status: number): LedgerRow => ({
  createdAt: row.createdAt,
  userId: row.userId ?? null,
  apiKeyId: row.apiKeyId ?? null,
  source: row.source,
  model: row.model,
  stream: !!row.stream,
  status,
  errorCode: row.errorCode ?? null,
  promptTokens: row.promptTokens ?? 0,
  completionTokens: row.completionTokens ?? 0,
  ttftMs: row.ttftMs ?? null,
  durationMs: row.durationMs,
});

/** One request's share of its hourly roll-up row (`apiKeyId` "" for the chat UI, as the unique index needs). */
export interface HourBucket {
  hour: number;
  userId: string;
  apiKeyId: string;
  source: string;
  model: string;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  ttftSum: number;
  ttftCount: number;
}

/** The roll-up share of a finished request; none for a request without an account (nobody's report shows it). */
export function bucketOf(
  row: { createdAt: number; userId: string | null; apiKeyId: string | null; source: string; model: string },
  outcome: UsageOutcome,
): HourBucket | null {
  if (!row.userId) return null;
  return {
    hour: Math.floor(row.createdAt / HOUR) * HOUR,
    userId: row.userId,
    apiKeyId: row.apiKeyId ?? "",
    source: row.source,
    model: row.model,
    errors: isFailure(outcome) ? 1 : 0,
    promptTokens: outcome.promptTokens ?? 0,
    completionTokens: outcome.completionTokens ?? 0,
    ttftSum: outcome.ttftMs ?? 0,
    ttftCount: outcome.ttftMs == null ? 0 : 1,
  };
}

/** The progress of a streaming request so far. */
export interface UsageProgress {
  id: number;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
}

/**
 * A request's ledger row from its start on: its progress and its completion are written after the start, in
 * the order they are called. Nothing is awaited and nothing throws: a write that fails is logged, and what
 * follows a start that failed does nothing.
 */
export interface UsageEntry {
  progress(soFar: Omit<UsageProgress, "id">): void;
  complete(outcome: UsageOutcome): void;
}

/** The ledger's statements, one implementation per engine (db/engines/usage-sqlite.ts, usage-postgres.ts). */
export interface LedgerStatements {
  /** A whole request at once: ledger row, roll-up and key use together, atomically. */
  record(db: Db, row: LedgerRow): Promise<void>;
  /** The row of a request that starts (status in progress), and the key's use; returns the row's id. */
  start(db: Db, row: LedgerRow): Promise<number>;
  progress(db: Db, p: UsageProgress): Promise<void>;
  /** Completes the row if still in progress and adds it to the roll-up, atomically; false if it was not. */
  complete(db: Db, id: number, outcome: UsageOutcome): Promise<boolean>;
  /**
   * Rows still in progress become interrupted (tokens so far kept) and join the roll-up: all of them, or with
   * `lastProgressBefore` only those whose last sign of life (created_at + duration_ms) is older than that.
   */
  closeUnfinished(db: Db, o: { lastProgressBefore?: number }): Promise<number>;
}
