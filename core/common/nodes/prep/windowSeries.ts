import type { DatasetSplit, DatasetValue, TableColumn, TableValue, WindowSpec } from '../../values';
import { moments } from '../../transforms/TransformModule';
import { tableFingerprint } from '../data/tableFingerprint';
import { DataError } from './DataError';
import { formatTime, timeOrder } from './seriesTime';
import { rowIdAt } from './testSplit';
import type { WindowParams } from './window';

const isNumeric = (c: TableColumn): c is Extract<TableColumn, { values: Float64Array }> =>
  !Array.isArray(c.values) && (c.type === 'number' || c.type === 'integer');

/** The period a sample's targets `[first, last]` fall in, or undefined when they straddle a boundary. */
function periodOf(first: number, last: number, validationStart: number, testStart: number): string | undefined {
  if (last < validationStart) return 'train';
  if (first >= validationStart && last < testStart) return 'validation';
  if (first >= testStart) return 'test';
  return undefined;
}

/**
 * Cuts a time-ordered table into windowed samples (prep.window). Rows are sorted by time; the
 * series of `n` rows is divided into periods [0, validationStart) train, [validationStart,
 * testStart) validation and [testStart, n) test. Sample k starts at row `k·stride`: inputs are rows
 * `s … s+lookback−1`, targets rows `s+lookback … s+lookback+horizon−1`; it belongs to the period
 * holding all its targets, so a training sample never reads a row of a later period, while a
 * validation or test window may look back into the earlier periods (the known past). With
 * `differences`, step t holds `v[t] − v[t−1]` (windows start at row 1) and targets are changes from
 * the window's last target value. Scaling is fitted on the training period's rows only.
 */
export function windowSeries(table: TableValue, params: WindowParams): { dataset: DatasetValue; warnings: string[] } {
  const warnings: string[] = [];
  const where = table.source ? `${table.source}: ` : '';
  const names = table.columns.map((c) => c.name);
  const timeName = params.time || table.columns.find((c) => c.type === 'date')?.name;
  if (!timeName)
    throw new DataError(
      `${where}no date column found; set prep.window's time param to the column that orders the rows`,
    );
  if (params.horizon < 1) throw new DataError(`horizon ${params.horizon}: forecast at least 1 step ahead`);
  if (params.lookback < 1) throw new DataError(`lookback ${params.lookback}: each window needs at least 1 step`);
  if (params.validation + params.test >= 1)
    throw new DataError('validation + test leave no training period; keep their sum below 1');

  const column = (name: string, role: string): Extract<TableColumn, { values: Float64Array }> => {
    const col = table.columns.find((c) => c.name === name);
    if (!col) throw new DataError(`${where}${role} column '${name}' not found; columns are ${names.join(', ')}`);
    if (!isNumeric(col)) {
      const values = col.values;
      const i = Array.isArray(values) ? values.findIndex((v) => v !== null) : -1;
      const example = i >= 0 ? ` (row ${rowIdAt(table, i)} holds ${JSON.stringify(values[i])})` : '';
      throw new DataError(
        `${where}${role} column '${name}' is ${col.type}, not numeric${example}; prep.window takes numbers only: ` +
          (role === 'target' ? 'choose a numeric target' : 'drop the column from values') +
          ', or fix its values in the file',
      );
    }
    return col;
  };
  const featureNames = params.values.length
    ? params.values
    : table.columns.filter((c) => c.name !== timeName && isNumeric(c)).map((c) => c.name);
  if (featureNames.includes(timeName))
    throw new DataError(`column '${timeName}' is the time column; it cannot also be a value column`);
  if (!featureNames.length)
    throw new DataError(
      `${where}no numeric value columns besides the time column '${timeName}'; columns are ${names.join(', ')}`,
    );
  if (!params.values.length) {
    const left = table.columns.filter((c) => c.name !== timeName && !isNumeric(c));
    if (left.length)
      warnings.push(`left out of the values (not numbers): ${left.map((c) => `'${c.name}' (${c.type})`).join(', ')}`);
  }
  const features = featureNames.map((f) => column(f, 'value'));
  const targetName = params.target || featureNames[featureNames.length - 1];
  if (targetName === timeName) throw new DataError(`column '${timeName}' is the time column; it cannot be the target`);
  const target = column(targetName, 'target');

  const { order, time, type, resorted, gaps } = timeOrder(table, timeName, where);
  const n = order.length;
  for (const col of [...features, ...(featureNames.includes(targetName) ? [] : [target])]) {
    for (let k = 0; k < n; k++) {
      if (col.values[order[k]] !== col.values[order[k]]) {
        throw new DataError(
          `${where}column '${col.name}' is missing at row ${rowIdAt(table, order[k])} (time ${formatTime(time[k], type)}); ` +
            'a window needs every value: fill or drop the missing rows before prep.window',
        );
      }
    }
  }
  if (gaps.count) {
    warnings.push(
      `time column '${timeName}' has ${gaps.count} gap${gaps.count > 1 ? 's' : ''} (steps longer than the usual ${gaps.usualStep}): ` +
        `${gaps.first.join('; ')}${gaps.count > gaps.first.length ? '; …' : ''}. Windows span them as if the steps were regular`,
    );
  }
  if (resorted) warnings.push(`rows were not in time order; sorted by '${timeName}'`);

  const { lookback: L, horizon: H, stride } = params;
  const nTest = Math.round(n * params.test);
  const nVal = Math.round(n * params.validation);
  const validationStart = n - nVal - nTest;
  const testStart = n - nTest;
  if (L + H > n) {
    throw new DataError(
      `${where}lookback ${L} + horizon ${H} = ${L + H} rows is longer than the series (${n} rows); shorten the lookback or the horizon`,
    );
  }
  if (L + H > validationStart) {
    throw new DataError(
      `${where}lookback ${L} + horizon ${H} = ${L + H} rows is longer than the training period (${validationStart} of ${n} rows ` +
        `after validation ${params.validation} and test ${params.test}); shorten the lookback or lower the validation and test shares`,
    );
  }

  const F = features.length;
  const D = params.differences;
  const first = D ? 1 : 0;
  if (D && L + H + 1 > validationStart) {
    throw new DataError(
      `${where}with differences, lookback ${L} + horizon ${H} needs ${L + H + 1} rows in the training period but it has ${validationStart}; ` +
        'shorten the lookback or lower the validation and test shares',
    );
  }
  const series = (col: (typeof features)[number]): Float64Array => Float64Array.from(order, (i) => col.values[i]);
  const changes = (v: Float64Array): Float64Array => Float64Array.from(v, (x, t) => (t > 0 ? x - v[t - 1] : NaN));
  const targetValues = series(target);
  const inputs = features.map((c) => (D ? changes(series(c)) : series(c)));
  const targetSteps = D ? changes(targetValues) : targetValues;
  let scaling: WindowSpec['scaling'];
  if (params.scale === 'standardize') {
    const train = (v: Float64Array): ReturnType<typeof moments> => moments(v.subarray(first, validationStart));
    const fm = inputs.map(train);
    const tm = train(targetSteps);
    scaling = { mean: fm.map((m) => m.mean), std: fm.map((m) => m.std), targetMean: tm.mean, targetStd: tm.std };
  }
  const divisor = (x: number): number => (x > 0 ? x : 1);
  const scaled = inputs.map((v, f) =>
    scaling ? Float32Array.from(v, (x) => (x - scaling.mean[f]) / divisor(scaling.std[f])) : Float32Array.from(v),
  );
  const targetAt = (end: number, h: number): number => {
    const raw = D ? targetValues[end + h] - targetValues[end] : targetValues[end + h];
    return scaling ? (raw - scaling.targetMean) / divisor(scaling.targetStd) : raw;
  };

  const starts: Record<string, number[]> = { train: [], validation: [], test: [] };
  let straddling = 0;
  for (let s = first; s + L + H <= n; s += stride) {
    const p = periodOf(s + L, s + L + H - 1, validationStart, testStart);
    if (p) starts[p].push(s);
    else straddling++;
  }
  if (straddling)
    warnings.push(
      `${straddling} windows whose ${H} targets straddle two periods were dropped (no leak across the split)`,
    );

  const makeSplit = (ss: number[]): DatasetSplit => {
    const x = new Float32Array(ss.length * L * F);
    const y = new Float32Array(ss.length * H);
    const windowEnd = new Int32Array(ss.length);
    const rowIds = new Int32Array(ss.length);
    ss.forEach((s, k) => {
      for (let t = 0; t < L; t++) for (let f = 0; f < F; f++) x[(k * L + t) * F + f] = scaled[f][s + t];
      for (let h = 0; h < H; h++) y[k * H + h] = targetAt(s + L - 1, h + 1);
      windowEnd[k] = s + L - 1;
      rowIds[k] = rowIdAt(table, order[s + L]);
    });
    return { x, y, n: ss.length, windowEnd, rowIds };
  };
  const splits: Record<string, DatasetSplit> = { train: makeSplit(starts.train) };
  const periods = { validation: [validationStart, testStart], test: [testStart, n] } as const;
  for (const name of ['validation', 'test'] as const) {
    if (params[name] <= 0) continue;
    if (starts[name].length) splits[name] = makeSplit(starts[name]);
    else {
      const [from, to] = periods[name];
      warnings.push(
        `the ${name} period (${to - from} row${to - from === 1 ? '' : 's'}) holds no window whose ${H} targets all fall in it, so the dataset has no ${name} split; give it a larger share`,
      );
    }
  }

  const window: WindowSpec = {
    timeColumn: timeName,
    timeType: type,
    features: featureNames,
    target: targetName,
    lookback: L,
    horizon: H,
    stride,
    differences: D,
    ...(scaling ? { scaling } : {}),
  };
  const dataset: DatasetValue = {
    task: 'regression',
    featureShape: [L, F],
    featureNames: Array.from({ length: L }, (_, t) =>
      featureNames.map((f) => `${f}@t${t === L - 1 ? '' : `-${L - 1 - t}`}`),
    ).flat(),
    targetName,
    targetDim: H,
    splits,
    transforms: [],
    fingerprint: tableFingerprint(table),
    window,
    series: { time, target: targetValues, validationStart, testStart },
  };
  return { dataset, warnings };
}
