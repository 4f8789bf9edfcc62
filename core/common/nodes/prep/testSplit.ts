import { baseName } from '../../metrics/splitLabel';
import type { DatasetSplit, FittedTransform, RawFeature, TableColumn, TableValue } from '../../values';
import { assembleSplitFeatures } from '../../transforms/features';
import type { CsrRows } from '../../sparse';
import { DataError } from './DataError';
import { labelOf } from './tableColumns';

/** What the training table fixed that the test table must match. */
export interface TestSplitSpec {
  targetName: string;
  task: 'classification' | 'regression';
  /** The training table's feature columns, in feature order. */
  used: readonly TableColumn[];
  rawFeatures: readonly RawFeature[];
  transforms: readonly FittedTransform[];
  classNames?: readonly string[];
}

const isNumeric = (c: TableColumn): boolean => !Array.isArray(c.values);

/** Row ids of a table: its own (carried from its file through a shuffle), else 1..rowCount. */
export function rowIdAt(table: TableValue, i: number): number {
  return table.rowIds ? table.rowIds[i] : i + 1;
}

/**
 * The test split of `prep.split` from a table of its own: columns matched by name with the
 * training table, classes mapped onto the training classes, the transforms fitted on the
 * training rows applied unchanged. Rows with a missing target are dropped (counted).
 */
export function testSplit(
  test: TableValue,
  train: TableValue,
  spec: TestSplitSpec,
): { split: DatasetSplit; dropped: number } {
  const trainName = train.source ? baseName(train.source) : 'the first table';
  const testName = test.source ? baseName(test.source) : 'the test table';
  const both = `test table (${testName}) and training table (${trainName})`;
  const testNames = new Set(test.columns.map((c) => c.name));
  const trainNames = new Set(train.columns.map((c) => c.name));
  const needed = [...spec.used.map((c) => c.name), spec.targetName];
  const missing = needed.filter((n) => !testNames.has(n));
  const extra = test.columns.map((c) => c.name).filter((n) => !trainNames.has(n));
  if (missing.length || extra.length) {
    const parts = [
      ...(missing.length ? [`missing ${missing.map((n) => `'${n}'`).join(', ')}`] : []),
      ...(extra.length ? [`extra ${extra.map((n) => `'${n}'`).join(', ')}`] : []),
    ];
    throw new DataError(
      `prep.split: the ${both} have different columns: the test table has ${parts.join(' and ')}; give both files the same header`,
    );
  }
  const col = (name: string): TableColumn => test.columns.find((c) => c.name === name)!;
  for (const c of spec.used) {
    const t = col(c.name);
    if (isNumeric(c) !== isNumeric(t)) {
      throw new DataError(
        `prep.split: column '${c.name}' is ${c.type} in the training table (${trainName}) but ${t.type} in the test table (${testName})`,
      );
    }
  }
  const target = col(spec.targetName);
  const rows: number[] = [];
  for (let i = 0; i < test.rowCount; i++) if (labelOf(target, i) !== null) rows.push(i);
  let y: Int32Array | Float32Array;
  if (spec.classNames) {
    const index = new Map(spec.classNames.map((c, k) => [c, k]));
    const unseen = new Map<string, number>();
    y = Int32Array.from(rows, (i) => {
      const label = labelOf(target, i)!;
      const k = index.get(label);
      if (k === undefined) unseen.set(label, (unseen.get(label) ?? 0) + 1);
      return k ?? -1;
    });
    if (unseen.size) {
      const list = [...unseen].map(([c, n]) => `${JSON.stringify(c)} (${n} rows)`).join(', ');
      throw new DataError(
        `prep.split: target '${spec.targetName}' of the test table (${testName}) has classes the training table (${trainName}) lacks: ${list}; ` +
          `training classes are ${spec.classNames.map((c) => JSON.stringify(c)).join(', ')}`,
      );
    }
  } else {
    if (!isNumeric(target)) {
      throw new DataError(
        `prep.split: target '${spec.targetName}' is ${target.type} in the test table (${testName}); regression needs numbers`,
      );
    }
    const t = target.values as Float64Array;
    y = Float32Array.from(rows, (i) => t[i]);
  }
  const raw = spec.used.map((c) => col(c.name));
  const rawRows = Int32Array.from(rows);
  let features: { x: Float32Array; sparse?: CsrRows };
  try {
    features = assembleSplitFeatures(raw, spec.rawFeatures, spec.transforms, rows.length, rawRows);
  } catch (e) {
    throw new DataError(`prep.split: test table (${testName}): ${(e as Error).message}`);
  }
  const split: DatasetSplit = {
    ...features,
    y,
    n: rows.length,
    raw,
    rawRows,
    rowIds: Int32Array.from(rows, (i) => rowIdAt(test, i)),
    source: testName,
  };
  return { split, dropped: test.rowCount - rows.length };
}
