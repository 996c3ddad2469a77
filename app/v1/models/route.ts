import { modelList } from "@/lib/gateway/model-objects";
import { modelCatalogue } from "@/lib/model-catalogue";
import { v1Fallback, v1Preflight, v1Route } from "@/lib/gateway/v1-door";

export const dynamic = "force-dynamic";

export const GET = v1Route(async () => Response.json(modelList(await modelCatalogue())));

// A browser's CORS preflight; the other methods: a JSON 405 naming GET, not Next's empty one.
export { v1Preflight as OPTIONS, v1Fallback as POST, v1Fallback as PUT, v1Fallback as PATCH, v1Fallback as DELETE };
