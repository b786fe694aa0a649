import { type BuildFailure, failureLocation } from "./outcome.ts";

export const RELOAD_PATH = "/__reload";

/** Dev-only script: reloads on `reload` and `build-error` (the server then shows the overlay), keeps scroll. */
export const RELOAD_SCRIPT = `<script data-report-dev>(() => {
  const key = "report-dev-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) { sessionStorage.removeItem(key); addEventListener("load", () => scrollTo(0, Number(saved))); }
  const source = new EventSource(${JSON.stringify(RELOAD_PATH)});
  const reload = () => { sessionStorage.setItem(key, String(scrollY)); location.reload(); };
  source.addEventListener("reload", reload);
  source.addEventListener("build-error", reload);
  source.addEventListener("building", () => document.documentElement.setAttribute("data-report-building", ""));
})();</script>`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
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
<button type="button" onclick="this.parentElement.remove()">Dismiss</button>
<h2>Build failed</h2>
${location ? `<p class="location">${escapeHtml(location)}</p>` : ""}
<pre>${escapeHtml(failure.message)}</pre>
${failure.detail ? `<pre class="detail">${escapeHtml(failure.detail)}</pre>` : ""}
<p>The server keeps running; save a fix to rebuild.</p>
</div>`;
}

/** Adds the reload script (and the overlay when the last build failed) just before `</body>`. */
export function injectDevMarkup(html: string, failure?: BuildFailure): string {
  const markup = `${OVERLAY_STYLE}${failure ? overlayMarkup(failure) : ""}${RELOAD_SCRIPT}`;
  const closing = html.lastIndexOf("</body>");
  return closing >= 0 ? `${html.slice(0, closing)}${markup}${html.slice(closing)}` : `${html}${markup}`;
}

export function failurePage(failure: BuildFailure): string {
  return injectDevMarkup(
    `<!doctype html><html><head><meta charset="utf-8"><title>Build failed</title></head><body></body></html>`,
    failure,
  );
}

export function waitingPage(): string {
  return injectDevMarkup(
    `<!doctype html><html><head><meta charset="utf-8"><title>Building…</title></head>` +
      `<body><p>The report is being built; this page reloads when it is ready.</p></body></html>`,
  );
}
