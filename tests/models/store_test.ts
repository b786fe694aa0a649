import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../../models/tf.ts";
import type { LayersModel, Tensor } from "../../models/tf.ts";
import { type ModelSpec, storedModel } from "../../models/store.ts";
import { trainModel } from "../../models/train.ts";
import { toyModel, toyProblem } from "./helpers.ts";

const spec = (overrides: Partial<ModelSpec> = {}): ModelSpec => ({
  name: "toy",
  module: new URL("./helpers.ts", import.meta.url),
  config: { epochs: 2, layers: [8, 3] },
  data: "toy-problem-v1",
  seed: 11,
  ...overrides,
});

function predictions(model: LayersModel, x: Tensor): number[] {
  return tf.tidy(() => Array.from((model.predict(x) as Tensor).dataSync()));
}

async function withStore(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "model-store-" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function entryFiles(dir: string): string[] {
  const files: string[] = [];
  for (const shard of Deno.readDirSync(dir)) {
    if (!shard.isDirectory || shard.name === "locks") continue;
    for (const file of Deno.readDirSync(join(dir, shard.name))) files.push(join(dir, shard.name, file.name));
  }
  return files;
}

Deno.test("a miss trains and stores; a hit loads the same predictions and meta without training", async () => {
  await withStore(async (dir) => {
    const { x, y } = toyProblem(128, 1);
    let trainings = 0;
    const train = async (model: LayersModel) => {
      trainings++;
      const history = await trainModel(model, x, y, { epochs: 2, batchSize: 32, seed: 11 });
      return { finalLoss: history.at(-1)!.loss };
    };
    const first = await storedModel(spec(), () => toyModel(11), train, { dir });
    assert.equal(first.hit, false);
    const second = await storedModel(spec(), () => toyModel(11), train, { dir });
    assert.equal(second.hit, true);
    assert.equal(trainings, 1);
    assert.equal(second.key, first.key);
    assert.deepEqual(second.meta, first.meta);
    assert.deepEqual(predictions(second.model, x), predictions(first.model, x));
    first.model.dispose();
    second.model.dispose();
    tf.dispose([x, y]);
  });
});

Deno.test("a corrupt entry is a miss: the model is retrained and stored again", async () => {
  await withStore(async (dir) => {
    let trainings = 0;
    const train = () => Promise.resolve({ run: ++trainings });
    const first = await storedModel(spec(), () => toyModel(11), train, { dir });
    const entry = entryFiles(dir).find((file) => file.endsWith(`${first.key}.entry`))!;
    const bytes = await Deno.readFile(entry);
    bytes[bytes.length - 20] ^= 0x01;
    await Deno.writeFile(entry, bytes);
    const again = await storedModel(spec(), () => toyModel(11), train, { dir });
    assert.equal(again.hit, false);
    assert.equal(trainings, 2);
    assert.equal((await storedModel(spec(), () => toyModel(11), train, { dir })).hit, true);
    first.model.dispose();
    again.model.dispose();
  });
});

Deno.test("the key changes with config, data, seed and the defining module's closure, not with key order", async () => {
  await withStore(async (dir) => {
    const train = () => Promise.resolve({});
    const keyOf = async (overrides: Partial<ModelSpec>) => {
      const stored = await storedModel(spec(overrides), () => toyModel(11), train, { dir });
      stored.model.dispose();
      return stored.key;
    };
    const base = await keyOf({});
    assert.equal(await keyOf({ config: { layers: [8, 3], epochs: 2 } }), base);
    assert.notEqual(await keyOf({ config: { epochs: 3, layers: [8, 3] } }), base);
    assert.notEqual(await keyOf({ data: "toy-problem-v2" }), base);
    assert.notEqual(await keyOf({ seed: 12 }), base);
    assert.notEqual(await keyOf({ module: new URL("./store_test.ts", import.meta.url) }), base);
  });
});

Deno.test("concurrent requests for one key train once", async () => {
  await withStore(async (dir) => {
    let trainings = 0;
    const train = async () => {
      trainings++;
      await new Promise((done) => setTimeout(done, 300));
      return { ok: true };
    };
    const results = await Promise.all(
      [1, 2, 3].map(() => storedModel(spec(), () => toyModel(11), train, { dir })),
    );
    assert.equal(trainings, 1);
    assert.deepEqual(results.map((r) => r.hit).sort(), [false, true, true]);
    results.forEach((r) => r.model.dispose());
  });
});

Deno.test("two processes asking for one key train it once and agree", async () => {
  await withStore(async (dir) => {
    const worker = new URL("./fixtures/store_worker.ts", import.meta.url).pathname;
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", worker, dir, "1500"],
        stdout: "piped",
        stderr: "null",
      })
        .output();
    const outputs = await Promise.all([run(), run()]);
    const results = outputs.map((o) =>
      JSON.parse(new TextDecoder().decode(o.stdout).trim().split("\n").at(-1)!)
    );
    assert.deepEqual(results.map((r) => r.hit).sort(), [false, true]);
    assert.deepEqual(results[0].meta, results[1].meta);
  });
});

Deno.test("a process killed while training leaves no lock behind: the next one trains at once", async () => {
  await withStore(async (dir) => {
    const worker = new URL("./fixtures/store_worker.ts", import.meta.url).pathname;
    const doomed = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", worker, dir, "60000"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    for (let tries = 0; tries < 200; tries++) {
      const locks = await Array.fromAsync(Deno.readDir(join(dir, "locks"))).catch(() => []);
      if (locks.length > 0) break;
      await new Promise((done) => setTimeout(done, 50));
    }
    await new Promise((done) => setTimeout(done, 500));
    doomed.kill("SIGKILL");
    await doomed.status;
    const started = performance.now();
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", worker, dir, "10"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const result = JSON.parse(new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!);
    assert.equal(result.hit, false);
    assert.ok(performance.now() - started < 30_000);
  });
});
