/**
 * Signing up and in over plain HTTP, as a browser does, for every test that needs a session without a page:
 * the integration tests send the cookies as a Cookie header, the browser tests' users (tests/e2e/users.ts)
 * turn them into a Playwright storage state.
 * - `signUp` / `signIn`: the app's own /register and /login forms, submitted as a browser without JavaScript
 *   does (the form works without it): the form's hidden fields (the server action's reference) plus email and
 *   password, multipart, with this site as Origin. Success is the action's 303 with the session cookie; a
 *   refusal re-renders the form with its message.
 * - `signInWithCredentials`: Auth.js's own endpoint, as a script would: the CSRF token, then the credentials
 *   callback as a form post; checks that the session is there.
 */

export const PASSWORD = "correct horse battery";

export const uniqueEmail = (who = "user") =>
  `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`;

export const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The hidden inputs of the first form on the page whose HTML `which` accepts (by default the first form). */
export function hiddenFields(html: string, which: (form: string) => boolean = () => true) {
  const form = [...html.matchAll(/<form[^>]*>([\s\S]*?)<\/form>/g)].find((m) => which(m[0]));
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const m of form[1].matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g)) {
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2] ?? "");
  }
  return fields;
}

/** The message a form shows in its alert, if any. */
export const alertText = (html: string) => html.match(/role="alert"[^>]*>([^<]*)</)?.[1];

/** A cookie as the server set it. */
export interface SetCookie {
  name: string;
  value: string;
  path: string;
  /** Seconds since 1970, or -1 for a session cookie. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: "Strict" | "Lax" | "None";
}

/** The cookies a browser would keep for one site; a cookie set empty or expired is dropped. */
export class CookieJar {
  readonly cookies = new Map<string, SetCookie>();

  take(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";").map((s) => s.trim());
      const eq = pair.indexOf("=");
      const cookie: SetCookie = {
        name: pair.slice(0, eq),
        value: pair.slice(eq + 1),
        path: "/",
        expires: -1,
        httpOnly: false,
        secure: false,
        sameSite: "Lax",
      };
      for (const a of attributes) {
        const [key, v = ""] = a.split("=");
        const k = key.toLowerCase();
        if (k === "path") cookie.path = v;
        else if (k === "expires") cookie.expires = Math.floor(Date.parse(v) / 1000);
        else if (k === "max-age") cookie.expires = Math.floor(Date.now() / 1000) + Number(v);
        else if (k === "httponly") cookie.httpOnly = true;
        else if (k === "secure") cookie.secure = true;
        else if (k === "samesite")
          cookie.sameSite = (v[0].toUpperCase() + v.slice(1).toLowerCase()) as SetCookie["sameSite"];
      }
      const gone = !cookie.value || (cookie.expires !== -1 && cookie.expires * 1000 <= Date.now());
      if (gone) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie);
    }
  }

  /** The Cookie header to send. */
  header = () => [...this.cookies.values()].map((c) => `${c.name}=${c.value}`).join("; ");
}

export interface FormResult {
  /** The form's message when it refused (taken email, wrong password, throttled), else undefined. */
  error?: string;
  /** The cookies of the site after the answer (the session's, on success). */
  jar: CookieJar;
}

export interface FormOptions {
  /** Extra headers for the request that loads the form (e.g. which instance behind a proxy answers). */
  pageHeaders?: Record<string, string>;
  /** Extra headers for the form's post. */
  postHeaders?: Record<string, string>;
}

/** Submits the sign-up or sign-in form on `pagePath` (the form with an email field). */
export async function submitAuthForm(
  base: string,
  pagePath: string,
  { email, password }: { email: string; password: string },
  { pageHeaders = {}, postHeaders = {} }: FormOptions = {},
): Promise<FormResult> {
  const jar = new CookieJar();
  const page = await fetch(`${base}${pagePath}`, { headers: { accept: "text/html", ...pageHeaders } });
  jar.take(page);
  const fields = hiddenFields(await page.text(), (form) => form.includes('name="email"'));
  if (!fields) throw new Error(`no sign-up/in form on ${pagePath} (HTTP ${page.status})`);
  const data = new FormData();
  for (const [k, v] of Object.entries({ ...fields, email, password })) data.append(k, v);
  const res = await fetch(`${base}${pagePath}`, {
    method: "POST",
    body: data,
    redirect: "manual",
    headers: { origin: new URL(base).origin, accept: "text/html", cookie: jar.header(), ...postHeaders },
  });
  jar.take(res);
  if (res.status === 303) return { jar };
  return { error: alertText(await res.text()) ?? `HTTP ${res.status} without a message`, jar };
}

/** Signs up through /register; on success the jar holds the new session's cookie. */
export const signUp = (base: string, email: string, password = PASSWORD, options?: FormOptions) =>
  submitAuthForm(base, "/register", { email, password }, options);

/** Signs in through /login. */
export const signIn = (base: string, email: string, password = PASSWORD, options?: FormOptions) =>
  submitAuthForm(base, "/login", { email, password }, options);

/** Signs in through Auth.js's credentials callback; returns the Cookie header to send. */
export async function signInWithCredentials(base: string, email: string, password = PASSWORD): Promise<string> {
  const jar = new CookieJar();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header(), origin: base },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }),
  });
  jar.take(res);
  const session = await fetch(`${base}/api/auth/session`, { headers: { cookie: jar.header() } }).then((r) => r.json());
  if ((session as { user?: { email?: string } })?.user?.email !== email)
    throw new Error(`sign-in as ${email} failed (${res.status})`);
  return jar.header();
}
