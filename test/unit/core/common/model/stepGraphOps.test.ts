import { describe, expect, it } from 'vitest';
import { benchSpecs, benchStepHistogram } from './stepGraphOps';

/**
 * The training-step graphs of the training bench (MLP 784-128-64-10, small CNN; Adam,
 * cross-entropy) with every rewrite on, recorded before the autodiff became a rule table plus
 * rewrite passes: the refactor must emit the same ops (the orchestrator times the bench).
 * Since then the CNN's second convolution (144 taps over 11×11 positions) also takes its dW from
 * shifted views in one Gemm (convTapsDw's per-sample limit): one Conv fewer, 9 views, 20 nodes more.
 */
const recorded = {
  mlp: {
    nodes: 80,
    ops: {
      Add: 6,
      ArgMax: 1,
      Cast: 3,
      Concat: 1,
      Div: 5,
      Equal: 1,
      Exp: 1,
      Expand: 2,
      Gemm: 3,
      Greater: 2,
      LogSoftmax: 1,
      MatMul: 5,
      Mul: 9,
      Neg: 2,
      OneHot: 1,
      ReduceMean: 1,
      ReduceSum: 6,
      Relu: 2,
      Reshape: 12,
      Shape: 2,
      Size: 1,
      Slice: 6,
      Sqrt: 1,
      Sub: 2,
      Transpose: 2,
      Where: 2,
    },
  },
  cnn: {
    nodes: 185,
    ops: {
      Add: 4,
      And: 6,
      ArgMax: 1,
      Cast: 3,
      Concat: 9,
      Conv: 2,
      ConvTranspose: 1,
      Div: 5,
      Equal: 7,
      Exp: 1,
      Expand: 2,
      Gemm: 3,
      LessOrEqual: 2,
      LogSoftmax: 1,
      MatMul: 2,
      MaxPool: 2,
      Mul: 9,
      Neg: 2,
      Not: 8,
      OneHot: 1,
      Or: 6,
      Pad: 1,
      ReduceMean: 1,
      ReduceSum: 6,
      Relu: 2,
      Reshape: 49,
      Shape: 2,
      Size: 1,
      Slice: 30,
      Sqrt: 1,
      Sub: 2,
      Transpose: 5,
      Where: 8,
    },
  },
};

describe('training-step graphs of the bench models', () => {
  for (const name of ['mlp', 'cnn'] as const) {
    it(`${name}: same op histogram as recorded`, () => {
      expect(benchStepHistogram(benchSpecs[name])).toEqual(recorded[name]);
    });
  }
});
