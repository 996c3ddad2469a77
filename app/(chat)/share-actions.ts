"use server";

import { z } from "zod";
import { createShare, deleteShare, getShareOfConversation, updateShare } from "@/db/queries/shares";
import { userAction, UserFacingError } from "@/lib/actions";

const Id = z.string().min(1).max(64);
const noConversation = () => new UserFacingError("This conversation does not exist.");

export const getShareAction = userAction(z.object({ conversationId: Id }),
  ({ conversationId }, user) => getShareOfConversation(user.id, conversationId) ?? null);

export const createShareAction = userAction(z.object({ conversationId: Id }), ({ conversationId }, user) => {
  const share = createShare(user.id, conversationId);
  if (!share) throw noConversation();
  return share;
});

export const updateShareAction = userAction(z.object({ conversationId: Id }), ({ conversationId }, user) => {
  const share = updateShare(user.id, conversationId);
  if (!share) throw new UserFacingError("This conversation has no shared link.");
  return share;
});

export const stopSharingAction = userAction(z.object({ shareId: Id }), ({ shareId }, user) => {
  if (!deleteShare(user.id, shareId)) throw new UserFacingError("This link is not shared (any more).");
  return { shareId };
});
