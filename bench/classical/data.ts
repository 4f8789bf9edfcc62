import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../core/common/nodes/prep/random';

/** A classification split as the bench's two sides read it: raw little-endian float32 / int32 files. */
export interface BenchSplit {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

export interface BenchData {
  d: number;
  classes: number;
  train: BenchSplit;
  test: BenchSplit;
}

/** Writes `data` under `dir` (meta.json, train_x.f32, train_y.i32, test_x.f32, test_y.i32). */
export function writeBenchData(dir: string, data: BenchData): void {
  mkdirSync(dir, { recursive: true });
  const meta = { d: data.d, classes: data.classes, nTrain: data.train.n, nTest: data.test.n };
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
  for (const [name, s] of [
    ['train', data.train],
    ['test', data.test],
  ] as const) {
    writeFileSync(path.join(dir, `${name}_x.f32`), Buffer.from(s.x.buffer, s.x.byteOffset, s.x.byteLength));
    writeFileSync(path.join(dir, `${name}_y.i32`), Buffer.from(s.y.buffer, s.y.byteOffset, s.y.byteLength));
  }
}

export function readBenchData(dir: string): BenchData {
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as {
    d: number;
    classes: number;
    nTrain: number;
    nTest: number;
  };
  const split = (name: string, n: number): BenchSplit => {
    const xb = readFileSync(path.join(dir, `${name}_x.f32`));
    const yb = readFileSync(path.join(dir, `${name}_y.i32`));
    return {
      x: new Float32Array(xb.buffer.slice(xb.byteOffset, xb.byteOffset + xb.byteLength)),
      y: new Int32Array(yb.buffer.slice(yb.byteOffset, yb.byteOffset + yb.byteLength)),
      n,
    };
  };
  return { d: meta.d, classes: meta.classes, train: split('train', meta.nTrain), test: split('test', meta.nTest) };
}

/**
 * A synthetic two-class problem, `n × d` standard normal features (seeded): the label is the sign
 * of a fixed random linear score plus an interaction of the first two features and noise.
 */
export function synthetic(nTrain: number, nTest: number, d: number, seed = 2024): BenchData {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const w = Array.from({ length: d }, () => normal());
  const make = (n: number): BenchSplit => {
    const x = new Float32Array(n * d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = normal();
        x[i * d + j] = v;
        s += w[j] * v;
      }
      s += 2 * x[i * d] * x[i * d + 1] + normal();
      y[i] = s > 0 ? 1 : 0;
    }
    return { x, y, n };
  };
  return { d, classes: 2, train: make(nTrain), test: make(nTest) };
}
