import { z } from 'zod';
import type { ModelSpecValue } from '../../model/ir';
import { appendLayer, emptySpec } from '../../model/specOps';
import { defineNode } from '../NodeDefinition';
import { initParamsShape, withInit } from './initParam';
import { hiddenWeightsProblem, MAX_MODEL_LAYERS } from './limits';

export const cnnParams = z.object({
  filters: z
    .array(z.number().int().min(1).max(4096))
    .max(MAX_MODEL_LAYERS, `at most ${MAX_MODEL_LAYERS} conv blocks`)
    .default([16, 32])
    .describe('Filters of each conv block (conv 3×3 + ReLU + 2×2 max-pool)'),
  kernelSize: z.number().int().min(1).max(15).default(3).describe("Side of each conv block's square kernel"),
  padding: z
    .enum(['valid', 'same'])
    .default('valid')
    .describe('valid: no padding (the image shrinks by kernel − 1); same: pad to keep the size'),
  dense: z
    .array(z.number().int().min(1).max(100_000))
    .max(MAX_MODEL_LAYERS, `at most ${MAX_MODEL_LAYERS} dense layers`)
    .refine((h) => !hiddenWeightsProblem(h), {
      error: (iss) => hiddenWeightsProblem(iss.input as number[]) ?? 'too large',
    })
    .default([])
    .describe('Hidden dense layers before the output layer'),
  dropout: z.number().min(0).max(0.9).default(0).describe('Dropout before the output layer; 0 = none'),
  ...initParamsShape,
});

export type CnnParams = z.output<typeof cnnParams>;

/** Reshape(image) → [Conv2D(f, k, ReLU) → MaxPool 2×2]* → Flatten → Dense* → Dropout? → Dense(auto). */
export function cnnSpec(p: CnnParams): ModelSpecValue {
  let s = appendLayer([emptySpec()], 'cnn/image', { kind: 'reshape', shape: 'image' });
  p.filters.forEach((filters, i) => {
    s = appendLayer([s], `cnn/conv${i + 1}`, {
      kind: 'conv2d',
      filters,
      kernelSize: p.kernelSize,
      padding: p.padding,
      activation: 'relu',
    });
    s = appendLayer([s], `cnn/pool${i + 1}`, { kind: 'maxpool2d', poolSize: 2 });
  });
  s = appendLayer([s], 'cnn/flatten', { kind: 'flatten' });
  p.dense.forEach(
    (units, i) => (s = appendLayer([s], `cnn/dense${i + 1}`, { kind: 'dense', units, activation: 'relu' })),
  );
  if (p.dropout > 0) s = appendLayer([s], 'cnn/dropout', { kind: 'dropout', rate: p.dropout });
  return withInit({ ...appendLayer([s], 'cnn/output', { kind: 'dense', units: 'auto' }), name: 'Small CNN' }, p);
}

export const cnnNode = defineNode({
  type: 'model.cnn',
  version: 1,
  title: 'Small CNN',
  category: 'Model',
  doc:
    'A small convolutional network for images: conv 3×3 + ReLU + 2×2 max-pool blocks, then a dense output layer sized from the ' +
    'dataset. Flat features of square length (e.g. 784) are viewed as a 1-channel image.',
  inputs: [],
  outputs: [{ name: 'model', type: { kind: 'ModelSpec' } }],
  params: cnnParams,
});
