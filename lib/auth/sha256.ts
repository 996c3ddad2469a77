import "server-only";
import * as crypto from "node:crypto";

/**
 * SHA-256 in hex, for secrets kept as hashes (API keys, session ids), on every /v1 request and chat turn: the
 * one-shot `crypto.hash` (Node ≥ 20.12) where there is one, so no Hash object per call.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;
export const sha256Hex = (text: string) =>
  oneShot ? oneShot("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex");
