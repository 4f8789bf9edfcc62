import type { ImageSample } from '../../common';

/** Height, width and channels of a feature shape drawn as an image, or undefined when it is not one. */
export function imageGeometry(shape: readonly number[]): { h: number; w: number; c: 1 | 3; chw: boolean } | undefined {
  if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3))
    return { c: shape[0], h: shape[1], w: shape[2], chw: true };
  if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3))
    return { h: shape[0], w: shape[1], c: shape[2], chw: false };
  if (shape.length === 2) return { h: shape[0], w: shape[1], c: 1, chw: true };
  if (shape.length === 1) {
    const side = Math.round(Math.sqrt(shape[0]));
    if (side * side === shape[0] && side > 1) return { h: side, w: side, c: 1, chw: true };
  }
  return undefined;
}

export interface GridOptions {
  /** Per-sample feature shape of each tile (see `imageGeometry`). */
  shape: readonly number[];
  /** Tiles per grid row. */
  columns: number;
  /** Each pixel drawn as a `zoom × zoom` block. @default 1 */
  zoom?: number;
  /** Caption of the grid image. */
  label?: string;
}

/**
 * Tiles `n` samples (row-major `n × prod(shape)` floats) into one image with a 1-pixel gap, and
 * encodes it as PNG with sharp. Values in [0, 1] map to 0–255 as they are; other ranges are
 * stretched from the grid's minimum to its maximum.
 */
export async function imageGrid(
  x: Float32Array,
  n: number,
  o: GridOptions,
): Promise<{ image: ImageSample; png: Buffer }> {
  const g = imageGeometry(o.shape);
  if (!g) throw new Error(`features [${o.shape.join(', ')}] are not an image`);
  const zoom = Math.max(1, Math.floor(o.zoom ?? 1));
  const cols = Math.max(1, Math.min(o.columns, n));
  const rows = Math.max(1, Math.ceil(n / cols));
  const tw = g.w * zoom;
  const th = g.h * zoom;
  const width = cols * tw + (cols - 1);
  const height = rows * th + (rows - 1);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n * g.h * g.w * g.c; i++) {
    lo = Math.min(lo, x[i]);
    hi = Math.max(hi, x[i]);
  }
  const unit = lo >= 0 && hi <= 1;
  const scale = unit ? 255 : hi > lo ? 255 / (hi - lo) : 0;
  const offset = unit ? 0 : lo;
  const out = Buffer.alloc(width * height * g.c, 255);
  const size = g.h * g.w * g.c;
  for (let s = 0; s < n; s++) {
    const x0 = (s % cols) * (tw + 1);
    const y0 = Math.floor(s / cols) * (th + 1);
    for (let yy = 0; yy < th; yy++)
      for (let xx = 0; xx < tw; xx++)
        for (let ch = 0; ch < g.c; ch++) {
          const py = Math.floor(yy / zoom);
          const px = Math.floor(xx / zoom);
          const src = g.chw ? ch * g.h * g.w + py * g.w + px : (py * g.w + px) * g.c + ch;
          const v = Math.round((x[s * size + src] - offset) * scale);
          out[((y0 + yy) * width + x0 + xx) * g.c + ch] = Math.min(255, Math.max(0, v));
        }
  }
  const sharp = (await import('sharp')).default;
  const png = await sharp(out, { raw: { width, height, channels: g.c } })
    .toColourspace(g.c === 1 ? 'b-w' : 'srgb')
    .png()
    .toBuffer();
  return {
    image: {
      width,
      height,
      channels: g.c,
      pixels: Array.from(out),
      dataUrl: `data:image/png;base64,${png.toString('base64')}`,
      ...(o.label !== undefined ? { label: o.label } : {}),
    },
    png,
  };
}

/**
 * Thumbnails for the studio's image grid: each group of `per` consecutive samples (1: each sample)
 * drawn side by side as one image at its own size, captioned by `labels`.
 */
export async function imageTiles(
  x: Float32Array,
  n: number,
  o: { shape: readonly number[]; per?: number; labels?: readonly string[] },
): Promise<ImageSample[]> {
  const per = Math.max(1, o.per ?? 1);
  const size = o.shape.reduce((a, b) => a * b, 1);
  const tiles: ImageSample[] = [];
  for (let i = 0; i < n; i += per) {
    const k = Math.min(per, n - i);
    const label = o.labels?.[i / per];
    const { image } = await imageGrid(x.subarray(i * size, (i + k) * size), k, {
      shape: o.shape,
      columns: k,
      ...(label !== undefined ? { label } : {}),
    });
    tiles.push(image);
  }
  return tiles;
}
