import { tfCore } from "../tf.ts";
import { conv2dBackpropFilterViaConv2D } from "./conv2d_backprop_filter.ts";
import { conv2dBackpropInputViaConv2D } from "./conv2d_backprop_input.ts";
import type { KernelBackend, TensorInfo } from "./kernel_calls.ts";

type KernelConfig = tfCore.KernelConfig;
type KernelFunc = tfCore.KernelFunc;

export const CONV_GRADIENT_KERNELS = ["Conv2DBackpropInput", "Conv2DBackpropFilter"] as const;
export type ConvGradientKernel = typeof CONV_GRADIENT_KERNELS[number];

const originals = new Map<string, KernelConfig | undefined>();
const keyOf = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/** The kernel that was registered before `installConvGradientKernels` replaced it (undefined: none was). */
export function originalKernel(
  kernelName: ConvGradientKernel,
  backendName: string,
): KernelConfig | undefined {
  const key = keyOf(kernelName, backendName);
  return originals.has(key) ? originals.get(key) : tfCore.getKernel(kernelName, backendName);
}

export function convGradientKernelsInstalled(backendName: string): boolean {
  return CONV_GRADIENT_KERNELS.every((name) => originals.has(keyOf(name, backendName)));
}

function isChannelsLast(attrs: { dataFormat?: string }): boolean {
  return attrs.dataFormat === undefined || attrs.dataFormat === "NHWC";
}

function fallback(kernelName: ConvGradientKernel, backendName: string): KernelFunc {
  const original = originals.get(keyOf(kernelName, backendName));
  if (original === undefined) {
    throw new Error(`${kernelName} on ${backendName} supports only NHWC and there is no original kernel`);
  }
  return original.kernelFunc;
}

function inputGradientKernel(backendName: string): KernelFunc {
  return (args) => {
    const attrs = args.attrs as unknown as tfCore.Conv2DBackpropInputAttrs;
    if (!isChannelsLast(attrs)) return fallback("Conv2DBackpropInput", backendName)(args);
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    return conv2dBackpropInputViaConv2D(args.backend as KernelBackend, backendName, dy, filter, attrs);
  };
}

function filterGradientKernel(backendName: string): KernelFunc {
  return (args) => {
    const attrs = args.attrs as unknown as tfCore.Conv2DBackpropFilterAttrs;
    if (!isChannelsLast(attrs)) return fallback("Conv2DBackpropFilter", backendName)(args);
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    return conv2dBackpropFilterViaConv2D(args.backend as KernelBackend, backendName, x, dy, attrs);
  };
}

function replace(kernelName: ConvGradientKernel, backendName: string, kernelFunc: KernelFunc): void {
  const key = keyOf(kernelName, backendName);
  if (originals.has(key)) return;
  const original = tfCore.getKernel(kernelName, backendName);
  originals.set(key, original);
  if (original !== undefined) tfCore.unregisterKernel(kernelName, backendName);
  tfCore.registerKernel({ kernelName, backendName, kernelFunc });
}

/**
 * Replaces the backend's Conv2DBackpropInput and Conv2DBackpropFilter with kernels composed of its own
 * Conv2D, Transpose, PadV2, Reverse, Slice and Reshape. Call after the backend is initialised. Idempotent.
 */
export function installConvGradientKernels(backendName: string): void {
  replace("Conv2DBackpropInput", backendName, inputGradientKernel(backendName));
  replace("Conv2DBackpropFilter", backendName, filterGradientKernel(backendName));
}

/** Puts the original kernels back (or removes ours where the backend had none). */
export function restoreConvGradientKernels(backendName: string): void {
  for (const kernelName of CONV_GRADIENT_KERNELS) {
    const key = keyOf(kernelName, backendName);
    if (!originals.has(key)) continue;
    const original = originals.get(key);
    tfCore.unregisterKernel(kernelName, backendName);
    if (original !== undefined) tfCore.registerKernel(original);
    originals.delete(key);
  }
}
