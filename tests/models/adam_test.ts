import assert from "node:assert/strict";
import { tf, tfCore } from "../../models/tf.ts";
import { HostAdam } from "../../models/adam.ts";
import { useBackend } from "../../models/backend.ts";

let fits = 0;

/** Five steps of least squares on fixed data from fixed starting weights, with the given optimizer. */
function fit(optimizer: tfCore.Optimizer): number[] {
  const start = tf.tensor2d([[0.5, -0.25], [0.1, 0.3], [-0.2, 0.4]]);
  const w = tf.variable(start, true, `w${fits++}`);
  const x = tf.tensor2d([[1, 2, 3], [0, -1, 2], [4, 1, 0], [1, 1, 1]]);
  const y = tf.tensor2d([[1, 0], [0, 1], [2, -1], [0.5, 0.5]]);
  for (let step = 0; step < 5; step++) {
    optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tfCore.Scalar, false, [w]);
  }
  const values = Array.from(w.dataSync());
  tf.dispose([start, w, x, y]);
  return values;
}

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`HostAdam takes the steps tfjs's Adam takes (${backend})`, async () => {
    await useBackend(backend);
    const reference = tf.train.adam(0.05);
    const expected = fit(reference);
    reference.dispose();
    const before = tf.memory().numTensors;
    const actual = fit(new HostAdam(0.05));
    assert.equal(tf.memory().numTensors - before, 0, "no tensor left behind");
    actual.forEach((value, i) =>
      assert.ok(Math.abs(value - expected[i]) < 1e-5, `${i}: ${value} vs ${expected[i]}`)
    );
    assert.ok(actual.some((value, i) => value !== [0.5, -0.25, 0.1, 0.3, -0.2, 0.4][i]));
  });
}

Deno.test("HostAdam follows a changed learning rate and is deterministic", async () => {
  await useBackend("wasm");
  const run = () => {
    const optimizer = new HostAdam(0.1);
    optimizer.learningRate = 0.01;
    return fit(optimizer);
  };
  const reference = tf.train.adam(0.01);
  const expected = fit(reference);
  reference.dispose();
  const [a, b] = [run(), run()];
  assert.deepEqual(a, b);
  a.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-5));
});
