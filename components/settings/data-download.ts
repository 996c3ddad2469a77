/**
 * Starts a download of `href` (a route answering with Content-Disposition: attachment) without leaving the
 * page: the browser streams it straight to disk, so a large archive is never held in the page's memory.
 */
export function download(href: string) {
  const a = document.createElement("a");
  a.href = href;
  a.download = "";
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
}
