import { mul, reduceMean, sub } from '../ops';
import type { Rule } from './Rule';
import { intAttr, unbroadcast } from './Rule';

/**
 * y = x̂·γ + β with x̂ = (x − μ)·r over the last axis, μ and r = 1/σ the op's second and third
 * outputs: dx = r·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ; dγ = Σ dy·x̂ and dβ = Σ dy over the
 * other axes.
 */
export const layerNormalizationRule: Rule = ({ b, node, ins, outs, dys }) => {
  const [x, gamma, beta] = ins;
  const axis = intAttr(node, 'axis', -1);
  if (axis !== -1 && axis !== x.shape.length - 1)
    throw new Error('autodiff: LayerNormalization is differentiable over the last axis only');
  const dy = dys[0]!;
  const xhat = mul(b, sub(b, x, outs[1]), outs[2]);
  const g = mul(b, dy, gamma);
  const centred = sub(b, g, reduceMean(b, g, [-1], true));
  const dx = mul(b, sub(b, centred, mul(b, xhat, reduceMean(b, mul(b, g, xhat), [-1], true))), outs[2]);
  return [dx, unbroadcast(b, mul(b, dy, xhat), gamma.shape), beta && unbroadcast(b, dy, beta.shape)];
};
