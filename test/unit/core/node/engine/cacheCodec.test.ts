import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, estimateBytes } from '../../../../../core/node/engine/cacheCodec';
import { DiskCache } from '../../../../../core/node/engine/DiskCache';

const join = (pieces: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(new ArrayBuffer(pieces.reduce((s, p) => s + p.byteLength, 0)));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

describe('cache entry codec', () => {
  it('round-trips large typed arrays as aligned views of one buffer, shared arrays once', () => {
    const big = Float32Array.from({ length: 100_000 }, (_, i) => i * 0.5);
    const wide = Float64Array.from({ length: 20_000 }, (_, i) => -i);
    const offsetView = new Float32Array(new ArrayBuffer(4 * 30_001), 4, 30_000).fill(7);
    const value = {
      outputs: {
        table: { columns: [big, wide, big], names: ['a', 'b', 'a'], small: new Uint8Array([1, 2, 3]) },
        view: offsetView,
        rows: [{ x: 1 }, 'two', 3],
      },
      summary: { metrics: { n: 3 } },
    };
    const pieces = encodeEntry(value);
    expect(pieces.some((p) => p.buffer === big.buffer)).toBe(true);
    const bytes = join(pieces);
    expect(bytes.byteLength).toBeLessThan(big.byteLength + wide.byteLength + offsetView.byteLength + 4096);
    const back = decodeEntry(bytes) as typeof value;
    const [a, b, a2] = back.outputs.table.columns as [Float32Array, Float64Array, Float32Array];
    expect(Array.from(a)).toEqual(Array.from(big));
    expect(Array.from(b)).toEqual(Array.from(wide));
    expect(a2).toBe(a);
    expect(a.buffer).toBe(bytes.buffer);
    expect(b.buffer).toBe(bytes.buffer);
    expect(b.byteOffset % 64).toBe(0);
    expect(Array.from(back.outputs.view)).toEqual(Array.from(offsetView));
    expect(back.outputs.table.small).toEqual(new Uint8Array([1, 2, 3]));
    expect(back.outputs.rows).toEqual([{ x: 1 }, 'two', 3]);
    expect(back.summary).toEqual({ metrics: { n: 3 } });
  });

  it('still reads entries written as plain v8.serialize', () => {
    const old = serialize({ outputs: { x: new Float32Array([1, 2]) } });
    const copy = new Uint8Array(new ArrayBuffer(old.length));
    copy.set(old);
    expect(decodeEntry(copy)).toEqual({ outputs: { x: new Float32Array([1, 2]) } });
  });

  it('estimates a result by its typed arrays and strings', () => {
    expect(estimateBytes({ a: new Float32Array(1000), b: ['xy'] })).toBeGreaterThanOrEqual(4000);
    expect(estimateBytes({ a: new Float32Array(1000), b: ['xy'] })).toBeLessThan(4100);
  });
});

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('DiskCache pruning, info and clear', () => {
  it('evicts cheap-per-byte and old entries first and keeps expensive ones', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'weft-prune-'));
    dirs.push(dir);
    const mb = (n: number) => ({ outputs: { x: new Float32Array((n * 1024 * 1024) / 4) } });
    const cache = new DiskCache(dir, { maxBytes: 2.5 * 1024 * 1024 });
    await cache.write('model', mb(1), { type: 't.model', costMs: 10, expensive: true });
    await cache.write('cheap', mb(1), { type: 't.table', costMs: 50 });
    await cache.write('slow', mb(1), { type: 't.table', costMs: 5000 });
    await cache.write('slowOld', mb(1), { type: 't.table', costMs: 5000 });
    await cache.writeSummary('sum', { metrics: { a: 1 } }, { type: 't.table', costMs: 1 });
    const old = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    for (const ext of ['bin', 'json']) await utimes(path.join(dir, `slowOld.${ext}`), old, old);
    const before = await cache.info();
    expect(before).toMatchObject({ values: 4, summaries: 1 });
    expect(before.byType['t.table']).toMatchObject({ values: 3, summaries: 1 });
    expect(before.oldest).toBeLessThan(Date.now() - 29 * 24 * 3600 * 1000);
    await cache.prune();
    const kept = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    expect(kept).toEqual(['model.json', 'slow.json', 'sum.json']);
    expect(await cache.probe('sum')).toEqual({
      type: 't.table',
      costMs: 1,
      value: false,
      summary: { metrics: { a: 1 } },
    });
    expect((await cache.read('model'))?.outputs.x).toHaveLength(256 * 1024);
    expect(await cache.clear()).toMatchObject({ entries: 3 });
    expect(await readdir(dir)).toEqual([]);
  });
});
