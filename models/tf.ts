/** The one place the project imports TensorFlow.js from: core, layers and the CPU backend. */
import * as tfCore from "@tensorflow/tfjs-core";
import * as tfLayers from "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-cpu";

export const tf = { ...tfCore, ...tfLayers };
export type Tensor = tfCore.Tensor;
export type Rank = tfCore.Rank;
export type LayersModel = tfLayers.LayersModel;
export { tfCore, tfLayers };
