import { z } from 'zod';
import { emptySpec } from '../../model/specOps';
import { defineNode } from '../NodeDefinition';

export const inputLayerParams = z.object({
  shape: z.string().default('').describe('Per-sample shape, e.g. `784` or `1,28,28`; empty = from the dataset'),
});

export function parseShape(s: string): number[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map(Number);
}

/** The first layer of a model drawn on the canvas; declaring a shape enables design-time shape checks. */
export const inputNode = defineNode({
  type: 'layer.input',
  version: 1,
  title: 'Input',
  category: 'Layers',
  doc: 'Starts a model. Declare the per-sample shape to check layer shapes before running; empty takes it from the dataset.',
  inputs: [],
  outputs: [{ name: 'model', type: { kind: 'ModelSpec' } }],
  params: inputLayerParams,
  inferOutputs: ({ params }) => {
    const shape = parseShape(params.shape);
    if (shape.some((d) => !Number.isInteger(d) || d < 1))
      return { error: `Input shape "${params.shape}" must be positive integers separated by commas` };
    return {
      outputs: {
        model: shape.length
          ? { kind: 'ModelSpec', inputShape: ['batch', ...shape], outputShape: ['batch', ...shape] }
          : { kind: 'ModelSpec' },
      },
    };
  },
});

export const inputSpec = (params: z.output<typeof inputLayerParams>): ReturnType<typeof emptySpec> =>
  emptySpec(parseShape(params.shape));
