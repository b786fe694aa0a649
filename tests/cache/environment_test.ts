import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  cpuModel,
  describeEnvironment,
  environmentRows,
  gpuModel,
  tfjsVersion,
} from "../../report/environment.ts";
import { lockfileHash } from "../../report/cache/lockfile.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

Deno.test("the environment names runtime versions, tfjs from deno.json, and the lockfile hash", () => {
  const environment = describeEnvironment({ root, backend: "wasm" });
  assert.equal(environment.deno, Deno.version.deno);
  assert.equal(environment.typescript, Deno.version.typescript);
  const pinned = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`)).imports["@tensorflow/tfjs-core"];
  assert.ok(pinned.endsWith(`@${environment.tfjs}`));
  assert.equal(environment.denoLock, lockfileHash(root).slice(0, 16));
  assert.ok(environment.cpuCount >= 1);
  const rows = environmentRows(environment);
  assert.deepEqual(rows.find(([label]) => label === "tfjs backend"), ["tfjs backend", "wasm"]);
  assert.ok(rows.every(([, value]) => value.length > 0));
});

Deno.test("CPU model and tfjs version parsing", () => {
  assert.equal(
    cpuModel("processor\t: 0\nmodel name\t: AMD EPYC 7B13 64-Core Processor\n"),
    "AMD EPYC 7B13 64-Core Processor",
  );
  assert.equal(cpuModel(undefined), Deno.build.arch);
  assert.equal(
    tfjsVersion(`{"imports":{"@tensorflow/tfjs-core":"npm:@tensorflow/tfjs-core@4.22.0"}}`),
    "4.22.0",
  );
  assert.equal(tfjsVersion("not json"), "unknown");
  assert.equal(gpuModel(() => undefined), undefined);
});
