"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { TIME_ZONE_COOKIE } from "@/lib/i18n/locales";

/**
 * Tells the server the reader's time zone (a cookie, read by lib/i18n/request.ts), so that server-rendered
 * dates and the browser's agree and hydrate without a mismatch. On the first visit (or after travelling)
 * the page re-renders once in the right zone; after that the cookie already matches and nothing happens.
 */
export function TimeZoneCookie() {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const current = document.cookie
      .split("; ")
      .find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`))
      ?.slice(TIME_ZONE_COOKIE.length + 1);
    if (current && decodeURIComponent(current) === zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    // Without a cookie the server rendered in UTC: a UTC reader's page is already right.
    if (current || zone !== "UTC") router.refresh();
  }, [router]);
  return null;
}
