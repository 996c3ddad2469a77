import http from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import { hiddenFields } from "../support/http-auth";
import { APP_URL } from "./helpers";

/**
 * A browser without JavaScript, over plain HTTP: a cookie jar, no redirects followed, and a chosen source
 * address. The server sees the socket's address as the client's (scripts/server.mjs), and 127.0.0.1 is not
 * counted by the per-address throttles (a same-host proxy), so tests that need an address of their own
 * connect from another loopback address such as 127.0.0.23.
 */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const app = new URL(APP_URL);

export class HttpSession {
  readonly cookies = new Map<string, string>();
  /** `headers` go with every request (a client that claims to be someone else, for instance). */
  constructor(
    readonly localAddress?: string,
    readonly headers: http.OutgoingHttpHeaders = {},
  ) {}

  cookieHeader = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

  /** A copy with the same cookies (another tab of the same browser, or a stolen cookie). */
  clone(): HttpSession {
    const copy = new HttpSession(this.localAddress, this.headers);
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }

  request(
    method: string,
    urlPath: string,
    { headers = {}, body }: { headers?: http.OutgoingHttpHeaders; body?: Buffer | string } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: app.hostname,
          port: app.port,
          method,
          path: urlPath,
          localAddress: this.localAddress,
          agent: false,
          headers: { ...this.headers, ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            for (const line of res.headers["set-cookie"] ?? []) {
              const [pair] = line.split(";");
              const eq = pair.indexOf("=");
              const name = pair.slice(0, eq).trim();
              const value = pair.slice(eq + 1).trim();
              if (!value || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line))
                this.cookies.delete(name);
              else this.cookies.set(name, value);
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          });
          res.on("error", reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  get = (urlPath: string) => this.request("GET", urlPath, { headers: { accept: "text/html" } });

  /**
   * Submits the first form on `pagePath` the way a browser without JavaScript does: its hidden fields (the
   * server action's reference) plus `fields`, as multipart/form-data, with this site as Origin. `which`
   * picks the form by its HTML (default: the first).
   */
  async submitForm(
    pagePath: string,
    fields: Record<string, string>,
    which: (html: string) => boolean = () => true,
  ): Promise<Reply> {
    const page = await this.get(pagePath);
    const hidden = hiddenFields(page.body, which);
    if (!hidden) throw new Error(`no such form on ${pagePath} (HTTP ${page.status})`);
    const data = new FormData();
    for (const [k, v] of Object.entries({ ...hidden, ...fields })) data.append(k, v);
    const encoded = new Request("http://x/", { method: "POST", body: data });
    return this.request("POST", pagePath, {
      body: Buffer.from(await encoded.arrayBuffer()),
      headers: {
        "content-type": encoded.headers.get("content-type")!,
        origin: app.origin,
        accept: "text/html",
      },
    });
  }

  /** Calls a server action as the app's JavaScript does (Next-Action header, JSON arguments). */
  callAction(pagePath: string, exportedName: string, args: unknown[]): Promise<Reply> {
    return this.request("POST", pagePath, {
      body: JSON.stringify(args),
      headers: {
        "next-action": actionId(exportedName),
        "content-type": "text/plain;charset=UTF-8",
        origin: app.origin,
        accept: "text/x-component",
      },
    });
  }

  /** The sidebar's Sign out button, without JavaScript. */
  signOut = () => this.submitForm("/", {}, (html) => html.includes(actionId("logout")));

  register = (email: string, password: string) => this.submitForm("/register", { email, password });
  signIn = (email: string, password: string, next?: string) =>
    this.submitForm(next === undefined ? "/login" : `/login?next=${encodeURIComponent(next)}`, { email, password });
}

/** A server action's id, from the build's manifest (the build the server under test runs). */
export function actionId(exportedName: string): string {
  const file = path.join(process.env.NEXT_DIST_DIR || ".next", "server/server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { node: Record<string, { exportedName: string }> };
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in ${file}`);
  return found[0];
}

export { alertText, PASSWORD, uniqueEmail } from "../support/http-auth";
