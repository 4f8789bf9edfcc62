import type { DatasetSplit, DatasetValue, SplitDigest, TrainedOn, WindowSpec } from '../values';

/** murmur3's 32-bit finalizer: spreads a word over all 32 bits. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const hex = (a: number, b: number): string => a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');

const f32 = new Float32Array(1);
const f32Bits = new Int32Array(f32.buffer);

/**
 * Which rows a split holds, and their labels: sums of per-row hashes (two 32-bit lanes each), so the
 * digest does not depend on the rows' order (prep.shuffle) but on the set of rows. A row is its
 * source row number (`rowIds`), else its index into the shared raw columns, else its position.
 */
export function splitDigest(split: DatasetSplit): SplitDigest {
  const n = split.n;
  const width = n ? split.y.length / n : 1;
  const ints = split.y instanceof Int32Array;
  let r1 = 0;
  let r2 = 0;
  let l1 = 0;
  let l2 = 0;
  for (let k = 0; k < n; k++) {
    const id = split.rowIds?.[k] ?? split.rawRows?.[k] ?? k;
    r1 = (r1 + mix(id)) >>> 0;
    r2 = (r2 + mix(id ^ 0x9e3779b9)) >>> 0;
    let h = mix(id + 0x632be5ab);
    for (let j = 0; j < width; j++) {
      const v = split.y[k * width + j];
      let bits = v | 0;
      if (!ints) {
        f32[0] = v;
        bits = f32Bits[0];
      }
      h = mix(h ^ bits ^ Math.imul(j, 0x27d4eb2d));
    }
    l1 = (l1 + mix(h)) >>> 0;
    l2 = (l2 + mix(h ^ 0x7f4a7c15)) >>> 0;
  }
  return { n, rows: hex(r1, r2), labels: hex(l1, l2) };
}

/** What a learner node records of the dataset it was fitted on (`LearnerValue.trainedOn`). */
export function trainedOnOf(data: DatasetValue): TrainedOn {
  const fingerprint = data.fingerprint;
  return {
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    ...(data.targetName !== undefined ? { targetName: data.targetName } : {}),
    ...(data.classNames ? { classNames: [...data.classNames] } : {}),
    ...(data.targetDim !== undefined ? { targetDim: data.targetDim } : {}),
    splits: Object.fromEntries(Object.entries(data.splits).map(([name, s]) => [name, splitDigest(s)])),
    ...(data.rawFeatures ? { rawFeatures: data.rawFeatures.map((f) => ({ ...f })) } : {}),
    transforms: data.transforms.map((t) => ({ ...t })),
    ...(data.window ? { window: JSON.parse(JSON.stringify(data.window)) as WindowSpec } : {}),
  };
}
