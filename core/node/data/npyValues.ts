import path from 'node:path';
import type { ColumnType, DataPreviewValue, DatasetValue, TableColumn, TableValue } from '../../common';
import type { NpyParams } from '../../common/nodes/data/npy';
import { previewTable } from '../../common/nodes/data/tablePreview';
import { tensorDataset } from '../../common/nodes/data/tensorDataset';
import { checkSameSamples, remapTestClasses, testSplitOf, withTestSplit } from '../../common/nodes/data/testSource';
import { UserError } from '../executors/Executor';
import type { NpyArray } from './readNpy';
import { previewTensor } from './tensorPreview';

/** What `readNpySource` found: features, and labels when given. */
export interface NpySource {
  file: string;
  features: NpyArray;
  featuresName: string;
  labels?: NpyArray;
  labelsName?: string;
}

const COLUMN_TYPE: Record<NpyArray['kind'], ColumnType> = {
  float: 'number',
  int: 'integer',
  uint: 'integer',
  bool: 'boolean',
};

/** Columns of a 1-D array (one column `name`) or a 2-D array (`name0`, `name1`, …). */
function columnsOf(a: NpyArray, name: string, prefix: string): TableColumn[] {
  const n = a.shape[0];
  const width = a.shape.length === 1 ? 1 : a.shape[1];
  const type = COLUMN_TYPE[a.kind] as 'integer' | 'number' | 'boolean';
  return Array.from({ length: width }, (_, j) => {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = a.data[i * width + j];
    return { name: a.shape.length === 1 ? name : `${prefix}${j}`, type, values };
  });
}

/** A 1-D or 2-D features array (plus 1-D/2-D labels) as a table; undefined for higher ranks. */
export function npyTable(src: NpySource): TableValue | undefined {
  const { features, labels } = src;
  if (features.shape.length > 2 || (labels && labels.shape.length > 2)) return undefined;
  const columns = columnsOf(features, src.featuresName, 'x');
  if (labels) {
    const taken = new Set(columns.map((c) => c.name));
    for (const col of columnsOf(labels, src.labelsName ?? 'label', `${src.labelsName ?? 'label'}_`)) {
      while (taken.has(col.name)) col.name = `${col.name}_label`;
      columns.push(col);
    }
  }
  return { columns, rowCount: features.shape[0], source: src.file };
}

/** A DataPreview of the arrays: as a table for 1-D/2-D features, else value statistics per sample. */
export function npyPreview(src: NpySource, table: TableValue | undefined, headRows = 10): DataPreviewValue {
  const format = path.extname(src.file).slice(1).toLowerCase() || 'npy';
  const labels1d =
    src.labels && (src.labels.shape.length === 1 || (src.labels.shape.length === 2 && src.labels.shape[1] === 1));
  const shapes =
    `${src.featuresName} ${src.features.dtype} [${src.features.shape.join(', ')}]` +
    (src.labels ? `, ${src.labelsName} ${src.labels.dtype} [${src.labels.shape.join(', ')}]` : '');
  let preview: DataPreviewValue;
  if (table) {
    const target = labels1d ? table.columns[table.columns.length - 1].name : undefined;
    preview = previewTable(table, { format, headRows, ...(target ? { target } : {}) });
  } else {
    const labels = labels1d ? columnsOf(src.labels!, src.labelsName ?? 'label', 'label')[0] : undefined;
    preview = previewTensor({
      source: src.file,
      format,
      dims: src.features.shape,
      data: src.features.data,
      headRows,
      ...(labels ? { labels } : {}),
    });
  }
  return {
    ...preview,
    head: { ...preview.head, title: `${preview.head.title} (${shapes})` },
    sampleShape: src.features.shape.slice(1),
  };
}

/** Class names of integer or boolean labels, sorted numerically, and each sample's class index. */
function classesOf(labels: NpyArray): { classNames: string[]; y: Int32Array } {
  const values = [...new Set(labels.data)].sort((a, b) => a - b);
  const name = (v: number): string => (labels.kind === 'bool' ? (v ? 'true' : 'false') : String(v));
  const index = new Map(values.map((v, k) => [v, k]));
  return { classNames: values.map(name), y: Int32Array.from(labels.data, (v) => index.get(v)!) };
}

/**
 * A dataset from features and labels: samples along the first axis, `[n, H, W]` read as
 * `[n, 1, H, W]` (one channel, as IDX images), `[n]` as one feature. Integer and boolean labels
 * make a classification (task auto), float labels a regression with `targetDim` outputs.
 */
export function npyDataset(
  src: NpySource,
  p: Pick<NpyParams, 'task' | 'scale' | 'validation' | 'test' | 'stratify' | 'seed'>,
): DatasetValue {
  const { features, labels, file } = src;
  if (!labels)
    throw new UserError(`${file}: no labels; name the labels array (npz) or give labelsFile to build a dataset`);
  const rest = features.shape.slice(1);
  const featureShape = rest.length === 0 ? [1] : rest.length === 2 ? [1, ...rest] : rest;
  const x = Float32Array.from(features.data, (v) => v / p.scale);
  const task = p.task !== 'auto' ? p.task : labels.kind === 'float' ? 'regression' : 'classification';
  const common = {
    x,
    featureShape,
    ratios: { validation: p.validation, test: p.test },
    seed: p.seed,
    stratify: p.stratify,
  };
  if (task === 'classification') {
    if (labels.shape.length > 2 || (labels.shape.length === 2 && labels.shape[1] !== 1)) {
      throw new UserError(
        `${file}: class labels '${src.labelsName}' must be one per sample, found shape [${labels.shape.join(', ')}]`,
      );
    }
    if (labels.kind === 'float' && !labels.data.every((v) => Number.isInteger(v))) {
      throw new UserError(
        `${file}: labels '${src.labelsName}' hold fractional values; classification needs whole-number classes (use task 'regression')`,
      );
    }
    const { classNames, y } = classesOf(labels);
    if (classNames.length < 2) {
      throw new UserError(
        `${file}: labels '${src.labelsName}' have a single class (${classNames[0]}); a classifier needs at least two`,
      );
    }
    return tensorDataset({ ...common, y, classNames });
  }
  const targetDim = labels.shape.slice(1).reduce((a, b) => a * b, 1);
  return tensorDataset({
    ...common,
    y: Float32Array.from(labels.data),
    targetDim,
    ...(src.labelsName ? { targetName: src.labelsName } : {}),
  });
}

/**
 * The dataset with its test split read from a test source: same sample shape and dtype as the
 * training features, test classes mapped onto the training classes (a class only in the test
 * labels is refused), or as many regression targets per sample.
 */
export function npyWithTestSplit(
  dataset: DatasetValue,
  train: NpySource,
  test: NpySource,
  scale: number,
): DatasetValue {
  const sources = {
    train: `${train.file} ('${train.featuresName}')`,
    test: `${test.file} ('${test.featuresName}')`,
  };
  checkSameSamples(
    { shape: train.features.shape.slice(1), dtype: train.features.dtype },
    { shape: test.features.shape.slice(1), dtype: test.features.dtype },
    sources,
  );
  const labels = test.labels;
  if (!labels) {
    throw new UserError(
      `${test.file}: no test labels; name the test labels array (npz testLabels) or give testLabelsFile`,
    );
  }
  const n = test.features.shape[0];
  const x = Float32Array.from(test.features.data, (v) => v / scale);
  let y: Int32Array | Float32Array;
  if (dataset.classNames) {
    if (labels.kind === 'float' && !labels.data.every((v) => Number.isInteger(v)))
      throw new UserError(
        `${test.file}: test labels '${test.labelsName}' hold fractional values; classes are whole numbers`,
      );
    const own = classesOf(labels);
    y = remapTestClasses(dataset.classNames, own.classNames, own.y, sources);
  } else {
    const width = labels.shape.slice(1).reduce((a, b) => a * b, 1);
    if (width !== (dataset.targetDim ?? 1)) {
      throw new UserError(
        `${test.file}: ${width} targets per sample in '${test.labelsName}' but ${dataset.targetDim ?? 1} in the training labels of ${train.file}`,
      );
    }
    y = Float32Array.from(labels.data);
  }
  return withTestSplit(dataset, testSplitOf({ x, y, n }, test.file));
}
