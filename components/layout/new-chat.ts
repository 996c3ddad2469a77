import { useRouter } from "next/navigation";
import { useCallback } from "react";
import { wantComposerFocus } from "./shortcut-keys";

/**
 * Opens a new chat, ready to type in. The chat page swaps its URL to /chat/<id> without a navigation, so "/" may
 * still be the page in the router's cache: it is refreshed, so that the new chat gets a new id.
 */
export function useNewChat(): () => void {
  const router = useRouter();
  return useCallback(() => {
    wantComposerFocus();
    router.push("/");
    router.refresh();
  }, [router]);
}
