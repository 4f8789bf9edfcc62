import type { z } from 'zod';
import type { LayerSpec } from '../../model/ir';
import { inferLayerPort } from '../../model/specOps';
import type { NodeDefinition } from '../NodeDefinition';
import { defineNode } from '../NodeDefinition';

export type LayerNodeDefinition<S extends z.ZodType> = NodeDefinition<S> & {
  /** The IR layer these params describe; the executor appends it to the incoming spec. */
  toLayer(params: z.output<S>): LayerSpec;
  /** Two model inputs (`a`, `b`) instead of one (`in`). */
  binary: boolean;
};

/**
 * A canvas layer node: ModelSpec in (`in`, or `a` and `b` for merges), ModelSpec out (`model`).
 * An unconnected `in` means the layer reads the model input.
 */
export function defineLayerNode<S extends z.ZodType>(o: {
  kind: string;
  title: string;
  doc: string;
  params: S;
  toLayer(params: z.output<S>): LayerSpec;
  binary?: boolean;
}): LayerNodeDefinition<S> {
  const binary = o.binary ?? false;
  const inputs = binary
    ? [
        { name: 'a', type: { kind: 'ModelSpec' as const } },
        { name: 'b', type: { kind: 'ModelSpec' as const } },
      ]
    : [
        {
          name: 'in',
          type: { kind: 'ModelSpec' as const },
          optional: true,
          doc: 'Previous layer; unconnected = the model input',
        },
      ];
  const def = defineNode({
    type: `layer.${o.kind}`,
    version: 1,
    title: o.title,
    category: 'Layers',
    doc: o.doc,
    inputs,
    outputs: [{ name: 'model', type: { kind: 'ModelSpec' } }],
    params: o.params,
    inferOutputs: ({ params, inputs: types }) =>
      inferLayerPort(o.title, o.toLayer(params), binary ? [types.a, types.b] : [types.in]),
  });
  return { ...def, toLayer: o.toLayer, binary };
}
