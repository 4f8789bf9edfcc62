import { z } from 'zod';
import { reshape } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';

export const flattenNode = defineLayer({
  kind: 'flatten',
  title: 'Flatten',
  doc: 'Flattens each sample to one axis.',
  spec: z.object({ kind: z.literal('flatten') }),
  params: z.object({}),
  toLayer: () => ({ kind: 'flatten' }),
  infer: ({ x }) => ({ outShape: [x.reduce((a, b) => a * b, 1)], params: [], buffers: [] }),
  tfjs: {
    ops: ['Reshape', 'Flatten'],
    convert: (n, c) => {
      if (n.opType === 'Reshape' && (c.constDims(n.inputs[1])?.[0] ?? 0) !== 2)
        c.fail('export.tfjs: only a Reshape to [batch, features] is supported');
      return { layers: [{ className: 'Flatten', config: {} }] };
    },
  },
  emit: ({ ctx, node, x }) => reshape(ctx.b, x, ['batch', ...node.outShape]),
});
