import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelSpecValue, OptimizerConfig } from '../../../../../core/common/model';
import {
  buildTrainingGraph,
  initParams,
  packParams,
  resolveSpec,
  trainingScalars,
} from '../../../../../core/common/model';
import { noise } from './gradCheck';
import { session, tensor } from './ortHelpers';

/** torch.optim update rules, written out from the PyTorch documentation, in float64. */
function reference(
  cfg: OptimizerConfig,
  wd: number,
  clip: number,
  p: number[],
  g0: number[],
  slots: number[][],
  step: number,
  lr: number,
): { p: number[]; slots: number[][] } {
  let g = [...g0];
  if (clip > 0) {
    const norm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
    const coef = Math.min(1, clip / (norm + 1e-6));
    g = g.map((v) => v * coef);
  }
  if (wd && cfg.kind !== 'adamw') g = g.map((v, i) => v + wd * p[i]);
  const eps = cfg.epsilon ?? 1e-7;
  switch (cfg.kind) {
    case 'sgd':
      return { p: p.map((w, i) => w - lr * g[i]), slots: [] };
    case 'momentum':
    case 'nesterov': {
      const mu = cfg.momentum ?? 0.9;
      const v = slots[0].map((b, i) => mu * b + g[i]);
      const d = cfg.kind === 'nesterov' ? g.map((x, i) => x + mu * v[i]) : v;
      return { p: p.map((w, i) => w - lr * d[i]), slots: [v] };
    }
    case 'rmsprop': {
      const rho = cfg.rho ?? 0.9;
      const s = slots[0].map((a, i) => rho * a + (1 - rho) * g[i] ** 2);
      return { p: p.map((w, i) => w - (lr * g[i]) / (Math.sqrt(s[i]) + eps)), slots: [s] };
    }
    case 'adam':
    case 'adamw': {
      const [b1, b2] = [cfg.beta1 ?? 0.9, cfg.beta2 ?? 0.999];
      const m = slots[0].map((a, i) => b1 * a + (1 - b1) * g[i]);
      const v = slots[1].map((a, i) => b2 * a + (1 - b2) * g[i] ** 2);
      const base = cfg.kind === 'adamw' ? p.map((w) => w * (1 - lr * wd)) : p;
      return {
        p: base.map((w, i) => w - (lr * (m[i] / (1 - b1 ** step))) / (Math.sqrt(v[i] / (1 - b2 ** step)) + eps)),
        slots: [m, v],
      };
    }
  }
}

const spec: ModelSpecValue = {
  format: 'weft.model',
  output: 'o',
  nodes: [
    { id: 'h', layer: { kind: 'dense', units: 4, activation: 'tanh' }, inputs: ['input'] },
    { id: 'o', layer: { kind: 'dense', units: 'auto' }, inputs: ['h'] },
  ],
};

const configs: { cfg: OptimizerConfig; wd?: number; clip?: number }[] = [
  { cfg: { kind: 'sgd' } },
  { cfg: { kind: 'sgd' }, wd: 0.1, clip: 0.05 },
  { cfg: { kind: 'momentum', momentum: 0.8 } },
  { cfg: { kind: 'nesterov', momentum: 0.9 }, wd: 0.01 },
  { cfg: { kind: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-6 } },
  { cfg: { kind: 'adamw' }, wd: 0.05, clip: 0.1 },
  { cfg: { kind: 'rmsprop', rho: 0.95 } },
];

describe('optimizer updates against the torch.optim formulas', () => {
  for (const { cfg, wd = 0, clip = 0 } of configs) {
    it(`${cfg.kind}${wd ? `, weight decay ${wd}` : ''}${clip ? `, clip ${clip}` : ''}`, async () => {
      const r = resolveSpec(spec, { featureShape: [3], outputUnits: 2 });
      const g = buildTrainingGraph(r, {
        loss: 'mse',
        optimizer: cfg,
        weightDecay: wd,
        clipNorm: clip,
        outputGradients: true,
        dtype: 'float64',
      });
      const s = await session(g.onnx);
      let p = Array.from(packParams(initParams(r, 2).values));
      let slots = g.carried.slice(1).map(() => new Array<number>(p.length).fill(0));
      const x = Float64Array.from(noise(15, 1));
      const y = Float64Array.from(noise(10, 2));
      let worst = 0;
      try {
        for (let step = 1; step <= 5; step++) {
          const lr = 0.05 / step;
          const feeds: Record<string, ort.Tensor> = {
            input: tensor(x, [5, 3]),
            labels: tensor(y, [5, 2]),
            params: tensor(Float64Array.from(p), [p.length]),
          };
          g.carried.slice(1).forEach((c, k) => (feeds[c.input] = tensor(Float64Array.from(slots[k]), [p.length])));
          for (const [k, v] of Object.entries(trainingScalars(g, step, lr))) feeds[k] = tensor(Float64Array.of(v), []);
          const out = await s.run(feeds);
          const ref = reference(cfg, wd, clip, p, Array.from(out.grads.data as Float64Array), slots, step, lr);
          const got = Array.from(out.params_out.data as Float64Array);
          got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref.p[i]))));
          expect(got.some((v, i) => v !== p[i])).toBe(true);
          p = got;
          slots = g.carried.slice(1).map((c) => Array.from(out[c.output].data as Float64Array));
          slots.forEach((sl, k) => sl.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref.slots[k][i])))));
        }
      } finally {
        await s.release();
      }
      expect(worst).toBeLessThan(1e-12);
    });
  }
});
