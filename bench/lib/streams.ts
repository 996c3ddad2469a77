/**
 * Driving streaming requests and timing them: one SSE stream (time to first and last content frame, total,
 * complete or not), and a closed loop of N workers. Used by bench/doors.ts and bench/instances.ts (/v1 and
 * chat streams).
 */
import http from "node:http";
import { percentile } from "../support";

export interface Sample {
  /** Request written → first content frame (ms). */
  ttft: number;
  /** Request written → last content frame (ms): last − ttft is how spread out the content arrived. */
  lastContent: number;
  /** Content frames received. */
  frames: number;
  total: number;
  ok: boolean;
  error?: string;
}

export interface StreamRequest {
  port: number;
  path: string;
  agent: http.Agent;
  body: Buffer;
  headers: http.OutgoingHttpHeaders;
  /** True for a `data:` frame that carries reply text (the first one sets the TTFT). */
  isContent: (frame: string) => boolean;
  /** Content frames a complete stream has (undefined: at least one). */
  expectFrames?: number;
  /** A frame that makes the stream a failure even if it ends cleanly (e.g. a UI stream's error part). */
  failOn?: (frame: string) => boolean;
  timeoutMs: number;
}

/** A /v1 chat.completion.chunk frame with non-empty delta content. */
export const V1_CONTENT = (frame: string) => /"content":"(?:[^"\\]|\\.)/.test(frame);
/** A UI message stream (the chat's /api/chat) text-delta frame. */
export const UI_TEXT_DELTA = (frame: string) => frame.includes('"type":"text-delta"');
/** A UI message stream error part. */
export const UI_ERROR = (frame: string) => frame.includes('"type":"error"');

/**
 * One streaming request. TTFT is the time from just before the request is written to the arrival of the
 * first content frame; total is until the response ends. A stream counts as ok only if it had status 200,
 * the expected content frames and `data: [DONE]`.
 */
export function streamOnce(r: StreamRequest): Promise<Sample> {
  return new Promise((resolve) => {
    let ttft = NaN;
    let lastContent = NaN;
    let failed: string | undefined;
    let buf = "";
    let frames = 0;
    let sawDone = false;
    let settled = false;
    const t0 = performance.now();
    const finish = (ok: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ttft, lastContent, frames, total: performance.now() - t0, ok, error });
    };
    const complete = () =>
      !failed && sawDone && (r.expectFrames === undefined ? frames > 0 : frames === r.expectFrames);
    const req = http.request(
      { host: "127.0.0.1", port: r.port, path: r.path, method: "POST", agent: r.agent, headers: r.headers },
      (res) => {
        res.setEncoding("utf8");
        if (res.statusCode !== 200) {
          let text = "";
          res.on("data", (c: string) => (text += c));
          res.on("end", () => finish(false, `HTTP ${res.statusCode} ${text.slice(0, 200)}`));
          return;
        }
        res.on("data", (chunk: string) => {
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (!frame.startsWith("data:")) continue;
            if (frame.startsWith("data: [DONE]")) sawDone = true;
            else if (r.isContent(frame)) {
              frames++;
              lastContent = performance.now() - t0;
              if (Number.isNaN(ttft)) ttft = lastContent;
            } else if (r.failOn?.(frame)) failed ??= frame.slice(0, 200);
          }
        });
        res.on("end", () =>
          finish(
            complete(),
            complete() ? undefined : (failed ?? `incomplete stream: ${frames} frames, done=${sawDone}`),
          ),
        );
        res.on("error", (e) => finish(false, e.message));
        res.on("close", () => finish(false, "response closed early"));
      },
    );
    req.on("error", (e) => finish(false, e.message));
    const timer = setTimeout(() => req.destroy(new Error("client timeout")), r.timeoutMs);
    req.end(r.body);
  });
}

export interface LoopResult {
  samples: Sample[];
  wallMs: number;
  n: number;
  errors: number;
  firstError?: string;
  ttftP50: number;
  ttftP99: number;
  totalP50: number;
  totalP99: number;
  /** Complete streams per second of wall time. */
  perSecond: number;
}

/** Closed loop: `concurrency` workers share `count` streams; each starts its next stream when one ends. */
export async function closedLoop(
  concurrency: number,
  count: number,
  one: (i: number) => Promise<Sample>,
): Promise<LoopResult> {
  const samples: Sample[] = [];
  let issued = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (issued < count) samples.push(await one(issued++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const ok = samples.filter((s) => s.ok);
  const ttft = ok.map((s) => s.ttft);
  const total = ok.map((s) => s.total);
  return {
    samples,
    wallMs,
    n: ok.length,
    errors: samples.length - ok.length,
    firstError: samples.find((s) => !s.ok)?.error,
    ttftP50: percentile(ttft, 0.5),
    ttftP99: percentile(ttft, 0.99),
    totalP50: percentile(total, 0.5),
    totalP99: percentile(total, 0.99),
    perSecond: ok.length / (wallMs / 1000),
  };
}
