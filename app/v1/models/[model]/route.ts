import { modelByPath } from "@/lib/gateway/model-objects";
import { modelCatalogue } from "@/lib/model-catalogue";
import { v1Route } from "@/lib/gateway/v1-door";

export const dynamic = "force-dynamic";

export const GET = v1Route(async (req) =>
  Response.json(modelByPath(new URL(req.url).pathname.split("/").pop() ?? "", await modelCatalogue())),
);
