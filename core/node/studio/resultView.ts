import { densifyRowsAt, type CsrRows } from '../../common/sparse';
import type {
  AnyNodeDefinition,
  DataPreviewValue,
  DataPreviewView,
  DatasetValue,
  ImageSample,
  MetricsValue,
  ModelView,
  NodeResultView,
  OutputView,
  PortKind,
  PredictionsValue,
  TableColumn,
  TableValue,
  TrainedModelValue,
} from '../../common';
import { previewTable } from '../../common/nodes/data/tablePreview';
import type { ExecutorResult } from '../executors/Executor';
import { labelPreview, pickColumn, sampleRows } from './previewSample';

const MAX_IMAGES = 32;
const MAX_CURVE_POINTS = 400;
const MAX_TABLE_COLUMNS = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isTable = (v: unknown): v is TableValue =>
  isObject(v) && Array.isArray(v.columns) && typeof v.rowCount === 'number';
const isDataset = (v: unknown): v is DatasetValue => isObject(v) && isObject(v.splits) && Array.isArray(v.featureShape);
const isMetrics = (v: unknown): v is MetricsValue => isObject(v) && isObject(v.scalars) && typeof v.split === 'string';
const isTrained = (v: unknown): v is TrainedModelValue =>
  isObject(v) && v.onnx instanceof Uint8Array && Array.isArray(v.history);
const isPredictions = (v: unknown): v is PredictionsValue =>
  isObject(v) && ArrayBuffer.isView(v.predicted) && typeof v.n === 'number';
const isPreview = (v: unknown): v is DataPreviewValue =>
  isObject(v) && isObject(v.head) && typeof v.rowCount === 'number';

/** Keeps every k-th point so a curve stays under `max` points, first and last kept. */
export function thin(xs: number[], max: number): number[] {
  if (xs.length <= max) return xs;
  const step = (xs.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => xs[Math.round(i * step)] ?? 0);
}

function capRows(p: DataPreviewValue, maxRows: number, title: string): DataPreviewView {
  return {
    ...labelPreview({ ...p, head: { ...p.head, rows: p.head.rows.slice(0, maxRows) } }, p.rowCount, undefined),
    title,
  };
}

/** A table's preview: statistics over an even sample past PREVIEW_SAMPLE_ROWS rows, the first `maxRows` rows shown. */
function previewLargeTable(t: TableValue, maxRows: number): DataPreviewValue {
  const idx = sampleRows(t.rowCount, maxRows);
  const source = idx ? { ...t, columns: t.columns.map((c) => pickColumn(c, idx)), rowCount: idx.length } : t;
  return labelPreview(previewTable(source, { format: 'table', headRows: maxRows }), t.rowCount, idx?.length);
}

/** Pixels of sample `i` as 0–255, when the feature shape is an image ([h, w], [1|3, h, w] or [h, w, 1|3]). */
function imageOf(x: Float32Array, shape: number[], i: number, label?: string): ImageSample | undefined {
  let h: number, w: number, c: 1 | 3, chw: boolean;
  if (shape.length === 2) [h, w, c, chw] = [shape[0], shape[1], 1, true];
  else if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3))
    [c, h, w, chw] = [shape[0], shape[1], shape[2], true];
  else if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3))
    [h, w, c, chw] = [shape[0], shape[1], shape[2], false];
  else return undefined;
  const size = h * w * c;
  const off = i * size;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < size; k++) {
    const v = x[off + k];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const pixels = new Array<number>(size);
  for (let y = 0; y < h; y++)
    for (let xx = 0; xx < w; xx++)
      for (let ch = 0; ch < c; ch++) {
        const src = chw ? ch * h * w + y * w + xx : (y * w + xx) * c + ch;
        pixels[(y * w + xx) * c + ch] = Math.round((x[off + src] - lo) * scale);
      }
  return { width: w, height: h, channels: c, pixels, ...(label !== undefined ? { label } : {}) };
}

/** The `m` previewed rows of sparse features, dense. */
function sparseRows(rows: CsrRows, m: number, row: (r: number) => number): Float32Array {
  const out = new Float32Array(m * rows.cols);
  densifyRowsAt(
    rows,
    Int32Array.from({ length: m }, (_, r) => row(r)),
    out,
  );
  return out;
}

/** A dataset split as a preview: features (flat) plus the target, images for image-shaped features. */
function previewSplit(ds: DatasetValue, name: string, maxRows: number): DataPreviewView {
  const split = ds.splits[name];
  const width = ds.featureShape.reduce((a, b) => a * b, 1);
  // A lazy split (images loaded per batch) has no features in memory: show its labels only.
  const shown = split.lazy ? 0 : Math.min(width, MAX_TABLE_COLUMNS);
  const idx = sampleRows(split.n, maxRows);
  const m = idx ? idx.length : split.n;
  const row = (r: number): number => (idx ? idx[r] : r);
  const columns: TableColumn[] = [];
  const x = split.sparse ? sparseRows(split.sparse, m, row) : undefined;
  for (let j = 0; j < shown; j++) {
    const values = new Float64Array(m);
    for (let r = 0; r < m; r++) values[r] = x ? x[r * width + j] : split.x[row(r) * width + j];
    columns.push({ name: ds.featureNames?.[j] ?? `x${j}`, type: 'number', values });
  }
  const target = ds.targetName ?? 'target';
  const targetDim = ds.task === 'regression' ? (ds.targetDim ?? 1) : 1;
  if (ds.task === 'classification') {
    const labels = Array.from({ length: m }, (_, r) => {
      const k = split.y[row(r)];
      return ds.classNames?.[k] ?? String(k);
    });
    columns.push({ name: target, type: 'category', values: labels });
  } else {
    for (let t = 0; t < targetDim; t++) {
      const values = new Float64Array(m);
      for (let r = 0; r < m; r++) values[r] = split.y[row(r) * targetDim + t]!;
      columns.push({ name: targetDim > 1 ? `${target}[${t}]` : target, type: 'number', values });
    }
  }
  const preview = labelPreview(
    previewTable(
      { columns, rowCount: m },
      { format: 'dataset', headRows: maxRows, ...(ds.task === 'classification' ? { target } : {}) },
    ),
    split.n,
    idx?.length,
  );
  if (idx && ds.task === 'classification' && preview.classHistogram) {
    const counts = new Map<number, number>();
    for (let i = 0; i < split.n; i++) counts.set(split.y[i], (counts.get(split.y[i]) ?? 0) + 1);
    preview.classHistogram = [...counts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, count]) => ({ label: ds.classNames?.[k] ?? String(k), count }));
  }
  const images: ImageSample[] = [];
  for (let i = 0; i < (split.lazy ? 0 : Math.min(split.n, MAX_IMAGES)); i++) {
    const label = ds.task === 'classification' ? (ds.classNames?.[split.y[i]] ?? String(split.y[i])) : undefined;
    const img = imageOf(split.x, ds.featureShape, i, label);
    if (!img) break;
    images.push(img);
  }
  const warnings = width > shown ? [`showing ${shown} of ${width} feature columns`] : [];
  return {
    ...preview,
    sampleShape: ds.featureShape,
    ...(images.length ? { images } : {}),
    ...(warnings.length ? { warnings: [...(preview.warnings ?? []), ...warnings] } : {}),
    title: `${name} split`,
  };
}

function predictionsTable(p: PredictionsValue, maxRows: number): OutputView {
  const n = Math.min(p.n, maxRows);
  const classes = p.classNames?.length ?? 0;
  const cols = [
    'row',
    ...(p.actual ? ['actual'] : []),
    'predicted',
    ...(p.probabilities && classes ? p.classNames!.map((c) => `p(${c})`) : []),
  ];
  const rows: (string | number | null)[][] = [];
  const name = (k: number | undefined): string | number =>
    k === undefined ? '' : p.task === 'classification' ? (p.classNames?.[k] ?? k) : k;
  for (let i = 0; i < n; i++) {
    const row: (string | number | null)[] = [i];
    if (p.actual) row.push(name(p.actual[i]));
    row.push(name(p.predicted[i]));
    if (p.probabilities && classes)
      for (let k = 0; k < classes; k++) row.push(p.probabilities[i * classes + k] ?? null);
    rows.push(row);
  }
  return {
    port: '',
    kind: 'tables',
    tables: [{ title: `Predictions (${p.split}, first ${n} of ${p.n})`, columns: cols, rows }],
  };
}

function modelView(m: TrainedModelValue): ModelView {
  return {
    task: m.task,
    featureShape: m.featureShape,
    ...(m.classNames ? { classNames: m.classNames } : {}),
    provider: m.provider,
    history: m.history,
    trainParams: m.trainParams,
    onnxBytes: m.onnx.byteLength,
  };
}

function metricsView(m: MetricsValue): MetricsValue {
  if (!m.roc && !m.residuals && !m.comparison) return m;
  const thinRoc = (roc: NonNullable<MetricsValue['roc']>): NonNullable<MetricsValue['roc']> =>
    roc.map((c) => ({ ...c, fpr: thin(c.fpr, MAX_CURVE_POINTS), tpr: thin(c.tpr, MAX_CURVE_POINTS) }));
  return {
    ...m,
    ...(m.comparison
      ? {
          comparison: {
            ...m.comparison,
            learners: m.comparison.learners.map((l) => (l.roc ? { ...l, roc: thinRoc(l.roc) } : l)),
          },
        }
      : {}),
    ...(m.roc
      ? { roc: m.roc.map((c) => ({ ...c, fpr: thin(c.fpr, MAX_CURVE_POINTS), tpr: thin(c.tpr, MAX_CURVE_POINTS) })) }
      : {}),
    ...(m.residuals
      ? {
          residuals: { predicted: m.residuals.predicted.slice(0, 2000), residual: m.residuals.residual.slice(0, 2000) },
        }
      : {}),
  };
}

/** One output's view, chosen by the port's declared kind and checked against the value's shape. */
export function outputView(port: string, kind: PortKind | undefined, value: unknown, maxRows: number): OutputView {
  if ((kind === 'DataPreview' || kind === undefined) && isPreview(value)) {
    return { port, kind: 'preview', previews: [capRows(value, maxRows, value.source ?? 'Preview')] };
  }
  if ((kind === 'Table' || kind === undefined) && isTable(value)) {
    return {
      port,
      kind: 'preview',
      previews: [{ ...previewLargeTable(value, maxRows), title: 'Table', data: { port } }],
    };
  }
  if ((kind === 'Dataset' || kind === undefined) && isDataset(value)) {
    const rank = (s: string): number => ['train', 'validation', 'test'].indexOf(s) >>> 0;
    const names = Object.keys(value.splits).sort((a, b) => rank(a) - rank(b));
    return {
      port,
      kind: 'preview',
      previews: names.map((n) => ({ ...previewSplit(value, n, maxRows), data: { port, split: n } })),
    };
  }
  if ((kind === 'Metrics' || kind === undefined) && isMetrics(value))
    return { port, kind: 'metrics', metrics: metricsView(value) };
  if ((kind === 'TrainedModel' || kind === undefined) && isTrained(value))
    return { port, kind: 'model', model: modelView(value) };
  if ((kind === 'Predictions' || kind === undefined) && isPredictions(value))
    return { ...predictionsTable(value, maxRows), port };
  const text = isObject(value)
    ? `${kind ?? 'value'} with fields ${Object.keys(value).slice(0, 12).join(', ')}`
    : `${kind ?? 'value'}: ${String(value).slice(0, 200)}`;
  return { port, kind: 'other', text };
}

/** A node's displayable results; large arrays (weights, full columns) stay in the engine. */
export function buildResultView(
  nodeId: string,
  runId: string,
  def: AnyNodeDefinition | undefined,
  result: ExecutorResult,
  maxRows = 1000,
): NodeResultView {
  const outputs = Object.entries(result.outputs).map(([port, value]) =>
    outputView(port, def?.outputs.find((p) => p.name === port)?.type.kind, value, maxRows),
  );
  return { nodeId, runId, ...(result.summary ? { summary: result.summary } : {}), outputs };
}
