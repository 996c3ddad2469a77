import "server-only";
import http from "node:http";
import https from "node:https";
import type { Stop } from "./stop";

/** What the gateway reads of an upstream response, whichever client made it. */
export interface UpstreamResponse {
  status: number;
  header(name: string): string | null;
  /** The body's bytes as they arrive (node's IncomingMessage, or a web stream for the demo upstream). */
  body: AsyncIterable<Uint8Array>;
}

/**
 * Keep-alive pools, one per scheme: a stream's connection goes back to the pool when it ends, so the next
 * request skips the TCP (and TLS) handshake. LIFO keeps the warmest sockets busy and lets idle ones expire.
 */
const options = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: Infinity, maxFreeSockets: 256 } as const;
const agents = {
  "http:": new http.Agent({ ...options, scheduling: "lifo" }),
  "https:": new https.Agent({ ...options, scheduling: "lifo" }),
};

type Target = { client: typeof http | typeof https; agent: http.Agent; options: http.RequestOptions };
const targets = new Map<string, Target | null>();

/** The request options for an upstream URL, parsed once (the gateway calls one or two URLs all day). */
function targetOf(url: string): Target | null {
  let target = targets.get(url);
  if (target === undefined) {
    const u = new URL(url);
    const agent = agents[u.protocol as keyof typeof agents];
    target = agent
      ? {
          client: u.protocol === "https:" ? https : http,
          agent,
          options: {
            protocol: u.protocol,
            hostname: u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname,
            port: u.port || undefined,
            path: `${u.pathname}${u.search}`,
            ...(u.username || u.password
              ? { auth: `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` }
              : {}),
          },
        }
      : null;
    if (targets.size > 64) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/**
 * POSTs a JSON body upstream on node:http(s): the response's body is node's own stream of Buffers, read
 * with no web-stream layer in between. `stop` ends the request at any point, body included, until the
 * response is over (after that its connection is back in the pool, and nobody else's to end).
 */
export function postUpstream(
  url: string,
  headers: Record<string, string>,
  body: string,
  stop: Stop,
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const target = targetOf(url);
    if (!target) return reject(new Error(`unsupported upstream URL ${url}`));
    if (stop.stopped) return reject(new Error("aborted"));
    const req = target.client.request(
      {
        ...target.options,
        method: "POST",
        agent: target.agent,
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        resolve({
          status: res.statusCode ?? 502,
          header: (name) => {
            const v = res.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
          },
          body: res,
        });
      },
    );
    req.on("error", reject);
    const ignoreStop = stop.onStop(() => req.destroy(new Error("aborted")));
    req.once("close", ignoreStop);
    req.end(body);
  });
}

/** A web Response (the in-process demo upstream is fetch-shaped) as an UpstreamResponse. */
export function fromWebResponse(res: Response): UpstreamResponse {
  return {
    status: res.status,
    header: (name) => res.headers.get(name),
    body: (res.body ?? emptyBody()) as unknown as AsyncIterable<Uint8Array>,
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

/** The whole body as text. */
export async function readText(res: UpstreamResponse): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of res.body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString("utf8");
}
