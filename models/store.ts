/** Trained models as stored computations (`report/memo.ts`): trained once, kept in the project's one store,
 * and loaded by every later chapter and build whose key matches. */
import { memo } from "../report/memo.ts";
import { activeBackendFamily } from "./backend.ts";
import { type LayersModel, tf, tfCore } from "./tf.ts";

export interface ModelSpec {
  name: string;
  /** `import.meta.url` of the module that defines the model and its training: its local imports, however
   * deep, are part of the key. */
  module: string | URL;
  config: unknown;
  /** Identity of the training data (e.g. a content hash or package version plus split seed). */
  data: string;
  seed: number;
}

export interface StoredModel<Meta> {
  model: LayersModel;
  meta: Meta;
  hit: boolean;
  key: string;
}

export interface StoreOptions {
  /** The store's folder (tests); default the project's stored-computation area. */
  dir?: string;
}

/** A model as the store keeps it: its topology and weight specs, the weights in base64, and the meta. */
interface StoredForm<Meta> {
  topology: unknown;
  weightSpecs: tfCore.io.WeightsManifestEntry[];
  weights: string;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  meta: Meta;
}

/** Returns the stored model for `spec`, or builds and trains it (once, even across processes) and stores it. */
export async function storedModel<Meta>(
  spec: ModelSpec,
  build: () => LayersModel | Promise<LayersModel>,
  train: (model: LayersModel) => Promise<Meta>,
  options: StoreOptions = {},
): Promise<StoredModel<Meta>> {
  await tf.ready();
  const { value, hit, key } = await memo<{ model: LayersModel; meta: Meta }>({
    name: spec.name,
    module: spec.module,
    args: {
      config: spec.config ?? null,
      data: spec.data,
      seed: spec.seed,
      tfjs: `core ${tf.version_core}, layers ${tf.version_layers}`,
      backend: activeBackendFamily(),
    },
    encode: ({ model, meta }) => storedForm(model, meta),
    decode: (stored) => fromStoredForm(stored as StoredForm<Meta>),
    dir: options.dir,
  }, async () => {
    const model = await build();
    return { model, meta: await train(model) };
  });
  return { ...value, hit, key };
}

async function storedForm<Meta>(model: LayersModel, meta: Meta): Promise<StoredForm<Meta>> {
  let form: StoredForm<Meta> | undefined;
  await model.save({
    save: (artifacts) => {
      const weights = new Uint8Array(
        tfCore.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)),
      );
      form = {
        topology: artifacts.modelTopology,
        weightSpecs: artifacts.weightSpecs ?? [],
        weights: weights.toBase64(),
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        meta,
      };
      return Promise.resolve({ modelArtifactsInfo: tfCore.io.getModelArtifactsInfoForJSON(artifacts) });
    },
  });
  return form!;
}

async function fromStoredForm<Meta>(form: StoredForm<Meta>): Promise<{ model: LayersModel; meta: Meta }> {
  const weights = Uint8Array.fromBase64(form.weights);
  const artifacts: tfCore.io.ModelArtifacts = {
    modelTopology: form.topology as tfCore.io.ModelArtifacts["modelTopology"],
    weightSpecs: form.weightSpecs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    format: form.format,
    generatedBy: form.generatedBy,
    convertedBy: form.convertedBy,
  };
  const model = await tf.loadLayersModel({ load: () => Promise.resolve(artifacts) });
  return { model, meta: form.meta };
}
