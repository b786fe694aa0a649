import assert from "node:assert/strict";
import { join } from "node:path";
import { closureHash, localModuleClosure } from "../../report/cache/module_graph.ts";
import { denoInfoLocalFiles } from "./deno_info.ts";
import { fileImportMemo, memoryImportMemo } from "../../report/cache/import_memo.ts";
import { type ImportScanner, resolveLocal, typescriptImportScanner } from "../../report/cache/imports.ts";

const files: Record<string, string> = {
  "models/tf.ts": `export const tf = 1;`,
  "models/cnn.ts":
    `import { tf } from "./tf.ts";\nimport * as util from "./util/math.ts";\nexport const cnn = tf;`,
  "models/util/math.ts":
    `export * from "./more.ts";\nimport data from "../data/table.json" with { type: "json" };`,
  "models/util/more.ts": `// import "./not-a-real-import.ts";\nexport const x = "import('./nope.ts')";`,
  "models/data/table.json": `{"a": 1}`,
  "models/lstm.ts": `import { tf } from "./tf.ts";\nconst later = await import("./lazy.ts");`,
  "models/lazy.ts": `export const lazy = true;`,
  "models/unused.ts": `export const unused = true;`,
};

async function project(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "module-graph-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  await Deno.mkdir(join(root, "chapters"));
  return root;
}

const cnnChapter = `import { cnn } from "../models/cnn.ts";\nimport * as Plot from "@observablehq/plot";`;

Deno.test("the closure follows static, re-exported, dynamic and JSON imports, not comments or strings", async () => {
  const root = await project();
  const closure = await localModuleClosure([{ file: join(root, "chapters/10-cnn.md"), source: cnnChapter }], {
    root,
  });
  assert.deepEqual(closure.map((module) => module.path), [
    "models/cnn.ts",
    "models/data/table.json",
    "models/tf.ts",
    "models/util/math.ts",
    "models/util/more.ts",
  ]);
  const lstm = await localModuleClosure([{ file: join(root, "models/lstm.ts") }], { root });
  assert.deepEqual(lstm.map((module) => module.path), ["models/lazy.ts", "models/lstm.ts", "models/tf.ts"]);
});

Deno.test("the closure hash changes with an imported file's content only", async () => {
  const root = await project();
  const roots = [{ file: join(root, "chapters/10-cnn.md"), source: cnnChapter }];
  const hashNow = async () => closureHash(await localModuleClosure(roots, { root }));
  const before = await hashNow();
  await Deno.writeTextFile(join(root, "models/unused.ts"), "export const unused = false;");
  await Deno.writeTextFile(join(root, "models/lazy.ts"), "export const lazy = false;");
  assert.equal(await hashNow(), before);
  await Deno.writeTextFile(join(root, "models/data/table.json"), `{"a": 2}`);
  const afterData = await hashNow();
  assert.notEqual(afterData, before);
  await Deno.writeTextFile(join(root, "models/util/more.ts"), `export const x = 2;`);
  assert.notEqual(await hashNow(), afterData);
});

Deno.test("a missing import is listed, so creating the file later invalidates", async () => {
  const root = await project();
  const roots = [{ file: join(root, "chapters/20-x.md"), source: `import "../models/later.ts";` }];
  const before = await localModuleClosure(roots, { root });
  assert.deepEqual(before, [{ path: "models/later.ts", hash: "missing" }]);
  await Deno.writeTextFile(join(root, "models/later.ts"), "export {};");
  assert.notEqual(closureHash(await localModuleClosure(roots, { root })), closureHash(before));
});

Deno.test("the import memo means unchanged files are never scanned twice, across processes too", async () => {
  const root = await project();
  let scans = 0;
  const countingScanner = async (): Promise<ImportScanner> => {
    const scan = await typescriptImportScanner();
    return (source, file) => {
      scans += 1;
      return scan(source, file);
    };
  };
  const memoPath = join(root, ".cache/imports.json");
  const roots = [{ file: join(root, "chapters/10-cnn.md"), source: cnnChapter }];
  const first = fileImportMemo(memoPath);
  await localModuleClosure(roots, { root, memo: first, scanner: countingScanner });
  assert.equal(scans, 5);
  first.save();
  const second = fileImportMemo(memoPath);
  assert.equal(second.size, 5);
  await localModuleClosure(roots, { root, memo: second, scanner: countingScanner });
  assert.equal(scans, 5);
  await Deno.writeTextFile(join(root, "models/tf.ts"), "export const tf = 2;");
  await localModuleClosure(roots, { root, memo: second, scanner: countingScanner });
  assert.equal(scans, 6);
  const memo = memoryImportMemo();
  await localModuleClosure(roots, { root, memo, scanner: countingScanner });
  assert.equal(memo.size, 5);
});

Deno.test("the scanner agrees with deno info on the local files of a module", async () => {
  const root = await project();
  await Deno.writeTextFile(
    join(root, "chapters/entry.ts"),
    cnnChapter.replace(`import * as Plot from "@observablehq/plot";`, ""),
  );
  const ours = await localModuleClosure([{ file: join(root, "chapters/entry.ts") }], { root });
  const theirs = await denoInfoLocalFiles(join(root, "chapters/entry.ts"), root);
  assert.deepEqual(ours.map((module) => join(root, module.path)), theirs);
});

Deno.test("only relative, absolute and file: specifiers resolve to local files", () => {
  assert.equal(resolveLocal("npm:yaml@2.9.1", "/p/a.ts"), undefined);
  assert.equal(resolveLocal("@observablehq/plot", "/p/a.ts"), undefined);
  assert.equal(resolveLocal("../m/x.ts?v=1", "/p/c/a.ts"), "/p/m/x.ts");
  assert.equal(resolveLocal("file:///p/y.ts", "/p/a.ts"), "/p/y.ts");
});
