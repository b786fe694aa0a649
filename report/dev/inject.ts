import { escapeHtml } from "../render/escape.ts";
import { CONTENT_SECURITY_POLICY } from "../render/page.ts";
import { type BuildFailure, failureLocation } from "./outcome.ts";

export const RELOAD_PATH = "/__reload";

/** Dev-only script: reloads on `reload` and `build-error` (the server then shows the overlay), keeps scroll,
 * dismisses the overlay. It runs under the page's Content-Security-Policy by carrying the server's nonce. */
export function reloadScript(nonce: string): string {
  return `<script data-report-dev nonce="${nonce}">(() => {
  const key = "report-dev-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) { sessionStorage.removeItem(key); addEventListener("load", () => scrollTo(0, Number(saved))); }
  const source = new EventSource(${JSON.stringify(RELOAD_PATH)});
  const reload = () => { sessionStorage.setItem(key, String(scrollY)); location.reload(); };
  source.addEventListener("reload", reload);
  source.addEventListener("build-error", reload);
  source.addEventListener("building", () => document.documentElement.setAttribute("data-report-building", ""));
  addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest(".report-dev-overlay button") : null;
    if (button) button.closest(".report-dev-overlay").remove();
  });
})();</script>`;
}

/** A fresh nonce for one server: 128 random bits, base64. */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** The page's policy with exactly the dev server's script allowed: its nonce, and its event stream. */
export function devContentSecurityPolicy(policy: string, nonce: string): string {
  const replaced = new Set(["script-src", "script-src-elem", "script-src-attr", "connect-src"]);
  const kept = policy.split(";").map((directive) => directive.trim()).filter((directive) =>
    directive.length > 0 && !replaced.has(directive.split(/\s+/)[0].toLowerCase())
  );
  return [...kept, `script-src 'nonce-${nonce}'`, "connect-src 'self'"].join("; ");
}

const CSP_META = /<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/gi;
const CONTENT = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i;

/** Rewrites every CSP `<meta>` of a served page to the dev policy; a page without one gets the report's. */
export function withDevContentSecurityPolicy(html: string, nonce: string): string {
  const headEnd = html.search(/<\/head>/i);
  const head = headEnd < 0 ? "" : html.slice(0, headEnd);
  let found = false;
  const rewritten = head.replace(CSP_META, (meta) => {
    found = true;
    const content = CONTENT.exec(meta);
    const policy = content ? content[1] ?? content[2] : CONTENT_SECURITY_POLICY;
    return `<meta http-equiv="Content-Security-Policy" content="${
      escapeHtml(devContentSecurityPolicy(policy, nonce))
    }">`;
  });
  if (found) return `${rewritten}${html.slice(headEnd)}`;
  const meta = `<meta http-equiv="Content-Security-Policy" content="${
    escapeHtml(devContentSecurityPolicy(CONTENT_SECURITY_POLICY, nonce))
  }">`;
  // Before anything else in the head (or where the parser opens it: after `<html>`, after the doctype).
  const opening = /<head\b[^>]*>/i.exec(html) ?? /<html\b[^>]*>/i.exec(html) ?? /<!doctype[^>]*>/i.exec(html);
  const at = opening ? opening.index + opening[0].length : 0;
  return `${html.slice(0, at)}${meta}${html.slice(at)}`;
}

const OVERLAY_STYLE = `<style data-report-dev>
.report-dev-overlay { position: fixed; inset: 0; z-index: 2147483647; background: rgba(20, 20, 24, 0.92);
  color: #f4f4f5; font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; padding: 6vh 6vw; overflow: auto; }
.report-dev-overlay h2 { color: #ff8080; font-size: 18px; margin: 0 0 8px; }
.report-dev-overlay .location { color: #9cdcfe; margin: 0 0 16px; }
.report-dev-overlay pre { white-space: pre-wrap; background: #000; padding: 12px; border-radius: 6px; }
.report-dev-overlay button { position: absolute; top: 16px; right: 16px; font: inherit; }
html[data-report-building]::before { content: "rebuilding…"; position: fixed; top: 8px; right: 8px; z-index: 2147483647;
  background: #222; color: #fff; padding: 2px 8px; border-radius: 4px; font: 12px system-ui, sans-serif; }
</style>`;

export function overlayMarkup(failure: BuildFailure): string {
  const location = failureLocation(failure);
  return `<div class="report-dev-overlay" role="alertdialog" aria-label="Build failed">
<button type="button">Dismiss</button>
<h2>Build failed</h2>
${location ? `<p class="location">${escapeHtml(location)}</p>` : ""}
<pre>${escapeHtml(failure.message)}</pre>
${failure.detail ? `<pre class="detail">${escapeHtml(failure.detail)}</pre>` : ""}
<p>The server keeps running; save a fix to rebuild.</p>
</div>`;
}

/** Adds the reload script (and the overlay when the last build failed) just before `</body>`, and lets the
 * page's Content-Security-Policy run that script alone (`nonce`). */
export function injectDevMarkup(html: string, nonce: string, failure?: BuildFailure): string {
  const markup = `${OVERLAY_STYLE}${failure ? overlayMarkup(failure) : ""}${reloadScript(nonce)}`;
  const page = withDevContentSecurityPolicy(html, nonce);
  const closing = page.lastIndexOf("</body>");
  return closing >= 0 ? `${page.slice(0, closing)}${markup}${page.slice(closing)}` : `${page}${markup}`;
}

export function failurePage(failure: BuildFailure, nonce: string): string {
  return injectDevMarkup(
    `<!doctype html><html><head><meta charset="utf-8"><title>Build failed</title></head><body></body></html>`,
    nonce,
    failure,
  );
}

export function waitingPage(nonce: string): string {
  return injectDevMarkup(
    `<!doctype html><html><head><meta charset="utf-8"><title>Building…</title></head>` +
      `<body><p>The report is being built; this page reloads when it is ready.</p></body></html>`,
    nonce,
  );
}
