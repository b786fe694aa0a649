import type { KernelBackend, TensorInfo } from "./kernel_calls.ts";

/** Direct float32 access to a backend's tensor storage, for kernels written as plain loops. */
export interface HostArrays {
  read(info: TensorInfo): Float32Array;
  /** Allocates a zeroed output, lets `fill` write it, and returns it; inputs are read inside `fill`. */
  output(shape: number[], fill: (out: Float32Array) => void): TensorInfo;
}

interface WasmStorage {
  makeOutput(shape: number[], dtype: "float32"): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface CpuStorage {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): TensorInfo;
}

function wasmArrays(backend: WasmStorage): HostArrays {
  return {
    read: (info) => backend.typedArrayFromHeap(info),
    output(shape, fill) {
      const out = backend.makeOutput(shape, "float32");
      const values = backend.typedArrayFromHeap(out);
      values.fill(0);
      fill(values);
      return out;
    },
  };
}

function cpuArrays(backend: CpuStorage): HostArrays {
  return {
    read: (info) => backend.data.get(info.dataId).values,
    output(shape, fill) {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      fill(values);
      return backend.makeTensorInfo(shape, "float32", values);
    },
  };
}

export function hostArrays(backend: KernelBackend, backendName: string): HostArrays {
  if (backendName === "wasm") return wasmArrays(backend as unknown as WasmStorage);
  if (backendName === "cpu") return cpuArrays(backend as unknown as CpuStorage);
  throw new Error(`no host array access for backend ${backendName}`);
}
