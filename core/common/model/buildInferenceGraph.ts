import type { T } from './graph/GraphBuilder';
import { GraphBuilder } from './graph/GraphBuilder';
import { add, concat, div, mul, reduceSum, reshape, scale, softmax, sub, unary } from './graph/ops';
import type { ResolvedModel } from './ir';
import { emitModel } from './layers/emitLayers';
import type { LossKind } from './losses';
import { initBuffers } from './initParams';

export interface InferenceOptions {
  task: 'classification' | 'regression';
  /** The loss the model was trained with; decides the probability head. @default cross_entropy / mse by task */
  loss?: LossKind;
  /** BatchNorm running statistics, flat in `ResolvedModel.buffers` order (the training graph's `buffers_out`). */
  buffers?: Float32Array;
  /** @default 'input' */
  inputName?: string;
  /** @default 'output' */
  outputName?: string;
  /**
   * An autoencoder's anomaly head: instead of the reconstruction, output `[1 − s, s]` per row with
   * s = e / (e + threshold), e the row's reconstruction error under `loss` summed over its values
   * (binary cross-entropy on probabilities clamped to [1e-7, 1 − 1e-7]). s > ½ exactly when e > threshold.
   */
  anomalyThreshold?: number;
}

function anomalyHead(b: GraphBuilder, out: T, input: T, loss: LossKind, threshold: number): T {
  const width = out.shape.slice(1).reduce<number>((a, d) => a * (d as number), 1);
  const p = reshape(b, out, ['batch', width]);
  const t = reshape(b, input, ['batch', width]);
  const d = sub(b, p, t);
  let per: T;
  if (loss === 'binary_cross_entropy') {
    const q = b.op('Clip', [p, b.constF(1e-7), b.constF(1 - 1e-7)], p.shape);
    const one = b.constF(1);
    const ll = add(b, mul(b, t, unary(b, 'Log', q)), mul(b, sub(b, one, t), unary(b, 'Log', sub(b, one, q))));
    per = unary(b, 'Neg', ll);
  } else if (loss === 'mae') per = unary(b, 'Abs', d);
  else if (loss === 'huber') {
    const a = unary(b, 'Abs', d);
    const quad = scale(b, mul(b, d, d), 0.5);
    const lin = sub(b, a, b.constF(0.5));
    per = b.op('Where', [b.opNoGrad('Less', [a, b.constF(1)], a.shape, {}, 'bool'), quad, lin], a.shape);
  } else per = mul(b, d, d);
  const e = reduceSum(b, per, [1], true);
  const s = div(b, e, add(b, e, b.constF(threshold)));
  return concat(b, [sub(b, b.constF(1), s), s], 1);
}

/**
 * The prediction graph with the weights baked in as initializers. Input float32
 * `[batch, ...inputShape]`; output class probabilities `[batch, classes]` (softmax, or
 * `[1 − p, p]` for a single-logit binary model) or regression values `[batch, units]`.
 * `params` is either the flat `params` vector or one array per parameter.
 */
export function buildInferenceGraph(
  model: ResolvedModel,
  params: Float32Array | { values: readonly Float32Array[] } | readonly Float32Array[],
  opts: InferenceOptions,
): Uint8Array {
  const b = new GraphBuilder('float32');
  const input = b.input(opts.inputName ?? 'input', ['batch', ...model.inputShape]);
  const values = new Map<string, T>();
  const list =
    params instanceof Float32Array
      ? undefined
      : Array.isArray(params)
        ? (params as readonly Float32Array[])
        : (params as { values: readonly Float32Array[] }).values;
  let at = 0;
  model.params.forEach((p, i) => {
    const n = p.shape.reduce((a, c) => a * c, 1);
    const data = list ? list[i] : (params as Float32Array).subarray(at, at + n);
    if (data.length !== n) throw new Error(`parameter ${p.name}: expected ${n} values, got ${data.length}`);
    at += n;
    values.set(p.name, b.initializer(p.name, p.shape, data, 'float32'));
  });
  const bufData = opts.buffers ?? initBuffers(model);
  const buffers = new Map<string, T>();
  at = 0;
  for (const buf of model.buffers) {
    const n = buf.shape.reduce((a, c) => a * c, 1);
    buffers.set(buf.name, b.initializer(buf.name, buf.shape, bufData.subarray(at, at + n), 'float32'));
    at += n;
  }
  const loss = opts.loss ?? (opts.task === 'classification' ? 'cross_entropy' : 'mse');
  const strip = loss === 'cross_entropy' ? 'softmax' : loss === 'binary_cross_entropy' ? 'sigmoid' : undefined;
  const out = emitModel(
    {
      b,
      mode: 'infer',
      seed: 0,
      param: (n) => values.get(n)!,
      buffer: (n) => buffers.get(n)!,
      setBuffer: () => undefined,
    },
    model,
    input,
    strip,
  );
  let head = out;
  if (loss === 'cross_entropy') head = softmax(b, out, -1);
  else if (loss === 'binary_cross_entropy') {
    const p = unary(b, 'Sigmoid', out);
    head = out.shape[1] === 1 ? concat(b, [sub(b, b.constF(1), p), p], 1) : p;
  }
  if (opts.anomalyThreshold !== undefined) head = anomalyHead(b, head, input, loss, opts.anomalyThreshold);
  b.output(head, opts.outputName ?? 'output');
  return b.encode('weft_model');
}
