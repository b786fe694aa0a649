/**
 * An LSTM over a whole sequence as one differentiable op that returns the last hidden state.
 *
 * The same function as tfjs-layers' LSTM with a sigmoid recurrent activation, a tanh activation and a zero
 * initial state (Keras gate order i, f, c, o): z = x·W + h·U + b, i = σ(z_i), f = σ(z_f), g = tanh(z_c),
 * o = σ(z_o), c' = f·c + i·g, h' = o·tanh(c'). Each step runs one matrix product and one sigmoid for all four
 * gates on the backend and the gate arithmetic in plain loops; the gradient is backpropagation through time with
 * one product a step and a single product for the gradient of [U; W; b]. A batch of 20 steps costs about a
 * hundred kernel calls, where the layer's op-by-op cell and its tape cost about two thousand.
 */
import { type Tensor, tf } from "./tf.ts";

type Tensor2D = ReturnType<typeof tf.tensor2d>;

interface Shape {
  batch: number;
  length: number;
  features: number;
  units: number;
}

/** What the forward pass keeps for the gradient, each laid out step-major. */
interface Trace {
  /** Each step's product rows [h_{t−1}, x_t, 1]: [length, batch, units + features + 1]. */
  rows: Float32Array;
  /** Activated gates i, f, g, o: [length, batch, 4·units]. */
  gates: Float32Array;
  /** Cell states c₋₁ … c_{length−1}: [length + 1, batch, units], c₋₁ = 0. */
  cells: Float32Array;
  /** tanh of the cell states c₀ … c_{length−1}: [length, batch, units]. */
  squashed: Float32Array;
  /** The last hidden state: [batch, units]. */
  last: Float32Array;
}

/** `rows` · `matrix` on the backend, optionally through a sigmoid, read back to the host. */
function product(rows: Float32Array, rowCount: number, matrix: Tensor, activate = false): Float32Array {
  const left = tf.tensor2d(rows, [rowCount, matrix.shape[0]]);
  const result = tf.matMul(left, matrix as Tensor2D);
  const activated = activate ? tf.sigmoid(result) : result;
  const values = activated.dataSync() as Float32Array;
  tf.dispose([left, result, activated]);
  return values;
}

/**
 * [U; W; b] stacked into one [units + features + 1, 4·units] matrix, so that one product of the rows
 * [h, x, 1] gives every gate's preactivation. With `doubleCandidate` the candidate's columns are doubled:
 * tanh(z) = 2σ(2z) − 1, so a single sigmoid over the product activates all four gates.
 */
function stacked(kernel: Tensor, recurrent: Tensor, bias: Tensor, doubleCandidate: boolean): Tensor {
  return tf.tidy(() => {
    const matrix = tf.concat([recurrent, kernel, tf.reshape(bias, [1, -1])], 0);
    if (!doubleCandidate) return matrix;
    const units = recurrent.shape[0];
    const scale = Float32Array.from(
      { length: 4 * units },
      (_, k) => (k >= 2 * units && k < 3 * units ? 2 : 1),
    );
    return tf.mul(matrix, tf.tensor1d(scale));
  });
}

function forward(shape: Shape, inputs: Float32Array, activating: Tensor): Trace {
  const { batch, length, features, units } = shape;
  const width = 4 * units;
  const stride = units + features + 1;
  const stateSize = batch * units;
  const trace: Trace = {
    rows: new Float32Array(length * batch * stride),
    gates: new Float32Array(length * batch * width),
    cells: new Float32Array((length + 1) * stateSize),
    squashed: new Float32Array(length * stateSize),
    last: new Float32Array(stateSize),
  };
  let hidden: Float32Array = new Float32Array(stateSize);
  for (let step = 0; step < length; step++) {
    const rows = trace.rows.subarray(step * batch * stride, (step + 1) * batch * stride);
    for (let row = 0; row < batch; row++) {
      rows.set(hidden.subarray(row * units, (row + 1) * units), row * stride);
      for (let feature = 0; feature < features; feature++) {
        rows[row * stride + units + feature] = inputs[(row * length + step) * features + feature];
      }
      rows[row * stride + units + features] = 1;
    }
    const gates = trace.gates.subarray(step * batch * width, (step + 1) * batch * width);
    gates.set(product(rows, batch, activating, true));
    const next = step === length - 1 ? trace.last : new Float32Array(stateSize);
    for (let row = 0; row < batch; row++) {
      const g = row * width;
      for (let unit = 0; unit < units; unit++) {
        const at = row * units + unit;
        const candidate = 2 * gates[g + 2 * units + unit] - 1;
        gates[g + 2 * units + unit] = candidate;
        const cell = gates[g + units + unit] * trace.cells[step * stateSize + at] +
          gates[g + unit] * candidate;
        const squashed = Math.tanh(cell);
        trace.cells[(step + 1) * stateSize + at] = cell;
        trace.squashed[step * stateSize + at] = squashed;
        next[at] = gates[g + 3 * units + unit] * squashed;
      }
    }
    hidden = next;
  }
  return trace;
}

/** Gradients with respect to the inputs [batch, length, features] and to [U; W; b] stacked. */
function backward(
  shape: Shape,
  trace: Trace,
  lastHiddenGradient: Float32Array,
  matrix: Tensor,
): { inputs: Float32Array; stacked: Tensor } {
  const { batch, length, features, units } = shape;
  const width = 4 * units;
  const stride = units + features + 1;
  const stateSize = batch * units;
  const preactivation = new Float32Array(length * batch * width);
  const inputGradient = new Float32Array(batch * length * features);
  const transposed = tf.transpose(matrix);
  let hiddenGradient: Float32Array = Float32Array.from(lastHiddenGradient);
  const cellGradient = new Float32Array(stateSize);
  try {
    for (let step = length - 1; step >= 0; step--) {
      const gates = trace.gates.subarray(step * batch * width, (step + 1) * batch * width);
      const dz = preactivation.subarray(step * batch * width, (step + 1) * batch * width);
      for (let row = 0; row < batch; row++) {
        const g = row * width;
        for (let unit = 0; unit < units; unit++) {
          const at = row * units + unit;
          const input = gates[g + unit];
          const forget = gates[g + units + unit];
          const candidate = gates[g + 2 * units + unit];
          const output = gates[g + 3 * units + unit];
          const squashed = trace.squashed[step * stateSize + at];
          const dh = hiddenGradient[at];
          const dc = cellGradient[at] + dh * output * (1 - squashed * squashed);
          dz[g + unit] = dc * candidate * input * (1 - input);
          dz[g + units + unit] = dc * trace.cells[step * stateSize + at] * forget * (1 - forget);
          dz[g + 2 * units + unit] = dc * input * (1 - candidate * candidate);
          dz[g + 3 * units + unit] = dh * squashed * output * (1 - output);
          cellGradient[at] = dc * forget;
        }
      }
      // dz · [U; W; b]ᵀ = [dh_{t−1}, dx_t, ·] for every row.
      const back = product(dz, batch, transposed);
      hiddenGradient = new Float32Array(stateSize);
      for (let row = 0; row < batch; row++) {
        hiddenGradient.set(back.subarray(row * stride, row * stride + units), row * units);
        for (let feature = 0; feature < features; feature++) {
          inputGradient[(row * length + step) * features + feature] = back[row * stride + units + feature];
        }
      }
    }
  } finally {
    transposed.dispose();
  }
  // d[U; W; b] = Σ_t [h_{t−1}, x_t, 1]ᵀ · dz_t, one product over every step and row.
  const stackedGradient = tf.tidy(() =>
    tf.matMul(
      tf.tensor2d(trace.rows, [length * batch, stride]),
      tf.tensor2d(preactivation, [length * batch, width]),
      true,
      false,
    )
  );
  return { inputs: inputGradient, stacked: stackedGradient };
}

const lastHidden = tf.customGrad(
  ((x: Tensor, kernel: Tensor, recurrent: Tensor, bias: Tensor, save: (tensors: Tensor[]) => void) => {
    const [batch, length, features] = x.shape;
    const units = recurrent.shape[0];
    const shape: Shape = { batch, length, features, units };
    const activating = stacked(kernel, recurrent, bias, true);
    const trace = forward(shape, x.dataSync() as Float32Array, activating);
    activating.dispose();
    save([kernel, recurrent, bias]);
    return {
      value: tf.tensor2d(trace.last, [batch, units]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [kernel, recurrent, bias] = saved;
        const matrix = stacked(kernel, recurrent, bias, false);
        const grads = backward(shape, trace, dy.dataSync() as Float32Array, matrix);
        matrix.dispose();
        const [dRecurrent, dKernel, dBias] = tf.split(grads.stacked, [units, features, 1], 0);
        grads.stacked.dispose();
        return [
          tf.tensor3d(grads.inputs, [batch, length, features]),
          dKernel,
          dRecurrent,
          tf.reshape(dBias, bias.shape),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0],
) as (x: Tensor, kernel: Tensor, recurrent: Tensor, bias: Tensor) => Tensor;

/**
 * The last hidden state [batch, units] of an LSTM run over `x` [batch, length, features] from a zero state,
 * with `kernel` [features, 4·units], `recurrent` [units, 4·units] and `bias` [4·units] in Keras gate order.
 */
export function lstmLastHidden(x: Tensor, kernel: Tensor, recurrent: Tensor, bias: Tensor): Tensor {
  if (x.rank !== 3) {
    throw new RangeError(`lstmLastHidden: x must be [batch, length, features], got [${x.shape}]`);
  }
  const [units, width] = recurrent.shape;
  if (
    width !== 4 * units || kernel.shape[0] !== x.shape[2] || kernel.shape[1] !== width || bias.size !== width
  ) {
    throw new RangeError(
      `lstmLastHidden: shapes do not fit (x [${x.shape}], kernel [${kernel.shape}], ` +
        `recurrent [${recurrent.shape}], bias [${bias.shape}])`,
    );
  }
  if (x.dtype !== "float32") throw new TypeError(`lstmLastHidden: x must be float32, got ${x.dtype}`);
  return lastHidden(x, kernel, recurrent, bias);
}
