import type { Page, Route } from "@playwright/test";

/**
 * Rewrites the server-action requests a page sends (POSTs with a Next-Action header): in each body, every
 * key of `swaps` is replaced by its value. This is how the specs replay a user's own, legitimate action
 * with someone else's id in it, as an attacker with a proxy would. Other requests pass untouched.
 *
 * `swaps` may be a function, read at each request, when an id to swap is only known later. The handle
 * counts the requests that were changed (a test asserts some were, or it proves nothing) and stops.
 */
export async function rewriteServerActions(page: Page, swaps: Record<string, string> | (() => Record<string, string>)) {
  let rewritten = 0;
  const handler = async (route: Route) => {
    const req = route.request();
    const body = req.postData();
    if (req.method() !== "POST" || !req.headers()["next-action"] || !body) return route.fallback();
    let swapped = body;
    for (const [from, to] of Object.entries(typeof swaps === "function" ? swaps() : swaps)) {
      if (from) swapped = swapped.replaceAll(from, to);
    }
    if (swapped === body) return route.fallback();
    rewritten++;
    return route.fallback({ postData: swapped });
  };
  await page.route("**/*", handler);
  return {
    /** How many requests were changed so far. */
    get count() {
      return rewritten;
    },
    /** Stops rewriting; later requests go out as the page sends them. */
    stop: () => page.unroute("**/*", handler),
  };
}
