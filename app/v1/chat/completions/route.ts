import { chatCompletion } from "@/lib/gateway/core";
import { readJsonBody, v1Route } from "@/lib/gateway/v1-door";

export const dynamic = "force-dynamic";

export const POST = v1Route(async (req, caller) => chatCompletion(await readJsonBody(req), caller, req.signal));
