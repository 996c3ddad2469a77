import type { ModelInfo } from "@/lib/models";

// A fixed date: the list never changes between calls, as clients that cache it expect.
const CREATED = Math.floor(Date.UTC(2024, 0, 16) / 1000);

export const modelObject = (m: ModelInfo) => ({ id: m.id, object: "model", created: CREATED, owned_by: "zhipuai" });
