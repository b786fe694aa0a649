/**
 * A small Chrome DevTools Protocol client: one private headless Chromium, one WebSocket to the browser, and
 * pages as flat sessions on it. The PDF step keeps one alive for a whole build (`Page.printToPDF`); the
 * browser tests drive pages with it.
 */
import { join } from "node:path";

/** Headless Chromium that stays offline and leaves nothing behind but its own temporary profile. */
export function chromiumHeadlessArgs(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    `--user-data-dir=${userDataDir}`,
  ];
}

/** Pids of running processes whose command line mentions `marker` (a unique temp folder we created). */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
        if (cmdline.includes(marker)) pids.push(Number(entry.name));
      } catch { /* exited meanwhile */ }
    }
  } catch { /* no /proc: nothing to find */ }
  return pids.filter((pid) => pid !== Deno.pid);
}

/** Ends the Chromium processes started with our private profile folder, one by one, by id. */
export function endChromiumProcesses(userDataDir: string): number {
  const pids = processesMentioning(userDataDir);
  for (const pid of pids) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* already gone */ }
  }
  return pids.length;
}

type Listener = (params: Record<string, unknown>) => void;

/** One page (tab) of the browser. */
export interface BrowserPage {
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  on(event: string, listener: Listener): void;
  waitFor(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

export interface Browser {
  /** A new page; `existing` attaches to the page the browser opened with instead. */
  newPage(existing?: boolean): Promise<BrowserPage>;
  /** True once the browser exited or was closed. */
  readonly closed: boolean;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

async function waitForFile(
  path: string,
  timeoutMs: number,
  exited: () => boolean,
  signal?: AbortSignal,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited()) {
    if (signal?.aborted) throw new Error("Chromium's start was called off");
    try {
      const text = await Deno.readTextFile(path);
      if (text.includes("\n")) return text;
    } catch { /* not yet written */ }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(
    exited()
      ? "Chromium exited before it opened its debugging port"
      : `Chromium did not open its debugging port within ${timeoutMs} ms`,
  );
}

/** Ends the browsers of processes that died without closing them (a build killed with SIGKILL cannot end its
 * Chromium): their profiles are `<prefix><pid>-…` in the temporary folder, and their owner's pid is gone. */
export function endOrphanedBrowsers(prefix: string): void {
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(tmp)];
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = entry.name.startsWith(prefix)
      ? /^(\d+)-/.exec(entry.name.slice(prefix.length))?.[1]
      : undefined;
    if (!owner || existsSync(`/proc/${owner}`)) continue;
    const dir = join(tmp, entry.name);
    endChromiumProcesses(dir);
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* another process swept it */ }
  }
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Starts a private headless Chromium (temporary profile `<prefix><our pid>-…`, removed on close) and connects
 * to it, first ending any browser a dead process of ours left running. `signal` calls off a start still
 * waiting for the browser (it is ended). */
export async function launchBrowser(
  chromePath: string,
  options: { extraArgs?: string[]; startTimeoutMs?: number; profilePrefix?: string; signal?: AbortSignal } =
    {},
): Promise<Browser> {
  const prefix = options.profilePrefix ?? "report-browser-profile-";
  endOrphanedBrowsers(prefix);
  const userDataDir = await Deno.makeTempDir({ prefix: `${prefix}${Deno.pid}-` });
  const child = new Deno.Command(chromePath, {
    args: [
      ...chromiumHeadlessArgs(userDataDir),
      ...(options.extraArgs ?? []),
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = child.status.then(() => exited = true);
  let socket: WebSocket | undefined;
  async function cleanUp(): Promise<void> {
    socket?.close();
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await status;
    endChromiumProcesses(userDataDir);
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
  try {
    const lines = await waitForFile(
      join(userDataDir, "DevToolsActivePort"),
      options.startTimeoutMs ?? 15_000,
      () => exited,
      options.signal,
    );
    const [port, path] = lines.split("\n").map((line) => line.trim());
    socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    await new Promise((resolve, reject) => {
      socket!.onopen = resolve;
      socket!.onerror = () => reject(new Error("cannot connect to Chromium's debugging port"));
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return connect(socket, cleanUp, () => exited);
}

function connect(socket: WebSocket, cleanUp: () => Promise<void>, exited: () => boolean): Browser {
  let nextId = 1;
  let closed = false;
  const replies = new Map<number, Pending>();
  const listeners = new Map<string, Listener[]>();
  const key = (sessionId: string | undefined, event: string) => `${sessionId ?? ""} ${event}`;
  function failAll(reason: string) {
    for (const reply of replies.values()) reply.reject(new Error(reason));
    replies.clear();
  }
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data as string);
    if (data.id !== undefined) {
      const reply = replies.get(data.id);
      replies.delete(data.id);
      if (data.error) reply?.reject(new Error(`${data.error.message} (${data.error.code})`));
      else reply?.resolve(data.result);
    } else {
      for (const listener of listeners.get(key(data.sessionId, data.method)) ?? []) {
        listener(data.params ?? {});
      }
    }
  };
  socket.onclose = () => {
    closed = true;
    failAll("Chromium closed the connection");
  };

  function send<T>(sessionId: string | undefined, method: string, params: Record<string, unknown> = {}) {
    if (closed || exited()) return Promise.reject(new Error("Chromium is no longer running"));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      replies.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  function on(sessionId: string | undefined, event: string, listener: Listener): void {
    const at = key(sessionId, event);
    listeners.set(at, [...(listeners.get(at) ?? []), listener]);
  }

  function off(sessionId: string | undefined, event: string, listener: Listener): void {
    const at = key(sessionId, event);
    listeners.set(at, (listeners.get(at) ?? []).filter((item) => item !== listener));
  }

  async function pageTarget(existing: boolean): Promise<string> {
    if (existing) {
      const { targetInfos } = await send<{ targetInfos: { type: string; targetId: string }[] }>(
        undefined,
        "Target.getTargets",
      );
      const first = targetInfos.find((info) => info.type === "page");
      if (first) return first.targetId;
    }
    return (await send<{ targetId: string }>(undefined, "Target.createTarget", { url: "about:blank" }))
      .targetId;
  }

  async function newPage(existing = false): Promise<BrowserPage> {
    const targetId = await pageTarget(existing);
    const { sessionId } = await send<{ sessionId: string }>(undefined, "Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const page: BrowserPage = {
      send: <T>(method: string, params?: Record<string, unknown>) => send<T>(sessionId, method, params),
      on: (event, listener) => on(sessionId, event, listener),
      waitFor: (event, timeoutMs = 15_000) =>
        new Promise((resolve, reject) => {
          const listener: Listener = (params) => {
            clearTimeout(timer);
            off(sessionId, event, listener);
            resolve(params);
          };
          const timer = setTimeout(() => {
            off(sessionId, event, listener);
            reject(new Error(`no ${event} within ${timeoutMs} ms`));
          }, timeoutMs);
          on(sessionId, event, listener);
        }),
      async evaluate<T>(expression: string): Promise<T> {
        const result = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>(
          sessionId,
          "Runtime.evaluate",
          { expression, returnByValue: true, awaitPromise: true },
        );
        if (result.exceptionDetails) throw new Error(`evaluate failed: ${result.exceptionDetails.text}`);
        return result.result.value;
      },
      async close() {
        await send(undefined, "Target.closeTarget", { targetId }).catch(() => {});
      },
    };
    return page;
  }

  return {
    newPage,
    get closed() {
      return closed || exited();
    },
    async close() {
      if (!closed && !exited()) {
        await Promise.race([
          send(undefined, "Browser.close").catch(() => {}),
          new Promise((resolve) => setTimeout(resolve, 2000)),
        ]);
      }
      closed = true;
      failAll("Chromium was closed");
      await cleanUp();
    },
  };
}

/** A browser with one page, closed together: what the browser tests drive. */
export async function launchPage(
  chromePath: string,
  viewport = { width: 1280, height: 900 },
): Promise<BrowserPage> {
  const browser = await launchBrowser(chromePath, {
    extraArgs: ["--hide-scrollbars", `--window-size=${viewport.width},${viewport.height}`],
  });
  try {
    const page = await browser.newPage(true);
    return { ...page, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
