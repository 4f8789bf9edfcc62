import type { LayerSpec, ModelSpecValue, ResolvedModel, ResolvedNode } from './ir';
import { resolveSpec } from './resolveSpec';

/** Weights by IR parameter (and BatchNorm buffer) name, as in TrainedModelValue.weights. */
export type WeightMap = Record<string, Float32Array>;

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The kernels magnitude pruning acts on: those of the dense and conv2d layers (biases and norms stay dense). */
export function prunableParams(model: ResolvedModel): string[] {
  return model.nodes
    .filter((n) => n.layer.kind === 'dense' || n.layer.kind === 'conv2d')
    .map((n) => `${n.id}/kernel`)
    .filter((name) => model.params.some((p) => p.name === name));
}

/** Zeroes a mask at the `k` smallest |w| of `entries` (ties: the earlier entry goes first). */
function maskSmallest(abs: Float64Array, k: number, clear: (at: number) => void): void {
  if (k <= 0) return;
  const order = new Uint32Array(abs.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => abs[a] - abs[b] || a - b);
  for (let i = 0; i < k; i++) clear(order[i]);
}

/**
 * Magnitude pruning masks (1 keeps, 0 prunes) for the dense and conv2d kernels: `global` zeroes
 * the round(sparsity·N) smallest |w| over all of them together, `layer` round(sparsity·n) in each.
 */
export function magnitudeMasks(
  model: ResolvedModel,
  weights: WeightMap,
  sparsity: number,
  scope: 'global' | 'layer',
): WeightMap {
  if (!(sparsity >= 0 && sparsity < 1)) throw new RangeError(`sparsity must be in [0, 1), got ${sparsity}`);
  const names = prunableParams(model);
  const masks: WeightMap = {};
  for (const name of names) masks[name] = new Float32Array(weights[name].length).fill(1);
  if (scope === 'layer') {
    for (const name of names) {
      const w = weights[name];
      maskSmallest(Float64Array.from(w, Math.abs), Math.round(sparsity * w.length), (i) => (masks[name][i] = 0));
    }
    return masks;
  }
  const total = names.reduce((a, n) => a + weights[n].length, 0);
  const abs = new Float64Array(total);
  const owner: { name: string; start: number }[] = [];
  let at = 0;
  for (const name of names) {
    owner.push({ name, start: at });
    for (const v of weights[name]) abs[at++] = Math.abs(v);
  }
  maskSmallest(abs, Math.round(sparsity * total), (i) => {
    let o = owner.length - 1;
    while (owner[o].start > i) o--;
    masks[owner[o].name][i - owner[o].start] = 0;
  });
  return masks;
}

/**
 * The sparsity to prune to before fine-tuning epoch `epoch` (0-based) of `epochs`: the cubic ramp
 * of Zhu & Gupta (2017), s·(1 − (1 − t)³), reaching the target after the first half of the epochs
 * so that the rest recover at the final sparsity.
 */
export function gradualSparsity(target: number, epoch: number, epochs: number): number {
  const ramp = Math.max(1, Math.ceil(epochs / 2));
  if (epoch + 1 >= ramp) return target;
  return target * (1 - (1 - (epoch + 1) / ramp) ** 3);
}

/** One flat mask in `model.params` order: the given masks, ones for every other parameter. */
export function flatMask(model: ResolvedModel, masks: WeightMap): Float32Array {
  const out = new Float32Array(model.params.reduce((a, p) => a + numel(p.shape), 0)).fill(1);
  let at = 0;
  for (const p of model.params) {
    const m = masks[p.name];
    if (m) out.set(m, at);
    at += numel(p.shape);
  }
  return out;
}

/** The per-parameter masks cut out of a flat mask (only the names given). */
export function splitMask(model: ResolvedModel, flat: Float32Array, names: readonly string[]): WeightMap {
  const out: WeightMap = {};
  let at = 0;
  for (const p of model.params) {
    const n = numel(p.shape);
    if (names.includes(p.name)) out[p.name] = flat.slice(at, at + n);
    at += n;
  }
  return out;
}

/** A producer layer whose output units can be removed, and where its units go next. */
interface UnitChain {
  producer: ResolvedNode;
  /** BatchNorm layers between the producer and the consumer: their per-unit tensors shrink too. */
  norms: ResolvedNode[];
  consumer: ResolvedNode;
  /** Consumer kernel rows (dense) per producer unit: 1, or H·W after a flatten of conv channels. */
  rowsPerUnit: number;
}

const PASS_ANY = new Set(['dropout', 'batchnorm']);
const PASS_CONV = new Set(['maxpool2d', 'avgpool2d']);

function unitChain(model: ResolvedModel, producer: ResolvedNode): UnitChain | string {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const consumers = (id: string): ResolvedNode[] => model.nodes.filter((n) => n.inputs.includes(id));
  const conv = producer.layer.kind === 'conv2d';
  if ('activation' in producer.layer && producer.layer.activation === 'softmax') return 'its softmax mixes the units';
  const norms: ResolvedNode[] = [];
  let cur = producer.id;
  for (;;) {
    if (cur === model.output) return 'it feeds the model output';
    const next = consumers(cur);
    if (next.length !== 1) return `its output goes to ${next.length} layers`;
    const c = next[0];
    const k = c.layer.kind;
    if (k === 'activation' && c.layer.fn !== 'softmax') {
      cur = c.id;
      continue;
    }
    if (PASS_ANY.has(k) || (conv && PASS_CONV.has(k))) {
      if (k === 'batchnorm') norms.push(c);
      cur = c.id;
      continue;
    }
    if (k === 'dense' && !conv) return { producer, norms, consumer: c, rowsPerUnit: 1 };
    if (k === 'conv2d' && conv && c.inputs.length === 1) return { producer, norms, consumer: c, rowsPerUnit: 1 };
    if (conv && (k === 'flatten' || k === 'globalavgpool')) {
      const after = consumers(c.id);
      if (after.length !== 1 || after[0].layer.kind !== 'dense' || c.id === model.output)
        return `its ${k} does not feed one dense layer`;
      const rows = k === 'flatten' ? numel(c.inShapes[0]) / c.inShapes[0][0] : 1;
      return { producer, norms, consumer: byId.get(after[0].id)!, rowsPerUnit: rows };
    }
    return `a ${k} layer follows it`;
  }
}

/** Row-major gather of `data` (shape `shape`) keeping, on each axis, the listed indices (all when undefined). */
function gatherAxes(data: Float32Array, shape: readonly number[], keep: readonly (readonly number[] | undefined)[]) {
  const lists = shape.map((d, a) => keep[a] ?? Array.from({ length: d }, (_, i) => i));
  const outShape = lists.map((l) => l.length);
  const out = new Float32Array(numel(outShape));
  const strides = shape.map((_, a) => numel(shape.slice(a + 1)));
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let a = 0; a < shape.length; a++) src += lists[a][idx[a]] * strides[a];
    out[o] = data[src];
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < outShape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** L2 norm of each output unit's incoming weights: dense kernel columns, conv filters. */
function unitNorms(node: ResolvedNode, kernel: Float32Array): Float64Array {
  const shape = node.params.find((p) => p.name === `${node.id}/kernel`)!.shape;
  const conv = node.layer.kind === 'conv2d';
  const units = conv ? shape[0] : shape[shape.length - 1];
  const sq = new Float64Array(units);
  if (conv) {
    const per = kernel.length / units;
    for (let i = 0; i < kernel.length; i++) sq[Math.floor(i / per)] += kernel[i] * kernel[i];
  } else {
    for (let i = 0; i < kernel.length; i++) sq[i % units] += kernel[i] * kernel[i];
  }
  return sq.map(Math.sqrt);
}

/** What structured pruning did. */
export interface StructuredResult {
  model: ResolvedModel;
  weights: WeightMap;
  /** Removed unit indices (of the original layer) by layer id. */
  removed: Record<string, number[]>;
  /** Dense/conv2d layers left whole, with the reason. */
  skipped: Record<string, string>;
}

/** The model spec a resolved model came from (its layers, optionally changed by `layer`), with its input shape fixed. */
export function specOfResolved(
  model: ResolvedModel,
  layer: (n: ResolvedNode) => LayerSpec = (n) => n.layer,
): ModelSpecValue {
  return {
    format: 'weft.model',
    nodes: model.nodes.map((n) => ({ id: n.id, layer: layer(n), inputs: [...n.inputs] })),
    output: model.output,
    inputShape: [...model.inputShape],
    ...(model.init ? { init: model.init } : {}),
  };
}

function withUnits(layer: LayerSpec, units: number): LayerSpec {
  if (layer.kind === 'dense') return { ...layer, units };
  if (layer.kind === 'conv2d') return { ...layer, filters: units };
  return layer;
}

/**
 * Structured pruning: in every dense and conv2d layer whose units reach exactly one dense/conv2d
 * consumer (through activations, dropout, BatchNorm, pooling or a flatten), removes the
 * round(fraction·units) units with the smallest L2 norm of incoming weights (at least one stays),
 * with their bias, BatchNorm entries and the consumer's matching kernel rows or input channels.
 * The layers really shrink: the returned model is re-resolved with the new sizes.
 */
export function structuredPrune(model: ResolvedModel, weights: WeightMap, fraction: number): StructuredResult {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`sparsity must be in [0, 1), got ${fraction}`);
  const keep = new Map<string, (number[] | undefined)[]>();
  const axisKeep = (name: string, rank: number, axis: number, list: number[]): void => {
    const k = keep.get(name) ?? new Array<number[] | undefined>(rank).fill(undefined);
    k[axis] = list;
    keep.set(name, k);
  };
  const removed: Record<string, number[]> = {};
  const skipped: Record<string, string> = {};
  const newUnits = new Map<string, number>();
  const shapeOf = (name: string): number[] => {
    const p = model.params.find((q) => q.name === name) ?? model.buffers.find((q) => q.name === name);
    return p!.shape;
  };
  for (const node of model.nodes) {
    if (node.layer.kind !== 'dense' && node.layer.kind !== 'conv2d') continue;
    const chain = unitChain(model, node);
    if (typeof chain === 'string') {
      skipped[node.id] = chain;
      continue;
    }
    const norms = unitNorms(node, weights[`${node.id}/kernel`]);
    const units = norms.length;
    const k = Math.min(units - 1, Math.round(fraction * units));
    if (k <= 0) continue;
    const order = Array.from({ length: units }, (_, i) => i).sort((a, b) => norms[a] - norms[b] || a - b);
    const gone = order.slice(0, k).sort((a, b) => a - b);
    const kept = order.slice(k).sort((a, b) => a - b);
    removed[node.id] = gone;
    newUnits.set(node.id, kept.length);
    const conv = node.layer.kind === 'conv2d';
    const kShape = shapeOf(`${node.id}/kernel`);
    axisKeep(`${node.id}/kernel`, kShape.length, conv ? 0 : kShape.length - 1, kept);
    if (weights[`${node.id}/bias`]) axisKeep(`${node.id}/bias`, 1, 0, kept);
    for (const bn of chain.norms) {
      for (const p of [...bn.params, ...bn.buffers]) axisKeep(p.name, 1, 0, kept);
    }
    const cName = `${chain.consumer.id}/kernel`;
    const cShape = shapeOf(cName);
    const r = chain.rowsPerUnit;
    const rows = kept.flatMap((u) => Array.from({ length: r }, (_, i) => u * r + i));
    axisKeep(cName, cShape.length, chain.consumer.layer.kind === 'conv2d' ? 1 : cShape.length - 2, rows);
  }
  const spec = specOfResolved(model, (n) => (newUnits.has(n.id) ? withUnits(n.layer, newUnits.get(n.id)!) : n.layer));
  const shrunk = resolveSpec(spec, { featureShape: model.inputShape, outputUnits: numel(model.outputShape) });
  const out: WeightMap = {};
  for (const p of [...shrunk.params, ...shrunk.buffers]) {
    const k = keep.get(p.name);
    const data = k ? gatherAxes(weights[p.name], shapeOf(p.name), k) : Float32Array.from(weights[p.name]);
    if (data.length !== numel(p.shape))
      throw new Error(`structured pruning: ${p.name} has ${data.length} values for shape [${p.shape.join(', ')}]`);
    out[p.name] = data;
  }
  return { model: shrunk, weights: out, removed, skipped };
}
