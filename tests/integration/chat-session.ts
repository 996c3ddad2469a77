import bcrypt from "bcryptjs";
import { randomUUID } from "node:crypto";
import { sqlRows } from "../support/server-database";

/**
 * An account written straight into the server's database (a bcrypt hash, the oldest format the server must
 * still accept), to sign in with signInWithCredentials (tests/support/http-auth.ts).
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
