import "server-only";

/**
 * True when a request path cannot be decoded (`%ff`, a cut `%E0%A4%A`) or decodes to a control character
 * (NUL, CR, LF, DEL…). Next decodes dynamic route params itself and answers an undecodable one with a
 * bare 500 before any route code runs, so this check sits in front of routing, in proxy.ts.
 */
export function isBadPath(pathname: string): boolean {
  if (!pathname.includes("%")) return CONTROL.test(pathname);
  for (const segment of pathname.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return true;
    }
    if (CONTROL.test(decoded)) return true;
  }
  return false;
}

// C0 controls, DEL and the C1 block: never part of an id, a model name or any route of this app.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
