import { z } from 'zod';
import type { ParamSpec } from '../../model/ir';
import { param } from './layerOps';

const weightInit = z.enum(['glorot_uniform', 'he_uniform', 'pytorch_default']);
const biasInit = z.enum(['zeros', 'uniform']);

/** Spec fields of a layer with a kernel and a bias; absent = Glorot-uniform kernel, zero bias. */
export const initSpecShape = {
  init: weightInit.optional(),
  biasInit: biasInit.optional(),
};

/** Node params of the same choice, as model.mlp and model.cnn offer it. */
export const initParamShape = {
  init: weightInit
    .default('glorot_uniform')
    .describe('Initial kernel: glorot_uniform (Keras), he_uniform, pytorch_default U(±1/√fan_in)'),
  biasInit: biasInit.default('zeros').describe("Initial bias: zeros (Keras), or uniform U(±1/√fan_in) (PyTorch's)"),
};

/** The spec fields for the chosen init, none at the defaults (so existing specs stay as they were). */
export function initFields(p: {
  init: z.output<typeof weightInit>;
  biasInit: z.output<typeof biasInit>;
}): Partial<{ init: z.output<typeof weightInit>; biasInit: z.output<typeof biasInit> }> {
  return {
    ...(p.init !== 'glorot_uniform' ? { init: p.init } : {}),
    ...(p.biasInit !== 'zeros' ? { biasInit: p.biasInit } : {}),
  };
}

/** A kernel parameter under the layer's `init` (bounds in core/common/model/ir.ts ModelInit). */
export function kernelParam(
  name: string,
  shape: number[],
  fanIn: number,
  fanOut: number,
  init?: z.output<typeof weightInit>,
): ParamSpec {
  if (init === 'he_uniform') return param(name, shape, 'he_uniform', fanIn, fanOut);
  if (init === 'pytorch_default') return param(name, shape, 'uniform', fanIn, fanOut, 1 / Math.sqrt(fanIn));
  return param(name, shape, 'glorot_uniform', fanIn, fanOut);
}

/** A bias parameter: zeros, or U(±1/√fanIn) of its layer's kernel. */
export function biasParam(name: string, shape: number[], fanIn: number, init?: z.output<typeof biasInit>): ParamSpec {
  return init === 'uniform' ? param(name, shape, 'uniform', 0, 0, 1 / Math.sqrt(fanIn)) : param(name, shape, 'zeros');
}
