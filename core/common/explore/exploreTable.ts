import type { TableColumn } from '../values';
import { correlationMatrix } from './correlation';
import { columnDistribution, isNumericColumn, type ColumnDistribution } from './distribution';
import { fitPca } from './pca';

/** At most this many numeric columns go into the scatter sample, the correlation matrix and PCA. */
export const MAX_NUMERIC_COLUMNS = 64;
/** At most this many columns get a histogram. */
export const MAX_DISTRIBUTIONS = 64;
/** Colouring by class stops past this many classes. */
export const MAX_CLASSES = 20;
/** Correlations and PCA read at most this many rows (an even sample beyond). */
export const MAX_FIT_ROWS = 200_000;

/** The 2-D PCA projection of a table's numeric columns, or why there is none. */
export type PcaView =
  | {
      ok: true;
      columns: string[];
      standardized: boolean;
      explainedVarianceRatio: number[];
      explainedVariance: number[];
      components: number[][];
      /** Rows the axes were fitted on (complete rows, sampled past `MAX_FIT_ROWS`). */
      fittedRows: number;
      /** Coordinates of the sampled points (`ExploreView.points`); `null` where a value is missing. */
      x: (number | null)[];
      y: (number | null)[];
    }
  | { ok: false; reason: string };

/** Everything the studio's data views draw for one table: distributions, a point sample, correlations, PCA. */
export interface ExploreView {
  rowCount: number;
  /** The column points are coloured by, and its classes in colour order. */
  classColumn?: string;
  classes?: string[];
  distributions: ColumnDistribution[];
  /** An even sample of rows for scatter plots: numeric columns (missing → null) and each row's class. */
  points: { rows: number[]; columns: { name: string; values: (number | null)[] }[]; classIndex?: (number | null)[] };
  correlation: { columns: string[]; matrix: (number | null)[][] };
  pca: PcaView;
  warnings: string[];
}

/** `count` row numbers spread evenly over `n` rows, first row first; all rows when `n ≤ count`. */
export function evenRows(n: number, count: number): Int32Array {
  if (n <= count) return Int32Array.from({ length: n }, (_, i) => i);
  return Int32Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

function classesOf(
  col: TableColumn,
  order?: string[],
): { classes: string[]; index: (row: number) => number | null } | string {
  const text = (i: number): string | null => {
    const v = col.values[i];
    if (v === null || v === undefined || (typeof v === 'number' && v !== v)) return null;
    return col.type === 'boolean' ? (v ? 'true' : 'false') : String(v);
  };
  const seen = new Set<string>(order);
  for (let i = 0; i < col.values.length && seen.size <= MAX_CLASSES; i++) {
    const t = text(i);
    if (t !== null) seen.add(t);
  }
  if (seen.size > MAX_CLASSES) return `${col.name} has more than ${MAX_CLASSES} values: points are not coloured by it`;
  const numeric = !Array.isArray(col.values) && col.type !== 'boolean';
  const classes = order ?? [...seen].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const at = new Map(classes.map((c, k) => [c, k]));
  return { classes, index: (i) => at.get(text(i) ?? '\u0000') ?? null };
}

/**
 * The data views of a table: a distribution per column, an even sample of `maxPoints` rows of its
 * numeric columns coloured by `classColumn`, their Pearson correlations and a 2-D PCA (rows with a
 * missing value left out of the fit). The class column is left out of correlations and PCA.
 */
export function exploreTable(
  columns: TableColumn[],
  rowCount: number,
  opts: { classColumn?: string; classOrder?: string[]; maxPoints?: number; standardize?: boolean } = {},
): ExploreView {
  const warnings: string[] = [];
  const cls = opts.classColumn ? columns.find((c) => c.name === opts.classColumn) : undefined;
  const classInfo = cls ? classesOf(cls, opts.classOrder) : undefined;
  if (typeof classInfo === 'string') warnings.push(classInfo);
  const numeric = columns.filter((c) => isNumericColumn(c) && c !== cls) as Extract<
    TableColumn,
    { values: Float64Array }
  >[];
  if (numeric.length > MAX_NUMERIC_COLUMNS)
    warnings.push(
      `scatter, correlation and PCA use the first ${MAX_NUMERIC_COLUMNS} of ${numeric.length} numeric columns`,
    );
  const used = numeric.slice(0, MAX_NUMERIC_COLUMNS);
  if (columns.length > MAX_DISTRIBUTIONS)
    warnings.push(`distributions of the first ${MAX_DISTRIBUTIONS} of ${columns.length} columns`);

  const sample = evenRows(rowCount, opts.maxPoints ?? 5000);
  const fitRows = evenRows(rowCount, MAX_FIT_ROWS);
  if (fitRows.length < rowCount)
    warnings.push(`correlations and PCA from an even sample of ${fitRows.length.toLocaleString('en')} rows`);
  const fitValues = used.map((c) =>
    fitRows.length === rowCount ? c.values : Float64Array.from(fitRows, (r) => c.values[r]),
  );

  const view: ExploreView = {
    rowCount,
    distributions: columns.slice(0, MAX_DISTRIBUTIONS).map(columnDistribution),
    points: {
      rows: Array.from(sample),
      columns: used.map((c) => ({
        name: c.name,
        values: Array.from(sample, (r) => (c.values[r] === c.values[r] ? c.values[r] : null)),
      })),
    },
    correlation: { columns: used.map((c) => c.name), matrix: correlationMatrix(fitValues) },
    pca: pcaView(used, fitValues, sample, opts.standardize ?? false),
    warnings,
  };
  if (cls && typeof classInfo === 'object') {
    view.classColumn = cls.name;
    view.classes = classInfo.classes;
    view.points.classIndex = Array.from(sample, (r) => classInfo.index(r));
  }
  return view;
}

function pcaView(
  used: Extract<TableColumn, { values: Float64Array }>[],
  fitValues: ArrayLike<number>[],
  sample: Int32Array,
  standardize: boolean,
): PcaView {
  const d = used.length;
  if (d < 2) return { ok: false, reason: 'PCA needs at least 2 numeric columns besides the class' };
  const m = fitValues[0].length;
  const complete: number[] = [];
  for (let r = 0; r < m; r++) if (fitValues.every((v) => v[r] === v[r])) complete.push(r);
  if (complete.length < 2) return { ok: false, reason: 'PCA needs at least 2 rows without missing values' };
  const x = new Float64Array(complete.length * d);
  complete.forEach((r, i) => {
    for (let c = 0; c < d; c++) x[i * d + c] = fitValues[c][r];
  });
  const p = fitPca(x, complete.length, d, { components: 2, standardize });
  const xs: (number | null)[] = [];
  const ys: (number | null)[] = [];
  for (const r of sample) {
    let a = 0;
    let b = 0;
    let ok = true;
    for (let c = 0; c < d; c++) {
      const v = used[c].values[r];
      if (v !== v) ok = false;
      const z = (v - p.mean[c]) / (p.scale ? p.scale[c] : 1);
      a += z * p.components[0][c];
      b += z * (p.components[1]?.[c] ?? 0);
    }
    xs.push(ok ? a : null);
    ys.push(ok ? b : null);
  }
  return {
    ok: true,
    columns: used.map((c) => c.name),
    standardized: standardize,
    explainedVarianceRatio: p.explainedVarianceRatio,
    explainedVariance: p.explainedVariance,
    components: p.components,
    fittedRows: complete.length,
    x: xs,
    y: ys,
  };
}
