import "server-only";
import { randomFillSync } from "node:crypto";

/**
 * Random bytes for completion ids, drawn 4 KB at a time: one `randomBytes(12)` per completion was ~2 % of a
 * /v1 stream's CPU in the profile (a system call and Next's wrapper around node:crypto each time).
 */
const ID_BYTES = 12;
const pool = Buffer.alloc(ID_BYTES * 341);
let poolAt = pool.length;

const randomId = () => {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const id = pool.toString("base64url", poolAt, poolAt + ID_BYTES);
  poolAt += ID_BYTES;
  return id;
};

export const newCompletionId = () => `chatcmpl-${randomId()}`;

/** The `x-request-id` of a `/v1` response that has no completion (errors, the model list). */
export const newRequestId = () => `req_${randomId()}`;
