import { describe, expect, it } from 'vitest';
import {
  binary,
  compare,
  concat,
  conv,
  expand,
  layerNormalization,
  leakyRelu,
  logSoftmax,
  matmul,
  pool,
  reduceMean,
  reduceSum,
  reshape,
  slice,
  softmax,
  split,
  transpose,
  unary,
  where,
  constBool,
  gather,
} from '../../../../../../core/common/model/graph/ops';
import type { DifferentiableOp } from '../../../../../../core/common/model/graph/rules/gradientRules';
import { gradientRules } from '../../../../../../core/common/model/graph/rules/gradientRules';
import type { GraphCase } from './ruleCheck';
import { checkGradients } from './ruleCheck';

interface RuleCase extends GraphCase {
  op: DifferentiableOp;
  name: string;
  /**
   * The element type onnxruntime runs the case in: float64, except where its CPU provider has
   * float kernels only (Erf, Conv, ConvTranspose, AveragePool, LayerNormalization).
   */
  dtype: 'float32' | 'float64';
}

const u = (op: 'Relu' | 'Sigmoid' | 'Tanh' | 'Exp' | 'Log' | 'Sqrt' | 'Neg' | 'Erf' | 'Abs'): RuleCase => ({
  op,
  name: op,
  dtype: op === 'Erf' ? 'float32' : 'float64',
  inputs: [{ shape: [2, 3], positive: op === 'Log' || op === 'Sqrt' }],
  build: (b, [x]) => unary(b, op, x),
});

const geom = (kernel: number[], strides: number[], dilations: number[], pads: number[]) => ({
  kernel,
  strides,
  dilations,
  pads,
});

const cases: RuleCase[] = [
  {
    op: 'Add',
    name: 'Add, broadcast [2,3] + [3]',
    dtype: 'float64',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    build: (b, [x, y]) => binary(b, 'Add', x, y),
  },
  {
    op: 'Sub',
    name: 'Sub, broadcast [2,3] − [2,1]',
    dtype: 'float64',
    inputs: [{ shape: [2, 3] }, { shape: [2, 1] }],
    build: (b, [x, y]) => binary(b, 'Sub', x, y),
  },
  {
    op: 'Mul',
    name: 'Mul, broadcast [2,3] · [1,3]',
    dtype: 'float64',
    inputs: [{ shape: [2, 3] }, { shape: [1, 3] }],
    build: (b, [x, y]) => binary(b, 'Mul', x, y),
  },
  {
    op: 'Div',
    name: 'Div, broadcast [2,3] / [3]',
    dtype: 'float64',
    inputs: [{ shape: [2, 3] }, { shape: [3], positive: true }],
    build: (b, [x, y]) => binary(b, 'Div', x, y),
  },
  u('Neg'),
  u('Relu'),
  {
    op: 'LeakyRelu',
    name: 'LeakyRelu α = 0.2',
    dtype: 'float64',
    inputs: [{ shape: [2, 3] }],
    build: (b, [x]) => leakyRelu(b, x, 0.2),
  },
  u('Sigmoid'),
  u('Tanh'),
  u('Exp'),
  u('Log'),
  u('Sqrt'),
  u('Abs'),
  u('Erf'),
  {
    op: 'MatMul',
    name: 'MatMul [2,2,3] × [3,4] (2-d weight: one Gemm for dW)',
    dtype: 'float64',
    inputs: [{ shape: [2, 2, 3] }, { shape: [3, 4] }],
    build: (b, [x, w]) => matmul(b, x, w),
  },
  {
    op: 'MatMul',
    name: 'MatMul batched [2,3,4] × [1,4,2]',
    dtype: 'float64',
    inputs: [{ shape: [2, 3, 4] }, { shape: [1, 4, 2] }],
    build: (b, [x, w]) => matmul(b, x, w),
  },
  {
    op: 'Transpose',
    name: 'Transpose perm [2,0,1]',
    dtype: 'float64',
    inputs: [{ shape: [2, 3, 2] }],
    build: (b, [x]) => transpose(b, x, [2, 0, 1]),
  },
  {
    op: 'Reshape',
    name: 'Reshape [2,3] → [3,2]',
    dtype: 'float64',
    inputs: [{ shape: [2, 3] }],
    build: (b, [x]) => reshape(b, x, [3, 2]),
  },
  {
    op: 'Expand',
    name: 'Expand [1,3] → [2,3]',
    dtype: 'float64',
    inputs: [{ shape: [1, 3] }, { shape: [2, 3], fixed: true }],
    build: (b, [x, like]) => expand(b, x, like),
  },
  {
    op: 'ReduceSum',
    name: 'ReduceSum axis 1',
    dtype: 'float64',
    inputs: [{ shape: [2, 3, 2] }],
    build: (b, [x]) => reduceSum(b, x, [1]),
  },
  {
    op: 'ReduceMean',
    name: 'ReduceMean axes 0, 2 keepdims',
    dtype: 'float64',
    inputs: [{ shape: [2, 3, 2] }],
    build: (b, [x]) => reduceMean(b, x, [0, 2], true),
  },
  {
    op: 'ReduceMax',
    name: 'ReduceMax axis 1 (sequence max pooling)',
    dtype: 'float64',
    inputs: [{ shape: [2, 4, 3] }],
    build: (b, [x]) => b.op('ReduceMax', [x], [2, 3], { axes: { ints: [1] }, keepdims: { i: 0 } }),
  },
  {
    op: 'Softmax',
    name: 'Softmax last axis',
    dtype: 'float64',
    inputs: [{ shape: [2, 4] }],
    build: (b, [x]) => softmax(b, x, -1),
  },
  {
    op: 'LayerNormalization',
    name: 'LayerNormalization last axis, γ and β broadcast over [2, 3]',
    dtype: 'float32',
    inputs: [{ shape: [2, 3, 5] }, { shape: [5] }, { shape: [5] }],
    build: (b, [x, g, beta]) => layerNormalization(b, x, g, beta, 1e-5),
  },
  {
    op: 'LogSoftmax',
    name: 'LogSoftmax axis 1',
    dtype: 'float64',
    inputs: [{ shape: [2, 4] }],
    build: (b, [x]) => logSoftmax(b, x, 1),
  },
  {
    op: 'Concat',
    name: 'Concat axis 1',
    dtype: 'float64',
    inputs: [{ shape: [2, 2] }, { shape: [2, 3] }],
    build: (b, [x, y]) => concat(b, [x, y], 1),
  },
  {
    op: 'Split',
    name: 'Split [2,5] into 2 + 3 along axis 1',
    dtype: 'float64',
    inputs: [{ shape: [2, 5] }],
    build: (b, [x]) => split(b, x, [2, 3], 1),
  },
  {
    op: 'Split',
    name: 'Split with an unused output (zeros fill its gradient)',
    dtype: 'float64',
    inputs: [{ shape: [2, 5] }],
    build: (b, [x]) => split(b, x, [3, 2], 1)[1],
  },
  {
    op: 'Slice',
    name: 'Slice rows 1–2, columns 0–2',
    dtype: 'float64',
    inputs: [{ shape: [3, 4] }],
    build: (b, [x]) => slice(b, x, [1, 0], [3, 3], [0, 1]),
  },
  {
    op: 'Gather',
    name: 'Gather rows of a table, repeated indices',
    dtype: 'float64',
    inputs: [{ shape: [5, 3] }],
    build: (b, [table]) => gather(b, table, b.constI64([4, 0, 2, 2]), 0),
  },
  {
    op: 'Where',
    name: 'Where(c, x, y) with y broadcast',
    dtype: 'float64',
    inputs: [{ shape: [2, 3] }, { shape: [3] }, { shape: [2, 3], fixed: true }],
    build: (b, [x, y, c]) => where(b, compare(b, 'Greater', c, b.constF(0)), x, y),
  },
  {
    op: 'Dropout',
    name: 'Dropout ratio 0.5, seeded (fresh session per evaluation)',
    dtype: 'float64',
    freshSession: true,
    inputs: [{ shape: [3, 4] }],
    build: (b, [x]) =>
      b.opN('Dropout', [x, b.constF(0.5), constBool(b, true)], [x.shape, x.shape], { seed: { i: 5 } }, [
        x.dtype,
        'bool',
      ])[0],
  },
  {
    op: 'Conv',
    name: 'Conv 3×3 valid, bias',
    dtype: 'float32',
    inputs: [{ shape: [2, 2, 5, 5] }, { shape: [3, 2, 3, 3] }, { shape: [3] }],
    build: (b, [x, w, bias]) => conv(b, x, w, bias, geom([3, 3], [1, 1], [1, 1], [0, 0, 0, 0])),
  },
  {
    op: 'Conv',
    name: 'Conv 3×3 stride 2 (uneven), same padding',
    dtype: 'float32',
    inputs: [{ shape: [1, 2, 7, 6] }, { shape: [2, 2, 3, 3] }, { shape: [2] }],
    build: (b, [x, w, bias]) => conv(b, x, w, bias, geom([3, 3], [2, 2], [1, 1], [1, 1, 1, 1])),
  },
  {
    op: 'Conv',
    name: 'Conv 3×2 dilation 2, padding 1, no bias',
    dtype: 'float32',
    inputs: [{ shape: [1, 1, 6, 7] }, { shape: [2, 1, 3, 2] }],
    build: (b, [x, w]) => conv(b, x, w, undefined, geom([3, 2], [1, 1], [2, 2], [1, 1, 1, 1])),
  },
  {
    op: 'MaxPool',
    name: 'MaxPool 2×2 tiled, floor-cropped 5×5 → 2×2',
    dtype: 'float64',
    inputs: [{ shape: [1, 2, 5, 5] }],
    build: (b, [x]) => pool(b, 'MaxPool', x, geom([2, 2], [2, 2], [1, 1], [0, 0, 0, 0])),
  },
  {
    op: 'MaxPool',
    name: 'MaxPool 3×3 stride 2, padded (overlapping windows)',
    dtype: 'float64',
    inputs: [{ shape: [1, 1, 6, 7] }],
    build: (b, [x]) => pool(b, 'MaxPool', x, geom([3, 3], [2, 2], [1, 1], [1, 1, 1, 1])),
  },
  {
    op: 'AveragePool',
    name: 'AveragePool 2×2 stride 2, same padding (count_include_pad 0)',
    dtype: 'float32',
    inputs: [{ shape: [1, 2, 5, 4] }],
    build: (b, [x]) => pool(b, 'AveragePool', x, geom([2, 2], [2, 2], [1, 1], [0, 0, 1, 0])),
  },
];

describe('every gradient rule against central finite differences', () => {
  it('has a case for every rule', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(gradientRules)));
  });

  for (const c of cases) {
    it(c.name, async () => {
      const res = await checkGradients(c);
      expect(res.dtype, 'element type that ran').toBe(c.dtype);
      expect(res.worst, `${res.dtype}, ${res.checked} elements, worst abs ${res.worstAbs}`).toBeLessThan(1);
    });
  }
});
