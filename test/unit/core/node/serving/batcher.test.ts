import { rmSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { Batcher } from '../../../../../core/node/serving/batcher';
import { openVersion } from '../../../../../core/node/serving/servedVersion';
import { affine, linearModel, softmax, tempDir, writeModel } from '../onnx/onnxFiles';

const dir = tempDir('weft-batch-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rowsTensor = (rows: number[][]): ort.Tensor =>
  new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);

/** A run that doubles `x` into `y` and records the shape of every call. */
function doubling(calls: number[][], fail?: (rows: number) => boolean) {
  return async (feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> => {
    const x = feeds.x;
    calls.push([...x.dims]);
    if (fail?.(x.dims[0])) throw new Error(`no batches of ${x.dims[0]}`);
    return {
      y: new ort.Tensor(
        'float32',
        Float32Array.from(x.data as Float32Array, (v) => 2 * v),
        x.dims,
      ),
    };
  };
}

describe('Batcher', () => {
  it('stacks concurrent requests of the same shape into one call and splits the outputs back', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher(doubling(calls), { maxBatchSize: 8, maxQueueDelayMs: 5 });
    const requests = [[[1, 2]], [[3, 4]], [[5, 6]], [[7, 8]]];
    const outs = await Promise.all(requests.map((r) => batcher.submit({ x: rowsTensor(r) }, ['y'])));
    expect(calls).toEqual([[4, 2]]);
    outs.forEach((o, i) => {
      expect(o.y.dims).toEqual([1, 2]);
      expect(Array.from(o.y.data as Float32Array)).toEqual(requests[i][0].map((v) => 2 * v));
    });
  });

  it('does not mix shapes beyond the batch dimension, and caps the batch size', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher(doubling(calls), { maxBatchSize: 3, maxQueueDelayMs: 5 });
    await Promise.all([
      batcher.submit({ x: rowsTensor([[1, 2]]) }, ['y']),
      batcher.submit({ x: rowsTensor([[1, 2, 3]]) }, ['y']),
      batcher.submit({ x: rowsTensor([[1, 2]]) }, ['y']),
      batcher.submit({ x: rowsTensor([[1, 2]]) }, ['y']),
      batcher.submit({ x: rowsTensor([[1, 2]]) }, ['y']),
    ]);
    expect(calls.map((c) => c.join('x')).sort()).toEqual(['1x2', '1x3', '3x2']);
  });

  it('a failing batch fails only its own requests', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher(
      doubling(calls, (rows) => rows === 2),
      { maxBatchSize: 2, maxQueueDelayMs: 5 },
    );
    const results = await Promise.allSettled([
      batcher.submit({ x: rowsTensor([[1, 1]]) }, ['y']),
      batcher.submit({ x: rowsTensor([[2, 2]]) }, ['y']),
      batcher.submit({ x: rowsTensor([[3, 3]]) }, ['y']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'no batches of 2' });
  });

  it('refuses to split an output whose first dimension is not the batch', async () => {
    const batcher = new Batcher(async () => ({ y: new ort.Tensor('float32', new Float32Array(1), [1]) }), {
      maxBatchSize: 4,
      maxQueueDelayMs: 5,
    });
    const results = await Promise.allSettled([
      batcher.submit({ x: rowsTensor([[1]]) }, ['y']),
      batcher.submit({ x: rowsTensor([[2]]) }, ['y']),
    ]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect((results[0] as PromiseRejectedResult).reason.message).toMatch(
      /output y has first dimension 1, not the batch's 2 rows/,
    );
  });

  it('with onnxruntime: 24 concurrent requests of 1–3 rows get softmax(xW + b) each, in fewer calls', async () => {
    const W = [
      [1, -1, 0],
      [0.5, 2, -1],
    ];
    const B = [0.25, -0.5, 0];
    const file = writeModel(dir, 'clf.onnx', linearModel(W, B, { softmax: true }));
    const batches: number[] = [];
    const served = await openVersion(file, 1, {
      provider: 'cpu',
      batching: { maxBatchSize: 16, maxQueueDelayMs: 10 },
      onBatch: (rows) => batches.push(rows),
    });
    try {
      const requests = Array.from({ length: 24 }, (_, i) =>
        Array.from({ length: 1 + (i % 3) }, (_, r) => [i / 4 - 2, r - 1]),
      );
      const outs = await Promise.all(requests.map((rows) => served.run({ x: rowsTensor(rows) }, ['y'])));
      outs.forEach((o, i) => {
        const want = requests[i].flatMap((x) => softmax(affine(x, W, B)));
        expect(o.y.dims).toEqual([requests[i].length, 3]);
        want.forEach((p, k) => expect((o.y.data as Float32Array)[k]).toBeCloseTo(p, 6));
      });
      expect(batches.reduce((a, b) => a + b, 0)).toBe(48);
      expect(batches.length).toBeLessThan(24);
      expect(Math.max(...batches)).toBeLessThanOrEqual(16);
    } finally {
      await served.release();
    }
  });
});
