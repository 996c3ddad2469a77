import { readFileSync } from "node:fs";
import createNextIntlPlugin from "next-intl/plugin";

/** next-intl reads each request's language and catalogue from lib/i18n/request.ts (no locale in URLs). */
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/**
 * Headers every response gets, pages and APIs alike; the per-request Content-Security-Policy of pages comes
 * from proxy.ts. Here rather than in proxy.ts so that /v1 and static files get them without running code.
 * One list (lib/http/security-headers.json) that the production server's own /v1 door sends too.
 * X-Frame-Options DENY: old browsers' frame-ancestors (no page of this app is meant to be framed).
 */
const securityHeaders = Object.entries(
  JSON.parse(readFileSync(new URL("./lib/http/security-headers.json", import.meta.url), "utf8")),
).map(([key, value]) => ({ key, value }));

async function headers() {
  return [
    { source: "/:path*", headers: securityHeaders },
    // A share link's reader follows links out of someone else's conversation: tell no one where they came from.
    // Listed after the general rule, so its Referrer-Policy wins.
    { source: "/share/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
    // HSTS only when the browser really came over https (a TLS proxy in front says so); over plain http a
    // browser ignores it anyway, and on a LAN install it must never pin https.
    {
      source: "/:path*",
      has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
      headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000" }],
    },
  ];
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  headers,
  poweredByHeader: false,
  // `npm run dev` must also work when opened as http://127.0.0.1:3000, not only localhost.
  allowedDevOrigins: ["127.0.0.1"],
  // Streams must reach the client as they are written; compression would batch SSE frames.
  compress: false,
  // Every server action takes a few small fields: anything bigger is refused (413) before it is decoded, and
  // the proxy (proxy.ts) buffers no more than that of a body either.
  experimental: {
    serverActions: { bodySizeLimit: "1mb" },
    proxyClientMaxBodySize: "1mb",
  },
  // A second build (benchmarks) can live beside the one the tests use.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm run check` (tsc) type-checks the whole project, tests and benchmarks included, before any build.
  typescript: { ignoreBuildErrors: true },
};

export default withNextIntl(nextConfig);
