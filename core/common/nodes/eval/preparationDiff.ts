import type { DatasetValue, FittedTransform, TrainedModelValue, WindowSpec } from '../../values';

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

/** A fitted step in words, e.g. `standardize on 'petal_length' (mean 3.758, std 1.759)`. */
export function describeStep(t: FittedTransform): string {
  const on = `${t.kind} on '${t.column}'`;
  switch (t.kind) {
    case 'standardize':
      return `${on} (mean ${fmt(t.mean)}, std ${fmt(t.std)})`;
    case 'minmax':
      return `${on} (min ${fmt(t.min)}, max ${fmt(t.max)})`;
    case 'impute':
      return `${on} (${t.strategy} ${typeof t.value === 'number' ? fmt(t.value) : JSON.stringify(t.value)})`;
    case 'onehot':
    case 'ordinal':
      return `${on} (categories ${t.categories.map((c) => JSON.stringify(c)).join(', ')})`;
    case 'tokenize':
      return `${on} (${t.mode}, ${t.vocab.length + 2} ids, length ${t.maxLength})`;
    case 'tfidf':
      return `${on} (${t.vocabulary.length} ${t.analyzer} ${t.ngramRange.join('-')}-gram terms, first ${t.vocabulary
        .slice(0, 5)
        .map((c) => JSON.stringify(c))
        .join(', ')})`;
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const quoted = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(', ');

function classDiff(model: readonly string[], data: readonly string[]): string | undefined {
  if (same(model, data)) return undefined;
  const onlyData = data.filter((c) => !model.includes(c));
  const onlyModel = model.filter((c) => !data.includes(c));
  const parts = [
    ...(onlyData.length ? [`classes ${quoted(onlyData)} are not among the model's`] : []),
    ...(onlyModel.length ? [`the model's classes ${quoted(onlyModel)} are missing`] : []),
    ...(!onlyData.length && !onlyModel.length ? ['the classes are in another order'] : []),
  ];
  return `class names differ (model: ${quoted(model)}; dataset: ${quoted(data)}): ${parts.join(', ')}`;
}

function columnDiff(what: string, model: readonly string[], data: readonly string[]): string | undefined {
  if (same(model, data)) return undefined;
  const missing = model.filter((c) => !data.includes(c));
  const extra = data.filter((c) => !model.includes(c));
  const parts = [
    ...(missing.length ? [`missing ${quoted(missing)}`] : []),
    ...(extra.length ? [`extra ${quoted(extra)}`] : []),
    ...(!missing.length && !extra.length ? ['in another order'] : []),
  ];
  return `${what} differ from the model's: the dataset has ${parts.join(' and ')}`;
}

function stepDiff(model: readonly FittedTransform[], data: readonly FittedTransform[]): string[] {
  const key = (t: FittedTransform): string => `${t.kind}\u0000${t.column}`;
  const out: string[] = [];
  for (const t of model) {
    const d = data.find((x) => key(x) === key(t));
    if (!d) out.push(`the model was trained behind ${describeStep(t)}, which the dataset lacks`);
    else if (!same(d, t))
      out.push(
        `${t.kind} on '${t.column}' was fitted on other rows (model: ${describeStep(t)}; dataset: ${describeStep(d)})`,
      );
  }
  for (const d of data)
    if (!model.some((t) => key(t) === key(d)))
      out.push(`the dataset has ${describeStep(d)}, which the model was not trained behind`);
  if (!out.length && !same(model.map(key), data.map(key))) out.push('the fitted steps run in another order');
  return out;
}

/**
 * How a dataset's preparation differs from the data a model was trained on: class names, feature
 * columns and the fitted steps (kind, column and fitted values). Empty when they match. When the
 * model applies its own steps to raw columns (`model.rawInputs`), only the raw columns and classes
 * must match. Parts the model does not know (an ONNX file without a model card) are not compared.
 */
export function preparationDiff(model: TrainedModelValue, data: DatasetValue): string[] {
  const out: string[] = [];
  if (model.classNames && data.classNames) {
    const d = classDiff(model.classNames, data.classNames);
    if (d) out.push(d);
  }
  if (model.rawFeatures && data.rawFeatures) {
    const d = columnDiff(
      'raw feature columns',
      model.rawFeatures.map((f) => f.name),
      data.rawFeatures.map((f) => f.name),
    );
    if (d) out.push(d);
  }
  if (model.rawInputs) return out;
  if (model.featureNames && data.featureNames && !out.some((m) => m.startsWith('raw feature'))) {
    const d = columnDiff('feature columns', model.featureNames, data.featureNames);
    if (d) out.push(d);
  }
  if (model.preparationKnown !== false) for (const d of stepDiff(model.transforms, data.transforms)) out.push(d);
  if (model.preparationKnown !== false && (model.window || data.window)) {
    const d = windowDiff(model.window, data.window);
    if (d) out.push(d);
  }
  return out;
}

function windowDiff(model: WindowSpec | undefined, data: WindowSpec | undefined): string | undefined {
  if (!model && !data) return undefined;
  if (!model)
    return 'the dataset is cut into time-series windows (prep.window) but the model was not trained on windows';
  if (!data) return 'the model was trained on time-series windows (prep.window) but the dataset is not windowed';
  const keys = ['timeColumn', 'features', 'target', 'lookback', 'horizon', 'scaling'] as const;
  const differing = keys.filter((k) => !same(model[k], data[k]));
  if (!differing.length) return undefined;
  return `the time-series windows differ from the model's (${differing.join(', ')}): model ${describeWindow(model)}; dataset ${describeWindow(data)}`;
}

/** A window spec in words, e.g. `lookback 12 of 'CO2' → 1 step, scaled (mean 331.2, std 21.03)`. */
function describeWindow(w: WindowSpec): string {
  const scale = w.scaling
    ? `scaled (target mean ${fmt(w.scaling.targetMean)}, std ${fmt(w.scaling.targetStd)})`
    : 'unscaled';
  return `lookback ${w.lookback} of ${quoted(w.features)} → ${w.horizon} of '${w.target}', ${scale}`;
}
