/**
 * Whether an int8 export pays: file size and measured onnxruntime latency (CPU, batch 1 and 256,
 * onnxruntime's default graph optimizations) of the float and int8 files, and how much the outputs
 * move between one row at a time and the whole batch (dynamic quantization's per-batch scales; 0
 * for static scales).
 */
import type { TableColumn } from '../../common';
import { medianRunMs } from '../onnx/latency';
import { openSession } from '../onnx/session';
import type { ExportLayout } from './preprocessGraph';
import { feedsFor, maxAbsDiff } from './runExported';
import type { VerifyRows } from './verifyRows';

/** Median milliseconds per run of one model at batch 1 and 256. */
export interface Latency {
  batch1Ms: number;
  batch256Ms: number;
}

/** Rows `index(0..n-1)` of `rows`, raw columns included. */
export function pickRows(rows: VerifyRows, index: (i: number) => number, n: number): VerifyRows {
  const width = rows.x.length / rows.n;
  const x = new Float32Array(n * width);
  for (let i = 0; i < n; i++) x.set(rows.x.subarray(index(i) * width, (index(i) + 1) * width), i * width);
  const raw = rows.raw?.map((c): TableColumn => {
    const values = Array.from({ length: n }, (_, i) => c.values[index(i)]);
    return c.values instanceof Float64Array
      ? ({ ...c, values: Float64Array.from(values as number[]) } as TableColumn)
      : ({ ...c, values } as TableColumn);
  });
  return { n, x, ...(raw ? { raw } : {}), source: rows.source };
}

/** Median run time of `model` on `rows` tiled to `batch` rows, after a warm-up. */
async function medianMs(
  model: Uint8Array,
  layout: ExportLayout,
  rows: VerifyRows,
  batch: number,
  runs: number,
): Promise<number> {
  const feeds = feedsFor(
    layout,
    pickRows(rows, (i) => i % rows.n, batch),
  );
  return medianRunMs(model, feeds, 3, runs);
}

/** Latency of `model` at batch 1 and 256 on one CPU thread. */
export async function measureLatency(model: Uint8Array, layout: ExportLayout, rows: VerifyRows): Promise<Latency> {
  return {
    batch1Ms: await medianMs(model, layout, rows, 1, 50),
    batch256Ms: await medianMs(model, layout, rows, 256, 15),
  };
}

/** Max |row-by-row − batched| of a model's first output over `rows` (at most 64 rows). */
export async function batchDependence(model: Uint8Array, layout: ExportLayout, rows: VerifyRows): Promise<number> {
  const n = Math.min(rows.n, 64);
  const head = pickRows(rows, (i) => i, n);
  const name = layout.outputs[0].name;
  const { session } = await openSession(model, { provider: 'cpu' });
  try {
    const batched = (await session.run(feedsFor(layout, head), [name]))[name].data as Float32Array;
    const width = batched.length / n;
    const single = new Float32Array(batched.length);
    for (let i = 0; i < n; i++) {
      const out = await session.run(
        feedsFor(
          layout,
          pickRows(head, () => i, 1),
        ),
        [name],
      );
      single.set(out[name].data as Float32Array, i * width);
    }
    return maxAbsDiff(single, batched);
  } finally {
    await session.release();
  }
}
