/** What every Part 2 chapter starts from: the backend and the trained, verified LSTMCounter. */
import { type BackendChoice, useBackend } from "../../models/backend.ts";
import {
  DEFAULT_LSTM_SEED,
  type LstmCounterConfig,
  type LstmCounterMeta,
  type LstmProfile,
  lstmProfile,
  trainedLSTMCounter,
} from "../../models/lstm.ts";
import { type LstmWeights, lstmWeights } from "../../models/lstm_replay.ts";
import type { LayersModel } from "../../models/tf.ts";

export interface LstmSetup {
  profile: LstmProfile;
  seed: number;
  backend: BackendChoice;
  model: LayersModel;
  meta: LstmCounterMeta;
  weights: LstmWeights;
  config: LstmCounterConfig;
  /** Whether the trained weights came from the model store. */
  cacheHit: boolean;
  /** The model store's key of these weights. */
  key: string;
}

export async function lstmSetup(params: Record<string, string>): Promise<LstmSetup> {
  const profile = lstmProfile(params.profile);
  const seed = params.seed ? Number(params.seed) : DEFAULT_LSTM_SEED;
  const backend = await useBackend(params.backend ?? "auto");
  const stored = await trainedLSTMCounter({ profile, seed });
  return {
    profile,
    seed,
    backend,
    model: stored.model,
    meta: stored.meta,
    weights: lstmWeights(stored.model),
    config: stored.meta.config,
    cacheHit: stored.hit,
    key: stored.key,
  };
}

/** The sequence the step-by-step figures follow (the write-up's own example at length 20), and a contrasting
 * one whose count climbs and then falls below zero. */
export function showcaseSequences(length: number): { primary: number[]; contrast: number[] } {
  const original = [1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
  const primary = length === original.length
    ? original
    : Array.from({ length }, (_, step) => (step % 3 === 2 ? 0 : 1));
  const lead = Math.round(0.4 * length);
  const late = Math.round(0.65 * length);
  const contrast = Array.from({ length }, (_, step) => (step < lead || step === late ? 1 : 0));
  return { primary, contrast };
}
