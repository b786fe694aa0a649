import assert from "node:assert/strict";
import { join } from "node:path";
import { startDevServer } from "../../report/dev/server.ts";
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
      assert.match(overlaid, /Error: &#60;boom&#62; &#38; more/);
      assert.match(overlaid, /build 2<\/main>/, "the last good report stays under the overlay");
      assert.ok(logs.some((line) => line.includes("at chapters/10-a.md:3")));

      await Deno.writeTextFile(join(root, "chapters/.10-a.md.swp"), "noise");
      await Deno.writeTextFile(chapter, "# A\n\nfixed\n");
      await events.next("reload");
      const recovered = await (await fetch(server.url)).text();
      assert.doesNotMatch(recovered, /report-dev-overlay"/);
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
