import { z } from 'zod';
import type { ConvGeometry } from '../../model/graph/ops';
import { conv, spatialOut } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { activation, fmt, pair, windowGeometry } from './layerOps';
import { biasParam, initFields, initParamShape, initSpecShape, kernelParam } from './layerInit';
import { activationFn, activationParam, paddingParam, pairSpec, windowPaddingSpec } from './layerParams';
import type { TfjsLayerDesc } from './tfjsExport';

/** OIHW (ONNX) → HWIO (TF.js) convolution kernel. */
function oihwToHwio(w: Float32Array, [o, i, h, k]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < k; x++) out[((y * k + x) * i + b) * o + a] = w[((a * i + b) * h + y) * k + x];
  return out;
}

const conv2dSpec = z.object({
  kind: z.literal('conv2d'),
  filters: z.number().int().min(1),
  kernelSize: pairSpec,
  /** @default 1 */
  strides: pairSpec.optional(),
  /** `valid` (no padding), `same` (Keras rule), or explicit symmetric padding. @default 'valid' */
  padding: windowPaddingSpec.optional(),
  /** @default 1 */
  dilation: pairSpec.optional(),
  activation: activationFn.optional(),
  /** @default true */
  useBias: z.boolean().optional(),
  ...initSpecShape,
});

function convGeometry(layer: z.output<typeof conv2dSpec>, inShape: readonly number[]): ConvGeometry {
  return windowGeometry(
    inShape.slice(1),
    pair(layer.kernelSize, 1),
    pair(layer.strides, 1),
    pair(layer.dilation, 1),
    layer.padding,
  );
}

export const conv2dNode = defineLayer({
  kind: 'conv2d',
  title: 'Conv2D',
  doc: '2-D convolution over [channels, height, width] inputs with square kernels, stride, padding and dilation.',
  spec: conv2dSpec,
  params: z.object({
    filters: z.number().int().min(1).max(65_536).default(16).describe('Output channels (one learned kernel each)'),
    kernelSize: z.number().int().min(1).max(64).default(3).describe('Side of the square kernel'),
    strides: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe('Step between kernel positions; 2 halves the height and width'),
    padding: paddingParam,
    dilation: z.number().int().min(1).max(64).default(1).describe('Spacing between kernel taps; 1 = a dense kernel'),
    activation: activationParam,
    useBias: z.boolean().default(true).describe('Add a learned bias to each output channel'),
    ...initParamShape,
  }),
  toLayer: (p) => ({
    kind: 'conv2d',
    filters: p.filters,
    kernelSize: p.kernelSize,
    strides: p.strides,
    padding: p.padding,
    dilation: p.dilation,
    activation: p.activation,
    useBias: p.useBias,
    ...initFields(p),
  }),
  infer: ({ id, layer, x, fail }) => {
    if (x.length !== 3) fail('[channels, height, width] (add a Reshape layer before it)');
    const g = convGeometry(layer, x);
    const out = spatialOut(x.slice(1), g);
    if (out.some((d) => d < 1)) fail(`a larger image for kernel ${fmt([...g.kernel])} (output would be ${fmt(out)})`);
    const [kh, kw] = g.kernel as [number, number];
    const c = x[0];
    const params = [
      kernelParam(`${id}/kernel`, [layer.filters, c, kh, kw], c * kh * kw, layer.filters * kh * kw, layer.init),
    ];
    if (layer.useBias !== false) params.push(biasParam(`${id}/bias`, [layer.filters], c * kh * kw, layer.biasInit));
    return { outShape: [layer.filters, ...out], params, buffers: [] };
  },
  tfjs: {
    ops: ['Conv'],
    convert: (n, c) => {
      const w = c.weight(n.inputs[1]);
      const [o, i, kh, kw] = w.dims as [number, number, number, number];
      if (n.int('group', 1) !== 1) c.fail('export.tfjs: grouped convolutions are not supported');
      const layers: TfjsLayerDesc[] = [];
      const pads = n.ints('pads') ?? [0, 0, 0, 0];
      if (pads.some((q) => q !== 0)) {
        if (pads[0] !== pads[2] || pads[1] !== pads[3]) c.fail('export.tfjs: asymmetric Conv padding is not supported');
        layers.push({
          className: 'ZeroPadding2D',
          config: { padding: [pads[0], pads[1]], dataFormat: 'channelsFirst' },
        });
      }
      const bias = n.inputs[2] ? c.weight(n.inputs[2]).data : undefined;
      layers.push({
        className: 'Conv2D',
        config: {
          filters: o,
          kernelSize: [kh, kw],
          strides: n.ints('strides') ?? [1, 1],
          dilationRate: n.ints('dilations') ?? [1, 1],
          padding: 'valid',
          dataFormat: 'channelsFirst',
          useBias: Boolean(bias),
        },
        weights: [
          { values: oihwToHwio(w.data, w.dims), shape: [kh, kw, i, o] },
          ...(bias ? [{ values: bias, shape: [bias.length] }] : []),
        ],
      });
      return { layers };
    },
  },
  emit: ({ ctx, node, layer, x, p }) => {
    const hasBias = node.params.some((q) => q.name === `${node.id}/bias`);
    const y = conv(ctx.b, x, p('kernel'), hasBias ? p('bias') : undefined, convGeometry(layer, node.inShapes[0]));
    return activation(ctx.b, y, layer.activation);
  },
});
