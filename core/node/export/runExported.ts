import * as ort from 'onnxruntime-node';
import type { TableColumn } from '../../common';
import { columnValues } from '../../common/transforms/features';
import { tokenize, tokenizeFromCard } from '../../common/transforms/tokenize';
import { openSession } from '../onnx/session';
import type { ExportLayout } from './preprocessGraph';
import type { VerifyRows } from './verifyRows';

export interface ExportedOutput {
  /** Probabilities or predictions, row-major. */
  values: Float32Array;
  /** ArgMax labels (classifiers). */
  labels?: number[];
  /** Class names from the `label_name` output (classifiers with known class names). */
  labelNames?: string[];
}

/**
 * The token ids of a column's raw rows computed from the export's own tokenizer card (as any caller
 * of the file would), so verification also proves the metadata is enough to feed the model.
 */
function tokenIds(card: Record<string, unknown> | undefined, column: TableColumn, n: number): BigInt64Array {
  if (!card) throw new Error(`no tokenizer settings for column ${column.name} in the export layout`);
  const t = tokenizeFromCard(card);
  const ids = tokenize.apply(t, columnValues(column, n));
  return BigInt64Array.from(ids.values as Float64Array, (v) => BigInt(v));
}

/** Feeds for an exported model from raw columns (or the feature tensor), following its layout. */
export function feedsFor(layout: ExportLayout, rows: VerifyRows): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const byName = new Map((rows.raw ?? []).map((c) => [c.name, c]));
  const col = (name: string): TableColumn => {
    const c = byName.get(name);
    if (!c) throw new Error(`no raw column ${name} to feed the exported model`);
    return c;
  };
  for (const input of layout.inputs) {
    const cols = input.columns ?? [];
    if (input.dtype === 'float64') {
      const data = new Float64Array(rows.n * cols.length);
      cols.forEach((name, j) => {
        const c = col(name);
        for (let i = 0; i < rows.n; i++) {
          const v = c.values[i];
          data[i * cols.length + j] = typeof v === 'number' ? v : v === null || v === undefined ? NaN : Number(v);
        }
      });
      feeds[input.name] = new ort.Tensor('float64', data, [rows.n, cols.length]);
    } else if (input.dtype === 'string') {
      const data: string[] = new Array<string>(rows.n * cols.length);
      cols.forEach((name, j) => {
        const c = col(name);
        for (let i = 0; i < rows.n; i++) {
          const v = c.values[i];
          data[i * cols.length + j] =
            v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v);
        }
      });
      feeds[input.name] = new ort.Tensor('string', data, [rows.n, cols.length]);
    } else if (input.dtype === 'int64') {
      feeds[input.name] = new ort.Tensor('int64', tokenIds(input.tokenizer, col(cols[0] ?? ''), rows.n), [
        rows.n,
        Number(input.shape[1]),
      ]);
    } else {
      feeds[input.name] = new ort.Tensor('float32', rows.x, [rows.n, ...input.shape.slice(1).map(Number)]);
    }
  }
  return feeds;
}

/** Runs a written export in a fresh CPU session, as any onnxruntime user would. */
export async function runExported(
  model: string | Uint8Array,
  layout: ExportLayout,
  rows: VerifyRows,
): Promise<ExportedOutput> {
  const { session } = await openSession(model, { provider: 'cpu' });
  try {
    const out = await session.run(feedsFor(layout, rows));
    const primary = out[layout.outputs[0].name];
    const label = layout.outputs[1] ? out[layout.outputs[1].name] : undefined;
    const names = layout.outputs[2]?.dtype === 'string' ? out[layout.outputs[2].name] : undefined;
    return {
      values: Float32Array.from(primary.data as Float32Array),
      ...(label ? { labels: Array.from(label.data as BigInt64Array, Number) } : {}),
      ...(names ? { labelNames: Array.from(names.data as string[]) } : {}),
    };
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const d = Math.abs(x - y);
    if (Number.isNaN(d)) return Infinity;
    m = Math.max(m, d);
  }
  return m;
}
