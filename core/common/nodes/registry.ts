import type { NodeRegistry } from './NodeDefinition';
import { csvNode } from './data/csvNode';
import { splitNode } from './prep/splitNode';
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
  'prep.split': splitNode,
  'eval.classification': evalClassification,
  'eval.regression': evalRegression,
  'eval.predict': evalPredict,
  'export.onnx': exportOnnxNode,
  'export.tfjs': exportTfjsNode,
} satisfies NodeRegistry;

export type BuiltinNodeType = keyof typeof builtinNodes;
