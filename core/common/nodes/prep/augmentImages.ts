import type { DatasetSplit, DatasetValue } from '../../values';
import type { AugmentParams } from './augment';
import { DataError } from './DataError';
import { gaussian, seededRandom } from './random';

/** One image's geometric transform: output pixel (x, y) reads the source at the inverse mapping. */
export interface ImageTransform {
  /** Mirror left–right (applied to the source before rotation). */
  flip: boolean;
  /** Rotation about the image centre in radians; positive turns the picture counter-clockwise as displayed (y down). */
  angle: number;
  /** Shift in pixels (right, down). */
  dx: number;
  dy: number;
}

/**
 * Writes `transform` of the `c × h × w` image at `src[srcOff..]` to `out[outOff..]`, bilinear,
 * with `fill` outside the source. The identity and integer shifts copy values exactly.
 */
export function transformImage(
  src: Float32Array,
  srcOff: number,
  out: Float32Array,
  outOff: number,
  shape: readonly [number, number, number],
  t: ImageTransform,
  fill: number,
): void {
  const [c, h, w] = shape;
  const plane = h * w;
  if (t.angle === 0 && Number.isInteger(t.dx) && Number.isInteger(t.dy)) {
    for (let ch = 0; ch < c; ch++) {
      const sBase = srcOff + ch * plane;
      const oBase = outOff + ch * plane;
      for (let y = 0; y < h; y++) {
        const sy = y - t.dy;
        const rowOk = sy >= 0 && sy < h;
        for (let x = 0; x < w; x++) {
          let sx = x - t.dx;
          if (t.flip) sx = w - 1 - sx;
          out[oBase + y * w + x] = rowOk && sx >= 0 && sx < w ? src[sBase + sy * w + sx] : fill;
        }
      }
    }
    return;
  }
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const cos = Math.cos(t.angle);
  const sin = Math.sin(t.angle);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x - t.dx - cx;
      const v = y - t.dy - cy;
      let sx = cos * u - sin * v + cx;
      const sy = sin * u + cos * v + cy;
      if (t.flip) sx = w - 1 - sx;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const in00 = x0 >= 0 && x0 < w && y0 >= 0 && y0 < h;
      const in10 = fx > 0 && x0 + 1 >= 0 && x0 + 1 < w && y0 >= 0 && y0 < h;
      const in01 = fy > 0 && x0 >= 0 && x0 < w && y0 + 1 >= 0 && y0 + 1 < h;
      const in11 = fx > 0 && fy > 0 && x0 + 1 >= 0 && x0 + 1 < w && y0 + 1 >= 0 && y0 + 1 < h;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const k = y0 * w + x0;
      for (let ch = 0; ch < c; ch++) {
        const base = srcOff + ch * plane + k;
        let value = (in00 ? src[base] : fill) * w00;
        if (fx > 0) value += (in10 ? src[base + 1] : fill) * w10;
        if (fy > 0) value += (in01 ? src[base + w] : fill) * w01;
        if (fx > 0 && fy > 0) value += (in11 ? src[base + w + 1] : fill) * w11;
        out[outOff + ch * plane + y * w + x] = value;
      }
    }
  }
}

/**
 * Adds `copies` randomly augmented copies of every training image to the training split
 * (originals first, then copy 1 of every image, copy 2, ...). Validation and test splits are
 * passed through as they are. Values are clamped to the training images' range.
 */
export function augmentDataset(
  ds: DatasetValue,
  p: AugmentParams,
  onCopy?: (done: number, total: number) => void,
): DatasetValue {
  if (ds.featureShape.length !== 3) {
    throw new DataError(
      `image augmentation needs features [C, H, W]; this dataset has [${ds.featureShape.join(', ')}] (tabular data cannot be flipped or rotated)`,
    );
  }
  const train = ds.splits.train;
  if (!train) throw new DataError('the dataset has no train split to augment');
  const shape = ds.featureShape as [number, number, number];
  const size = shape[0] * shape[1] * shape[2];
  const n = train.n;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of train.x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (n === 0 || p.copies === 0) return ds;
  const random = seededRandom(p.seed);
  const normal = gaussian(random);
  const x = new Float32Array(n * (1 + p.copies) * size);
  x.set(train.x.subarray(0, n * size));
  const y = new (train.y.constructor as new (len: number) => Int32Array | Float32Array)(
    train.y.length * (1 + p.copies),
  );
  for (let k = 0; k <= p.copies; k++) y.set(train.y, k * train.y.length);
  const rad = (p.rotate * Math.PI) / 180;
  for (let k = 1; k <= p.copies; k++) {
    for (let i = 0; i < n; i++) {
      const t: ImageTransform = {
        flip: p.flip && random() < 0.5,
        angle: rad > 0 ? (2 * random() - 1) * rad : 0,
        dx: p.crop > 0 ? Math.floor(random() * (2 * p.crop + 1)) - p.crop : 0,
        dy: p.crop > 0 ? Math.floor(random() * (2 * p.crop + 1)) - p.crop : 0,
      };
      const off = (k * n + i) * size;
      transformImage(train.x, i * size, x, off, shape, t, lo);
      const delta = p.brightness > 0 ? (2 * random() - 1) * p.brightness : 0;
      if (delta !== 0 || p.noise > 0) {
        for (let j = off; j < off + size; j++) {
          const v = x[j] + delta + (p.noise > 0 ? p.noise * normal() : 0);
          x[j] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    }
    onCopy?.(k, p.copies);
  }
  const augmented: DatasetSplit = { x, y, n: n * (1 + p.copies) };
  return { ...ds, splits: { ...ds.splits, train: augmented } };
}
