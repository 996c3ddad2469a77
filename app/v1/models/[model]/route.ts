import { modelNotFound } from "@/lib/gateway/errors";
import { v1Route } from "@/lib/gateway/v1-door";
import { findModel } from "@/lib/models";
import { modelObject } from "../model-object";

export const dynamic = "force-dynamic";

export const GET = v1Route(async (req) => {
  const name = decodeURIComponent(new URL(req.url).pathname.split("/").pop() ?? "");
  const model = findModel(name);
  if (!model) throw modelNotFound(name);
  return Response.json(modelObject(model));
});
