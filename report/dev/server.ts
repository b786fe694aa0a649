import { type BuildFailure, type BuildFunction, failureFromError, failureLocation } from "./outcome.ts";
import { createReloadHub } from "./reload_hub.ts";
import { createNonce, failurePage, injectDevMarkup, RELOAD_PATH, waitingPage } from "./inject.ts";
import { contentTypeOf, fileForUrlPath } from "./static_files.ts";
import { watchDebounced } from "./watch.ts";

export interface DevServerOptions {
  distDir: string;
  watch: string[];
  build: BuildFunction;
  hostname?: string;
  port?: number;
  /** The page served at `/` (default `report.html`). */
  index?: string;
  debounceMs?: number;
  /** Run a build right after the server starts (default true). */
  initialBuild?: boolean;
  log?: (line: string) => void;
}

export interface DevServer {
  readonly url: string;
  readonly port: number;
  /** Queues a rebuild for these files (the watcher calls this); resolves when the queue is idle. */
  rebuild(changed: string[]): Promise<void>;
  /** Resolves when no build is running or queued. */
  idle(): Promise<void>;
  readonly lastFailure: BuildFailure | undefined;
  readonly builds: number;
  /** Pages connected to the reload event stream. */
  readonly clients: number;
  /** Stops the watcher, aborts a running build (its children with it), closes pages and the socket. */
  close(): Promise<void>;
}

/** Host names a request may name in its `Host` header: the loopback names, the listening address, and any IP
 * address when listening on all of them. Anything else (a DNS name an attacker points at us) is refused. */
export function hostAllowed(host: string | null, listening: string, port: number): boolean {
  if (!host) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:\[\]]+)(?::(\d+))?$/i.exec(host.trim().toLowerCase());
  if (!match) return false;
  const [, name, portText] = match;
  if (portText === undefined ? port !== 80 : Number(portText) !== port) return false;
  const bracketed = listening.includes(":") ? `[${listening.toLowerCase()}]` : listening.toLowerCase();
  if (["127.0.0.1", "localhost", "[::1]", bracketed].includes(name)) return true;
  const wildcard = listening === "0.0.0.0" || listening === "::" || listening === "[::]";
  return wildcard && (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(name) || name.startsWith("["));
}

async function readOrUndefined(path: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    return await Deno.readFile(path);
  } catch {
    return undefined;
  }
}

export function startDevServer(options: DevServerOptions): DevServer {
  const { distDir, build, hostname = "127.0.0.1", port = 8000, debounceMs = 120, index = "report.html" } =
    options;
  const log = options.log ?? ((line: string) => console.log(line));
  const hub = createReloadHub();
  const nonce = createNonce();
  let listeningPort = port;
  const abort = new AbortController();
  const pending = new Set<string>();
  let running: Promise<void> | undefined;
  let lastFailure: BuildFailure | undefined;
  let requested = false;
  let builds = 0;

  async function drain(): Promise<void> {
    while (requested && !abort.signal.aborted) {
      requested = false;
      const changed = [...pending].sort();
      pending.clear();
      hub.broadcast("building", JSON.stringify({ changed }));
      const started = performance.now();
      try {
        const outcome = await build(changed, abort.signal);
        lastFailure = outcome.ok ? undefined : outcome.failure;
      } catch (error) {
        lastFailure = failureFromError(error);
      }
      builds += 1;
      if (abort.signal.aborted) return;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (lastFailure) {
        const where = failureLocation(lastFailure);
        log(
          `build failed in ${seconds} s${where ? ` at ${where}` : ""}: ${lastFailure.message.split("\n")[0]}`,
        );
        hub.broadcast("build-error", JSON.stringify(lastFailure));
      } else {
        log(`rebuilt in ${seconds} s; reloading ${hub.clients} page(s)`);
        hub.broadcast("reload", JSON.stringify({ changed }));
      }
    }
  }

  function rebuild(changed: string[]): Promise<void> {
    for (const file of changed) pending.add(file);
    requested = true;
    running ??= drain().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function handle(request: Request): Promise<Response> {
    if (!hostAllowed(request.headers.get("host"), hostname, listeningPort)) {
      return new Response("forbidden: this server answers only to its own address (Host header)", {
        status: 403,
      });
    }
    const url = new URL(request.url);
    if (url.pathname === RELOAD_PATH) return hub.response();
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed", { status: 405 });
    }
    const file = fileForUrlPath(distDir, url.pathname, index);
    if (!file) return new Response("not found", { status: 404 });
    const bytes = await readOrUndefined(file);
    const isPage = file.endsWith(".html");
    if (!bytes) {
      if (url.pathname !== "/" && url.pathname !== `/${index}`) {
        return new Response("not found", { status: 404 });
      }
      const page = lastFailure ? failurePage(lastFailure, nonce) : waitingPage(nonce);
      return new Response(page, {
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      });
    }
    const body = isPage ? injectDevMarkup(new TextDecoder().decode(bytes), nonce, lastFailure) : bytes;
    return new Response(body, {
      headers: { "content-type": contentTypeOf(file), "cache-control": "no-store" },
    });
  }

  const server = Deno.serve({ hostname, port, signal: abort.signal, onListen: () => {} }, handle);
  const address = server.addr as Deno.NetAddr;
  listeningPort = address.port;
  const url = `http://${address.hostname}:${address.port}/`;
  log(`serving ${distDir} at ${url}`);
  const watcher = watchDebounced({
    paths: options.watch,
    debounceMs,
    onChange: (files) => {
      log(`changed: ${files.length === 1 ? files[0] : `${files.length} files`}`);
      void rebuild(files);
    },
  });
  if (options.initialBuild ?? true) void rebuild([]);

  return {
    url,
    port: address.port,
    rebuild,
    idle: () => running ?? Promise.resolve(),
    get lastFailure() {
      return lastFailure;
    },
    get builds() {
      return builds;
    },
    get clients() {
      return hub.clients;
    },
    async close() {
      watcher.close();
      hub.close();
      abort.abort();
      await Promise.allSettled([server.finished, watcher.closed, running ?? Promise.resolve()]);
    },
  };
}
