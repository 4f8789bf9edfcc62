/** Small ONNX files for the model-node, serving and Triton tests, written to a temp folder. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeModel, onnx, OnnxDataType, type OnnxModel } from '../../../../../core/node/export/onnxProto';

export function tempDir(prefix = 'weft-onnx-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function writeModel(dir: string, name: string, model: OnnxModel): string {
  const file = path.join(dir, name);
  writeFileSync(file, encodeModel(model));
  return file;
}

const model = (graph: OnnxModel['graph'], metadata?: Record<string, string>): OnnxModel => ({
  ir_version: 8,
  opset_import: [{ domain: '', version: 17 }],
  producer_name: 'weft-test',
  graph,
  ...(metadata ? { metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })) } : {}),
});

/** y = x·W + b with W [features × outputs] and b given; optional softmax. Hand-computable. */
export function linearModel(
  w: number[][],
  b: number[],
  opts: { softmax?: boolean; batch?: number | string; metadata?: Record<string, string> } = {},
): OnnxModel {
  const features = w.length;
  const outputs = b.length;
  const batch = opts.batch ?? 'N';
  return model(
    {
      name: 'linear',
      node: [
        onnx.node('Gemm', ['x', 'w', 'b'], [opts.softmax ? 'logits' : 'y']),
        ...(opts.softmax ? [onnx.node('Softmax', ['logits'], ['y'], [onnx.int('axis', 1)])] : []),
      ],
      initializer: [
        onnx.tensor('w', [features, outputs], Float32Array.from(w.flat())),
        onnx.tensor('b', [outputs], Float32Array.from(b)),
      ],
      input: [onnx.valueInfo('x', OnnxDataType.FLOAT, [batch, features])],
      output: [onnx.valueInfo('y', OnnxDataType.FLOAT, [batch, outputs])],
    },
    opts.metadata,
  );
}

/** Two inputs of other dtypes: `ids` int64 [N] → `twice` int64 [N] (ids + ids), `mask` bool [N, 2] → `notmask`. */
export function mixedModel(): OnnxModel {
  return model({
    name: 'mixed',
    node: [onnx.node('Add', ['ids', 'ids'], ['twice']), onnx.node('Not', ['mask'], ['notmask'])],
    input: [onnx.valueInfo('ids', OnnxDataType.INT64, ['N']), onnx.valueInfo('mask', OnnxDataType.BOOL, ['N', 2])],
    output: [
      onnx.valueInfo('twice', OnnxDataType.INT64, ['N']),
      onnx.valueInfo('notmask', OnnxDataType.BOOL, ['N', 2]),
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
export function mlpModel(sizes: number[], seed = 1): { model: OnnxModel; weights: MlpWeights } {
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
          onnx.node('Gemm', [x, `w${i}`, `b${i}`], ['logits']),
          onnx.node('Softmax', ['logits'], ['probabilities'], [onnx.int('axis', 1)]),
        ]
      : [onnx.node('Gemm', [x, `w${i}`, `b${i}`], [`z${i}`]), onnx.node('Relu', [`z${i}`], [`h${i + 1}`])];
  });
  return {
    model: model({
      name: 'mlp',
      node: nodes,
      initializer: layers.flatMap((l, i) => [
        onnx.tensor(`w${i}`, [sizes[i], sizes[i + 1]], l.w),
        onnx.tensor(`b${i}`, [sizes[i + 1]], l.b),
      ]),
      input: [onnx.valueInfo('x', OnnxDataType.FLOAT, ['batch', sizes[0]])],
      output: [onnx.valueInfo('probabilities', OnnxDataType.FLOAT, ['batch', sizes[sizes.length - 1]])],
    }),
    weights: { sizes, layers },
  };
}
