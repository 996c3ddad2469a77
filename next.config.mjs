/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Streams must reach the client as they are written; compression would batch SSE frames.
  compress: false,
  // A second build (benchmarks) can live beside the one the tests use.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
