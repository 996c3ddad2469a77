"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { createShare, deleteShare, getShareOfConversation, updateShare } from "@/db/queries/shares";
import { userAction } from "@/lib/actions";
import { AppError } from "@/lib/errors";

const Id = z.string().min(1).max(64);
const noConversation = () => new AppError("not_found", "This conversation does not exist.");

export const getShareAction = userAction(
  z.object({ conversationId: Id }),
  async ({ conversationId }, user) =>
    (await getShareOfConversation(getDb(), { userId: user.id, conversationId })) ?? null,
);

export const createShareAction = userAction(z.object({ conversationId: Id }), async ({ conversationId }, user) => {
  const share = await createShare(getDb(), { userId: user.id, conversationId });
  if (!share) throw noConversation();
  return share;
});

export const updateShareAction = userAction(z.object({ conversationId: Id }), async ({ conversationId }, user) => {
  const share = await updateShare(getDb(), { userId: user.id, conversationId });
  if (!share) throw new AppError("not_found", "This conversation has no shared link.");
  return share;
});

export const stopSharingAction = userAction(z.object({ shareId: Id }), async ({ shareId }, user) => {
  if (!(await deleteShare(getDb(), { userId: user.id, shareId })))
    throw new AppError("not_found", "This link is not shared (any more).");
  return { shareId };
});
