import {
  absRule,
  erfRule,
  expRule,
  leakyReluRule,
  logRule,
  reluRule,
  sigmoidRule,
  sqrtRule,
  tanhRule,
} from './elementwise';
import { addRule, divRule, mulRule, negRule, subRule } from './arithmetic';
import { averagePoolRule } from './averagePool';
import { convRule } from './conv';
import { dropoutRule } from './dropout';
import { gatherRule } from './gather';
import { layerNormalizationRule } from './layerNormalization';
import { matMulRule } from './matMul';
import { maxPoolRule } from './maxPool';
import { reduceMaxRule, reduceMeanRule, reduceSumRule } from './reduce';
import type { Rule } from './Rule';
import { concatRule, expandRule, reshapeRule, sliceRule, splitRule, transposeRule } from './shape';
import { logSoftmaxRule, softmaxRule } from './softmax';
import { whereRule } from './where';

/**
 * The gradient rule of every ONNX op the forward graphs record on the tape. Each is the plain
 * vector-Jacobian product; faster forms for particular neighbourhoods are rewrites (../rewrites).
 * Every entry needs a finite-difference case in test/unit/core/common/model/graph/rules.test.ts.
 */
export const gradientRules = {
  Add: addRule,
  Sub: subRule,
  Mul: mulRule,
  Div: divRule,
  Neg: negRule,
  Relu: reluRule,
  LeakyRelu: leakyReluRule,
  Sigmoid: sigmoidRule,
  Tanh: tanhRule,
  Exp: expRule,
  Log: logRule,
  Sqrt: sqrtRule,
  Abs: absRule,
  Erf: erfRule,
  MatMul: matMulRule,
  Transpose: transposeRule,
  Reshape: reshapeRule,
  Expand: expandRule,
  ReduceSum: reduceSumRule,
  ReduceMean: reduceMeanRule,
  ReduceMax: reduceMaxRule,
  Softmax: softmaxRule,
  LayerNormalization: layerNormalizationRule,
  LogSoftmax: logSoftmaxRule,
  Concat: concatRule,
  Split: splitRule,
  Slice: sliceRule,
  Gather: gatherRule,
  Where: whereRule,
  Dropout: dropoutRule,
  Conv: convRule,
  MaxPool: maxPoolRule,
  AveragePool: averagePoolRule,
} as const satisfies Record<string, Rule>;

/** An op type with a gradient rule. */
export type DifferentiableOp = keyof typeof gradientRules;
