import { z } from 'zod';

export const activationParam = z
  .enum(['linear', 'relu', 'leaky_relu', 'gelu', 'sigmoid', 'tanh', 'softmax'])
  .default('linear')
  .describe('Activation applied to the output');

export const paddingParam = z
  .enum(['valid', 'same'])
  .default('valid')
  .describe('valid: no padding; same: pad so that size = ⌈input / stride⌉');
