import type { DatasetSplit, DatasetValue, FittedTransform, RawFeature, TableColumn, TableValue } from '../../values';
import { labelOf, takeRows } from './tableColumns';
import { columnStats, looksCategorical } from '../data/tablePreview';
import { tableFingerprint } from '../data/tableFingerprint';
import { assembleSplitFeatures, columnValues, featureNames } from '../../transforms/features';
import { tfidf, TFIDF_DEFAULTS } from '../../transforms/tfidf';
import { impute } from '../../transforms/impute';
import { onehot } from '../../transforms/onehot';
import { moments } from '../../transforms/TransformModule';
import { DataError } from './DataError';
import { rowIdAt, testSplit } from './testSplit';
import { seededRandom, shuffleInPlace } from './random';
import type { SplitParams } from './split';
import { appendAll } from '../../arrays';

/**
 * Splits `rows` by ratios `[train, validation, test]` with a seeded shuffle; per class when
 * `groups` is given (stratified). Every non-empty group keeps at least one training row.
 */
export function splitIndices(
  rows: number[],
  ratios: [number, number, number],
  random: () => number,
  groups?: number[][],
): [number[], number[], number[]] {
  const parts: [number[], number[], number[]] = [[], [], []];
  for (const g of groups ?? [rows]) {
    const shuffled = shuffleInPlace([...g], random);
    const n = shuffled.length;
    let nTest = Math.round(n * ratios[2]);
    let nVal = Math.round(n * ratios[1]);
    if (n - nTest - nVal < 1 && n > 0) {
      const over = nTest + nVal - (n - 1);
      const cutVal = Math.min(nVal, Math.ceil(over / 2));
      nVal -= cutVal;
      nTest -= over - cutVal;
    }
    appendAll(parts[2], shuffled.slice(0, nTest));
    appendAll(parts[1], shuffled.slice(nTest, nTest + nVal));
    appendAll(parts[0], shuffled.slice(nTest + nVal));
  }
  if (groups) for (const p of parts) shuffleInPlace(p, random);
  return parts;
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
  const target = table.columns.find((c) => c.name === targetName);
  if (!target || targetName === undefined) {
    throw new DataError(`${where}target column '${params.target}' not found; columns are ${names.join(', ')}`);
  }
  const testShare = testTable ? 0 : params.test;
  const total = params.train + params.validation + testShare;
  if (params.train <= 0 || total <= 0) throw new DataError('split ratios: train must be > 0');
  const ratios: [number, number, number] = [params.train / total, params.validation / total, testShare / total];

  const rows: number[] = [];
  for (let i = 0; i < table.rowCount; i++) if (labelOf(target, i) !== null) rows.push(i);
  if (rows.length < table.rowCount)
    warnings.push(`${table.rowCount - rows.length} rows with a missing target '${targetName}' were dropped`);
  if (rows.length === 0) throw new DataError(`${where}target column '${targetName}' has no values`);

  const targetStats = columnStats(target);
  const isNumericTarget = !Array.isArray(target.values);
  const task =
    params.task !== 'auto'
      ? params.task
      : looksCategorical(target, targetStats) || !isNumericTarget
        ? 'classification'
        : 'regression';
  if (task === 'regression' && !isNumericTarget) {
    throw new DataError(
      `${where}target '${targetName}' is ${target.type}, not numeric: regression needs numbers (use task 'classification')`,
    );
  }

  let classNames: string[] | undefined;
  let classOf: Int32Array | undefined;
  let groups: number[][] | undefined;
  if (task === 'classification') {
    const labels = new Set<string>();
    for (const i of rows) labels.add(labelOf(target, i)!);
    classNames = [...labels].sort(
      isNumericTarget && target.type !== 'boolean' ? (a, b) => Number(a) - Number(b) : undefined,
    );
    if (classNames.length < 2) {
      throw new DataError(
        `${where}target '${targetName}' has a single class (${JSON.stringify(classNames[0])}); a classifier needs at least two`,
      );
    }
    const index = new Map(classNames.map((c, k) => [c, k]));
    classOf = new Int32Array(table.rowCount).fill(-1);
    for (const i of rows) classOf[i] = index.get(labelOf(target, i)!)!;
    if (params.stratify) {
      groups = classNames.map(() => []);
      for (const i of rows) groups[classOf[i]].push(i);
    }
  }

  const random = seededRandom(params.seed);
  const [trainIdx, valIdx, testIdx] = splitIndices(rows, ratios, random, groups);

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
  const rawFeatures: RawFeature[] = [];
  const transforms: FittedTransform[] = [];
  const trainRaw = new Map<string, TableColumn>();
  for (const col of featureCols) {
    const stats = columnStats(col);
    if (stats.missing === table.rowCount) {
      warnings.push(`column '${col.name}' has no values; left out`);
      continue;
    }
    rawFeatures.push({ name: col.name, type: col.type });
    const trainCol = takeRows(col, trainIdx);
    trainRaw.set(col.name, trainCol);
    const train = columnValues(trainCol);
    if (col.type === 'text') transforms.push(tfidf.fit(col.name, train, TFIDF_DEFAULTS));
    else if (train.kind === 'category') transforms.push(onehot.fit(col.name, train, { unknown: 'ignore' }));
    else {
      const mean = moments(train.values);
      transforms.push(
        mean.n > 0
          ? impute.fit(col.name, train, { strategy: 'mean', fillValue: '0' })
          : { kind: 'impute', column: col.name, strategy: 'mean', value: 0 },
      );
    }
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

  const used = featureCols.filter((c) => rawFeatures.some((f) => f.name === c.name));
  const makeSplit = (idx: number[]): DatasetSplit => {
    const raw = used.map((c) => (idx === trainIdx ? trainRaw.get(c.name)! : takeRows(c, idx)));
    const features = assembleSplitFeatures(raw, rawFeatures, transforms, idx.length);
    let y: Int32Array | Float32Array;
    if (classOf) {
      y = new Int32Array(idx.length);
      for (let k = 0; k < idx.length; k++) y[k] = classOf[idx[k]]!;
    } else {
      const t = target.values as Float64Array;
      y = new Float32Array(idx.length);
      for (let k = 0; k < idx.length; k++) y[k] = t[idx[k]]!;
    }
    return { ...features, y, n: idx.length, raw, rowIds: Int32Array.from(idx, (i) => rowIdAt(table, i)) };
  };
  const splits: Record<string, DatasetSplit> = { train: makeSplit(trainIdx) };
  if (ratios[1] > 0) splits.validation = makeSplit(valIdx);
  if (ratios[2] > 0) splits.test = makeSplit(testIdx);
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
    fingerprint: testTable ? `${tableFingerprint(table)}+${tableFingerprint(testTable)}` : tableFingerprint(table),
  };
  if (classNames) dataset.classNames = classNames;
  else dataset.targetDim = 1;
  return { dataset, warnings };
}
