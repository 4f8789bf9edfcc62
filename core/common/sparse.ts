/**
 * Sparse feature rows in compressed sparse row (CSR) form: what a dataset split carries instead of
 * dense `x` when a fitted transform (prep.tfidf, a wide one-hot) makes most features zero. Row `i`
 * holds `values[k]` at column `indices[k]` for `k` in `indptr[i] .. indptr[i + 1]`, columns
 * increasing within a row.
 */
import { DataError } from './nodes/prep/DataError';

/** `rows × cols` float32 features, only the non-zero entries stored. */
export interface CsrRows {
  rows: number;
  cols: number;
  /** `rows + 1` offsets into `indices` and `values`. */
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** The most floats a guarded densify may allocate (256 MiB of float32). */
export const DENSE_LIMIT = 64 * 1024 * 1024;

/** Rows `start .. start + count` as dense row-major float32 (`count × cols`), written into `into` when given. */
export function densifyRows(m: CsrRows, start = 0, count = m.rows - start, into?: Float32Array): Float32Array {
  const out = into ?? new Float32Array(count * m.cols);
  if (into) out.fill(0, 0, count * m.cols);
  for (let i = 0; i < count; i++) {
    const base = i * m.cols;
    for (let k = m.indptr[start + i]; k < m.indptr[start + i + 1]; k++) out[base + m.indices[k]] = m.values[k];
  }
  return out;
}

/** Rows `rows[i]` (in that order) densified into `into`, row i at `i × cols`. */
export function densifyRowsAt(m: CsrRows, rows: ArrayLike<number>, into: Float32Array): void {
  into.fill(0, 0, rows.length * m.cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const base = i * m.cols;
    for (let k = m.indptr[r]; k < m.indptr[r + 1]; k++) into[base + m.indices[k]] = m.values[k];
  }
}

/**
 * All rows as dense float32 for a consumer that needs them, or a DataError naming `who` when that
 * would take more than `DENSE_LIMIT` floats.
 */
export function densifyGuarded(m: CsrRows, who: string): Float32Array {
  checkDenseSize(m.rows, m.cols, who);
  return densifyRows(m);
}

/** Throws the DataError of `densifyGuarded` when `rows × cols` dense floats exceed `DENSE_LIMIT`. */
export function checkDenseSize(rows: number, cols: number, who: string): void {
  const size = rows * cols;
  if (size <= DENSE_LIMIT) return;
  throw new DataError(
    `${who} needs dense features, but these ${rows} rows × ${cols} sparse features (from prep.tfidf) would take ` +
      `${Math.round((size * 4) / 2 ** 20)} MiB; use ml.logistic, ml.svm (linear kernel) or ml.naive_bayes ` +
      '(multinomial), which read sparse rows, or lower maxFeatures in prep.tfidf',
  );
}

/** A new matrix of rows `rows[i]` of `m`, in that order. */
export function takeCsrRows(m: CsrRows, rows: ArrayLike<number>): CsrRows {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) nnz += m.indptr[rows[i] + 1] - m.indptr[rows[i]];
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const a = m.indptr[rows[i]];
    const b = m.indptr[rows[i] + 1];
    indices.set(m.indices.subarray(a, b), at);
    values.set(m.values.subarray(a, b), at);
    at += b - a;
    indptr[i + 1] = at;
  }
  return { rows: rows.length, cols: m.cols, indptr, indices, values };
}
