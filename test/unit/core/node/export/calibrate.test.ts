import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { calibrateRanges } from '../../../../../core/node/export/calibrate';

/** y = Relu(x): calibrating x and y, with y an intermediate exposed as an extra output. */
const model: ModelData = {
  irVersion: 8,
  opsets: [{ domain: '', version: 17 }],
  graph: {
    name: 'g',
    nodes: [
      { opType: 'Relu', inputs: ['x'], outputs: ['y'] },
      { opType: 'Sigmoid', inputs: ['y'], outputs: ['out'] },
    ],
    inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
    outputs: [{ name: 'out', dtype: 'float32', shape: ['N', 4] }],
    initializers: [],
  },
};

/** 10,000 values −2000.0 … 7999.0 (step 1), 4 per row, in batches of rows. */
const n = 2500;
const values = Float32Array.from({ length: n * 4 }, (_, i) => i - 2000);
const rows = {
  n,
  feeds: (s: number, e: number) => ({ x: new ort.Tensor('float32', values.slice(s * 4, e * 4), [e - s, 4]) }),
};

describe('calibrateRanges', () => {
  it('min-max: the extremes over all batches, for a graph input and an intermediate tensor, with their rank', async () => {
    const r = await calibrateRanges(model, ['x', 'y'], rows, { kind: 'minmax' });
    expect(r).toEqual({ x: { min: -2000, max: 7999, rank: 2 }, y: { min: 0, max: 7999, rank: 2 } });
  });

  it('percentile 99: cuts 0.5% of the values from each tail, to within one of 2048 bins', async () => {
    const r = await calibrateRanges(model, ['x'], rows, { kind: 'percentile', percentile: 99 });
    // 50 of 10,000 values lie below −1950 and 50 above 7949; a bin is 9999/2048 ≈ 4.9 wide.
    const bin = 9999 / 2048;
    expect(Math.abs(r.x.min - -1950)).toBeLessThanOrEqual(bin);
    expect(Math.abs(r.x.max - 7949)).toBeLessThanOrEqual(bin);
    const all = await calibrateRanges(model, ['x'], rows, { kind: 'percentile', percentile: 100 });
    expect(all.x.min).toBe(-2000);
    expect(all.x.max).toBeCloseTo(7999, 3);
  });
});
