import { z } from 'zod';
import { add, mul, reduceMean, reduceSum, scale, slice, sub, unary } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';

/**
 * The VAE's reparameterisation. One input of `2·latent` values per sample: μ (the first half)
 * and log σ² (the second half), as one Dense layer of `2·latent` units gives them. Training:
 * z = μ + exp(½·log σ²)·ε with ε ~ N(0, 1) drawn in the graph by a seeded RandomNormalLike (a new
 * ε every step, the same sequence for the same seed, as Dropout's masks), and β·KL(N(μ, σ²) ‖
 * N(0, 1)) = −½·β·Σ(1 + log σ² − μ² − σ²), averaged over the batch, added to the loss.
 * Prediction and export: z = μ.
 */
export const samplingNode = defineLayer({
  kind: 'sampling',
  title: 'Sampling (VAE)',
  doc:
    'Variational autoencoder latent: takes 2·latent values per sample, μ then log σ² (one Dense layer of 2·latent units ' +
    'before it), and outputs latent values. Training draws z = μ + σ·ε with a seeded ε ~ N(0, 1) and adds β times the ' +
    'KL divergence −½·Σ(1 + log σ² − μ² − σ²) (mean over the batch) to the loss; prediction and export output z = μ. ' +
    'gen.sample decodes latent points through the layers after it.',
  spec: z.object({
    kind: z.literal('sampling'),
    /** Weight of the KL term in the loss. @default 1 */
    beta: z.number().min(0).optional(),
  }),
  params: z.object({
    beta: z
      .number()
      .min(0)
      .max(1000)
      .default(1)
      .describe('Weight β of the KL term in the loss (β-VAE); 0 trains a plain autoencoder with noise'),
  }),
  toLayer: (p) => ({ kind: 'sampling', beta: p.beta }),
  infer: ({ x, fail }) => {
    if (x.length !== 1 || x[0] % 2 !== 0 || x[0] < 2) fail('[2·latent] values per sample: μ, then log σ²');
    return { outShape: [x[0] / 2], params: [], buffers: [] };
  },
  tfjs: {
    ops: ['Slice'],
    convert: (op, c) => {
      const [starts, ends, axes, steps] = [1, 2, 3, 4].map((i) => c.ints(op.inputs[i]));
      const shape = c.inputShape();
      if (shape.length !== 1 || starts?.length !== 1 || ends?.length !== 1) return undefined;
      if (axes && !(axes.length === 1 && (axes[0] === 1 || axes[0] === -1))) return undefined;
      if (steps && !(steps.length === 1 && steps[0] === 1)) return undefined;
      const width = shape[0];
      const clamp = (v: number): number => (v < 0 ? Math.max(0, width + v) : Math.min(v, width));
      const [from, to] = [clamp(starts[0]), clamp(ends[0])];
      if (to <= from) return undefined;
      return {
        layers: [
          { className: 'Reshape', config: { targetShape: [1, width, 1] } },
          {
            className: 'Cropping2D',
            config: {
              cropping: [
                [0, 0],
                [from, width - to],
              ],
              dataFormat: 'channelsLast',
            },
          },
          { className: 'Flatten', config: {} },
        ],
      };
    },
  },
  emit: ({ ctx, layer, x, index }) => {
    const b = ctx.b;
    const k = (x.shape[1] as number) / 2;
    const mu = slice(b, x, [0], [k], [1]);
    if (ctx.mode === 'infer') return mu;
    const logvar = slice(b, x, [k], [2 * k], [1]);
    const variance = unary(b, 'Exp', logvar);
    const beta = layer.beta ?? 1;
    if (beta > 0) {
      if (!ctx.addLoss)
        throw new Error('layer.sampling: this training graph takes no loss terms for the KL divergence');
      const inner = sub(b, sub(b, add(b, logvar, b.constF(1)), mul(b, mu, mu)), variance);
      ctx.addLoss(scale(b, reduceMean(b, reduceSum(b, inner, [1]), [0]), -0.5 * beta));
    }
    const eps = b.opNoGrad('RandomNormalLike', [mu], mu.shape, {
      seed: { f: (ctx.seed * 7919 + index) % 16777213 },
    });
    return add(b, mu, mul(b, unary(b, 'Exp', scale(b, logvar, 0.5)), eps));
  },
});
