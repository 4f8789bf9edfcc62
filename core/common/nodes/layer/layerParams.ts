import { z } from 'zod';

/** Activation functions of the model IR. */
export const activationFn = z.enum(['linear', 'relu', 'leaky_relu', 'gelu', 'sigmoid', 'tanh', 'softmax']);

export type ActivationFn = z.infer<typeof activationFn>;

/** One size for both spatial axes, or `[height, width]`. */
export const pairSpec = z.union([
  z.number().int().min(1),
  z.tuple([z.number().int().min(1), z.number().int().min(1)]).readonly(),
]);

export type Pair = z.infer<typeof pairSpec>;

/** `valid` (no padding), `same` (TensorFlow's rule), or explicit symmetric padding. */
export const windowPaddingSpec = z.union([z.enum(['valid', 'same']), z.number().int().min(0)]);

export const activationParam = activationFn.default('linear').describe('Activation applied to the output');

export const paddingParam = z
  .enum(['valid', 'same'])
  .default('valid')
  .describe('valid: no padding; same: pad so that size = ⌈input / stride⌉');
