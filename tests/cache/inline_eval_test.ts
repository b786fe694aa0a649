import assert from "node:assert/strict";
import { restoreScope, snapshotScope } from "../../report/runtime/scope_snapshot.ts";
import { evaluateInline } from "../../report/runtime/inline_eval.ts";
import { stripTypes } from "../../report/cache/strip_types.ts";

class Model {
  weights = [1, 2];
}

const bindings = {
  accuracy: 0.98765,
  history: [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }],
  label: "SimpleCNN",
  missing: undefined,
  odd: [NaN, -Infinity, -0],
  model: new Model(),
  format: (value: number) => value.toFixed(1),
  when: new Date(0),
  big: "x".repeat(5000),
};

Deno.test("the snapshot keeps plain data exactly and names everything else opaque", () => {
  const snapshot = snapshotScope(bindings, 4000);
  assert.deepEqual(snapshot.opaque, ["big", "format", "model", "when"]);
  const restored = restoreScope(JSON.parse(JSON.stringify(snapshot)));
  assert.deepEqual(Object.keys(restored).sort(), ["accuracy", "history", "label", "missing", "odd"]);
  assert.equal(restored.accuracy, bindings.accuracy);
  assert.deepEqual(restored.history, bindings.history);
  assert.ok("missing" in restored && restored.missing === undefined);
  const [nan, negativeInfinity, negativeZero] = restored.odd as number[];
  assert.ok(Number.isNaN(nan));
  assert.equal(negativeInfinity, -Infinity);
  assert.ok(Object.is(negativeZero, -0));
});

Deno.test("inline expressions evaluate against the stored scope without running blocks", () => {
  const snapshot = JSON.parse(JSON.stringify(snapshotScope(bindings, 4000)));
  assert.deepEqual(evaluateInline("(accuracy * 100).toFixed(2)", snapshot), { ok: true, value: "98.77" });
  assert.deepEqual(evaluateInline("history.at(-1).loss / history[0].loss", snapshot), {
    ok: true,
    value: 0.5,
  });
  assert.deepEqual(evaluateInline("Math.max(...history.map((h) => h.epoch))", snapshot), {
    ok: true,
    value: 2,
  });
  assert.deepEqual(evaluateInline("`${label} v${history.length}`", snapshot), {
    ok: true,
    value: "SimpleCNN v2",
  });
});

Deno.test("reading an opaque binding asks for a run; mistakes are errors, not crashes", () => {
  const snapshot = snapshotScope(bindings, 4000);
  assert.deepEqual(evaluateInline("format(accuracy)", snapshot), {
    ok: false,
    needsScope: true,
    binding: "format",
  });
  assert.deepEqual(evaluateInline("model.weights.length", snapshot), {
    ok: false,
    needsScope: true,
    binding: "model",
  });
  const unknown = evaluateInline("nothingLikeThis + 1", snapshot);
  assert.equal(unknown.ok, false);
  assert.match((unknown as { error: string }).error, /ReferenceError/);
  const syntax = evaluateInline("accuracy +", snapshot);
  assert.match((syntax as { error: string }).error, /SyntaxError/);
});

Deno.test("an expression cannot change the stored scope", () => {
  const snapshot = snapshotScope({ count: 1, list: [1] });
  evaluateInline("list.push(2)", snapshot);
  const assigned = evaluateInline("count = 5", snapshot);
  assert.deepEqual(evaluateInline("[count, list.length]", snapshot), { ok: true, value: [1, 1] });
  assert.equal(assigned.ok, true);
});

Deno.test("a binding that throws when read is opaque, not a crash", () => {
  const hostile = {
    get size(): number {
      throw new Error("no");
    },
  };
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const snapshot = snapshotScope({ hostile, proxy: revoked.proxy, fine: 1 });
  assert.deepEqual(snapshot.opaque, ["hostile", "proxy"]);
  assert.deepEqual(snapshot.values, { fine: 1 });
});

Deno.test("chapter-process globals ask for a run; plain globals like params can be supplied", () => {
  const snapshot = snapshotScope({ accuracy: 0.5 });
  assert.deepEqual(evaluateInline("document.title", snapshot), {
    ok: false,
    needsScope: true,
    binding: "document",
  });
  assert.deepEqual(
    evaluateInline("params.profile + accuracy", snapshot, { globals: { params: { profile: "q" } } }),
    {
      ok: true,
      value: "q0.5",
    },
  );
});

Deno.test("TypeScript-only syntax in an inline expression is stripped before evaluation", async () => {
  const snapshot = snapshotScope({ history: [{ loss: 0.25 }], count: 3 });
  const source = "history.at(-1)!.loss * (count as number)";
  const first = evaluateInline(source, snapshot);
  assert.equal(first.ok, false);
  assert.deepEqual(evaluateInline(await stripTypes(source), snapshot), { ok: true, value: 0.75 });
  assert.equal(await stripTypes("`a ${count!} b`"), "(`a ${count} b`)");
});

Deno.test("typed arrays are stored and restored with their type, non-finite items included", () => {
  const snapshot = JSON.parse(JSON.stringify(snapshotScope({
    weights: new Float32Array([0.5, -1.25, 3]),
    counts: new Int32Array([1, 2]),
    gaps: new Float64Array([1, NaN]),
    huge: new Float32Array(100_001),
  })));
  assert.deepEqual(snapshot.opaque, ["huge"]);
  const restored = restoreScope(snapshot);
  assert.ok(Number.isNaN((restored.gaps as Float64Array)[1]));
  assert.ok(restored.weights instanceof Float32Array);
  assert.deepEqual([...(restored.weights as Float32Array)], [0.5, -1.25, 3]);
  assert.ok(restored.counts instanceof Int32Array);
});
