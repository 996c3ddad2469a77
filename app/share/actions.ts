"use server";

import { redirect } from "next/navigation";
import { copyShareToConversation } from "@/db/queries/shares";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/session";
import { newId } from "@/lib/ids";
import { newPasswordPage } from "@/lib/auth/temporary-password";

/** Continue a shared conversation as your own copy; signed-out readers sign in first and come back. */
export async function continueShare(form: FormData): Promise<void> {
  // A server action is a public endpoint: anything but the page's own form (JSON, nothing) goes home.
  if (!(form instanceof FormData)) redirect("/");
  const shareId = String(form.get("shareId") ?? "").slice(0, 64);
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(`/share/${shareId}`)}`);
  // Not with a temporary password someone else set: its owner chooses their own first (as in lib/actions.ts).
  if (user.mustChangePassword) redirect(newPasswordPage(`/share/${shareId}`));
  const id = await copyShareToConversation(getDb(), {
    userId: user.id,
    shareId,
    newId: newId(),
    messageId: newId,
  });
  if (!id) redirect(`/share/${encodeURIComponent(shareId)}`);
  redirect(`/chat/${id}`);
}
