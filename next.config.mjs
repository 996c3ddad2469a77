/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // `npm run dev` must also work when opened as http://127.0.0.1:3000, not only localhost.
  allowedDevOrigins: ["127.0.0.1"],
  // Streams must reach the client as they are written; compression would batch SSE frames.
  compress: false,
  // A second build (benchmarks) can live beside the one the tests use.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm run check` (tsc) type-checks the whole project, tests and benchmarks included, before any build.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
