import type { DataPreviewValue, TableColumn } from '../../common';
import { classHistogram, columnStats } from '../../common/nodes/data/tablePreview';

/**
 * A DataPreview of an n-dimensional array with samples along the first axis: value statistics,
 * the first samples (values abbreviated), and the class histogram of `labels` when given, or of
 * the values themselves for a 1-D integer array.
 */
export function previewTensor(opts: {
  source: string;
  format: string;
  dims: number[];
  data: ArrayLike<number>;
  headRows: number;
  labels?: TableColumn;
}): DataPreviewValue {
  const { dims, data } = opts;
  const n = dims[0] ?? 1;
  const width = data.length / Math.max(1, n);
  let integral = true;
  for (let i = 0; i < data.length && integral; i++) integral = Number.isInteger(data[i]);
  const values: TableColumn = { name: 'value', type: integral ? 'integer' : 'number', values: Float64Array.from(data) };
  const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
  const rows = Array.from({ length: Math.min(n, opts.headRows) }, (_, i) => {
    const sample = Array.from({ length: Math.min(width, 9) }, (_, k) => data[i * width + k]);
    const text = width > 8 ? `${sample.slice(0, 8).map(fmt).join(' ')} … (${width})` : sample.map(fmt).join(' ');
    return opts.labels ? [i, text, opts.labels.values[i] ?? null] : [i, text];
  });
  const preview: DataPreviewValue = {
    source: opts.source,
    format: opts.format,
    rowCount: n,
    schema: [
      { name: 'value', type: values.type },
      ...(opts.labels ? [{ name: opts.labels.name, type: opts.labels.type }] : []),
    ],
    stats: [columnStats(values), ...(opts.labels ? [columnStats(opts.labels)] : [])],
    head: { title: 'First samples', columns: ['index', 'values', ...(opts.labels ? [opts.labels.name] : [])], rows },
    sampleShape: dims.slice(1),
  };
  const classes = opts.labels ?? (dims.length === 1 && integral ? { ...values, name: 'label' } : undefined);
  if (classes) {
    preview.classColumn = classes.name;
    preview.classHistogram = classHistogram(classes);
  }
  return preview;
}
