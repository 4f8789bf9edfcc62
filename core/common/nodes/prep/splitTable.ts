import type { DatasetSplit, DatasetValue, FittedTransform, RawFeature, TableColumn, TableValue } from '../../values';
import { labelOf } from './tableColumns';
import { columnStats, looksCategorical } from '../data/tablePreview';
import { tableFingerprint } from '../data/tableFingerprint';
import { assembleSplitFeatures, columnValues, deferredFeatures, featureNames } from '../../transforms/features';
import { deferFeatures, deferField, pendingBytes } from '../../deferFeatures';
import { shuffledSource } from '../../shuffledColumns';
import { IDENTITY, scalarMomentsMany } from '../../transforms/scalarChain';
import { tfidf, TFIDF_DEFAULTS } from '../../transforms/tfidf';
import { categoriesOf } from '../../transforms/onehot';
import { DataError } from './DataError';
import { testSplit } from './testSplit';
import { seededRandom, shuffleInPlace } from './random';
import type { SplitParams } from './split';

/**
 * Splits `rows` by ratios `[train, validation, test]` with a seeded shuffle; per class when
 * `groups` is given (stratified). Every non-empty group keeps at least one training row. Each part
 * is in shuffled order.
 */
export function splitIndices(
  rows: ArrayLike<number>,
  ratios: [number, number, number],
  random: () => number,
  groups?: readonly ArrayLike<number>[],
): [Int32Array, Int32Array, Int32Array] {
  const all = groups ?? [rows];
  const counts = all.map((g) => partCounts(g.length, ratios));
  const parts: [Int32Array, Int32Array, Int32Array] = [0, 1, 2].map(
    (p) => new Int32Array(counts.reduce((a, c) => a + c[p], 0)),
  ) as [Int32Array, Int32Array, Int32Array];
  const at = [0, 0, 0];
  all.forEach((g, k) => {
    const shuffled = shuffleInPlace(Int32Array.from(g), random);
    const [nTrain, nVal, nTest] = counts[k];
    parts[2].set(shuffled.subarray(0, nTest), at[2]);
    parts[1].set(shuffled.subarray(nTest, nTest + nVal), at[1]);
    parts[0].set(shuffled.subarray(nTest + nVal, nTest + nVal + nTrain), at[0]);
    at[0] += nTrain;
    at[1] += nVal;
    at[2] += nTest;
  });
  if (groups) for (const p of parts) shuffleInPlace(p, random);
  return parts;
}

/**
 * `[train, validation, test]` row counts of a group of `n` rows: test and validation rounded from
 * their ratios, cut (validation first, by half the excess) so that a non-empty group keeps a training row.
 */
function partCounts(n: number, ratios: [number, number, number]): [number, number, number] {
  let nTest = Math.round(n * ratios[2]);
  let nVal = Math.round(n * ratios[1]);
  if (n - nTest - nVal < 1 && n > 0) {
    const over = nTest + nVal - (n - 1);
    const cutVal = Math.min(nVal, Math.ceil(over / 2));
    nVal -= cutVal;
    nTest -= over - cutVal;
  }
  return [n - nTest - nVal, nVal, nTest];
}

/**
 * The parts `splitIndices` gives (the same shuffle of each group, so the same rows for the same
 * seed) as a part number per row of `rowCount` (`partOf[r]`: 1 train, 2 validation, 3 test, 0 for a
 * row in no group) and each part's size, without index arrays of the parts: splitTable wants each
 * part in ascending row order, and one pass over `partOf` gives that. The groups (or `rows`, every
 * row when undefined) are shuffled in place: the caller gives arrays of its own that it does not
 * read again.
 */
function partOfRows(
  rowCount: number,
  rows: Int32Array | undefined,
  ratios: [number, number, number],
  random: () => number,
  groups?: readonly Int32Array[],
): { partOf: Uint8Array; sizes: [number, number, number] } {
  const partOf = new Uint8Array(rowCount);
  const sizes: [number, number, number] = [0, 0, 0];
  for (const g of groups ?? [rows ?? identityRows(rowCount)]) {
    const [nTrain, nVal, nTest] = partCounts(g.length, ratios);
    shuffleInPlace(g, random);
    for (let i = 0; i < nTest; i++) partOf[g[i]] = 3;
    for (let i = nTest; i < nTest + nVal; i++) partOf[g[i]] = 2;
    for (let i = nTest + nVal; i < g.length; i++) partOf[g[i]] = 1;
    sizes[0] += nTrain;
    sizes[1] += nVal;
    sizes[2] += nTest;
  }
  return { partOf, sizes };
}

/**
 * The parts of a table (`partOf`, by row: 1 train, 2 validation, 3 test, 0 none; `sizes`, each
 * part's size) as indices into its columns' source, each part in ascending source order, with each
 * row's class (or regression target) and row id. Without `order` the source is the table itself:
 * one pass over the rows, and the row ids are written on first read. With `order` (prep.shuffle's
 * permutation, `order[position]` the source row) one pass over the positions and one over the
 * source rows.
 */
function partRows(
  partOf: Uint8Array,
  sizes: readonly number[],
  labels: ClassOf | Float64Array,
  ids: Int32Array | undefined,
  order?: Int32Array,
): { idx: Int32Array[]; y: (Int32Array | Float32Array)[]; rowIds: (() => Int32Array)[] } {
  const n = partOf.length;
  const classes = !(labels instanceof Float64Array);
  const idx = sizes.map((s) => new Int32Array(s));
  const y = sizes.map((s) => (classes ? new Int32Array(s) : new Float32Array(s)));
  /** One pass over the (source) rows: each part's rows, in order, and their labels. */
  const collect = (part: Uint8Array, label: ClassOf | Float64Array): void => {
    const at = new Int32Array(3);
    for (let r = 0; r < n; r++) {
      const k = part[r] - 1;
      if (k < 0) continue;
      const j = at[k]++;
      idx[k][j] = r;
      y[k][j] = label[r];
    }
  };
  if (!order) {
    collect(partOf, labels);
    const rowIds = idx.map((part) => () => {
      const out = new Int32Array(part.length);
      if (ids) for (let j = 0; j < part.length; j++) out[j] = ids[part[j]];
      else for (let j = 0; j < part.length; j++) out[j] = part[j] + 1;
      return out;
    });
    return { idx, y, rowIds };
  }
  const part = new Uint8Array(n);
  const label = classes ? new Int32Array(n) : new Float64Array(n);
  const id = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const r = order[p];
    part[r] = partOf[p];
    label[r] = labels[p];
    id[r] = ids ? ids[p] : p + 1;
  }
  collect(part, label);
  return { idx, y, rowIds: idx.map((rows) => () => Int32Array.from(rows, (r) => id[r])) };
}

/** Each row's class: one byte a row up to 256 classes. */
type ClassOf = Uint8Array | Int32Array;

function classArray(rowCount: number, classes: number): ClassOf {
  return classes <= 256 ? new Uint8Array(rowCount) : new Int32Array(rowCount);
}

/**
 * The class labels of a target column and each row's class, for rows `rows` (every row when
 * undefined; other rows' entries are 0 and not to be read): one pass to find the labels, one to
 * write the classes.
 */
function classesOf(target: TableColumn, rows: Int32Array | undefined): { classNames: string[]; classOf: ClassOf } {
  const count = rows ? rows.length : target.values.length;
  if (Array.isArray(target.values)) {
    const v = target.values;
    const seen = new Set<string>();
    for (let k = 0; k < count; k++) seen.add(v[rows ? rows[k] : k] as string);
    const classNames = [...seen].sort();
    const index = new Map(classNames.map((c, k) => [c, k]));
    const classOf = classArray(v.length, classNames.length);
    for (let k = 0; k < count; k++) {
      const r = rows ? rows[k] : k;
      classOf[r] = index.get(v[r] as string)!;
    }
    return { classNames, classOf };
  }
  // the distinct values (first-seen order), then each row's class through its value's id
  const v = target.values;
  const distinct: number[] = [];
  const firstRow: number[] = [];
  const many = new Map<number, number>();
  // small whole numbers (the usual class labels) by a table lookup, without a branch on the value
  const small = new Int32Array(256).fill(-1);
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k] : k;
    const x = v[r];
    const i = x & 255;
    if (i === x && small[i] >= 0) continue;
    const id = distinctId(x, distinct, many);
    if (id === firstRow.length) firstRow.push(r);
    if (i === x) small[i] = id;
  }
  const labels = firstRow.map((r) => labelOf(target, r)!);
  const classNames = [...new Set(labels)].sort(target.type !== 'boolean' ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(classNames.map((c, k) => [c, k]));
  const classOfDistinct = Int32Array.from(labels, (label) => index.get(label)!);
  const smallClass = Int32Array.from(small, (id) => (id < 0 ? -1 : classOfDistinct[id]));
  const classOf = classArray(v.length, classNames.length);
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k] : k;
    const x = v[r];
    const i = x & 255;
    classOf[r] = i === x ? smallClass[i] : classOfDistinct[distinctId(x, distinct, many)];
  }
  return { classNames, classOf };
}

/**
 * The id of number `x` among `distinct` (its first-seen order), adding it when new: a linear scan
 * while there are few (a class label), a map past 16.
 */
function distinctId(x: number, distinct: number[], many: Map<number, number>): number {
  if (distinct.length <= 16) {
    for (let d = 0; d < distinct.length; d++) if (distinct[d] === x) return d;
    if (distinct.length < 16) {
      distinct.push(x);
      return distinct.length - 1;
    }
    distinct.forEach((y, d) => many.set(y, d));
    distinct.push(NaN);
  }
  const known = many.get(x);
  if (known !== undefined) return known;
  const id = many.size;
  many.set(x, id);
  return id;
}

/** `0 .. n − 1`. */
function identityRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** Rows whose target is present, in order; undefined when every row's is. */
function presentRows(target: TableColumn, rowCount: number): Int32Array | undefined {
  const v = target.values;
  let missing = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < rowCount; i++) if ((v[i] ?? null) === null) missing++;
  } else for (let i = 0; i < rowCount; i++) if (v[i] !== v[i]) missing++;
  if (!missing) return undefined;
  const rows = new Int32Array(rowCount - missing);
  let k = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < rowCount; i++) if ((v[i] ?? null) !== null) rows[k++] = i;
  } else for (let i = 0; i < rowCount; i++) if (v[i] === v[i]) rows[k++] = i;
  return rows;
}

/** The rows of each class, in row order, of rows `rows` (every row of `classOf` when undefined). */
function groupRows(rows: Int32Array | undefined, classOf: ClassOf, classes: number): Int32Array[] {
  const count = rows ? rows.length : classOf.length;
  const sizes = new Int32Array(classes);
  for (let k = 0; k < count; k++) sizes[classOf[rows ? rows[k] : k]]++;
  const groups = Array.from(sizes, (s) => new Int32Array(s));
  const at = new Int32Array(classes);
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k] : k;
    const c = classOf[r];
    groups[c][at[c]++] = r;
  }
  return groups;
}

/** The permutation every column reads when all are prep.shuffle's columns over one permutation; else undefined. */
function sharedOrder(cols: readonly TableColumn[]): Int32Array | undefined {
  const order = cols.length ? shuffledSource(cols[0])?.order : undefined;
  return order && cols.every((c) => shuffledSource(c)?.order === order) ? order : undefined;
}

/**
 * A prep.shuffle column not yet gathered, read through its permutation into a column of its own
 * (one pass of reads, no row plan), leaving the shuffled column unread; any other column as it is.
 */
function readThrough(col: TableColumn): TableColumn {
  const src = shuffledSource(col);
  if (!src || pendingBytes(col, 'values') === undefined) return col;
  const { base, order } = src;
  if (Array.isArray(base.values)) {
    const v = base.values;
    const out: (string | null)[] = new Array(order.length);
    for (let k = 0; k < order.length; k++) out[k] = v[order[k]] ?? null;
    return { name: col.name, type: col.type as 'category' | 'text', values: out };
  }
  const v = base.values;
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = v[order[k]];
  return { name: col.name, type: col.type as 'integer' | 'number' | 'boolean' | 'date', values: out };
}

/** Whether every value of a column is missing (NaN or null). */
function allMissing(col: TableColumn): boolean {
  const v = col.values;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if ((v[i] ?? null) !== null) return false;
    return true;
  }
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) return false;
  return true;
}

/**
 * The default TF-IDF word features a listed free-text column gets, fitted on the training rows; a
 * failure names prep.split as the step that fitted them.
 */
function defaultTfidf(col: TableColumn, trainIdx: ArrayLike<number>, where: string): FittedTransform {
  try {
    return tfidf.fit(col.name, columnValues(col, trainIdx.length, trainIdx), TFIDF_DEFAULTS);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    throw new DataError(
      `${where}prep.split gives the listed text column '${col.name}' default TF-IDF word features, and they failed: ` +
        `${e.message.replace(/^prep\.tfidf: column '[^']*': /, '')}. If the column holds codes or labels rather ` +
        "than text, set its type to category in data.csv's types",
    );
  }
}

/**
 * Turns a table into a Dataset: target and task, a seeded (stratified) split, and float32
 * features with one-hot encoders and mean imputers fitted on the training rows only. Every numeric
 * feature gets its imputer, missing values in training or not, so NaN means missing everywhere.
 */
export function splitTable(
  table: TableValue,
  params: SplitParams,
  testTable?: TableValue,
): { dataset: DatasetValue; warnings: string[] } {
  const warnings: string[] = [];
  const where = table.source ? `${table.source}: ` : '';
  const names = table.columns.map((c) => c.name);
  const targetName = params.target || names[names.length - 1];
  const found = table.columns.find((c) => c.name === targetName);
  if (!found || targetName === undefined) {
    throw new DataError(`${where}target column '${params.target}' not found; columns are ${names.join(', ')}`);
  }
  const target = readThrough(found);
  const testShare = testTable ? 0 : params.test;
  const total = params.train + params.validation + testShare;
  if (params.train <= 0 || total <= 0) throw new DataError('split ratios: train must be > 0');
  const ratios: [number, number, number] = [params.train / total, params.validation / total, testShare / total];

  const rows = presentRows(target, table.rowCount);
  if (rows && rows.length < table.rowCount)
    warnings.push(`${table.rowCount - rows.length} rows with a missing target '${targetName}' were dropped`);
  if (rows ? rows.length === 0 : table.rowCount === 0)
    throw new DataError(`${where}target column '${targetName}' has no values`);

  const isNumericTarget = !Array.isArray(target.values);
  const task =
    params.task !== 'auto'
      ? params.task
      : looksCategorical(target, columnStats(target)) || !isNumericTarget
        ? 'classification'
        : 'regression';
  if (task === 'regression' && !isNumericTarget) {
    throw new DataError(
      `${where}target '${targetName}' is ${target.type}, not numeric: regression needs numbers (use task 'classification')`,
    );
  }

  let classNames: string[] | undefined;
  let classOf: ClassOf | undefined;
  let groups: Int32Array[] | undefined;
  if (task === 'classification') {
    ({ classNames, classOf } = classesOf(target, rows));
    if (classNames.length < 2) {
      throw new DataError(
        `${where}target '${targetName}' has a single class (${JSON.stringify(classNames[0])}); a classifier needs at least two`,
      );
    }
    if (params.stratify) groups = groupRows(rows, classOf, classNames.length);
  }

  const { partOf, sizes } = partOfRows(table.rowCount, rows, ratios, seededRandom(params.seed), groups);

  const featureCols: TableColumn[] = [];
  if (params.features.length) {
    for (const f of params.features) {
      const col = table.columns.find((c) => c.name === f);
      if (!col) throw new DataError(`${where}feature column '${f}' not found; columns are ${names.join(', ')}`);
      if (f === targetName) throw new DataError(`column '${f}' is the target; it cannot also be a feature`);
      featureCols.push(col);
    }
  } else {
    for (const col of table.columns) {
      if (col.name === targetName) continue;
      if (col.type === 'text') {
        warnings.push(
          `free-text column '${col.name}' left out of the features (list it in features to turn it into TF-IDF word features; prep.tfidf sets their options, prep.tokenize makes token ids instead)`,
        );
        continue;
      }
      featureCols.push(col);
    }
  }
  // prep.shuffle's columns are read through its permutation, not gathered: the parts then hold
  // source rows, each in ascending order, and `position` maps a source row back to the table's row
  const order = sharedOrder(featureCols);
  const data = (c: TableColumn): TableColumn => (order ? shuffledSource(c)!.base : c);
  const parts = partRows(partOf, sizes, classOf ?? (target.values as Float64Array), table.rowIds, order);
  const trainIdx = parts.idx[0];
  const rawFeatures: RawFeature[] = [];
  const fits: (FittedTransform | undefined)[] = [];
  const numeric: { col: TableColumn; at: number }[] = [];
  for (const shown of featureCols) {
    const col = data(shown);
    if (allMissing(col)) {
      warnings.push(`column '${col.name}' has no values; left out`);
      continue;
    }
    rawFeatures.push({ name: col.name, type: col.type });
    if (!Array.isArray(col.values)) {
      numeric.push({ col, at: fits.length });
      fits.push(undefined);
      continue;
    }
    if (col.type === 'text') fits.push(defaultTfidf(col, trainIdx, where));
    else
      fits.push({
        kind: 'onehot',
        column: col.name,
        categories: categoriesOf(col.values, trainIdx),
        unknown: 'ignore',
      });
  }
  if (rawFeatures.length === 0) {
    const text = table.columns.filter((c) => c.type === 'text' && c.name !== targetName).map((c) => `'${c.name}'`);
    throw new DataError(
      `${where}no feature columns left besides the target '${targetName}'` +
        (text.length && !params.features.length
          ? `; the free-text column${text.length > 1 ? 's' : ''} ${text.join(', ')} ${text.length > 1 ? 'were' : 'was'} left out: ` +
            'list it in features, then prep.tfidf turns text into word features for classical models (prep.tokenize into token ids for neural ones)'
          : ''),
    );
  }

  const means = scalarMomentsMany(
    numeric.map(() => IDENTITY),
    numeric.map(({ col }) => col.values as Float64Array),
    trainIdx,
    false,
  );
  numeric.forEach(({ col, at }, j) => {
    const m = means[j];
    fits[at] = { kind: 'impute', column: col.name, strategy: 'mean', value: m.n ? m.mean : 0 };
  });
  const transforms = fits as FittedTransform[];
  const used = featureCols.filter((c) => rawFeatures.some((f) => f.name === c.name)).map(data);
  const makeSplit = (part: number): DatasetSplit => {
    const idx = parts.idx[part];
    const split = { y: parts.y[part], n: idx.length, raw: used, rawRows: idx } as Omit<DatasetSplit, 'x'>;
    deferField(split, 'rowIds', parts.rowIds[part]);
    const later = deferredFeatures(used, rawFeatures, transforms, idx.length, idx);
    if (later) return deferFeatures(split, later.bytes, later.build, later.rows);
    return { ...assembleSplitFeatures(used, rawFeatures, transforms, idx.length, idx), ...split };
  };
  const splits: Record<string, DatasetSplit> = { train: makeSplit(0) };
  if (ratios[1] > 0) splits.validation = makeSplit(1);
  if (ratios[2] > 0) splits.test = makeSplit(2);
  if (testTable) {
    const { split, dropped } = testSplit(testTable, table, {
      targetName,
      task,
      used,
      rawFeatures,
      transforms,
      ...(classNames ? { classNames } : {}),
    });
    splits.test = split;
    if (dropped) warnings.push(`${dropped} test rows with a missing target '${targetName}' were dropped`);
  }
  const names2 = featureNames(rawFeatures, transforms);
  const dataset: DatasetValue = {
    task,
    featureShape: [names2.length],
    featureNames: names2,
    targetName,
    splits,
    rawFeatures,
    transforms,
  };
  // a hash of the whole table, needed only when a model records its dataset: computed on first read
  deferField(dataset, 'fingerprint', () =>
    testTable ? `${tableFingerprint(table)}+${tableFingerprint(testTable)}` : tableFingerprint(table),
  );
  if (classNames) dataset.classNames = classNames;
  else dataset.targetDim = 1;
  return { dataset, warnings };
}
