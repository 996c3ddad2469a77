/**
 * The one error the app throws on purpose, whichever door a request came through. Its code decides the
 * HTTP status (and OpenAI's error type); each door renders it once, its own way:
 * - `/v1` as OpenAI's error JSON `{ error: { message, type, param, code } }` (lib/gateway/errors.ts);
 * - the chat routes as `{ error: message }` with the status (lib/chat/door.ts);
 * - server actions as `{ ok: false, error: message }` (lib/actions.ts).
 * Messages are written for the person who reads them: a developer on `/v1`, a user in the app. `/v1` keeps the
 * English message (OpenAI's contract); the app shows `i18n` (a key of the catalogues' "errors" namespace and
 * its values) in the reader's language (lib/i18n/errors.ts), or, without it, the English message's own key.
 */
import type en from "@/lib/i18n/messages/en.json";

/** A message of the "errors" catalogue namespace, for the app's doors to render in the reader's language. */
export interface ErrorI18n {
  key: keyof (typeof en)["errors"];
  values?: Record<string, string | number>;
}
const CODES = {
  invalid_request_error: [400, "invalid_request_error"],
  context_length_exceeded: [400, "invalid_request_error"],
  content_filter: [400, "invalid_request_error"],
  invalid_api_key: [401, "invalid_request_error"],
  session_ended: [401, "invalid_request_error"],
  forbidden: [403, "invalid_request_error"],
  not_found: [404, "invalid_request_error"],
  model_not_found: [404, "invalid_request_error"],
  method_not_allowed: [405, "invalid_request_error"],
  conflict: [409, "invalid_request_error"],
  request_too_large: [413, "invalid_request_error"],
  rate_limit_exceeded: [429, "rate_limit_error"],
  insufficient_quota: [429, "insufficient_quota"],
  internal_error: [500, "api_error"],
  upstream_error: [502, "api_error"],
  upstream_auth_error: [502, "api_error"],
  upstream_timeout: [504, "api_error"],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof CODES;

export interface ErrorDetail {
  /** The request field at fault (OpenAI's `param`). */
  param?: string | null;
  /** Response headers that go with it (`retry-after`, `connection: close`). */
  headers?: Record<string, string>;
  /** What `/v1` reports as `code` when it differs from the error's code (OpenAI sends null for plain 400s). */
  wireCode?: string | null;
  /** The message as a catalogue key, when it has values or differs from the catalogue's English. */
  i18n?: ErrorI18n;
  /** The model service's refusal, in its own words (which may quote what it was sent). */
  fromUpstream?: boolean;
}

export class AppError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  readonly wireCode: string | null;
  readonly i18n: ErrorI18n | undefined;
  readonly fromUpstream: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    detail: ErrorDetail = {},
  ) {
    super(message);
    this.name = "AppError";
    [this.status, this.type] = CODES[code];
    this.param = detail.param ?? null;
    this.headers = detail.headers ?? {};
    this.wireCode = detail.wireCode === undefined ? code : detail.wireCode;
    this.i18n = detail.i18n;
    this.fromUpstream = detail.fromUpstream ?? false;
  }
}

export const statusOf = (code: ErrorCode) => CODES[code][0];
