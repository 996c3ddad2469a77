import { ImageIcon } from "lucide-react";

/** Stands in for the page's own origin when resolving a relative src; never requested. */
const BASE = "http://same-origin.invalid";

/**
 * A markdown image. Only this app's own images (relative paths) and inline data:/blob: images are shown;
 * an image on another host becomes a link naming that host, because loading it would tell that host the
 * reader's address, and a share link has readers who never chose to contact it. Decided from the src
 * alone, so the server and the browser render the same thing.
 */
export function MarkdownImage({ src, alt, fallback }: { src?: string | Blob; alt?: string; fallback: string }) {
  const url = typeof src === "string" ? parse(src) : null;
  if (!url) return alt ? <span>{alt}</span> : null;
  if (url.protocol === "data:" || url.protocol === "blob:" || url.origin === BASE) {
    return <img src={typeof src === "string" ? src : undefined} alt={alt ?? ""} className="my-2 max-w-full rounded" />;
  }
  return (
    <a
      href={url.href}
      target="_blank"
      rel="noopener noreferrer nofollow"
      className="inline-flex items-center gap-1 rounded border border-neutral-200 px-1.5 py-0.5 text-sm underline dark:border-neutral-700"
    >
      <ImageIcon aria-hidden className="size-4 shrink-0" />
      <span>{alt || fallback}</span>
      <span className="text-neutral-500 dark:text-neutral-400">({url.host})</span>
    </a>
  );
}

function parse(src: string): URL | null {
  try {
    return new URL(src, BASE);
  } catch {
    return null;
  }
}
