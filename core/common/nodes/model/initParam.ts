import { z } from 'zod';
import type { ModelSpecValue } from '../../model/ir';

/** The `init` and `biasInit` params of the model presets. */
export const initParamsShape = {
  init: z
    .enum(['glorot_uniform', 'he_uniform', 'pytorch_default'])
    .default('glorot_uniform')
    .describe(
      'Initial kernels: glorot_uniform (Keras), he_uniform (ReLU nets), pytorch_default U(±1/√fan_in) as nn.Linear/nn.Conv2d',
    ),
  biasInit: z
    .enum(['zeros', 'uniform'])
    .default('zeros')
    .describe("Initial biases: zeros (Keras), or uniform U(±1/√fan_in) (PyTorch's default)"),
};

/** The spec with its `init`, left out at the defaults so that existing specs stay as they were. */
export function withInit(
  spec: ModelSpecValue,
  p: { init: 'glorot_uniform' | 'he_uniform' | 'pytorch_default'; biasInit: 'zeros' | 'uniform' },
): ModelSpecValue {
  if (p.init === 'glorot_uniform' && p.biasInit === 'zeros') return spec;
  return { ...spec, init: { weights: p.init, bias: p.biasInit } };
}
