/** Small ONNX files for the model-node, serving and Triton tests, written to a temp folder. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeModelData, type ModelData } from '../../../../../core/common/model/onnx/encodeModel';

export function tempDir(prefix = 'weft-onnx-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function writeModel(dir: string, name: string, model: ModelData): string {
  const file = path.join(dir, name);
  writeFileSync(file, encodeModelData(model));
  return file;
}

const model = (graph: ModelData['graph'], metadata?: Record<string, string>): ModelData => ({
  irVersion: 8,
  opsets: [{ domain: '', version: 17 }],
  producerName: 'weft-test',
  graph,
  ...(metadata ? { metadata: Object.entries(metadata).map(([key, value]) => ({ key, value })) } : {}),
});

/** y = x·W + b with W [features × outputs] and b given; optional softmax. Hand-computable. */
export function linearModel(
  w: number[][],
  b: number[],
  opts: { softmax?: boolean; batch?: number | string; metadata?: Record<string, string> } = {},
): ModelData {
  const features = w.length;
  const outputs = b.length;
  const batch = opts.batch ?? 'N';
  return model(
    {
      name: 'linear',
      nodes: [
        { opType: 'Gemm', inputs: ['x', 'w', 'b'], outputs: [opts.softmax ? 'logits' : 'y'] },
        ...(opts.softmax ? [{ opType: 'Softmax', inputs: ['logits'], outputs: ['y'], attrs: { axis: { i: 1 } } }] : []),
      ],
      initializers: [
        { name: 'w', dtype: 'float32', dims: [features, outputs], data: Float32Array.from(w.flat()) },
        { name: 'b', dtype: 'float32', dims: [outputs], data: Float32Array.from(b) },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [batch, features] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [batch, outputs] }],
    },
    opts.metadata,
  );
}

/** Two inputs of other dtypes: `ids` int64 [N] → `twice` int64 [N] (ids + ids), `mask` bool [N, 2] → `notmask`. */
export function mixedModel(): ModelData {
  return model({
    name: 'mixed',
    initializers: [],
    nodes: [
      { opType: 'Add', inputs: ['ids', 'ids'], outputs: ['twice'] },
      { opType: 'Not', inputs: ['mask'], outputs: ['notmask'] },
    ],
    inputs: [
      { name: 'ids', dtype: 'int64', shape: ['N'] },
      { name: 'mask', dtype: 'bool', shape: ['N', 2] },
    ],
    outputs: [
      { name: 'twice', dtype: 'int64', shape: ['N'] },
      { name: 'notmask', dtype: 'bool', shape: ['N', 2] },
    ],
  });
}

/** Plain softmax, float64, as the oracle for classifier outputs. */
export function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, c) => a + c, 0);
  return e.map((v) => v / s);
}

/** x·W + b in float64. */
export function affine(x: number[], w: number[][], b: number[]): number[] {
  return b.map((bk, k) => x.reduce((s, xi, i) => s + xi * w[i][k], bk));
}

/** Deterministic uniform values in [−scale, scale) (mulberry32). */
export function seededValues(n: number, seed: number, scale: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  });
}

export interface MlpWeights {
  sizes: number[];
  /** Per layer: weights `[in × out]` row-major and biases `[out]`. */
  layers: { w: Float32Array; b: Float32Array }[];
}

/** An MLP (Gemm + ReLU between layers, softmax at the end) with seeded Glorot-uniform weights. */
export function mlpModel(sizes: number[], seed = 1): { model: ModelData; weights: MlpWeights } {
  const layers = sizes.slice(1).map((out, i) => {
    const inp = sizes[i];
    const limit = Math.sqrt(6 / (inp + out));
    return { w: seededValues(inp * out, seed * 100 + i, limit), b: seededValues(out, seed * 100 + 50 + i, 0.1) };
  });
  const nodes = layers.flatMap((_, i) => {
    const x = i === 0 ? 'x' : `h${i}`;
    const last = i === layers.length - 1;
    return last
      ? [
          { opType: 'Gemm', inputs: [x, `w${i}`, `b${i}`], outputs: ['logits'] },
          { opType: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], attrs: { axis: { i: 1 } } },
        ]
      : [
          { opType: 'Gemm', inputs: [x, `w${i}`, `b${i}`], outputs: [`z${i}`] },
          { opType: 'Relu', inputs: [`z${i}`], outputs: [`h${i + 1}`] },
        ];
  });
  return {
    model: model({
      name: 'mlp',
      nodes: nodes,
      initializers: layers.flatMap((l, i) => [
        { name: `w${i}`, dtype: 'float32', dims: [sizes[i], sizes[i + 1]], data: l.w },
        { name: `b${i}`, dtype: 'float32', dims: [sizes[i + 1]], data: l.b },
      ]),
      inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', sizes[0]] }],
      outputs: [{ name: 'probabilities', dtype: 'float32', shape: ['batch', sizes[sizes.length - 1]] }],
    }),
    weights: { sizes, layers },
  };
}
