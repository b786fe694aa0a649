import { join } from "node:path";
import { chromiumHeadlessArgs, endChromiumProcesses } from "../../report/pdf/chromium.ts";

type Listener = (params: Record<string, unknown>) => void;

/** A minimal Chrome DevTools Protocol session with one page of a private headless Chromium. */
export interface BrowserPage {
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  on(event: string, listener: Listener): void;
  waitFor(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

async function waitForFile(path: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const text = await Deno.readTextFile(path);
      if (text.includes("\n")) return text;
    } catch { /* not yet written */ }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Chromium did not open its debugging port within ${timeoutMs} ms`);
}

export async function launchPage(
  chromePath: string,
  viewport = { width: 1280, height: 900 },
): Promise<BrowserPage> {
  const userDataDir = await Deno.makeTempDir({ prefix: "report-browser-profile-" });
  const process = new Deno.Command(chromePath, {
    args: [
      ...chromiumHeadlessArgs(userDataDir),
      "--hide-scrollbars",
      `--window-size=${viewport.width},${viewport.height}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const port = (await waitForFile(join(userDataDir, "DevToolsActivePort"), 15_000)).split("\n")[0].trim();
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as {
    type: string;
    webSocketDebuggerUrl: string;
  }[];
  const target = targets.find((item) => item.type === "page");
  if (!target) throw new Error("no page target");
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let nextId = 1;
  const replies = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, Listener[]>();
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data as string);
    if (data.id !== undefined) {
      const reply = replies.get(data.id);
      replies.delete(data.id);
      if (data.error) reply?.reject(new Error(`${data.error.message} (${data.error.code})`));
      else reply?.resolve(data.result);
    } else {
      for (const listener of listeners.get(data.method) ?? []) listener(data.params ?? {});
    }
  };

  function send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      replies.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  }

  function on(event: string, listener: Listener): void {
    listeners.set(event, [...(listeners.get(event) ?? []), listener]);
  }

  function waitFor(event: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
      on(event, (params) => {
        clearTimeout(timer);
        resolve(params);
      });
    });
  }

  async function evaluate<T>(expression: string): Promise<T> {
    const result = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>(
      "Runtime.evaluate",
      {
        expression,
        returnByValue: true,
        awaitPromise: true,
      },
    );
    if (result.exceptionDetails) throw new Error(`evaluate failed: ${result.exceptionDetails.text}`);
    return result.result.value;
  }

  async function close(): Promise<void> {
    try {
      await Promise.race([send("Browser.close"), new Promise((resolve) => setTimeout(resolve, 2000))]);
    } catch { /* the browser went away first */ }
    socket.close();
    try {
      process.kill("SIGKILL");
    } catch { /* already exited */ }
    await process.status;
    endChromiumProcesses(userDataDir);
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }

  return { send, on, waitFor, evaluate, close };
}
