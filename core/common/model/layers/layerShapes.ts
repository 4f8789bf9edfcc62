import type { ConvGeometry } from '../graph/ops';
import { spatialOut } from '../graph/ops';
import type { BufferSpec, LayerSpec, Pair, ParamSpec } from '../ir';
import { ModelShapeError } from '../ir';

/** Per-sample shape inference and parameter shapes for one layer. */

export interface LayerShapes {
  outShape: number[];
  params: ParamSpec[];
  buffers: BufferSpec[];
}

const pair = (p: Pair | undefined, dflt: number): [number, number] =>
  p === undefined ? [dflt, dflt] : typeof p === 'number' ? [p, p] : [p[0], p[1]];

export const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** Explicit ONNX pads (begins, ends) for a 2-D window, `same` following TensorFlow's rule. */
export function windowGeometry(
  inSpatial: readonly number[],
  kernel: [number, number],
  strides: [number, number],
  dilation: [number, number],
  padding: 'valid' | 'same' | number | undefined,
): ConvGeometry {
  let pads = [0, 0, 0, 0];
  if (typeof padding === 'number') pads = [padding, padding, padding, padding];
  else if (padding === 'same') {
    const begin: number[] = [];
    const end: number[] = [];
    inSpatial.forEach((h, i) => {
      const eff = dilation[i] * (kernel[i] - 1) + 1;
      const total = Math.max((Math.ceil(h / strides[i]) - 1) * strides[i] + eff - h, 0);
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
    });
    pads = [...begin, ...end];
  }
  return { kernel, strides, dilations: dilation, pads };
}

export function convGeometry(layer: Extract<LayerSpec, { kind: 'conv2d' }>, inShape: readonly number[]): ConvGeometry {
  return windowGeometry(
    inShape.slice(1),
    pair(layer.kernelSize, 1),
    pair(layer.strides, 1),
    pair(layer.dilation, 1),
    layer.padding,
  );
}

export function poolGeometry(
  layer: Extract<LayerSpec, { kind: 'maxpool2d' | 'avgpool2d' }>,
  inShape: readonly number[],
): ConvGeometry {
  const k = pair(layer.poolSize, 2);
  return windowGeometry(
    inShape.slice(1),
    k,
    layer.strides === undefined ? k : pair(layer.strides, 1),
    [1, 1],
    layer.padding,
  );
}

const param = (
  name: string,
  shape: number[],
  init: ParamSpec['init'],
  fanIn = 0,
  fanOut = 0,
  limit?: number,
): ParamSpec => ({
  name,
  shape,
  init,
  fanIn,
  fanOut,
  ...(limit !== undefined ? { limit } : {}),
});

function imageShape(n: number): number[] | undefined {
  for (const c of [1, 3]) {
    const s = Math.round(Math.sqrt(n / c));
    if (s * s * c === n) return [c, s, s];
  }
  return undefined;
}

/** Parameters of a multi-head self-attention block over `[seq, d]`. */
function attentionParams(id: string, d: number, heads: number, keyDim: number): ParamSpec[] {
  const hk = heads * keyDim;
  return [
    param(`${id}/query`, [d, hk], 'glorot_uniform', d, hk),
    param(`${id}/query_bias`, [hk], 'zeros'),
    param(`${id}/key`, [d, hk], 'glorot_uniform', d, hk),
    param(`${id}/key_bias`, [hk], 'zeros'),
    param(`${id}/value`, [d, hk], 'glorot_uniform', d, hk),
    param(`${id}/value_bias`, [hk], 'zeros'),
    param(`${id}/out`, [hk, d], 'glorot_uniform', hk, d),
    param(`${id}/out_bias`, [d], 'zeros'),
  ];
}

/**
 * Output shape, parameters and buffers of one layer. Throws a ModelShapeError naming the layer,
 * the shape it got and the shape it needs.
 */
export function inferLayer(
  id: string,
  layer: LayerSpec,
  inShapes: readonly (readonly number[])[],
  outputUnits?: number,
): LayerShapes {
  const x = inShapes[0] ?? [];
  const fail = (need: string): never => {
    throw new ModelShapeError(
      `Layer "${id}" (${layer.kind}) got input ${inShapes.map(fmt).join(' and ')} but needs ${need}`,
      id,
    );
  };
  const none = { params: [] as ParamSpec[], buffers: [] as BufferSpec[] };
  switch (layer.kind) {
    case 'dense': {
      if (x.length < 1) fail('at least one axis [features]');
      const units = layer.units === 'auto' ? outputUnits : layer.units;
      if (!units)
        throw new ModelShapeError(`Layer "${id}" (dense) has units 'auto' but the output size is not known yet`, id);
      const f = x[x.length - 1];
      const params = [param(`${id}/kernel`, [f, units], 'glorot_uniform', f, units)];
      if (layer.useBias !== false) params.push(param(`${id}/bias`, [units], 'zeros'));
      return { outShape: [...x.slice(0, -1), units], params, buffers: [] };
    }
    case 'conv2d': {
      if (x.length !== 3) fail('[channels, height, width] (add a Reshape layer before it)');
      const g = convGeometry(layer, x);
      const out = spatialOut(x.slice(1), g);
      if (out.some((d) => d < 1)) fail(`a larger image for kernel ${fmt([...g.kernel])} (output would be ${fmt(out)})`);
      const [kh, kw] = g.kernel as [number, number];
      const c = x[0];
      const params = [
        param(`${id}/kernel`, [layer.filters, c, kh, kw], 'glorot_uniform', c * kh * kw, layer.filters * kh * kw),
      ];
      if (layer.useBias !== false) params.push(param(`${id}/bias`, [layer.filters], 'zeros'));
      return { outShape: [layer.filters, ...out], params, buffers: [] };
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      if (x.length !== 3) fail('[channels, height, width]');
      const g = poolGeometry(layer, x);
      const out = spatialOut(x.slice(1), g);
      if (out.some((d) => d < 1)) fail(`an image at least as large as the pool window ${fmt([...g.kernel])}`);
      return { outShape: [x[0], ...out], ...none };
    }
    case 'globalavgpool':
      if (x.length < 2) fail('[channels, ...spatial]');
      return { outShape: [x[0]], ...none };
    case 'flatten':
      return { outShape: [x.reduce((a, b) => a * b, 1)], ...none };
    case 'reshape': {
      const n = x.reduce((a, b) => a * b, 1);
      if (layer.shape === 'image') {
        if (x.length === 3) return { outShape: [...x], ...none };
        const s = imageShape(n);
        if (!s) fail('a square image: a length of c·s·s with c = 1 or 3');
        return { outShape: s!, ...none };
      }
      const known = layer.shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const out = layer.shape.map((d) => (d === -1 ? n / known : d));
      if (out.reduce((a, b) => a * b, 1) !== n || out.some((d) => !Number.isInteger(d) || d < 1)) {
        fail(`${n} elements to reshape to ${fmt([...layer.shape])}`);
      }
      return { outShape: out, ...none };
    }
    case 'dropout':
      if (!(layer.rate >= 0 && layer.rate < 1))
        throw new ModelShapeError(`Layer "${id}" (dropout): rate must be in [0, 1), got ${layer.rate}`, id);
      return { outShape: [...x], ...none };
    case 'activation':
      return { outShape: [...x], ...none };
    case 'batchnorm': {
      if (x.length < 1) fail('a channel axis');
      const c = x[0];
      return {
        outShape: [...x],
        params: [param(`${id}/gamma`, [c], 'ones'), param(`${id}/beta`, [c], 'zeros')],
        buffers: [
          { name: `${id}/moving_mean`, shape: [c], init: 'zeros' },
          { name: `${id}/moving_variance`, shape: [c], init: 'ones' },
        ],
      };
    }
    case 'layernorm': {
      const d = x[x.length - 1];
      return {
        outShape: [...x],
        params: [param(`${id}/gamma`, [d], 'ones'), param(`${id}/beta`, [d], 'zeros')],
        buffers: [],
      };
    }
    case 'add': {
      const y = inShapes[1];
      if (!y || fmt(x) !== fmt(y)) fail('two inputs of the same shape');
      return { outShape: [...x], ...none };
    }
    case 'concat': {
      const y = inShapes[1];
      const axis = layer.axis ?? -1;
      const a = axis < 0 ? axis + x.length : axis;
      if (!y || y.length !== x.length || a < 0 || a >= x.length || x.some((d, i) => i !== a && d !== y[i])) {
        fail(`two inputs equal on every axis but ${axis}`);
      }
      const out = [...x];
      out[a] = x[a] + y[a];
      return { outShape: out, ...none };
    }
    case 'embedding': {
      if (x.length !== 1) fail('[sequence] of token ids');
      return {
        outShape: [x[0], layer.dim],
        params: [param(`${id}/embeddings`, [layer.vocabSize, layer.dim], 'uniform', 0, 0, 0.05)],
        buffers: [],
      };
    }
    case 'lstm':
    case 'gru': {
      if (x.length !== 2) fail('[sequence, features]');
      const [s, f] = x as [number, number];
      const u = layer.units;
      const g = layer.kind === 'lstm' ? 4 : 3;
      const params = [
        param(`${id}/kernel`, [f, g * u], 'glorot_uniform', f, g * u),
        param(`${id}/recurrent_kernel`, [u, g * u], 'glorot_uniform', u, g * u),
        param(`${id}/bias`, [g * u], layer.kind === 'lstm' ? 'forget_bias' : 'zeros'),
      ];
      return { outShape: layer.returnSequences ? [s, u] : [u], params, buffers: [] };
    }
    case 'attention': {
      if (x.length !== 2) fail('[sequence, features]');
      const d = x[1];
      const keyDim = layer.keyDim ?? d / layer.heads;
      if (!Number.isInteger(keyDim)) fail(`a feature size divisible by ${layer.heads} heads`);
      return { outShape: [...x], params: attentionParams(id, d, layer.heads, keyDim), buffers: [] };
    }
    case 'transformer': {
      if (x.length !== 2) fail('[sequence, features]');
      const d = x[1];
      const keyDim = d / layer.heads;
      if (!Number.isInteger(keyDim)) fail(`a feature size divisible by ${layer.heads} heads`);
      const f = layer.ffDim;
      return {
        outShape: [...x],
        params: [
          ...attentionParams(`${id}/attn`, d, layer.heads, keyDim),
          param(`${id}/ln1/gamma`, [d], 'ones'),
          param(`${id}/ln1/beta`, [d], 'zeros'),
          param(`${id}/ff1/kernel`, [d, f], 'glorot_uniform', d, f),
          param(`${id}/ff1/bias`, [f], 'zeros'),
          param(`${id}/ff2/kernel`, [f, d], 'glorot_uniform', f, d),
          param(`${id}/ff2/bias`, [d], 'zeros'),
          param(`${id}/ln2/gamma`, [d], 'ones'),
          param(`${id}/ln2/beta`, [d], 'zeros'),
        ],
        buffers: [],
      };
    }
  }
}
