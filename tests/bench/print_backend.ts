import { backendLine, useBackend } from "../../models/backend.ts";
import { tf, tfCore } from "../../models/tf.ts";

type Tensor4D = tfCore.Tensor4D;

const request = Deno.args[0] ?? "auto";
const choice = await useBackend(request);
const probe = tf.tidy(() =>
  tf.conv2d(tf.ones([1, 5, 5, 1]) as Tensor4D, tf.ones([3, 3, 1, 1]) as Tensor4D, 1, "same").dataSync()[12]
);
console.log(JSON.stringify({ ...choice, line: backendLine(choice), probe }));
