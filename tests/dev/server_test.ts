import assert from "node:assert/strict";
import { join } from "node:path";
import { devContentSecurityPolicy, withDevContentSecurityPolicy } from "../../report/dev/inject.ts";
import { hostAllowed, startDevServer } from "../../report/dev/server.ts";
import { CONTENT_SECURITY_POLICY } from "../../report/render/page.ts";
import type { BuildOutcome } from "../../report/dev/outcome.ts";
import { openEventStream } from "./sse_client.ts";

async function project() {
  const root = await Deno.makeTempDir({ prefix: "dev-server-" });
  for (const folder of ["chapters", "models", "templates", "dist"]) await Deno.mkdir(join(root, folder));
  await Deno.writeTextFile(join(root, "chapters/10-a.md"), "# A\n\nprose\n");
  return root;
}

/** Stands in for the report build: renders the chapter text into dist/, fails on a line saying FAIL. */
function fakeBuild(root: string, calls: string[][]) {
  return async (changed: string[]): Promise<BuildOutcome> => {
    calls.push(changed);
    const text = await Deno.readTextFile(join(root, "chapters/10-a.md"));
    const failing = text.split("\n").findIndex((line) => line.includes("FAIL"));
    if (failing >= 0) {
      return {
        ok: false,
        failure: { message: "Error: <boom> & more", file: "chapters/10-a.md", line: failing + 1 },
      };
    }
    await Deno.writeTextFile(
      join(root, "dist/report.html"),
      `<!doctype html><html><body><main>${text.length} chars, build ${calls.length}</main></body></html>`,
    );
    return { ok: true };
  };
}

Deno.test({
  name: "dev server: serves with live reload, rebuilds on save, overlays failures with file:line, recovers",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await project();
    const calls: string[][] = [];
    const logs: string[] = [];
    const server = startDevServer({
      distDir: join(root, "dist"),
      watch: ["chapters", "models", "templates"].map((folder) => join(root, folder)),
      build: fakeBuild(root, calls),
      port: 0,
      debounceMs: 60,
      log: (line) => logs.push(line),
    });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      await server.idle();
      assert.deepEqual(calls.map((changed) => changed.length), [0]);
      const page = await (await fetch(server.url)).text();
      assert.match(page, /build 1<\/main>/);
      assert.match(page, /new EventSource\("\/__reload"\)/);
      assert.equal((await fetch(`${server.url}../../etc/passwd`)).status, 404);
      assert.equal((await fetch(`${server.url}missing.css`)).status, 404);

      const events = await openEventStream(`${server.url}__reload`);
      const chapter = join(root, "chapters/10-a.md");
      await Deno.writeTextFile(chapter, "# A\n\nedited prose\n");
      await events.next("building");
      const reload = await events.next("reload");
      assert.deepEqual(JSON.parse(reload.data).changed, [chapter]);
      assert.match(await (await fetch(server.url)).text(), /build 2<\/main>/);

      await Deno.writeTextFile(chapter, "# A\n\nFAIL here\n");
      const failure = JSON.parse((await events.next("build-error")).data);
      assert.equal(failure.line, 3);
      const overlaid = await (await fetch(server.url)).text();
      assert.match(overlaid, /class="report-dev-overlay"/);
      assert.match(overlaid, /chapters\/10-a\.md:3/);
      assert.match(overlaid, /Error: &lt;boom&gt; &amp; more/);
      assert.match(overlaid, /build 2<\/main>/, "the last good report stays under the overlay");
      assert.ok(logs.some((line) => line.includes("at chapters/10-a.md:3")));

      await Deno.writeTextFile(join(root, "chapters/.10-a.md.swp"), "noise");
      await Deno.writeTextFile(chapter, "# A\n\nfixed\n");
      await events.next("reload");
      const recovered = await (await fetch(server.url)).text();
      assert.doesNotMatch(recovered, /class="report-dev-overlay"/);
      assert.equal(calls.length, 4);
      assert.ok(calls.every((changed) => changed.every((file) => !file.endsWith(".swp"))));

      await Deno.writeTextFile(join(root, "models/helper.ts"), "export const x = 1;");
      await Deno.writeTextFile(join(root, "models/other.ts"), "export const y = 1;");
      await events.next("reload");
      assert.deepEqual(calls.at(-1), [join(root, "models/helper.ts"), join(root, "models/other.ts")]);
      await events.close();
    } finally {
      await server.close();
    }
    await assert.rejects(fetch(server.url));
  },
});

Deno.test({
  name: "dev server: a failing first build shows the overlay page instead of a 404",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await project();
    await Deno.writeTextFile(join(root, "chapters/10-a.md"), "FAIL\n");
    const server = startDevServer({
      distDir: join(root, "dist"),
      watch: [join(root, "chapters")],
      build: fakeBuild(root, []),
      port: 0,
      log: () => {},
    });
    try {
      await server.idle();
      const response = await fetch(server.url);
      assert.equal(response.status, 200);
      const page = await response.text();
      assert.match(page, /Build failed/);
      assert.match(page, /chapters\/10-a\.md:1/);
    } finally {
      await server.close();
    }
  },
});

/** One raw HTTP/1.1 request with a chosen `Host` header (fetch does not let a test forge it); the status code. */
async function statusForHost(port: number, host: string): Promise<number> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await connection.write(
      new TextEncoder().encode(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    let text = "";
    const buffer = new Uint8Array(4096);
    while (!text.includes("\r\n")) {
      const read = await connection.read(buffer);
      if (read === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, read));
    }
    return Number(text.split(" ")[1]);
  } finally {
    connection.close();
  }
}

Deno.test({
  name: "dev server: answers only requests naming its own address in Host (DNS rebinding)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await project();
    const server = startDevServer({
      distDir: join(root, "dist"),
      watch: [join(root, "chapters")],
      build: fakeBuild(root, []),
      port: 0,
      log: () => {},
    });
    try {
      await server.idle();
      const port = server.port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        assert.equal(await statusForHost(port, host), 200, host);
      }
      for (
        const host of [
          `evil.example:${port}`,
          `attacker.localhost.example:${port}`,
          "127.0.0.1:1",
          "localhost",
        ]
      ) {
        assert.equal(await statusForHost(port, host), 403, host);
      }
      const events = await fetch(`${server.url}__reload`);
      assert.equal(events.status, 200, "the page's own event stream is served");
      await events.body?.cancel();
    } finally {
      await server.close();
    }
  },
});

Deno.test("dev server: the Host check knows loopback names, the listening address and wildcards", () => {
  assert.ok(hostAllowed("127.0.0.1:8000", "127.0.0.1", 8000));
  assert.ok(hostAllowed("localhost:8000", "127.0.0.1", 8000));
  assert.ok(hostAllowed("[::1]:8000", "::1", 8000));
  assert.ok(hostAllowed("localhost", "127.0.0.1", 80), "port 80 may be left out");
  assert.ok(hostAllowed("192.168.1.5:8000", "192.168.1.5", 8000));
  assert.ok(!hostAllowed("192.168.1.6:8000", "192.168.1.5", 8000));
  assert.ok(hostAllowed("192.168.1.6:8000", "0.0.0.0", 8000), "any address when listening on all");
  assert.ok(!hostAllowed("rebind.example:8000", "0.0.0.0", 8000), "never a DNS name but localhost");
  assert.ok(!hostAllowed(null, "127.0.0.1", 8000));
  assert.ok(!hostAllowed("localhost:8000@evil", "127.0.0.1", 8000));
});

Deno.test("dev server: the page's CSP allows exactly the reload script (nonce) and its event stream", () => {
  const policy = devContentSecurityPolicy(`${CONTENT_SECURITY_POLICY}; script-src 'unsafe-inline'`, "abc");
  assert.match(policy, /script-src 'nonce-abc'; connect-src 'self'$/);
  assert.doesNotMatch(policy, /script-src 'unsafe-inline'/);
  assert.match(policy, /default-src 'none'/);
  const page = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
  content="${CONTENT_SECURITY_POLICY}"></head><body><p>&lt;meta http-equiv="Content-Security-Policy"&gt;</p></body></html>`;
  const served = withDevContentSecurityPolicy(page, "n0nce");
  const metas = served.match(/<meta http-equiv="Content-Security-Policy"[^>]*>/g) ?? [];
  assert.equal(metas.length, 1);
  assert.match(metas[0], /script-src &#39;nonce-n0nce&#39;; connect-src &#39;self&#39;/);
  assert.ok(served.endsWith('<p>&lt;meta http-equiv="Content-Security-Policy"&gt;</p></body></html>'));
  const bare = withDevContentSecurityPolicy("<!doctype html><html><body>x</body></html>", "n");
  assert.match(bare, /^<!doctype html><html><meta http-equiv="Content-Security-Policy" content="default-src/);
});

Deno.test({
  name:
    "dev server: served pages carry a per-server nonce on the reload script; the file in dist/ has no script",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await project();
    const servers = [0, 1].map(() =>
      startDevServer({
        distDir: join(root, "dist"),
        watch: [],
        build: fakeBuild(root, []),
        port: 0,
        log: () => {},
      })
    );
    try {
      await Promise.all(servers.map((server) => server.idle()));
      const nonces: string[] = [];
      for (const server of servers) {
        const page = await (await fetch(server.url)).text();
        const nonce = /<script data-report-dev nonce="([^"]+)">/.exec(page)?.[1];
        assert.ok(nonce && nonce.length >= 16, "the reload script carries a nonce");
        assert.ok(page.includes(`script-src &#39;nonce-${nonce}&#39;`), "the page's policy names that nonce");
        assert.equal((page.match(/<script/g) ?? []).length, 1, "no other script");
        assert.doesNotMatch(page, /onclick=/, "no inline handlers (the CSP would block them)");
        nonces.push(nonce);
      }
      assert.notEqual(nonces[0], nonces[1]);
      assert.doesNotMatch(await Deno.readTextFile(join(root, "dist/report.html")), /<script|nonce/);
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  },
});
