import { startCompletion } from "@/lib/gateway/core";
import { completionResponse } from "@/lib/gateway/sse-response";
import { Stop } from "@/lib/gateway/stop";
import { ClientAborted } from "@/lib/gateway/upstream";
import { readJsonBody, v1Fallback, v1Preflight, v1Route } from "@/lib/gateway/v1-door";

export const dynamic = "force-dynamic";

export const POST = v1Route(async (req, caller) =>
  completionResponse(
    await startCompletion(
      await readJsonBody(req),
      caller,
      Stop.following(req.signal, () => new ClientAborted()),
    ),
  ),
);

// A browser's CORS preflight; the other methods: a JSON 405 naming POST, not Next's empty one.
export {
  v1Preflight as OPTIONS,
  v1Fallback as GET,
  v1Fallback as HEAD,
  v1Fallback as PUT,
  v1Fallback as PATCH,
  v1Fallback as DELETE,
};
