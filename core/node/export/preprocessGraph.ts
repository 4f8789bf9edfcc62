/**
 * Puts a Dataset's fitted preprocessing in front of a trained model's inference graph, so the
 * exported ONNX takes raw feature rows. The preprocessing is emitted by the fitted transforms'
 * own modules (core/common/transforms) through the GraphBuilder, in float64, then cast to float32.
 */
import type { TrainedModelValue } from '../../common';
import { GraphBuilder } from '../../common/model/graph/GraphBuilder';
import {
  DOMAIN_OPSETS,
  ML_OPSET,
  type GraphData,
  type ModelData,
  type NodeData,
} from '../../common/model/onnx/encodeModel';
import { DataError } from '../../common/nodes/prep/DataError';
import {
  emitFeatures,
  externalStep,
  featuresInGraph,
  isCategorical,
  type RawInputs,
} from '../../common/transforms/features';
import { UserError } from '../executors/Executor';

/** Input and output names of every exported model. */
export const EXPORT_NAMES = {
  numeric: 'numeric',
  categorical: 'categorical',
  tensor: 'input',
  tokens: 'token_ids',
  probabilities: 'probabilities',
  label: 'label',
  labelName: 'label_name',
  predictions: 'predictions',
} as const;

/** How an exported model is fed and what it returns; stored as JSON in metadata_props `weft.io`. */
export interface ExportLayout {
  inputs: {
    name: string;
    dtype: 'float64' | 'string' | 'float32' | 'int64';
    shape: (number | string)[];
    columns?: string[];
    /** For an `int64` token input: how to compute the ids from the column's text (also in metadata_props `weft.tokenizer`). */
    tokenizer?: Record<string, unknown>;
  }[];
  outputs: { name: string; dtype: 'float32' | 'int64' | 'string'; shape: (number | string)[] }[];
  /** How missing values are written. */
  missing?: string;
  /**
   * Set when a fitted step cannot be expressed in ONNX (prep.tfidf with a custom token pattern): the model
   * takes the feature vector, and the steps (vocabulary, idf) are in the model card's `transforms`.
   */
  preprocessing?: string;
}

const OUTSIDE_GRAPH =
  "outside the graph: the input is the feature vector that the model card's transforms (weft.model_card) produce " +
  'from raw columns, e.g. the TF-IDF vocabulary, idf and options of prep.tfidf with a custom token pattern';

const INTERNAL_INPUT = 'weft_pre_features';
const CLASS_NAMES_CONST = 'weft_class_names';

function renameValue(g: GraphData, from: string, to: string): GraphData {
  if (from === to) return g;
  const r = (v: string): string => (v === from ? to : v);
  const named = <V extends { name: string }>(list: readonly V[]): V[] =>
    list.map((v) => (v.name === from ? { ...v, name: to } : v));
  return {
    ...g,
    nodes: g.nodes.map((n) => ({ ...n, inputs: n.inputs.map(r), outputs: n.outputs.map(r) })),
    inputs: named(g.inputs),
    outputs: named(g.outputs),
    initializers: named(g.initializers),
    ...(g.valueInfo ? { valueInfo: named(g.valueInfo) } : {}),
  };
}

function valueNames(g: GraphData): Set<string> {
  const names = new Set<string>();
  for (const n of g.nodes) for (const v of [...n.inputs, ...n.outputs]) names.add(v);
  for (const v of [...g.inputs, ...g.outputs, ...g.initializers, ...(g.valueInfo ?? [])]) names.add(v.name);
  return names;
}

/**
 * Prepends raw-row preprocessing: inputs `numeric` (float64 `[N, numeric columns]`, NaN = missing)
 * and `categorical` (string `[N, categorical columns]`, `""` = missing), in `rawFeatures` order
 * within each. Returns the graph fed by them and the layout of the new inputs.
 */
function buildTabular(g: GraphData, model: TrainedModelValue): { graph: GraphData; inputs: ExportLayout['inputs'] } {
  const raw = model.rawFeatures ?? [];
  const external = raw.flatMap((f) => {
    const step = externalStep(f.name, model.transforms);
    return step ? [{ column: f.name, ...step }] : [];
  });
  const inGraph = raw.filter((f) => !external.some((e) => e.column === f.name));
  const numericCols = inGraph.filter((f) => !isCategorical(f));
  const catCols = inGraph.filter(isCategorical);
  const b = new GraphBuilder('float64');
  b.reserve(valueNames(g));
  const feeds: RawInputs = {};
  if (numericCols.length) feeds.numeric = b.input(EXPORT_NAMES.numeric, ['batch', numericCols.length], 'float64');
  if (catCols.length) feeds.categorical = b.input(EXPORT_NAMES.categorical, ['batch', catCols.length], 'string');
  const tokenInputs = external.map((e, k) => ({
    ...e,
    name: external.length === 1 ? EXPORT_NAMES.tokens : `${EXPORT_NAMES.tokens}_${k}`,
  }));
  if (tokenInputs.length)
    feeds.external = Object.fromEntries(
      tokenInputs.map((e) => [e.column, b.input(e.name, ['batch', e.width], 'int64')]),
    );
  let x;
  try {
    x = emitFeatures(b, raw, model.transforms, feeds);
  } catch (e) {
    if (e instanceof DataError) throw new UserError(`export: ${e.message}`);
    throw e;
  }
  const width = x.shape[1] as number;
  const rowSize = model.featureShape.reduce((a, c) => a * c, 1);
  if (width !== rowSize) {
    throw new UserError(
      `export: the raw columns and transforms give ${width} features but the model takes ${rowSize}; the model's preprocessing record does not match its input`,
    );
  }
  let features = b.op('Cast', [x], x.shape, { to: { i: 1 } }, 'float32');
  if (model.featureShape.length > 1)
    features = b.op('Reshape', [features, b.constI64([-1, ...model.featureShape])], ['batch', ...model.featureShape]);
  b.output(features);
  const pre = b.graph('preprocess');
  const feed: NodeData = {
    opType: 'Identity',
    inputs: [features.name],
    outputs: [INTERNAL_INPUT],
    name: INTERNAL_INPUT,
  };
  const inputs: ExportLayout['inputs'] = [];
  if (numericCols.length)
    inputs.push({
      name: EXPORT_NAMES.numeric,
      dtype: 'float64',
      shape: ['N', numericCols.length],
      columns: numericCols.map((f) => f.name),
    });
  if (catCols.length)
    inputs.push({
      name: EXPORT_NAMES.categorical,
      dtype: 'string',
      shape: ['N', catCols.length],
      columns: catCols.map((f) => f.name),
    });
  for (const e of tokenInputs)
    inputs.push({ name: e.name, dtype: 'int64', shape: ['N', e.width], columns: [e.column], tokenizer: e.card });
  return {
    graph: {
      ...g,
      nodes: [...pre.nodes.map((n) => ({ ...n, name: `weft_pre_${n.outputs[0]}` })), feed, ...g.nodes],
      initializers: [...pre.initializers, ...g.initializers],
      inputs: [
        ...inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
        ...g.inputs.filter((v) => v.name !== INTERNAL_INPUT),
      ],
    },
    inputs,
  };
}

/**
 * Builds the exportable model: raw inputs (or the plain tensor input for non-tabular data), the
 * trained graph, and outputs `probabilities` + `label` (ArgMax) + `label_name` (the class name,
 * a Gather from a constant string tensor, so any runtime gets names without reading metadata)
 * for classifiers, or `predictions`.
 */
export function buildExportModel(
  model: TrainedModelValue,
  decoded: ModelData,
): { model: ModelData; layout: ExportLayout } {
  let g = decoded.graph;
  const outName = model.task === 'classification' ? EXPORT_NAMES.probabilities : EXPORT_NAMES.predictions;
  if (!g.inputs.some((v) => v.name === model.inputName))
    throw new UserError(`export: the model graph has no input named ${model.inputName}`);
  if (!g.outputs.some((v) => v.name === model.outputName))
    throw new UserError(`export: the model graph has no output named ${model.outputName}`);
  g = renameValue(renameValue(g, model.inputName, INTERNAL_INPUT), model.outputName, outName);
  const tabular = (model.rawFeatures?.length ?? 0) > 0 && featuresInGraph(model.transforms);
  let inputs: ExportLayout['inputs'];
  if (tabular) ({ graph: g, inputs } = buildTabular(g, model));
  else {
    g = renameValue(g, INTERNAL_INPUT, EXPORT_NAMES.tensor);
    inputs = [{ name: EXPORT_NAMES.tensor, dtype: 'float32', shape: ['N', ...model.featureShape] }];
  }
  const width = model.task === 'classification' ? (model.classNames?.length ?? 'K') : (model.targetDim ?? 1);
  const outputs: ExportLayout['outputs'] = [{ name: outName, dtype: 'float32', shape: ['N', width] }];
  const nodes = [...g.nodes];
  const initializers = [...g.initializers];
  if (model.task === 'classification') {
    nodes.push({
      opType: 'ArgMax',
      inputs: [outName],
      outputs: [EXPORT_NAMES.label],
      name: EXPORT_NAMES.label,
      attrs: { axis: { i: 1 }, keepdims: { i: 0 } },
    });
    outputs.push({ name: EXPORT_NAMES.label, dtype: 'int64', shape: ['N'] });
    if (model.classNames?.length) {
      const names = `${CLASS_NAMES_CONST}`;
      initializers.push({ name: names, dtype: 'string', dims: [model.classNames.length], data: model.classNames });
      nodes.push({
        opType: 'Gather',
        inputs: [names, EXPORT_NAMES.label],
        outputs: [EXPORT_NAMES.labelName],
        name: EXPORT_NAMES.labelName,
        attrs: { axis: { i: 0 } },
      });
      outputs.push({ name: EXPORT_NAMES.labelName, dtype: 'string', shape: ['N'] });
    }
  }
  g = { ...g, nodes, initializers, outputs: outputs.map((o) => ({ name: o.name, dtype: o.dtype, shape: o.shape })) };
  const ml = decoded.opsets.find((o) => o.domain === 'ai.onnx.ml');
  const opsets = decoded.opsets.filter((o) => o !== ml);
  if (tabular || ml) opsets.push({ domain: 'ai.onnx.ml', version: Math.max(ml?.version ?? 0, tabular ? ML_OPSET : 0) });
  for (const n of g.nodes)
    if (n.domain && !opsets.some((o) => o.domain === n.domain))
      opsets.push({ domain: n.domain, version: DOMAIN_OPSETS[n.domain] ?? 1 });
  const layout: ExportLayout = {
    inputs,
    outputs,
    ...(tabular ? { missing: 'numeric: NaN; categorical: empty string' } : {}),
    ...((model.rawFeatures?.length ?? 0) > 0 && !tabular ? { preprocessing: OUTSIDE_GRAPH } : {}),
  };
  return { model: { ...decoded, irVersion: Math.max(decoded.irVersion || 8, 8), opsets, graph: g }, layout };
}
