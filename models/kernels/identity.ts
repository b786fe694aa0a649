import type { KernelBackend, TensorInfo } from "./kernel_calls.ts";

/**
 * Identity that shares the input's storage (reference counted) instead of copying it. Tensors are
 * immutable, so the engine's clones of every tensor it saves for backprop cost nothing.
 */
export function sharedIdentity(backend: KernelBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
