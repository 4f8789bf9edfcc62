import { z } from 'zod';
import { add, matmul } from '../../model/graph/ops';
import { ModelShapeError } from '../../model/ir';
import { defineLayer } from './defineLayer';
import { activation } from './layerOps';
import { biasParam, initFields, initParamShape, initSpecShape, kernelParam } from './layerInit';
import { activationFn, activationParam } from './layerParams';

/** Row-major `rows × cols` → `cols × rows`. */
function transpose2d(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = w[i * cols + j];
  return t;
}

export const denseNode = defineLayer({
  kind: 'dense',
  title: 'Dense',
  doc: 'Fully connected layer on the last axis: y = activation(x·W + b). `auto` units = the number of classes or targets (for the output layer).',
  spec: z.object({
    kind: z.literal('dense'),
    /** `auto`: the dataset's output size (classes or targets). */
    units: z.union([z.number().int().min(1), z.literal('auto')]),
    activation: activationFn.optional(),
    /** @default true */
    useBias: z.boolean().optional(),
    ...initSpecShape,
  }),
  params: z.object({
    units: z
      .union([z.number().int().min(1).max(1_000_000), z.literal('auto')])
      .default(64)
      .describe('Output units; auto = the number of classes or targets (for the output layer)'),
    activation: activationParam,
    useBias: z.boolean().default(true).describe('Add a learned bias to each unit'),
    ...initParamShape,
  }),
  toLayer: (p) => ({ kind: 'dense', units: p.units, activation: p.activation, useBias: p.useBias, ...initFields(p) }),
  openUnits: (layer) => layer.units === 'auto',
  infer: ({ id, layer, x, outputUnits, fail }) => {
    if (x.length < 1) fail('at least one axis [features]');
    const units = layer.units === 'auto' ? outputUnits : layer.units;
    if (!units)
      throw new ModelShapeError(`Layer "${id}" (dense) has units 'auto' but the output size is not known yet`, id);
    const f = x[x.length - 1];
    const params = [kernelParam(`${id}/kernel`, [f, units], f, units, layer.init)];
    if (layer.useBias !== false) params.push(biasParam(`${id}/bias`, [units], f, layer.biasInit));
    return { outShape: [...x.slice(0, -1), units], params, buffers: [] };
  },
  tfjs: {
    ops: ['Gemm', 'MatMul'],
    convert: (n, c) => {
      const w = c.weight(n.inputs[1]);
      const gemm = n.opType === 'Gemm';
      if (gemm && (n.int('transA', 0) || n.float('alpha', 1) !== 1 || n.float('beta', 1) !== 1))
        c.fail('export.tfjs: Gemm with transA, alpha or beta is not supported');
      let [k, m] = w.dims as [number, number];
      let kernel = w.data;
      if (gemm && n.int('transB', 0)) {
        kernel = transpose2d(kernel, k, m);
        [k, m] = [m, k];
      }
      let bias = gemm && n.inputs[2] ? c.weight(n.inputs[2]).data : undefined;
      let output = n.outputs[0];
      if (!gemm) {
        const next = c.consumers(output);
        const add = next.find((o) => o.opType === 'Add' && c.constDims(o.inputs[1]) !== undefined);
        if (add && next.length === 1) {
          bias = c.weight(add.inputs[1]).data;
          output = add.outputs[0];
        }
      }
      const weights = [{ values: kernel, shape: [k, m] }, ...(bias ? [{ values: bias, shape: [bias.length] }] : [])];
      return { layers: [{ className: 'Dense', config: { units: m, useBias: Boolean(bias) }, weights }], output };
    },
  },
  emit: ({ ctx, node, layer, x, p }) => {
    const y = matmul(ctx.b, x, p('kernel'));
    const hasBias = node.params.some((q) => q.name === `${node.id}/bias`);
    return activation(ctx.b, hasBias ? add(ctx.b, y, p('bias')) : y, layer.activation);
  },
});
