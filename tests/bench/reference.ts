/** PyTorch 1.13, one thread of this machine class (2-core VM), same architectures and batch 64. */
export const PYTORCH_REFERENCE = {
  label: "PyTorch 1.13, 1 thread (reference measured on this machine class)",
  cnnTrainSamplesPerSecond: 2281,
  lstmTrainSamplesPerSecond: 17100,
} as const;

/** The first patched-wasm prototype, for context. */
export const PROTOTYPE_WASM = { cnnTrainSamplesPerSecond: 400, lstmTrainSamplesPerSecond: 1470 } as const;
