import assert from "node:assert/strict";
import { tf } from "../../models/tf.ts";
import type { Tensor } from "../../models/tf.ts";
import { randomAffine } from "../../models/augment.ts";
import { useBackend } from "../../models/backend.ts";

/** A batch of small bright squares at known places on a 28×28 canvas. */
function squares(corners: [number, number][]): Tensor {
  const pixels = new Float32Array(corners.length * 784);
  corners.forEach(([row, col], i) => {
    for (let r = row; r < row + 4; r++) for (let c = col; c < col + 4; c++) pixels[i * 784 + r * 28 + c] = 1;
  });
  return tf.tensor4d(pixels, [corners.length, 28, 28, 1]);
}

function centreOfMass(images: Tensor): [number, number][] {
  const values = images.dataSync();
  return Array.from({ length: images.shape[0] }, (_, i) => {
    let mass = 0, row = 0, col = 0;
    for (let p = 0; p < 784; p++) {
      const v = values[i * 784 + p];
      mass += v;
      row += v * Math.floor(p / 28);
      col += v * (p % 28);
    }
    return [row / mass, col / mass];
  });
}

Deno.test("no jitter returns the batch unchanged", () => {
  const batch = squares([[3, 5], [12, 12], [20, 2]]);
  const out = randomAffine({ maxShift: 0, maxZoom: 0, maxRotation: 0 })(batch, 7);
  assert.deepEqual(Array.from(out.dataSync()), Array.from(batch.dataSync()));
  tf.dispose([batch, out]);
});

Deno.test("shifts move each image by at most maxShift, differently per image, the same for one seed", () => {
  const batch = squares([[12, 12], [12, 12], [12, 12], [12, 12]]);
  const shift = randomAffine({ maxShift: 2, maxZoom: 0, maxRotation: 0 });
  const [a, b, c] = [shift(batch, 1), shift(batch, 1), shift(batch, 2)];
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
  const moved = centreOfMass(a).map(([row, col]) => [row - 13.5, col - 13.5]);
  for (const [dy, dx] of moved) assert.ok(Math.abs(dy) <= 2.01 && Math.abs(dx) <= 2.01, `moved ${dy}, ${dx}`);
  assert.ok(new Set(moved.map((m) => m.join())).size > 1);
  tf.dispose([batch, a, b, c]);
});

Deno.test("rotation about the centre keeps a centred square centred and its ink roughly constant", () => {
  const batch = squares([[12, 12], [12, 12]]);
  const out = randomAffine({ maxShift: 0, maxZoom: 0, maxRotation: 30 })(batch, 3);
  for (const [row, col] of centreOfMass(out)) {
    assert.ok(Math.abs(row - 13.5) < 0.2 && Math.abs(col - 13.5) < 0.2);
  }
  const ink = tf.tidy(() => Array.from(tf.sum(out, [1, 2, 3]).dataSync()));
  for (const total of ink) assert.ok(total > 12 && total < 20, `ink ${total}`);
  tf.dispose([batch, out]);
});

Deno.test("the batched wasm warp matches the per-image cpu warp", async () => {
  const batch = squares([[3, 5], [12, 12], [20, 2], [8, 17]]);
  const warp = randomAffine({ maxShift: 2, maxZoom: 0.1, maxRotation: 15 });
  const previous = tf.getBackend();
  await useBackend("cpu");
  const onCpu = warp(batch, 9);
  const expected = Array.from(onCpu.dataSync());
  tf.dispose([batch, onCpu]);
  await useBackend("wasm");
  const again = squares([[3, 5], [12, 12], [20, 2], [8, 17]]);
  const onWasm = warp(again, 9);
  const actual = Array.from(onWasm.dataSync());
  tf.dispose([again, onWasm]);
  await tf.setBackend(previous);
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `pixel ${i}: ${v} vs ${expected[i]}`));
  assert.ok(expected.slice(784).some((v) => v > 0));
});
