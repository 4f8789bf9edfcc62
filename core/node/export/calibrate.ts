/**
 * Calibration for static quantization: runs the float model on calibration rows in onnxruntime
 * with the activation tensors to quantize exposed as extra outputs, and reduces each to a range,
 * either its min and max or a central percentile of its values (onnxruntime's percentile method:
 * a 2048-bin histogram over [min, max], cutting (100 − p)/2 % from each tail).
 */
import type * as ort from 'onnxruntime-node';
import type { TensorRange } from '../../common/model/onnx/quantizeStatic';
import { encodeModelData, type ModelData, type ValueInfoData } from '../../common/model/onnx/encodeModel';
import { throwIfAborted, UserError } from '../executors/Executor';
import { openSession } from '../onnx/session';

/** How a tensor's calibrated values become its range. */
export type CalibrationMethod = { kind: 'minmax' } | { kind: 'percentile'; percentile: number };

/** Rows to calibrate on: how many, and the feeds for rows `[start, end)`. */
export interface CalibrationRows {
  n: number;
  feeds(start: number, end: number): Record<string, ort.Tensor>;
}

const BINS = 2048;
const BATCH = 256;
/** TypeProto { tensor_type { elem_type: FLOAT } }, with no shape: an output of any shape. */
const FLOAT_ANY_SHAPE = Uint8Array.of(0x0a, 0x02, 0x08, 0x01);

interface Stats {
  min: number;
  max: number;
  rank: number;
  hist?: Float64Array;
}

function exposing(model: ModelData, tensors: readonly string[]): Uint8Array {
  const have = new Set([...model.graph.outputs, ...model.graph.inputs].map((o) => o.name));
  const extra: ValueInfoData[] = tensors
    .filter((t) => !have.has(t))
    .map((name) => ({ name, dtype: 'float32', shape: [], typeProto: FLOAT_ANY_SHAPE }));
  return encodeModelData({ ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, ...extra] } });
}

async function eachBatch(
  session: ort.InferenceSession,
  rows: CalibrationRows,
  tensors: readonly string[],
  visit: (name: string, values: Float32Array, rank: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const inputs = new Set(session.inputNames);
  const fetch = tensors.filter((t) => !inputs.has(t));
  for (let start = 0; start < rows.n; start += BATCH) {
    if (signal) throwIfAborted(signal);
    const feeds = rows.feeds(start, Math.min(rows.n, start + BATCH));
    const out = fetch.length ? await session.run(feeds, fetch) : {};
    for (const t of tensors) {
      const v = inputs.has(t) ? feeds[t] : out[t];
      if (!v || v.type !== 'float32') throw new Error(`calibration: tensor ${t} is not a float32 activation`);
      visit(t, v.data as Float32Array, v.dims.length);
    }
  }
}

function nonFinite(name: string, at: number): never {
  throw new UserError(
    `quantize: calibration found ${Number.isNaN(at) ? 'NaN' : 'an infinite value'} in activation ${name}; ` +
      'fill or drop missing values before training, or quantize with calibration rows that the float model handles',
  );
}

/** The calibrated range of every tensor in `tensors` (graph inputs included), with the rank seen. */
export async function calibrateRanges(
  model: ModelData,
  tensors: readonly string[],
  rows: CalibrationRows,
  method: CalibrationMethod,
  signal?: AbortSignal,
): Promise<Record<string, TensorRange>> {
  if (rows.n < 1) throw new UserError('quantize: static quantization needs at least one calibration row');
  if (method.kind === 'percentile' && !(method.percentile > 50 && method.percentile <= 100))
    throw new UserError(`quantize: the calibration percentile must be in (50, 100], not ${method.percentile}`);
  const stats = new Map<string, Stats>(tensors.map((t) => [t, { min: Infinity, max: -Infinity, rank: 0 }]));
  const { session } = await openSession(exposing(model, tensors), { provider: 'cpu' });
  try {
    await eachBatch(
      session,
      rows,
      tensors,
      (name, values, rank) => {
        const s = stats.get(name)!;
        s.rank = rank;
        for (const v of values) {
          if (!Number.isFinite(v)) nonFinite(name, v);
          if (v < s.min) s.min = v;
          if (v > s.max) s.max = v;
        }
      },
      signal,
    );
    if (method.kind === 'percentile') {
      for (const s of stats.values()) s.hist = new Float64Array(BINS);
      await eachBatch(
        session,
        rows,
        tensors,
        (name, values) => {
          const s = stats.get(name)!;
          const width = (s.max - s.min) / BINS;
          for (const v of values) s.hist![width > 0 ? Math.min(BINS - 1, Math.floor((v - s.min) / width)) : 0]++;
        },
        signal,
      );
    }
  } finally {
    await session.release();
  }
  const out: Record<string, TensorRange> = {};
  for (const [name, s] of stats) out[name] = { ...percentileRange(s, method), rank: s.rank };
  return out;
}

function percentileRange(s: Stats, method: CalibrationMethod): { min: number; max: number } {
  if (method.kind === 'minmax' || !s.hist) return { min: s.min, max: s.max };
  const total = s.hist.reduce((a, b) => a + b, 0);
  const cut = ((100 - method.percentile) / 200) * total;
  const width = (s.max - s.min) / BINS;
  let lo = 0;
  for (let acc = 0; lo < BINS - 1 && acc + s.hist[lo] <= cut; lo++) acc += s.hist[lo];
  let hi = BINS - 1;
  for (let acc = 0; hi > 0 && acc + s.hist[hi] <= cut; hi--) acc += s.hist[hi];
  return { min: s.min + lo * width, max: s.min + (hi + 1) * width };
}
