/**
 * Runs one column through its fitted transforms twice — the app's `applyChain` and the ONNX graph
 * the modules emit, executed by onnxruntime — so each module's test can compare the two.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../../../core/common/model/graph/GraphBuilder';
import { emitFeatures } from '../../../../../core/common/transforms/features';
import type { FittedTransform } from '../../../../../core/common/transforms/registry';
import type { ColumnValues } from '../../../../../core/common/transforms/TransformModule';

/** A raw column: numbers (NaN = missing) or categories (null = missing). */
export type RawColumn = number[] | (string | null)[];

export const asValues = (raw: RawColumn): ColumnValues =>
  typeof raw.find((v) => v !== null) === 'string'
    ? { kind: 'category', values: raw as (string | null)[] }
    : { kind: 'number', values: Float64Array.from(raw as number[]) };

/** The exported graph's float64 output for one raw column, `n × width` row-major, −0 written as 0. */
export async function runOnnx(raw: RawColumn, transforms: FittedTransform[]): Promise<Float64Array> {
  const values = asValues(raw);
  const categorical = values.kind === 'category';
  const b = new GraphBuilder('float64');
  const input = b.input(categorical ? 'categorical' : 'numeric', ['batch', 1], categorical ? 'string' : 'float64');
  const x = emitFeatures(b, [{ name: 'c', type: categorical ? 'category' : 'number' }], transforms, {
    [categorical ? 'categorical' : 'numeric']: input,
  });
  b.output(x, 'features');
  const session = await ort.InferenceSession.create(b.encode('check'));
  try {
    const feed = categorical
      ? new ort.Tensor(
          'string',
          (raw as (string | null)[]).map((v) => v ?? ''),
          [raw.length, 1],
        )
      : new ort.Tensor('float64', Float64Array.from(raw as number[]), [raw.length, 1]);
    const out = await session.run({ [input.name]: feed });
    return Float64Array.from(out.features.data as Float64Array, (v) => v + 0);
  } finally {
    await session.release();
  }
}

/** The values of chain output `v` as one flat array (slots row-major), −0 written as 0. */
export function flat(v: ColumnValues): number[] {
  if (v.kind === 'category') throw new Error('the chain ends in categories');
  return Array.from(v.values, (x) => x + 0);
}
