import { z } from 'zod';
import type { ConvGeometry } from '../../model/graph/ops';
import { pool, spatialOut } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { fmt, pair, windowGeometry } from './layerOps';
import { paddingParam, pairSpec, windowPaddingSpec } from './layerParams';

const poolParams = z.object({
  poolSize: z.number().int().min(1).max(64).default(2).describe('Side of the square pooling window'),
  strides: z.number().int().min(0).max(64).default(0).describe('0 = the pool size'),
  padding: paddingParam,
});

/** A 2-D pooling layer over square windows of [channels, height, width] inputs. */
export function definePool2d<K extends 'maxpool2d' | 'avgpool2d'>(
  kind: K,
  title: string,
  doc: string,
  op: 'MaxPool' | 'AveragePool',
) {
  const spec = z.object({
    kind: z.literal(kind),
    poolSize: pairSpec,
    /** @default poolSize */
    strides: pairSpec.optional(),
    /** @default 'valid' */
    padding: windowPaddingSpec.optional(),
  });
  const geometry = (layer: z.output<typeof spec>, inShape: readonly number[]): ConvGeometry => {
    const k = pair(layer.poolSize, 2);
    return windowGeometry(
      inShape.slice(1),
      k,
      layer.strides === undefined ? k : pair(layer.strides, 1),
      [1, 1],
      layer.padding,
    );
  };
  return defineLayer({
    kind,
    title,
    doc,
    spec,
    params: poolParams,
    toLayer: (p) => ({ kind, poolSize: p.poolSize, strides: p.strides || p.poolSize, padding: p.padding }),
    infer: ({ layer, x, fail }) => {
      if (x.length !== 3) fail('[channels, height, width]');
      const g = geometry(layer, x);
      const out = spatialOut(x.slice(1), g);
      if (out.some((d) => d < 1)) fail(`an image at least as large as the pool window ${fmt([...g.kernel])}`);
      return { outShape: [x[0], ...out], params: [], buffers: [] };
    },
    tfjs: {
      ops: [op],
      convert: (n, c) => {
        const pads = n.ints('pads') ?? [0, 0, 0, 0];
        if (pads.some((q) => q !== 0) || n.int('ceil_mode', 0)) c.fail(`export.tfjs: padded ${op} is not supported`);
        const kernel = n.ints('kernel_shape');
        const config = {
          poolSize: kernel,
          strides: n.ints('strides') ?? kernel,
          padding: 'valid',
          dataFormat: 'channelsFirst',
        };
        return { layers: [{ className: op === 'MaxPool' ? 'MaxPooling2D' : 'AveragePooling2D', config }] };
      },
    },
    emit: ({ ctx, node, layer, x }) => pool(ctx.b, op, x, geometry(layer, node.inShapes[0])),
  });
}
