/** Plain HTTP for the benchmarks: one timed request, a cookie jar, signing in over HTTP as a browser does. */
import http from "node:http";
import net from "node:net";
import { performance } from "node:perf_hooks";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ttfb: number;
  total: number;
  bytes: number;
}

/** Keep-alive, one socket: requests made one at a time reuse it. */
export const serialAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request; ttfb = request written → response headers; total = → last byte of the body. */
export function request(
  port: number,
  method: string,
  urlPath: string,
  headers: http.OutgoingHttpHeaders = {},
  body?: string,
  timeoutMs = 30_000,
  agent: http.Agent = serialAgent,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      { host: "127.0.0.1", port, method, path: urlPath, headers, agent, timeout: timeoutMs },
      (res) => {
        const ttfb = performance.now() - t0;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const buf = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buf.toString("utf8"),
            ttfb,
            total: performance.now() - t0,
            bytes: buf.length,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timeout after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

export class CookieJar {
  private jar = new Map<string, string>();
  take(headers: http.IncomingHttpHeaders) {
    for (const line of headers["set-cookie"] ?? []) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header = () => [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  names = () => [...this.jar.keys()];
}

/** Auth.js CSRF token, then the credentials callback as a form post; checks the session. Returns the jar and the time taken. */
export async function signIn(port: number, email: string, password: string): Promise<{ jar: CookieJar; ms: number }> {
  const jar = new CookieJar();
  const t0 = performance.now();
  const csrf = await request(port, "GET", "/api/auth/csrf");
  jar.take(csrf.headers);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email, password, callbackUrl: `http://127.0.0.1:${port}/` }).toString();
  const cb = await request(
    port,
    "POST",
    "/api/auth/callback/credentials",
    {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": Buffer.byteLength(form),
      cookie: jar.header(),
    },
    form,
  );
  jar.take(cb.headers);
  const took = performance.now() - t0;
  const session = await request(port, "GET", "/api/auth/session", { cookie: jar.header() });
  if (!session.body.includes(email)) {
    throw new Error(
      `sign-in failed: callback HTTP ${cb.status} (${cb.headers.location ?? ""}), cookies ${jar.names().join(", ")}, ` +
        `session ${session.body.slice(0, 200)}`,
    );
  }
  return { jar, ms: took };
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}
