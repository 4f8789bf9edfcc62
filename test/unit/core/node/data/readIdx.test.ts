import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { idxParams } from '../../../../../core/common/nodes/data/idx';
import { readIdx } from '../../../../../core/node/data/readIdx';
import { previewFile } from '../../../../../core/node/data/previewFile';
import { idxExecutor } from '../../../../../core/node/executors/data/idx';
import type { DatasetValue } from '../../../../../core/common';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-idx-'));

/** Writes samples in the IDX format (big-endian header, ubyte data), as MNIST ships them. */
function idx(dims: number[], bytes: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(bytes)]);
}

describe('IDX reader (MNIST digits from the mnist package)', () => {
  const mnist = createRequire(import.meta.url)('mnist') as {
    set: (train: number, test: number) => { training: { input: number[]; output: number[] }[] };
  };
  const set = mnist.set(60, 0);
  const pixels = Uint8Array.from(set.training.flatMap((s) => s.input.map((v) => Math.round(v * 255))));
  const labels = Uint8Array.from(set.training.map((s) => s.output.indexOf(1)));
  const imgFile = path.join(dir, 'train-images-idx3-ubyte.gz');
  const lblFile = path.join(dir, 'train-labels-idx1-ubyte');
  writeFileSync(imgFile, gzipSync(idx([60, 28, 28], pixels)));
  writeFileSync(lblFile, idx([60], labels));

  it('reads gzipped and plain IDX with their shapes', async () => {
    const img = await readIdx(imgFile);
    expect(img.dims).toEqual([60, 28, 28]);
    expect(Array.from(img.data)).toEqual(Array.from(pixels));
    const lbl = await readIdx(lblFile);
    expect(Array.from(lbl.data)).toEqual(Array.from(labels));
    const p = await previewFile(lblFile);
    expect(p.rowCount).toBe(60);
    expect(p.classHistogram?.reduce((a, c) => a + c.count, 0)).toBe(60);
  });

  it('builds an NCHW classification dataset scaled to [0, 1]', async () => {
    const ctx = {
      inputs: {},
      params: idxParams.parse({ images: imgFile, labels: lblFile, validation: 0, test: 0.2 }),
      signal: new AbortController().signal,
      progress: () => {},
      log: () => {},
      epochMetrics: () => {},
      nodeId: 'idx',
      workspace: dir,
      baseDir: dir,
    };
    const ds = (await idxExecutor(ctx)).outputs.dataset as DatasetValue;
    expect(ds.featureShape).toEqual([1, 28, 28]);
    expect(ds.classNames).toEqual([...new Set(labels)].sort((a, b) => a - b).map(String));
    expect(ds.splits.train.n + ds.splits.test.n).toBe(60);
    expect(Math.max(...ds.splits.train.x)).toBeLessThanOrEqual(1);
  });

  it('rejects a truncated file and a non-IDX file', async () => {
    const bad = path.join(dir, 'bad.idx');
    writeFileSync(bad, idx([10, 28, 28], new Uint8Array(100)));
    await expect(readIdx(bad)).rejects.toThrow(
      /bad\.idx: IDX data is 100 bytes, but the header's shape \[10, 28, 28\] of ubyte needs 7840/,
    );
    const csv = path.join(dir, 'x.idx');
    writeFileSync(csv, 'a,b\n1,2\n');
    await expect(readIdx(csv)).rejects.toThrow(/not an IDX file/);
  });
});
