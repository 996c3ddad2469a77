"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";

type Unreached = { ok: false; error: string };

/**
 * A server action's answer as the browser gets it: what the action said, or a refusal saying the server could
 * not be reached. A network failure (the server restarting, the connection gone) rejects the action's promise
 * instead of answering: unhandled, it was an uncaught error on the page, and a button that had set itself
 * busy stayed so with nothing said.
 */
export function useReach() {
  const t = useTranslations("errors");
  return useCallback(
    <R extends { ok: boolean }>(call: Promise<R>): Promise<R | Unreached> =>
      call.catch((): Unreached => ({ ok: false, error: t("serverUnreachable") })),
    [t],
  );
}
