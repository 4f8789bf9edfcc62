/**
 * Graph surgery: puts a Dataset's fitted preprocessing in front of a trained model's inference
 * graph, so the exported ONNX takes raw feature rows. The arithmetic mirrors
 * core/common/nodes/prep/assembleFeatures (double precision, then float32), raw features in
 * `rawFeatures` order, each column's transforms in list order, one-hot expanding in place.
 */
import type { FittedTransform, RawFeature, TrainedModelValue } from '../../common';
import { UserError } from '../executors/Executor';
import { onnx, OnnxDataType, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnxProto';

/** Input and output names of every exported model. */
export const EXPORT_NAMES = {
  numeric: 'numeric',
  categorical: 'categorical',
  tensor: 'input',
  probabilities: 'probabilities',
  label: 'label',
  predictions: 'predictions',
} as const;

/** How an exported model is fed and what it returns; stored as JSON in metadata_props `weft.io`. */
export interface ExportLayout {
  inputs: { name: string; dtype: 'float64' | 'string' | 'float32'; shape: (number | string)[]; columns?: string[] }[];
  outputs: { name: string; dtype: 'float32' | 'int64'; shape: (number | string)[] }[];
  /** How missing values are written. */
  missing?: string;
}

const PREFIX = 'weft_pre_';
const isCategorical = (f: RawFeature): boolean => f.type === 'category' || f.type === 'text';

function renameValue(g: OnnxGraph, from: string, to: string): void {
  if (from === to) return;
  for (const n of g.node) {
    n.input = n.input.map((v) => (v === from ? to : v));
    n.output = n.output.map((v) => (v === from ? to : v));
  }
  for (const list of [g.input, g.output, g.value_info ?? [], g.initializer ?? []])
    for (const v of list) if (v.name === from) v.name = to;
}

/** Collects nodes and initializers for the preprocessing subgraph. */
class Builder {
  readonly nodes: OnnxNode[] = [];
  readonly inits: OnnxTensor[] = [];
  private count = 0;

  fresh(hint: string): string {
    return `${PREFIX}${hint}_${this.count++}`;
  }

  op(op: string, inputs: string[], attrs: Parameters<typeof onnx.node>[3] = [], domain?: string): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push(onnx.node(op, inputs, [out], attrs, domain));
    return out;
  }

  constDouble(values: number[], dims: number[] = [values.length]): string {
    const name = this.fresh('c');
    this.inits.push(onnx.tensor(name, dims, Float64Array.from(values)));
    return name;
  }

  constInt64(values: number[], dims: number[] = [values.length]): string {
    const name = this.fresh('i');
    this.inits.push(onnx.int64s(name, values, dims));
    return name;
  }
}

type Stage = { kind: 'impute' | 'standardize' | 'minmax'; byIndex: Map<number, FittedTransform> };

/** Splits transforms into runs of one kind touching distinct columns; each run is one whole-matrix op. */
function stagesOf(transforms: FittedTransform[], indexOf: (column: string) => number | undefined): Stage[] {
  const stages: Stage[] = [];
  for (const t of transforms) {
    if (t.kind !== 'impute' && t.kind !== 'standardize' && t.kind !== 'minmax') continue;
    const i = indexOf(t.column);
    if (i === undefined) continue;
    const last = stages[stages.length - 1];
    if (last && last.kind === t.kind && !last.byIndex.has(i)) last.byIndex.set(i, t);
    else stages.push({ kind: t.kind, byIndex: new Map([[i, t]]) });
  }
  return stages;
}

/** Applies scaling/imputation stages to a double matrix `[N, width]`, identity where a column is untouched. */
function applyStages(b: Builder, x: string, width: number, stages: Stage[]): string {
  let cur = x;
  for (const s of stages) {
    const vec = (f: (t: FittedTransform) => number, identity: number): number[] =>
      Array.from({ length: width }, (_, i) => {
        const t = s.byIndex.get(i);
        return t ? f(t) : identity;
      });
    if (s.kind === 'impute') {
      const fill = vec((t) => (t.kind === 'impute' && typeof t.value === 'number' ? t.value : NaN), NaN);
      cur = b.op('Where', [b.op('IsNaN', [cur]), b.constDouble(fill, [1, width]), cur]);
    } else if (s.kind === 'standardize') {
      const mean = vec((t) => (t.kind === 'standardize' ? t.mean : 0), 0);
      const std = vec((t) => (t.kind === 'standardize' && t.std > 0 ? t.std : 1), 1);
      cur = b.op('Div', [b.op('Sub', [cur, b.constDouble(mean, [1, width])]), b.constDouble(std, [1, width])]);
    } else {
      // max == min maps every present value to 0: dividing by +Infinity does that and keeps NaN.
      const min = vec((t) => (t.kind === 'minmax' ? t.min : 0), 0);
      const range = vec((t) => (t.kind === 'minmax' ? (t.max > t.min ? t.max - t.min : Infinity) : 1), 1);
      cur = b.op('Div', [b.op('Sub', [cur, b.constDouble(min, [1, width])]), b.constDouble(range, [1, width])]);
    }
  }
  return cur;
}

/** LabelEncoder attributes mapping categories to their index; a missing value (`""`) maps as imputed. */
function categoryKeys(categories: string[], imputed: string | undefined): { keys: string[]; codes: number[] } {
  const keys = [...categories];
  const codes = categories.map((_, k) => k);
  if (imputed !== undefined && !categories.includes('')) {
    keys.push('');
    codes.push(categories.indexOf(imputed));
  }
  return { keys, codes };
}

/**
 * Prepends raw-row preprocessing: inputs `numeric` (float64 `[N, numeric columns]`, NaN = missing)
 * and `categorical` (string `[N, categorical columns]`, `""` = missing), in `rawFeatures` order
 * within each. Returns the new graph input list and the model input's new producer.
 */
function buildTabular(g: OnnxGraph, model: TrainedModelValue, modelInput: string): ExportLayout['inputs'] {
  const raw = model.rawFeatures ?? [];
  const transforms = model.transforms;
  const rawNames = new Set(raw.map((f) => f.name));
  const numericCols = raw.filter((f) => !isCategorical(f));
  const catCols = raw.filter(isCategorical);
  const b = new Builder();
  const blocks: { out: string; width: number }[] = [];
  const slotOf = new Map<string, { block: number; offset: number; width: number }>();

  if (numericCols.length) {
    const numIndex = new Map(numericCols.map((f, i) => [f.name, i]));
    let num = applyStages(
      b,
      EXPORT_NAMES.numeric,
      numericCols.length,
      stagesOf(
        transforms.filter((t) => rawNames.has(t.column)),
        (c) => numIndex.get(c),
      ),
    );
    const plain: number[] = [];
    const expanded: { out: string; col: string; width: number }[] = [];
    numericCols.forEach((f, i) => {
      const ts = transforms.filter((t) => t.column === f.name);
      const oh = ts.find((t) => t.kind === 'onehot');
      if (ts.some((t) => t.kind === 'ordinal')) {
        throw new UserError(
          `export: ordinal encoding of the numeric column '${f.name}' cannot go into the ONNX graph; encode it one-hot or leave it numeric`,
        );
      }
      if (oh && oh.kind === 'onehot') {
        const col = b.op('Gather', [num, b.constInt64([i])], [onnx.int('axis', 1)]);
        const hits = b.op('Equal', [col, b.constDouble(oh.categories.map(Number), [1, oh.categories.length])]);
        expanded.push({
          out: b.op('Cast', [hits], [onnx.int('to', OnnxDataType.DOUBLE)]),
          col: f.name,
          width: oh.categories.length,
        });
      } else plain.push(i);
    });
    if (expanded.length) num = b.op('Gather', [num, b.constInt64(plain)], [onnx.int('axis', 1)]);
    if (plain.length) {
      plain.forEach((i, k) => slotOf.set(numericCols[i].name, { block: blocks.length, offset: k, width: 1 }));
      blocks.push({ out: num, width: plain.length });
    }
    for (const e of expanded) {
      slotOf.set(e.col, { block: blocks.length, offset: 0, width: e.width });
      blocks.push({ out: e.out, width: e.width });
    }
  }
  catCols.forEach((f, j) => {
    const ts = transforms.filter((t) => t.column === f.name);
    const imputeT = ts.find((t) => t.kind === 'impute');
    const imputed = imputeT && imputeT.kind === 'impute' ? String(imputeT.value) : undefined;
    const enc = ts.find((t) => t.kind === 'onehot' || t.kind === 'ordinal');
    if (!enc || (enc.kind !== 'onehot' && enc.kind !== 'ordinal')) {
      throw new UserError(
        `export: the categorical column '${f.name}' has no one-hot or ordinal encoding, so the model cannot have used it`,
      );
    }
    const col = b.op('Gather', [EXPORT_NAMES.categorical, b.constInt64([j])], [onnx.int('axis', 1)]);
    const { keys, codes } = categoryKeys(enc.categories, imputed);
    let out: string;
    if (enc.kind === 'onehot') {
      const idx = b.op(
        'LabelEncoder',
        [col],
        [onnx.strings('keys_strings', keys), onnx.ints('values_int64s', codes), onnx.int('default_int64', -1)],
        'ai.onnx.ml',
      );
      const range = b.constInt64(
        enc.categories.map((_, k) => k),
        [1, enc.categories.length],
      );
      out = b.op('Cast', [b.op('Equal', [idx, range])], [onnx.int('to', OnnxDataType.DOUBLE)]);
    } else {
      const vals = codes.map((c) => (c >= 0 ? c : enc.unknown));
      const fl = b.op(
        'LabelEncoder',
        [col],
        [
          onnx.strings('keys_strings', keys),
          onnx.floats('values_floats', vals),
          onnx.float('default_float', enc.unknown),
        ],
        'ai.onnx.ml',
      );
      out = b.op('Cast', [fl], [onnx.int('to', OnnxDataType.DOUBLE)]);
    }
    const width = enc.kind === 'onehot' ? enc.categories.length : 1;
    slotOf.set(f.name, { block: blocks.length, offset: 0, width });
    blocks.push({ out, width });
  });

  // Reorder the concatenated blocks into rawFeatures order.
  const starts: number[] = [];
  blocks.reduce((acc, bl) => (starts.push(acc), acc + bl.width), 0);
  const perm: number[] = [];
  for (const f of raw) {
    const s = slotOf.get(f.name)!;
    for (let k = 0; k < s.width; k++) perm.push(starts[s.block] + s.offset + k);
  }
  const width = perm.length;
  const rowSize = model.featureShape.reduce((a, c) => a * c, 1);
  if (width !== rowSize) {
    throw new UserError(
      `export: the raw columns and transforms give ${width} features but the model takes ${rowSize}; the model's preprocessing record does not match its input`,
    );
  }
  let x =
    blocks.length === 1
      ? blocks[0].out
      : b.op(
          'Concat',
          blocks.map((bl) => bl.out),
          [onnx.int('axis', 1)],
        );
  if (blocks.length > 1 || perm.some((p, i) => p !== i))
    x = b.op('Gather', [x, b.constInt64(perm)], [onnx.int('axis', 1)]);
  // Feature-level transforms (named after x slots, e.g. `color=red`) act on the assembled matrix.
  const names = model.featureNames ?? [];
  const featIndex = new Map(names.map((n, i) => [n, i]));
  x = applyStages(
    b,
    x,
    width,
    stagesOf(
      transforms.filter((t) => !rawNames.has(t.column)),
      (c) => featIndex.get(c),
    ),
  );
  const asFloat = b.op('Cast', [x], [onnx.int('to', OnnxDataType.FLOAT)]);
  const shaped =
    model.featureShape.length > 1 ? b.op('Reshape', [asFloat, b.constInt64([-1, ...model.featureShape])]) : asFloat;
  b.nodes.push(onnx.node('Identity', [shaped], [modelInput]));
  g.node = [...b.nodes, ...g.node];
  g.initializer = [...b.inits, ...(g.initializer ?? [])];
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
  return inputs;
}

/**
 * Builds the exportable model: raw inputs (or the plain tensor input for non-tabular data), the
 * trained graph, and outputs `probabilities` + `label` (ArgMax) for classifiers or `predictions`.
 */
export function buildExportModel(
  model: TrainedModelValue,
  decoded: OnnxModel,
): { model: OnnxModel; layout: ExportLayout } {
  const g = decoded.graph;
  const internalIn = `${PREFIX}features`;
  const outName = model.task === 'classification' ? EXPORT_NAMES.probabilities : EXPORT_NAMES.predictions;
  if (!g.input.some((v) => v.name === model.inputName))
    throw new UserError(`export: the model graph has no input named ${model.inputName}`);
  if (!g.output.some((v) => v.name === model.outputName))
    throw new UserError(`export: the model graph has no output named ${model.outputName}`);
  renameValue(g, model.inputName, internalIn);
  renameValue(g, model.outputName, outName);
  const tabular = (model.rawFeatures?.length ?? 0) > 0;
  let inputs: ExportLayout['inputs'];
  if (tabular) {
    g.input = g.input.filter((v) => v.name !== internalIn);
    inputs = buildTabular(g, model, internalIn);
    for (const i of inputs) {
      g.input.push(onnx.valueInfo(i.name, i.dtype === 'string' ? OnnxDataType.STRING : OnnxDataType.DOUBLE, i.shape));
    }
  } else {
    renameValue(g, internalIn, EXPORT_NAMES.tensor);
    inputs = [{ name: EXPORT_NAMES.tensor, dtype: 'float32', shape: ['N', ...model.featureShape] }];
  }
  const outputs: ExportLayout['outputs'] = [];
  const width = model.task === 'classification' ? (model.classNames?.length ?? 'K') : (model.targetDim ?? 1);
  g.output = g.output.filter((v) => v.name === outName);
  g.output[0] = onnx.valueInfo(outName, OnnxDataType.FLOAT, ['N', width]);
  outputs.push({ name: outName, dtype: 'float32', shape: ['N', width] });
  if (model.task === 'classification') {
    g.node.push(onnx.node('ArgMax', [outName], [EXPORT_NAMES.label], [onnx.int('axis', 1), onnx.int('keepdims', 0)]));
    g.output.push(onnx.valueInfo(EXPORT_NAMES.label, OnnxDataType.INT64, ['N']));
    outputs.push({ name: EXPORT_NAMES.label, dtype: 'int64', shape: ['N'] });
  }
  const ml = decoded.opset_import.find((o) => o.domain === 'ai.onnx.ml');
  const opsets = decoded.opset_import.filter((o) => o !== ml);
  if (tabular || ml) opsets.push({ domain: 'ai.onnx.ml', version: Math.max(ml?.version ?? 0, tabular ? 3 : 0) });
  const layout: ExportLayout = {
    inputs,
    outputs,
    ...(tabular ? { missing: 'numeric: NaN; categorical: empty string' } : {}),
  };
  return {
    model: { ...decoded, ir_version: Math.max(decoded.ir_version ?? 8, 8), opset_import: opsets, graph: g },
    layout,
  };
}
