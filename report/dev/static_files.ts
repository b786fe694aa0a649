import { extname, join, normalize, resolve, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".pdf": "application/pdf",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** The file under `root` that a URL path names (`/` → `report.html`), or undefined if it would escape root. */
export function fileForUrlPath(root: string, urlPath: string, index = "report.html"): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const relativePath = normalize(decoded.endsWith("/") ? `${decoded}${index}` : decoded).replace(
    /^[/\\]+/,
    "",
  );
  const base = resolve(root);
  const file = resolve(join(base, relativePath));
  return file === base || file.startsWith(base + sep) ? file : undefined;
}
