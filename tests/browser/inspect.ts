import { pathToFileURL } from "node:url";
import { launchPage } from "../../report/pdf/cdp.ts";

export interface FigureBox {
  id: string;
  width: number;
  height: number;
}

export interface ReportInspection {
  consoleErrors: string[];
  /** Requests for anything but the report file itself and inline data. */
  externalRequests: string[];
  figures: FigureBox[];
  /** In-page links (`#id`) whose target does not exist. */
  brokenLinks: string[];
  tocLinks: number;
  crossReferences: number;
  /** TOC entries that, when clicked, did not bring their target to the top of the viewport. */
  tocMisses: string[];
  screenshot: Uint8Array;
}

const COLLECT_LINKS = `(() => {
  const anchors = [...document.querySelectorAll('a[href^="#"]')];
  const broken = anchors.map((a) => a.getAttribute("href")).filter((href) => href.length > 1 &&
    !document.getElementById(decodeURIComponent(href.slice(1))));
  const toc = [...document.querySelectorAll('nav a[href^="#"], .toc a[href^="#"]')];
  const refs = anchors.filter((a) => /^#(fig|tbl)-/.test(a.getAttribute("href")));
  const figures = [...document.querySelectorAll("figure")].map((figure, index) => {
    const box = figure.getBoundingClientRect();
    const graphic = figure.querySelector("svg, img, table, canvas, pre");
    const inner = graphic ? graphic.getBoundingClientRect() : box;
    return { id: figure.id || "figure-" + index, width: Math.min(box.width, inner.width),
      height: Math.min(box.height, inner.height) };
  });
  return { broken: [...new Set(broken)], toc: toc.map((a) => a.getAttribute("href")), refs: refs.length, figures };
})()`;

function clickAndMeasure(href: string): string {
  return `(async () => {
    scrollTo(0, 0);
    const link = [...document.querySelectorAll('nav a[href^="#"], .toc a[href^="#"]')]
      .find((a) => a.getAttribute("href") === ${JSON.stringify(href)});
    link.click();
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const target = document.getElementById(decodeURIComponent(${JSON.stringify(href)}.slice(1)));
    const top = target.getBoundingClientRect().top;
    const atBottom = Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight - 2;
    return location.hash === ${JSON.stringify(href)} && (Math.abs(top) < 80 || (atBottom && top >= 0));
  })()`;
}

/** Opens a report in headless Chromium and collects what a reader would notice: errors, requests, layout. */
export async function inspectReport(chromePath: string, htmlPath: string): Promise<ReportInspection> {
  const page = await launchPage(chromePath);
  const reportUrl = pathToFileURL(htmlPath).href;
  const consoleErrors: string[] = [];
  const externalRequests: string[] = [];
  try {
    page.on("Runtime.consoleAPICalled", (params) => {
      if (params.type === "error" || params.type === "assert") {
        const args = params.args as { value?: unknown; description?: string }[];
        consoleErrors.push(args.map((arg) => String(arg.value ?? arg.description)).join(" "));
      }
    });
    page.on("Runtime.exceptionThrown", (params) => {
      const details = params.exceptionDetails as { text: string; exception?: { description?: string } };
      consoleErrors.push(details.exception?.description ?? details.text);
    });
    page.on("Log.entryAdded", (params) => {
      const entry = params.entry as { level: string; text: string; url?: string };
      if (entry.level === "error") consoleErrors.push(`${entry.text}${entry.url ? ` (${entry.url})` : ""}`);
    });
    page.on("Network.requestWillBeSent", (params) => {
      const url = (params.request as { url: string }).url;
      if (url !== reportUrl && !url.startsWith("data:") && !url.startsWith("about:")) {
        externalRequests.push(url);
      }
    });
    await Promise.all([page.send("Runtime.enable"), page.send("Log.enable"), page.send("Network.enable")]);
    await page.send("Page.enable");
    const loaded = page.waitFor("Page.loadEventFired");
    await page.send("Page.navigate", { url: reportUrl });
    await loaded;
    await page.evaluate("document.fonts.ready.then(() => true)");
    const links = await page.evaluate<
      { broken: string[]; toc: string[]; refs: number; figures: FigureBox[] }
    >(
      COLLECT_LINKS,
    );
    const tocMisses: string[] = [];
    for (const href of links.toc) {
      if (!links.broken.includes(href) && !(await page.evaluate<boolean>(clickAndMeasure(href)))) {
        tocMisses.push(href);
      }
    }
    await page.evaluate("(scrollTo(0, 0), history.replaceState(null, '', location.pathname), true)");
    const shot = await page.send<{ data: string }>("Page.captureScreenshot", { format: "png" });
    const screenshot = Uint8Array.from(atob(shot.data), (char) => char.charCodeAt(0));
    return {
      consoleErrors,
      externalRequests,
      figures: links.figures,
      brokenLinks: links.broken,
      tocLinks: links.toc.length,
      crossReferences: links.refs,
      tocMisses,
      screenshot,
    };
  } finally {
    await page.close();
  }
}
