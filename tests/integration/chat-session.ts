import bcrypt from "bcryptjs";
import { randomUUID } from "node:crypto";
import { sqlRows } from "../support/server-database";

/**
 * Signing in over plain HTTP, as a browser does: Auth.js's CSRF token, then the credentials callback as a
 * form post; returns the Cookie header to send. The account is written straight into the server's database
 * (a bcrypt hash, the oldest format the server must still accept).
 */
export async function addUser(
  email: string,
  password: string,
  databaseUrl = process.env.DATABASE_URL!,
): Promise<string> {
  const id = randomUUID();
  await sqlRows(
    "insert into users (id, email, password_hash) values (?, ?, ?)",
    [id, email, bcrypt.hashSync(password, 4)],
    databaseUrl,
  );
  return id;
}

export async function signInOverHttp(base: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const take = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: base },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }),
  });
  take(res);
  const session = await fetch(`${base}/api/auth/session`, { headers: { cookie: cookie() } }).then((r) => r.json());
  if ((session as { user?: { email?: string } })?.user?.email !== email)
    throw new Error(`sign-in as ${email} failed (${res.status})`);
  return cookie();
}

/** Posts a chat turn as the browser's transport does. */
export function postChat(base: string, cookie: string, body: { id: string; text: string; model?: string }) {
  return fetch(`${base}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: base, "sec-fetch-site": "same-origin" },
    body: JSON.stringify({
      id: body.id,
      trigger: "submit-message",
      model: body.model ?? "GLM-4-Flash",
      message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: body.text }] },
    }),
  });
}

/** Reads a UI message stream, calling `onText` with the reply's text so far after every read. */
export async function readReply(
  res: Response,
  onText: (text: string) => void = () => {},
): Promise<{ text: string; chunks: { type: string }[] }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let text = "";
  const chunks: { type: string }[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const line = buffer.slice(0, cut).replace(/^data: /, "");
        buffer = buffer.slice(cut + 2);
        if (!line || line === "[DONE]") continue;
        const chunk = JSON.parse(line) as { type: string; delta?: string };
        chunks.push(chunk);
        if (chunk.type === "text-delta") text += chunk.delta ?? "";
      }
      onText(text);
    }
  } catch {
    // The server went away mid-reply (that is what the crash test does).
  }
  return { text, chunks };
}
