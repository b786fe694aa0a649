/// <reference lib="deno.worker" />
/** A training worker of `shards.ts`: the same backend and kernels as its parent, a copy of the model whose
 * weights arrive with every shard, and the shard's loss, accuracy and gradients sent back. */
import { useBackend } from "./backend.ts";
import { type LayersModel, tf } from "./tf.ts";
import type { LossName } from "./losses.ts";
import { type FromWorker, setFlatWeights, shardGradients, type ToWorker } from "./shards.ts";

let model: LayersModel | undefined;
let lossName: LossName | undefined;

function reply(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    if (message.kind === "init") {
      await useBackend(message.backend);
      model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(message.topology) });
      lossName = message.lossName;
      reply({ kind: "ready" });
      return;
    }
    if (!model || !lossName) throw new Error("a shard arrived before the model");
    setFlatWeights(model, message.weights);
    const result = shardGradients(model, lossName, message.data);
    reply({ kind: "result", result }, [result.gradients.buffer as ArrayBuffer]);
  } catch (error) {
    reply({ kind: "error", message: error instanceof Error ? error.message : String(error) });
  }
};
