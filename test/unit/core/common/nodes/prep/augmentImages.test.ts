import { describe, expect, it } from 'vitest';
import type { DatasetValue } from '../../../../../../core/common';
import { tensorDataset } from '../../../../../../core/common/nodes/data/tensorDataset';
import { augmentDataset, transformImage } from '../../../../../../core/common/nodes/prep/augmentImages';
import { augmentNode, augmentParams } from '../../../../../../core/common/nodes/prep/augment';
import { augmentExecutor } from '../../../../../../core/node/executors/prep/augment';
import { executorContext } from '../../../../../fixtures/executorContext';
import { digitPixels } from '../../../../core/node/data/mnistDigits';

const off = { copies: 1, flip: false, rotate: 0, crop: 0, brightness: 0, noise: 0 };

/** 24 mnist digits (0–3) as a [1, 28, 28] dataset split 16/4/4. */
function digits(): DatasetValue {
  const n = 24;
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(
      Array.from(digitPixels(i % 4, i >> 2), (v) => v / 255),
      i * 784,
    );
    y[i] = i % 4;
  }
  return tensorDataset({
    x,
    y,
    classNames: ['0', '1', '2', '3'],
    featureShape: [1, 28, 28],
    ratios: { validation: 1 / 6, test: 1 / 6 },
    seed: 1,
  });
}

function image(ds: DatasetValue, i: number): Float32Array {
  return ds.splits.train.x.subarray(i * 784, (i + 1) * 784);
}

function mirrored(img: Float32Array): Float32Array {
  const out = new Float32Array(784);
  for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) out[r * 28 + c] = img[r * 28 + 27 - c];
  return out;
}

describe('transformImage on hand-worked 3×3 images', () => {
  const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const run = (t: Partial<{ flip: boolean; angle: number; dx: number; dy: number }>): number[] => {
    const out = new Float32Array(9);
    transformImage(src, 0, out, 0, [1, 3, 3], { flip: false, angle: 0, dx: 0, dy: 0, ...t }, 0);
    return Array.from(out, (v) => Math.round(v * 1e6) / 1e6);
  };
  it('identity, flip, shifts with zero fill, quarter turns', () => {
    expect(run({})).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(run({ flip: true })).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    expect(run({ dx: 1 })).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    expect(run({ dy: -1 })).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
    expect(run({ angle: Math.PI / 2 })).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    expect(run({ angle: Math.PI })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });
  it('interpolates bilinearly between pixels', () => {
    // a 45° turn reads the top-centre output pixel (1, 0) from source (1 + s, 1 - s), s = √½:
    // between pixels 2, 3 (row 0) and 5, 6 (row 1) with weights fx = s, fy = 1 - s
    const out = run({ angle: Math.PI / 4 });
    const s = Math.SQRT1_2;
    const f = 1 - s;
    const expected = 2 * (1 - s) * (1 - f) + 3 * s * (1 - f) + 5 * (1 - s) * f + 6 * s * f;
    expect(out[1]).toBeCloseTo(expected, 5);
    expect(out[4]).toBeCloseTo(5, 6);
  });
});

describe('prep.augment on mnist digits', () => {
  it('grows only the training split; validation and test are untouched', () => {
    const ds = digits();
    const valX = ds.splits.validation.x.slice();
    const testY = ds.splits.test.y.slice();
    const out = augmentDataset(ds, augmentParams.parse({ copies: 3, seed: 5 }));
    expect(out.splits.train.n).toBe(16 * 4);
    expect(out.splits.validation).toBe(ds.splits.validation);
    expect(out.splits.test).toBe(ds.splits.test);
    expect(out.splits.validation.x).toEqual(valX);
    expect(out.splits.test.y).toEqual(testY);
    expect(out.splits.train.x.subarray(0, 16 * 784)).toEqual(ds.splits.train.x);
    for (let k = 0; k < 4; k++)
      expect(Array.from(out.splits.train.y.subarray(16 * k, 16 * (k + 1)))).toEqual(Array.from(ds.splits.train.y));
    expect(ds.splits.train.n).toBe(16);
  });

  it('flip alone gives each copy either the image or its mirror, both seen', () => {
    const ds = digits();
    const out = augmentDataset(ds, { ...off, copies: 4, flip: true, seed: 3 });
    let flips = 0;
    for (let k = 1; k <= 4; k++) {
      for (let i = 0; i < 16; i++) {
        const a = image(out, k * 16 + i);
        const same = a.every((v, j) => v === ds.splits.train.x[i * 784 + j]);
        const mirror = mirrored(image(ds, i)).every((v, j) => v === a[j]);
        expect(same || mirror).toBe(true);
        if (!same) flips++;
      }
    }
    expect(flips).toBeGreaterThan(10);
    expect(flips).toBeLessThan(54);
  });

  it('crop shifts by at most ±crop pixels, filling with the background', () => {
    const ds = digits();
    const out = augmentDataset(ds, { ...off, copies: 1, crop: 3, seed: 9 });
    for (let i = 0; i < 16; i++) {
      const a = image(out, 16 + i);
      const src = image(ds, i);
      let found = false;
      for (let dy = -3; dy <= 3 && !found; dy++) {
        for (let dx = -3; dx <= 3 && !found; dx++) {
          let ok = true;
          for (let r = 0; r < 28 && ok; r++) {
            for (let c = 0; c < 28 && ok; c++) {
              const sr = r - dy;
              const sc = c - dx;
              const want = sr >= 0 && sr < 28 && sc >= 0 && sc < 28 ? src[sr * 28 + sc] : 0;
              ok = a[r * 28 + c] === want;
            }
          }
          found = ok;
        }
      }
      expect(found).toBe(true);
    }
  });

  it('brightness shifts every pixel by one delta within ±brightness, clamped to the train range', () => {
    const ds = digits();
    const out = augmentDataset(ds, { ...off, brightness: 0.2, seed: 4 });
    for (let i = 0; i < 16; i++) {
      const a = image(out, 16 + i);
      const src = image(ds, i);
      const deltas = new Set<number>();
      for (let j = 0; j < 784; j++)
        if (a[j] > 0 && a[j] < 1 && src[j] > 0 && src[j] < 1) deltas.add(Math.round((a[j] - src[j]) * 1e5));
      const [delta] = [...deltas];
      expect(deltas.size).toBeLessThanOrEqual(2);
      expect(Math.abs(delta / 1e5)).toBeLessThanOrEqual(0.2 + 1e-6);
      expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...a)).toBeLessThanOrEqual(1);
    }
  });

  it('gaussian noise has the requested standard deviation (away from the clamp)', () => {
    const ds = digits();
    const shifted = {
      ...ds,
      splits: { ...ds.splits, train: { ...ds.splits.train, x: ds.splits.train.x.map((v) => 0.25 + 0.5 * v) } },
    };
    const corner = {
      ...shifted,
      splits: {
        ...shifted.splits,
        train: { ...shifted.splits.train, x: shifted.splits.train.x.map((v, j) => (j === 0 ? 0 : j === 1 ? 1 : v)) },
      },
    };
    const out = augmentDataset(corner, { ...off, noise: 0.05, seed: 8 });
    let s = 0;
    let ss = 0;
    let m = 0;
    for (let j = 2; j < 16 * 784; j++) {
      const d = out.splits.train.x[16 * 784 + j] - corner.splits.train.x[j];
      s += d;
      ss += d * d;
      m++;
    }
    const mean = s / m;
    const std = Math.sqrt(ss / m - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.048);
    expect(std).toBeLessThan(0.052);
  });

  it('is seeded: same seed same images, another seed different ones', () => {
    const p = augmentParams.parse({ copies: 2, noise: 0.01 });
    const a = augmentDataset(digits(), { ...p, seed: 1 }).splits.train.x;
    const b = augmentDataset(digits(), { ...p, seed: 1 }).splits.train.x;
    const c = augmentDataset(digits(), { ...p, seed: 2 }).splits.train.x;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('refuses tabular features, naming the node', async () => {
    const ds = tensorDataset({
      x: new Float32Array(8),
      y: Int32Array.from([0, 1, 0, 1]),
      classNames: ['a', 'b'],
      featureShape: [2],
      ratios: { validation: 0, test: 0 },
      seed: 1,
    });
    const ctx = executorContext(augmentParams.parse({}), { inputs: { dataset: ds }, nodeId: 'aug' });
    await expect(augmentExecutor(ctx)).rejects.toThrow(
      /node aug: image augmentation needs features \[C, H, W\]; this dataset has \[2\]/,
    );
    const infer = (featureShape: number[]) =>
      augmentNode.inferOutputs!({
        params: augmentParams.parse({}),
        inputs: { dataset: { kind: 'Dataset', featureShape } },
      });
    expect(infer([4])).toEqual({ error: 'prep.augment needs image features [C, H, W]; the dataset has [4]' });
    expect(infer([1, 28, 28])).toEqual({ outputs: { dataset: { kind: 'Dataset', featureShape: [1, 28, 28] } } });
    const ok = await augmentExecutor({ ...ctx, inputs: { dataset: digits() } });
    expect(ok.summary?.text).toMatch(/train 16 → 32 images/);
  });
});
