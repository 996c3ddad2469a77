import { v1Route } from "@/lib/gateway/v1-door";
import { MODELS } from "@/lib/models";

export const dynamic = "force-dynamic";

// A fixed date: the list never changes between calls, as clients that cache it expect.
const CREATED = Math.floor(Date.UTC(2024, 0, 16) / 1000);

export const GET = v1Route(async () =>
  Response.json({
    object: "list",
    data: MODELS.map((m) => ({ id: m.id, object: "model", created: CREATED, owned_by: "zhipuai" })),
  }),
);
