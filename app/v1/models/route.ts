import { v1Route } from "@/lib/gateway/v1-door";
import { MODELS } from "@/lib/models";
import { modelObject } from "./model-object";

export const dynamic = "force-dynamic";

export const GET = v1Route(async () => Response.json({ object: "list", data: MODELS.map(modelObject) }));
