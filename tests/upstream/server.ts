/**
 * The stand-in upstream: a real HTTP server speaking Zhipu's v4 wire format, with deterministic replies
 * (lib/upstream/simulator) and faults on demand. A fault is asked for by a marker in the last user
 * message, so it travels through the gateway untouched:
 *   [fault:http500] [fault:http429] [fault:arrears] [fault:auth] [fault:1261] [fault:1211]
 *   [fault:cut] (connection dropped mid-stream)  [fault:truncate] (the body ends mid-reply, no [DONE])
 *   [fault:stream-error] (error event mid-stream)
 *   [fault:garbage] (a data line that is not JSON)  [fault:noise] (junk non-data lines, reply still fine)
 *   [fault:slow-headers] [fault:slow-first-byte] (wait STANDIN_SLOW_MS first)  [fault:stall] (go silent)
 *   [fault:sensitive] (moderation stop)  [fault:network_error]  [fault:crlf] (\r\n line endings)
 *   [fault-once:NAME] the fault NAME the first time this exact message is seen, a normal reply after (Retry)
 *   [fixture:markdown] a reply with a GFM table, a list and a code block
 *   [fixture:reasoning] reasoning_content before the answer (as does `thinking: {type: "enabled"}`)
 *   [fixture:think-tags] the reasoning inside content as <think>…</think>, the tags split across chunks
 *   a `web_search` tool in the request: two sources first (one with an empty link), as Zhipu sends them
 *   [words:N] reply of N words   [delay:MS] pause between words
 * GET /_log lists the requests received (body, auth, when they closed and whether they completed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { completionBody, simulateReply, streamChunks, type SimRequest } from "@/lib/upstream/simulator";

export interface StandinOptions {
  port?: number;
  wordDelayMs?: number;
  slowMs?: number;
  /** Keep a log of requests for tests to inspect (off for benchmarks). */
  log?: boolean;
}

export interface LoggedRequest {
  seq: number;
  body: SimRequest & Record<string, unknown>;
  authorization: string | undefined;
  startedAt: number;
  closedAt: number | null;
  completed: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function marker(req: SimRequest, name: string): string | undefined {
  const last = [...req.messages].reverse().find((m) => m.role === "user");
  const m = new RegExp(`\\[${name}:([\\w-]+)\\]`).exec(String(last?.content ?? ""));
  return m?.[1];
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { code, message } }));
}

export function startStandin(
  opts: StandinOptions = {},
): Promise<{ server: Server; port: number; log: LoggedRequest[] }> {
  const log: LoggedRequest[] = [];
  let seq = 0;
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/_log") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(log));
    }
    if (req.method === "DELETE" && req.url === "/_log") {
      log.length = 0;
      return res.end();
    }
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      return sendError(res, 404, "404", "Not found");
    }
    let body: SimRequest & Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendError(res, 400, "1210", "Invalid JSON");
    }
    const entry: LoggedRequest = {
      seq: ++seq,
      body,
      authorization: req.headers.authorization,
      startedAt: Date.now(),
      closedAt: null,
      completed: false,
    };
    if (opts.log !== false) {
      log.push(entry);
      if (log.length > 2000) log.shift();
    }
    res.on("close", () => {
      entry.closedAt = Date.now();
      entry.completed = res.writableFinished;
    });
    await respond(body, res, opts);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0, log });
    }),
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

const seenOnce = new Set<string>();

const MARKDOWN_FIXTURE = [
  "Here is a summary.\n\n",
  "| Model | Context |\n",
  "| --- | --- |\n",
  "| GLM-4-Plus | 128K |\n",
  "| GLM-4-Long | 1M |\n\n",
  "- first item\n",
  "- second item\n\n",
  "```python\n",
  'print("hello")\n',
  "```\n",
];

async function respond(body: SimRequest, res: ServerResponse, opts: StandinOptions) {
  let fault = marker(body, "fault");
  const once = marker(body, "fault-once");
  if (once) {
    const key = JSON.stringify(body.messages.at(-1));
    if (!seenOnce.has(key)) {
      seenOnce.add(key);
      fault = once;
    }
  }
  const slowMs = opts.slowMs ?? 3000;
  switch (fault) {
    case "http500":
      return sendError(res, 500, "500", "Internal error");
    case "http429":
      // Zhipu's own words, in Chinese as it sends them.
      return sendError(res, 429, "1302", "您当前使用该API的并发数过高，请降低并发，或联系客服增加限额。", {
        "retry-after": "7",
      });
    case "arrears":
      return sendError(res, 429, "1113", "您的账户已欠费，请充值后重试。");
    case "auth":
      return sendError(res, 401, "1001", "Header中未收到Authorization参数，无法进行身份验证。");
    case "1261":
      return sendError(res, 400, "1261", "Prompt 超长，请缩短后重试。");
    case "1211":
      return sendError(res, 400, "1211", "模型不存在，请检查模型代码。");
    case "slow-headers":
      await sleep(slowMs);
      break;
  }
  const words = marker(body, "words");
  const delay = Number(marker(body, "delay") ?? opts.wordDelayMs ?? 2);
  const reply =
    marker(body, "fixture") === "markdown"
      ? { kind: "text" as const, words: MARKDOWN_FIXTURE }
      : simulateReply(body, words ? Number(words) : undefined);
  const id = `standin-${Date.now()}`;
  if (!body.stream) {
    if (fault === "slow-first-byte") await sleep(slowMs);
    const out = completionBody(body, reply, id) as ReturnType<typeof completionBody> & {
      choices: { finish_reason: string }[];
    };
    if (fault === "sensitive") out.choices[0].finish_reason = "sensitive";
    if (fault === "network_error") out.choices[0].finish_reason = "network_error";
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(out));
  }

  const eol = fault === "crlf" ? "\r\n" : "\n";
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.flushHeaders();
  if (fault === "slow-first-byte") await sleep(slowMs);
  const write = (data: string) => !res.destroyed && res.write(`data: ${data}${eol}${eol}`);
  let n = 0;
  for (const chunk of streamChunks(body, reply, id)) {
    if (res.destroyed) return;
    const isLast = chunk.usage !== undefined;
    if (n === 3) {
      if (fault === "cut") return res.destroy();
      if (fault === "truncate") return res.end(); // a clean end of the body, with no finish and no [DONE]
      if (fault === "garbage") write("{this is not json");
      if (fault === "stream-error")
        return res.end(`data: ${JSON.stringify({ error: { code: "500", message: "Inference failed" } })}${eol}${eol}`);
      if (fault === "stall") return; // headers and three chunks sent, then silence until the client gives up
      if (fault === "noise") res.write(`garbage line without a field${eol}: comment${eol}${eol}`);
    }
    if (isLast && (fault === "sensitive" || fault === "network_error")) chunk.choices[0].finish_reason = fault;
    if (fault === "split") {
      // The same frame delivered in three pieces split mid-JSON and mid-line ending.
      const s = `data: ${JSON.stringify(chunk)}\n\n`;
      res.write(s.slice(0, 7));
      res.write(s.slice(7, -1));
      res.write(s.slice(-1));
    } else {
      write(JSON.stringify(chunk));
    }
    n++;
    if (!isLast && delay > 0) await sleep(delay);
  }
  write("[DONE]");
  res.end();
}
