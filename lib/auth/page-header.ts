/**
 * The request header in which proxy.ts hands a page its own path and query: a layout or page cannot otherwise
 * know where it is, and requireUser needs it to send someone back there after sign-in.
 */
export const PAGE_HEADER = "x-glm-page";
