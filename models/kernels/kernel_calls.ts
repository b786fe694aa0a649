import { tfCore } from "../tf.ts";

export type TensorInfo = tfCore.TensorInfo;
export type KernelBackend = tfCore.KernelBackend;
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

export interface Conv2DCall {
  strides: [number, number];
  dilations: [number, number];
  pad: ExplicitPadding;
}

/** Runs a backend's own registered kernels and owns every intermediate result until `keep`/`release`. */
export class KernelCalls {
  readonly #intermediates: TensorInfo[] = [];

  constructor(readonly backend: KernelBackend, readonly backendName: string) {}

  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): TensorInfo {
    const kernel = tfCore.getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(`kernel ${kernelName} is not registered for ${this.backendName}`);
    }
    return this.runFunc(kernel.kernelFunc, inputs, attrs);
  }

  runFunc(
    kernelFunc: tfCore.KernelFunc,
    inputs: Record<string, TensorInfo>,
    attrs: Record<string, unknown>,
  ): TensorInfo {
    const result = kernelFunc({
      inputs: inputs as tfCore.NamedTensorInfoMap,
      backend: this.backend,
      attrs: attrs as tfCore.NamedAttrMap,
    });
    const output = Array.isArray(result) ? result[0] : result;
    this.#intermediates.push(output);
    return output;
  }

  /** Takes ownership of a result made outside `run` (e.g. a constant written directly). */
  adopt(info: TensorInfo): TensorInfo {
    this.#intermediates.push(info);
    return info;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    return this.run("PadV2", { x }, { paddings, constantValue: 0 });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run("Slice", { x }, { begin, size });
  }

  conv2d(x: TensorInfo, filter: TensorInfo, call: Conv2DCall): TensorInfo {
    return this.run("Conv2D", { x, filter }, {
      strides: call.strides,
      dilations: call.dilations,
      pad: call.pad,
      dataFormat: "NHWC",
      dimRoundingMode: undefined,
    });
  }

  /** Disposes every intermediate except `output`, which is handed to the caller. */
  keep(output: TensorInfo): TensorInfo {
    for (const info of this.#intermediates) {
      if (info !== output) this.backend.disposeData(info.dataId);
    }
    this.#intermediates.length = 0;
    return output;
  }

  release(): void {
    for (const info of this.#intermediates) this.backend.disposeData(info.dataId);
    this.#intermediates.length = 0;
  }
}

/** Runs `body` with a fresh KernelCalls; intermediates are freed on success and on failure. */
export function withKernelCalls(
  backend: KernelBackend,
  backendName: string,
  body: (calls: KernelCalls) => TensorInfo,
): TensorInfo {
  const calls = new KernelCalls(backend, backendName);
  try {
    return calls.keep(body(calls));
  } catch (error) {
    calls.release();
    throw error;
  }
}
