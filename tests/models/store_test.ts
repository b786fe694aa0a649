import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../../models/tf.ts";
import type { LayersModel, Tensor } from "../../models/tf.ts";
import { type ModelSpec, stableJson, storedModel, storeKey } from "../../models/store.ts";
import { trainModel } from "../../models/train.ts";
import { toyModel, toyProblem } from "./helpers.ts";

const spec = (overrides: Partial<ModelSpec> = {}): ModelSpec => ({
  name: "toy",
  sources: [new URL("./helpers.ts", import.meta.url)],
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
    const entry = join(dir, `toy-${first.key}`);
    const files = [...Deno.readDirSync(entry)].map((e) => e.name).sort();
    assert.deepEqual(files, ["meta.json", "model.json", "weights.bin"]);
    const manifest = JSON.parse(await Deno.readTextFile(join(entry, "model.json")));
    assert.equal(manifest.store.inputs.seed, 11);
    assert.equal(manifest.store.inputs.sources[0].path, "tests/models/helpers.ts");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [`toy-${first.key}`]);
    first.model.dispose();
    second.model.dispose();
    tf.dispose([x, y]);
  });
});

Deno.test("corrupt weights are noticed in one line and the model is retrained", async () => {
  await withStore(async (dir) => {
    let trainings = 0;
    const train = () => Promise.resolve({ run: ++trainings });
    const first = await storedModel(spec(), () => toyModel(11), train, { dir });
    const weightsPath = join(dir, `toy-${first.key}`, "weights.bin");
    const bytes = await Deno.readFile(weightsPath);
    bytes[0] ^= 0xff;
    await Deno.writeFile(weightsPath, bytes);
    const notices: string[] = [];
    const again = await storedModel(spec(), () => toyModel(11), train, {
      dir,
      notice: (l) => notices.push(l),
    });
    assert.equal(again.hit, false);
    assert.equal(trainings, 2);
    assert.equal(notices.length, 1);
    assert.match(notices[0], /hash mismatch.*retraining/);
    assert.equal((await storedModel(spec(), () => toyModel(11), train, { dir })).hit, true);
    first.model.dispose();
    again.model.dispose();
  });
});

Deno.test("the key changes with config, data, seed and source bytes, not with key order", async () => {
  const base = (await storeKey(spec())).key;
  assert.equal((await storeKey(spec({ config: { layers: [8, 3], epochs: 2 } }))).key, base);
  assert.notEqual((await storeKey(spec({ config: { epochs: 3, layers: [8, 3] } }))).key, base);
  assert.notEqual((await storeKey(spec({ data: "toy-problem-v2" }))).key, base);
  assert.notEqual((await storeKey(spec({ seed: 12 }))).key, base);
  assert.notEqual(
    (await storeKey(spec({ sources: [new URL("./store_test.ts", import.meta.url)] }))).key,
    base,
  );
  assert.equal(stableJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
});

Deno.test("concurrent requests for one key train once", async () => {
  await withStore(async (dir) => {
    let trainings = 0;
    const train = async () => {
      trainings++;
      await new Promise((done) => setTimeout(done, 300));
      return { ok: true };
    };
    const quiet = { dir, notice: () => {} };
    const results = await Promise.all(
      [1, 2, 3].map(() => storedModel(spec(), () => toyModel(11), train, quiet)),
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
    const leftovers = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.equal(leftovers.length, 1);
    assert.match(leftovers[0], /^shared-/);
  });
});

Deno.test("abandoned staging folders are swept on the next write, fresh ones are left alone", async () => {
  await withStore(async (dir) => {
    const abandoned = join(dir, ".staging-abandoned");
    const fresh = join(dir, ".staging-fresh");
    await Deno.mkdir(abandoned);
    await Deno.mkdir(fresh);
    const longAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await Deno.utime(abandoned, longAgo, longAgo);
    const stored = await storedModel(spec(), () => toyModel(11), () => Promise.resolve({}), { dir });
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, [".staging-fresh", `toy-${stored.key}`]);
    stored.model.dispose();
  });
});
