/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Streams must reach the client as they are written; compression would batch SSE frames.
  compress: false,
};

export default nextConfig;
