/** What a chapter can and cannot do: each promise of the sandbox, tried as a hostile chapter would. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { inlineSandboxCommand } from "../../report/execute/sandbox.ts";
import { ROOT } from "./helpers.ts";
import { buildScratch, chapterPath, exists, scratch, write } from "./scratch.ts";

Deno.test("sandbox: an inline expression never runs in the build process", async () => {
  const project = await scratch({ "01-a.md": "# A\n\n```ts\nconst x = 2;\n```\n\nTwice is ${x * 2}.\n" });
  const first = await buildScratch(project);
  assert.deepEqual(first.problems, []);
  assert.match(first.html, /Twice is 4/);
  const marker = join(project.dir, "owned");
  await write(project, {
    "01-a.md": "# A\n\n```ts\nconst x = 2;\n```\n\nTwice is ${x * 2}.\n\n" +
      `Run: \${new Deno.Command("sh", { args: ["-c", "touch ${marker}"] }).outputSync().code}.\n\n` +
      'Read: ${Deno.readTextFileSync("/etc/passwd").length}.\n',
  });
  const second = await buildScratch(project);
  assert.equal(await exists(marker), false, "the command did not run");
  assert.equal(second.run.outcome.ok, false);
  const file = chapterPath(project, "01-a.md");
  assert.match(
    second.problems[0],
    new RegExp(`^${file}:9:\\d+: NotCapable: a chapter cannot start programs`),
  );
  assert.match(second.problems[1], new RegExp(`^${file}:11:\\d+: NotCapable: Requires read access`));
});

Deno.test("sandbox: the stored-scope evaluator has no permissions at all", async () => {
  const request = {
    nonce: "n0nce",
    snapshot: { values: { x: 3 }, opaque: [] },
    params: {},
    expressions: [
      { index: 0, source: "x + 1" },
      { index: 1, source: 'Deno.readTextFileSync("/etc/hostname")' },
      { index: 2, source: 'Deno.env.get("HOME")' },
      { index: 3, source: 'new Deno.Command("true").outputSync().code' },
    ],
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: inlineSandboxCommand({}).args,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
    clearEnv: true,
    env: { HOME: Deno.env.get("HOME") ?? "/" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(request)));
  await writer.close();
  const text = new TextDecoder().decode((await child.output()).stdout);
  const response = JSON.parse(text.slice(text.lastIndexOf("\nn0nce") + 6));
  assert.deepEqual(response[0], { kind: "scalar", text: "4" });
  assert.equal(response[1], null);
  assert.equal(response[2], null);
  assert.equal(response[3], null);
});

Deno.test("sandbox: a block cannot write what the build process reads back", async () => {
  const project = await scratch({
    "01-tamper.md": "# Tamper\n\n```ts\nconst x = 1;\n```\n\nValue ${x}.\n",
  });
  assert.deepEqual((await buildScratch(project)).problems, []);
  const parsed = join(project.cacheDir, "parsed");
  const blocks = join(project.cacheDir, "blocks");
  await write(project, {
    "01-tamper.md": "# Tamper\n\n```ts\nconst x = 1;\n" +
      "async function poison(dir: string): Promise<void> {\n" +
      "  for await (const entry of Deno.readDir(dir)) {\n" +
      '    const path = dir + "/" + entry.name;\n' +
      '    if (entry.isFile) await Deno.writeTextFile(path, "poison");\n' +
      "    else await poison(path);\n" +
      "  }\n" +
      "}\n" +
      `for (const dir of ${JSON.stringify([parsed, blocks])}) await poison(dir);\n` +
      "```\n\nValue ${x}.\n",
  });
  const tampered = await buildScratch(project);
  assert.equal(tampered.run.outcome.ok, false);
  assert.match(
    tampered.problems[0],
    /NotCapable: a chapter may write only to the stored-computation area \(\.cache\/computed\/\)/,
  );
  const check = async (dir: string): Promise<number> => {
    let files = 0;
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) files += await check(path);
      else {
        assert.notEqual(await Deno.readTextFile(path), "poison");
        files += 1;
      }
    }
    return files;
  };
  assert.ok(await check(parsed) + await check(blocks) > 0, "there were entries to poison");
  const rebuilt = await buildScratch(project);
  assert.equal(rebuilt.run.outcome.ok, false, "the next build runs the same chapter and fails the same way");
  const outside = await scratch({
    "01-write.md": '# W\n\n```ts\nawait Deno.writeTextFile("deno.json", "{}");\n```\n',
  });
  const denied = await buildScratch(outside);
  assert.match(denied.problems[0], /01-write\.md:4:\d+: NotCapable: a chapter may write only/);
});

Deno.test("sandbox: a block writes the stored-computation area and its own scratch directory", async () => {
  const project = await scratch({
    "01-store.md": "# Store\n\n```ts\n" +
      'const dir = Deno.env.get("REPORT_COMPUTED_DIR")!;\n' +
      "await Deno.mkdir(dir, { recursive: true });\n" +
      'await Deno.writeTextFile(dir + "/note.txt", "kept");\n' +
      'const scratchFile = new URL("./scratch.txt", import.meta.url);\n' +
      '```\n\nStored ${dir.endsWith("computed")}.\n',
  });
  const built = await buildScratch(project);
  assert.deepEqual(built.problems, []);
  assert.equal(await Deno.readTextFile(join(project.cacheDir, "computed", "note.txt")), "kept");
  assert.match(built.html, /Stored true/);
});

Deno.test("sandbox: an import that is not a dependency is refused at its line and fetches nothing", async () => {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    requests.push(request.url);
    return new Response("not here", { status: 404 });
  });
  const previous = Deno.env.get("NPM_CONFIG_REGISTRY");
  Deno.env.set("NPM_CONFIG_REGISTRY", `http://127.0.0.1:${server.addr.port}/`);
  const lock = await Deno.readTextFile(join(ROOT, "deno.lock"));
  try {
    const project = await scratch({
      "01-static.md": '# S\n\n```ts\nconst a = 1;\nimport leftPad from "npm:left-pad@1.3.0";\n```\n',
      "02-dynamic.md":
        '# D\n\n```ts\nconst name = "x-" + "secret";\nawait import("npm:" + name + "@1.0.0");\n```\n',
      "03-helper.md": '# H\n\n```ts\nimport { pad } from "./lib/pad.ts";\n```\n',
      "lib/pad.ts": 'import leftPad from "npm:left-pad@1.3.0";\nexport const pad = leftPad;\n',
    });
    const results = [];
    for (const chapter of ["01", "02", "03"]) {
      results.push(await buildScratch(project, { chapters: [chapter] }));
    }
    const [staticImport, dynamicImport, helperImport] = results.map((result) => result.problems.join("\n"));
    assert.match(
      staticImport,
      /01-static\.md:5:\d+: ImportError: "npm:left-pad@1\.3\.0" is not a dependency of the project: add it to "imports" in deno\.json/,
    );
    assert.match(dynamicImport, /02-dynamic\.md:5:\d+: Error: "npm:x-secret@1\.0\.0" is not a dependency/);
    assert.match(helperImport, /"npm:left-pad" is not a dependency of the project/);
    assert.deepEqual(requests, [], "the registry was never asked");
    assert.equal(await Deno.readTextFile(join(ROOT, "deno.lock")), lock, "deno.lock is unchanged");
  } finally {
    if (previous === undefined) Deno.env.delete("NPM_CONFIG_REGISTRY");
    else Deno.env.set("NPM_CONFIG_REGISTRY", previous);
    await server.shutdown();
  }
});

Deno.test("sandbox: a computed import is relative to the chapter, not to the generated module", async () => {
  const project = await scratch({
    "01-dyn.md": '# D\n\n```ts\nconst name = "two";\nconst mod = await import(`./lib/${name}.ts`);\n```\n\n' +
      "It is ${mod.value}.\n",
    "lib/two.ts": "export const value = 2;\n",
  });
  const built = await buildScratch(project);
  assert.deepEqual(built.problems, []);
  assert.match(built.html, /It is 2\./);
});

Deno.test("sandbox: a chapter reads only the environment variables it declares", async () => {
  Deno.env.set("SANDBOX_TEST_SECRET", "hunter2");
  Deno.env.set("SANDBOX_TEST_LEVEL", "3");
  try {
    const project = await scratch({
      "01-env.md": "---\nenv: [SANDBOX_TEST_LEVEL]\n---\n\n# Env\n\n```ts\n" +
        'const level = Deno.env.get("SANDBOX_TEST_LEVEL");\n```\n\nLevel ${level}.\n',
      "02-secret.md": '# Secret\n\n```ts\nconst token = Deno.env.get("SANDBOX_TEST_SECRET");\n```\n',
      "03-all.md": "# All\n\n```ts\nconst all = Deno.env.toObject();\n```\n",
    });
    const declared = await buildScratch(project, { chapters: ["01"] });
    assert.deepEqual(declared.problems, []);
    assert.match(declared.html, /Level 3\./);
    Deno.env.set("SANDBOX_TEST_LEVEL", "4");
    const changed = await buildScratch(project, { chapters: ["01"] });
    assert.match(changed.html, /Level 4\./, "a changed variable re-runs the blocks");
    const secret = await buildScratch(project, { chapters: ["02"] });
    assert.match(
      secret.problems[0],
      /02-secret\.md:4:\d+: NotCapable: environment variable "SANDBOX_TEST_SECRET" is not declared: list it in the chapter's front matter \(env: \[SANDBOX_TEST_SECRET\]\)/,
    );
    const all = await buildScratch(project, { chapters: ["03"] });
    assert.match(
      all.problems[0],
      /03-all\.md:4:\d+: NotCapable: a chapter reads only the environment variables/,
    );
    const stored = await Array.fromAsync(Deno.readDir(join(project.cacheDir, "blocks")));
    for (const entry of stored.filter((entry) => entry.isFile)) {
      const text = await Deno.readTextFile(join(project.cacheDir, "blocks", entry.name));
      assert.ok(!text.includes("hunter2"), "no secret reaches the cache");
    }
  } finally {
    Deno.env.delete("SANDBOX_TEST_SECRET");
    Deno.env.delete("SANDBOX_TEST_LEVEL");
  }
});

Deno.test("sandbox: markup from a block is sanitised as it arrives, so the cache never holds a handler", async () => {
  const project = await scratch({
    "01-dom.md": '# Dom\n\n```ts\nconst el = document.createElement("div");\n' +
      'el.innerHTML = \'<img src="x" onerror="document.title = 1"><b>kept</b>\';\nel;\n```\n',
  });
  const built = await buildScratch(project);
  assert.deepEqual(built.problems, []);
  assert.match(built.html, /<b>kept<\/b>/);
  assert.doesNotMatch(built.html, /<img[^>]*onerror/);
  let stored = "";
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(join(dir, entry.name));
      else stored += await Deno.readTextFile(join(dir, entry.name));
    }
  };
  await walk(join(project.cacheDir, "blocks"));
  assert.match(stored, /kept/);
  assert.doesNotMatch(stored, /onerror/);
});
