import "server-only";

/**
 * The Content-Security-Policy of every page. Scripts run only with this request's nonce ('strict-dynamic'
 * lets Next's nonce'd bootstrap load its chunks); Next reads the nonce back from the request's CSP header
 * and stamps it on its own <script> tags. Styles keep 'unsafe-inline': Radix and recharts render style
 * attributes on the server, and a nonce in style-src would switch 'unsafe-inline' off.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    // React's dev build uses eval to rebuild server error stacks; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    // Markdown images from other hosts are never fetched (a reader's address would reach that host).
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  // Only over https: on a plain-http LAN install it would upgrade the app's own requests and break them.
  if (opts.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** 128 random bits, base64: unguessable, and in the charset CSP allows for a nonce. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
