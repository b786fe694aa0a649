/** What the terminal says about stored computations, whatever order the chapters' messages arrive in. */
import assert from "node:assert/strict";
import { ComputationBoard } from "../../report/execute/computations.ts";

const event = (state: "waiting" | "computing" | "computed" | "loaded", key = "static-1") => ({
  name: "model",
  key,
  state,
  seconds: 2,
});

Deno.test("a wait announced after its computing chapter names that chapter", () => {
  const board = new ComputationBoard(false);
  assert.deepEqual(board.describe("10-a", event("computing")), ["10-a: computing model"]);
  assert.deepEqual(board.describe("20-b", event("waiting")), [
    "20-b: waiting for model, which 10-a is computing (its progress is shown as it runs)",
  ]);
});

Deno.test("a wait that arrives before its computing chapter speaks is told once that chapter does", () => {
  const board = new ComputationBoard(false);
  assert.deepEqual(board.describe("20-b", event("waiting")), []);
  assert.deepEqual(board.describe("10-a", event("computing")), [
    "10-a: computing model",
    "20-b: waiting for model, which 10-a is computing (its progress is shown as it runs)",
  ]);
  assert.deepEqual(board.describe("10-a", event("computed", "entry-1")), [
    "10-a: model computed in 2.00 s and stored",
  ]);
  assert.deepEqual(board.describe("20-b", event("loaded", "entry-1")), []);
});

Deno.test("a wait for a computation no chapter of this build ran is told when the result arrives", () => {
  const board = new ComputationBoard(false);
  assert.deepEqual(board.describe("20-b", event("waiting")), []);
  assert.deepEqual(board.describe("20-b", event("loaded", "entry-1")), [
    "20-b: waited for model, which another build computed",
  ]);
  assert.deepEqual(board.describe("20-b", event("loaded", "entry-1")), []);
});
