import { seededRandom as rng } from '../nodes/prep/random';
import type { ModelInit, ParamSpec, ResolvedModel } from './ir';

/** Flat parameter values in the order of `ResolvedModel.params`. */
export interface ParamValues {
  names: string[];
  shapes: number[][];
  values: Float32Array[];
}

/** FNV-1a of a string, mixed with the seed, so each parameter draws from its own stream. */
function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A parameter's init under the model's `init` choice: Glorot-uniform kernels become the chosen
 * scheme, zero biases of a layer with a kernel become U(±1/√fanIn) when `bias` is `uniform`.
 */
function withModelInit(p: ParamSpec, kernelFanIn: Map<string, number>, init?: ModelInit): ParamSpec {
  if (!init) return p;
  if (p.init === 'glorot_uniform' && init.weights === 'he_uniform') return { ...p, init: 'he_uniform' };
  if (p.init === 'glorot_uniform' && init.weights === 'pytorch_default')
    return { ...p, init: 'uniform', limit: 1 / Math.sqrt(p.fanIn) };
  const layer = p.name.slice(0, p.name.lastIndexOf('/'));
  const fanIn = kernelFanIn.get(layer);
  if (p.init === 'zeros' && init.bias === 'uniform' && p.name.endsWith('/bias') && fanIn)
    return { ...p, init: 'uniform', limit: 1 / Math.sqrt(fanIn) };
  return p;
}

function initOne(p: ParamSpec, seed: number): Float32Array {
  const n = p.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const r = rng(streamSeed(seed, p.name));
  const uniform = (limit: number): void => {
    for (let i = 0; i < n; i++) out[i] = (2 * r() - 1) * limit;
  };
  switch (p.init) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'glorot_uniform':
      uniform(Math.sqrt(6 / (p.fanIn + p.fanOut)));
      break;
    case 'he_uniform':
      uniform(Math.sqrt(6 / p.fanIn));
      break;
    case 'uniform':
      uniform(p.limit ?? 0.05);
      break;
    case 'given':
      if (p.values?.length !== n) throw new Error(`parameter ${p.name}: expected ${n} starting values`);
      out.set(p.values);
      break;
    case 'forget_bias': {
      const u = n / 4;
      out.fill(1, u, 2 * u);
      break;
    }
  }
  return out;
}

/**
 * Deterministic initial weights, Keras defaults unless the model chooses another `init` (ModelInit): Glorot-uniform kernels (Dense, Conv2D, LSTM/GRU,
 * attention; fan-in/out include the receptive field), zero biases, LSTM forget-gate bias 1,
 * embeddings U(−0.05, 0.05), normalisation gamma 1 and beta 0. Same seed ⇒ same values; each
 * parameter has its own random stream keyed by its name, so adding a layer leaves the others alone.
 */
export function initParams(model: ResolvedModel, seed: number): ParamValues {
  const kernelFanIn = new Map<string, number>();
  for (const p of model.params)
    if (p.name.endsWith('/kernel') && p.fanIn > 0) kernelFanIn.set(p.name.slice(0, p.name.lastIndexOf('/')), p.fanIn);
  return {
    names: model.params.map((p) => p.name),
    shapes: model.params.map((p) => [...p.shape]),
    values: model.params.map((p) => initOne(withModelInit(p, kernelFanIn, model.init), seed)),
  };
}

/** Initial BatchNorm running statistics, in the order of `ResolvedModel.buffers`. */
export function initBuffers(model: ResolvedModel): Float32Array {
  const total = model.buffers.reduce((a, b) => a + b.shape.reduce((x, y) => x * y, 1), 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const b of model.buffers) {
    const n = b.shape.reduce((x, y) => x * y, 1);
    if (b.init === 'ones') out.fill(1, at, at + n);
    at += n;
  }
  return out;
}

/** Packs per-parameter arrays into one flat vector (the training graph's `params` input). */
export function packParams(values: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(values.reduce((a, v) => a + v.length, 0));
  let at = 0;
  for (const v of values) {
    out.set(v, at);
    at += v.length;
  }
  return out;
}

/** Splits a flat vector back into per-parameter arrays (copies). */
export function unpackParams(model: ResolvedModel, flat: Float32Array): Float32Array[] {
  let at = 0;
  return model.params.map((p) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const v = flat.slice(at, at + n);
    at += n;
    return v;
  });
}
