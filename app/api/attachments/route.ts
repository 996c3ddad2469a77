import { attachmentRoute } from "@/lib/attachments/door";
import { uploadAttachment } from "@/lib/attachments/upload";

export const dynamic = "force-dynamic";

/**
 * Upload one document (the raw file as the body, its name in X-File-Name): text extracted on the server,
 * kept as a pending attachment until a message takes it. A route handler, not a server action: actions and
 * the proxy cap bodies at 1 MB, and a file may be 20 MB (proxy.ts skips this path).
 */
export const POST = attachmentRoute(async (req, user) =>
  Response.json(await uploadAttachment(req, user), { status: 201 }),
);
