import { tfCore } from "../tf.ts";
import { conv2dBackpropFilterSwapped, conv2dBackpropFilterViaConv2D } from "./conv2d_backprop_filter.ts";
import { conv2dBackpropFilterViaPatches, MAX_PATCH_DEPTH } from "./conv2d_backprop_filter_patches.ts";
import { conv2dBackpropInputViaConv2D } from "./conv2d_backprop_input.ts";
import type { KernelBackend, TensorInfo } from "./kernel_calls.ts";
import { matMulWithoutTransposes } from "./mat_mul.ts";
import { maxPoolGradOnHost } from "./max_pool_grad.ts";
import { sharedIdentity } from "./identity.ts";
import { leadingAxesCount, sumLeadingAxes } from "./sum_leading_axes.ts";
import { sliceFromStorage, splitFromStorage } from "./slice.ts";

type KernelConfig = tfCore.KernelConfig;
type KernelFunc = tfCore.KernelFunc;
type KernelArgs = Parameters<KernelFunc>[0];

export const FAST_KERNELS = [
  "Conv2DBackpropInput",
  "Conv2DBackpropFilter",
  "BatchMatMul",
  "MaxPoolGrad",
  "Identity",
  "Sum",
  "Slice",
  "SplitV",
] as const;
export type FastKernel = typeof FAST_KERNELS[number];

interface Patch {
  backends: readonly string[];
  /** `original` is the kernel being replaced; it may be undefined where the backend had none. */
  make(backendName: string, original: KernelFunc | undefined): KernelFunc;
}

function isChannelsLast(attrs: { dataFormat?: string }): boolean {
  return attrs.dataFormat === undefined || attrs.dataFormat === "NHWC";
}

function required(original: KernelFunc | undefined, what: string): KernelFunc {
  if (original === undefined) {
    throw new Error(`${what} is not supported here and there is no original kernel`);
  }
  return original;
}

const backendOf = (args: KernelArgs) => args.backend as KernelBackend;

const PATCHES: Record<FastKernel, Patch> = {
  Conv2DBackpropInput: {
    backends: ["wasm", "cpu"],
    make: (backendName, original) => (args) => {
      const attrs = args.attrs as unknown as tfCore.Conv2DBackpropInputAttrs;
      if (!isChannelsLast(attrs)) return required(original, "NCHW Conv2DBackpropInput")(args);
      const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
      return conv2dBackpropInputViaConv2D(backendOf(args), backendName, dy, filter, attrs);
    },
  },
  Conv2DBackpropFilter: {
    backends: ["wasm", "cpu"],
    make: (backendName, original) => (args) => {
      const attrs = args.attrs as unknown as tfCore.Conv2DBackpropFilterAttrs;
      if (!isChannelsLast(attrs)) return required(original, "NCHW Conv2DBackpropFilter")(args);
      const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
      const [fh, fw, channels] = attrs.filterShape;
      if (fh * fw * channels <= MAX_PATCH_DEPTH) {
        return conv2dBackpropFilterViaPatches(backendOf(args), backendName, x, dy, attrs);
      }
      // The backend transposes and packs a convolution's filter operand on every call: x takes that role when it
      // is the smaller (a layer with more output than input channels), dy otherwise.
      const size = (info: TensorInfo) => info.shape.reduce((a, b) => a * b, 1);
      const swapped = size(x) < size(dy)
        ? conv2dBackpropFilterSwapped(backendOf(args), backendName, x, dy, attrs)
        : null;
      return swapped ?? conv2dBackpropFilterViaConv2D(backendOf(args), backendName, x, dy, attrs);
    },
  },
  BatchMatMul: {
    backends: ["wasm"],
    make: (backendName, original) => (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
      return matMulWithoutTransposes(
        backendOf(args),
        backendName,
        required(original, "BatchMatMul"),
        a,
        b,
        attrs,
      );
    },
  },
  MaxPoolGrad: {
    backends: ["wasm", "cpu"],
    make: (backendName) => (args) => {
      const { dy, input, output } = args.inputs as { dy: TensorInfo; input: TensorInfo; output?: TensorInfo };
      const attrs = args.attrs as unknown as tfCore.MaxPoolGradAttrs;
      return maxPoolGradOnHost(backendOf(args), backendName, dy, input, output, attrs);
    },
  },
  Identity: {
    backends: ["wasm"],
    make: (_backendName, original) => (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      if (x.dtype === "string") return required(original, "string Identity")(args);
      return sharedIdentity(backendOf(args), x);
    },
  },
  Sum: {
    backends: ["wasm"],
    make: (backendName, original) => (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
      const leading = x.dtype === "float32" ? leadingAxesCount(axis, x.shape.length) : 0;
      if (leading === 0) return required(original, "Sum")(args);
      return sumLeadingAxes(backendOf(args), backendName, x, leading, keepDims);
    },
  },
  Slice: {
    backends: ["wasm"],
    make: (backendName, original) => (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      if (x.dtype !== "float32") return required(original, "Slice")(args);
      const attrs = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
      return sliceFromStorage(backendOf(args), backendName, x, attrs);
    },
  },
  SplitV: {
    backends: ["wasm"],
    make: (backendName, original) => (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      if (x.dtype !== "float32") return required(original, "SplitV")(args);
      const attrs = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
      return splitFromStorage(backendOf(args), backendName, x, attrs);
    },
  },
};

const originals = new Map<string, KernelConfig | undefined>();
const keyOf = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/** The kernel that was registered before `installFastKernels` replaced it (undefined: none was). */
export function originalKernel(kernelName: FastKernel, backendName: string): KernelConfig | undefined {
  const key = keyOf(kernelName, backendName);
  return originals.has(key) ? originals.get(key) : tfCore.getKernel(kernelName, backendName);
}

/** Names of the kernels currently replaced on `backendName`. */
export function installedFastKernels(backendName: string): FastKernel[] {
  return FAST_KERNELS.filter((name) => originals.has(keyOf(name, backendName)));
}

export function fastKernelsFor(backendName: string): FastKernel[] {
  return FAST_KERNELS.filter((name) => PATCHES[name].backends.includes(backendName));
}

/**
 * Replaces slow or missing kernels of `backendName` with ones composed of its own fast kernels (or plain
 * loops over its storage). Call after the backend is initialised. Idempotent.
 */
export function installFastKernels(backendName: string, kernels: readonly FastKernel[] = FAST_KERNELS): void {
  for (const kernelName of kernels) {
    const patch = PATCHES[kernelName];
    const key = keyOf(kernelName, backendName);
    if (!patch.backends.includes(backendName) || originals.has(key)) continue;
    const original = tfCore.getKernel(kernelName, backendName);
    originals.set(key, original);
    if (original !== undefined) tfCore.unregisterKernel(kernelName, backendName);
    tfCore.registerKernel({
      kernelName,
      backendName,
      kernelFunc: patch.make(backendName, original?.kernelFunc),
    });
  }
}

/** Puts the original kernels back (or removes ours where the backend had none). */
export function restoreOriginalKernels(backendName: string): void {
  for (const kernelName of FAST_KERNELS) {
    const key = keyOf(kernelName, backendName);
    if (!originals.has(key)) continue;
    const original = originals.get(key);
    tfCore.unregisterKernel(kernelName, backendName);
    if (original !== undefined) tfCore.registerKernel(original);
    originals.delete(key);
  }
}
