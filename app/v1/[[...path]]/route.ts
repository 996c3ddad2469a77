import { v1Fallback, v1Preflight } from "@/lib/gateway/v1-door";

/** Every `/v1` path no other route serves (`/v1`, `/v1/completions`, `/v1/embeddings`…): OpenAI's JSON 404. */

export const dynamic = "force-dynamic";

export {
  v1Preflight as OPTIONS,
  v1Fallback as GET,
  v1Fallback as HEAD,
  v1Fallback as POST,
  v1Fallback as PUT,
  v1Fallback as PATCH,
  v1Fallback as DELETE,
};
