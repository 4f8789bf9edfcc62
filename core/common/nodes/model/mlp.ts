import { z } from 'zod';
import type { ModelSpecValue } from '../../model/ir';
import { appendLayer, emptySpec } from '../../model/specOps';
import { defineNode } from '../NodeDefinition';
import { initParamsShape, withInit } from './initParam';
import { hiddenWeightsProblem, MAX_MODEL_LAYERS } from './limits';

export const mlpParams = z.object({
  hidden: z
    .array(z.number().int().min(1).max(100_000))
    .max(MAX_MODEL_LAYERS, `at most ${MAX_MODEL_LAYERS} hidden layers`)
    .refine((h) => !hiddenWeightsProblem(h), {
      error: (iss) => hiddenWeightsProblem(iss.input as number[]) ?? 'too large',
    })
    .default([128, 64])
    .describe('Units of each hidden layer'),
  activation: z
    .enum(['relu', 'leaky_relu', 'gelu', 'sigmoid', 'tanh'])
    .default('relu')
    .describe('Activation after each hidden layer'),
  dropout: z.number().min(0).max(0.9).default(0).describe('Dropout after each hidden layer; 0 = none'),
  batchNorm: z.boolean().default(false).describe('BatchNorm after each hidden layer'),
  ...initParamsShape,
});

export type MlpParams = z.output<typeof mlpParams>;

/** Flatten → [Dense(h, activation) → BatchNorm? → Dropout?]* → Dense(auto). */
export function mlpSpec(p: MlpParams): ModelSpecValue {
  let s = appendLayer([emptySpec()], 'mlp/flatten', { kind: 'flatten' });
  p.hidden.forEach((units, i) => {
    s = appendLayer([s], `mlp/dense${i + 1}`, { kind: 'dense', units, activation: p.activation });
    if (p.batchNorm) s = appendLayer([s], `mlp/bn${i + 1}`, { kind: 'batchnorm' });
    if (p.dropout > 0) s = appendLayer([s], `mlp/dropout${i + 1}`, { kind: 'dropout', rate: p.dropout });
  });
  return withInit({ ...appendLayer([s], 'mlp/output', { kind: 'dense', units: 'auto' }), name: 'MLP' }, p);
}

export const mlpNode = defineNode({
  type: 'model.mlp',
  version: 1,
  title: 'MLP',
  category: 'Model',
  doc: 'A multilayer perceptron: flattens the features, then fully connected hidden layers and an output layer sized from the dataset.',
  inputs: [],
  outputs: [{ name: 'model', type: { kind: 'ModelSpec' } }],
  params: mlpParams,
});
