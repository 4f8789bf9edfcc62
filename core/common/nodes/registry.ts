import type { NodeRegistry } from './NodeDefinition';
import { csvNode } from './data/csvNode';
import { idxNode } from './data/idxNode';
import { splitNode } from './prep/splitNode';
import { imputeNode } from './prep/imputeNode';
import { minmaxNode } from './prep/minmaxNode';
import { onehotNode } from './prep/onehotNode';
import { ordinalNode } from './prep/ordinalNode';
import { selectNode } from './prep/selectNode';
import { shuffleNode } from './prep/shuffleNode';
import { standardizeNode } from './prep/standardizeNode';
import { evalClassification } from './eval/classification';
import { evalPredict } from './eval/predict';
import { evalRegression } from './eval/regression';
import { exportOnnxNode } from './export/onnx';
import { exportTfjsNode } from './export/tfjs';

/**
 * Every built-in node type, keyed by `type`. An explicit literal: a node exists in the palette,
 * the CLI and the engine exactly when it is listed here.
 */
export const builtinNodes = {
  'data.csv': csvNode,
  'data.idx': idxNode,
  'prep.split': splitNode,
  'prep.standardize': standardizeNode,
  'prep.minmax': minmaxNode,
  'prep.impute': imputeNode,
  'prep.onehot': onehotNode,
  'prep.ordinal': ordinalNode,
  'prep.select': selectNode,
  'prep.shuffle': shuffleNode,
  'eval.classification': evalClassification,
  'eval.regression': evalRegression,
  'eval.predict': evalPredict,
  'export.onnx': exportOnnxNode,
  'export.tfjs': exportTfjsNode,
} satisfies NodeRegistry;

export type BuiltinNodeType = keyof typeof builtinNodes;
