import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataPreviewValue, DatasetValue } from '../../../../../core/common';
import { imagesParams } from '../../../../../core/common/nodes/data/images';
import { previewFile } from '../../../../../core/node/data/previewFile';
import { readImageFolder } from '../../../../../core/node/data/readImages';
import { imagesExecutor } from '../../../../../core/node/executors/data/images';
import { executorContext } from '../../../../fixtures/executorContext';
import { digitPixels, writeDigitFolder } from './mnistDigits';

const root = mkdtempSync(path.join(tmpdir(), 'weft-images-'));
const folder = path.join(root, 'digits');
const decode = { width: 28, height: 28, color: 'grayscale', fit: 'fill', memoryBudgetMB: 64 } as const;

const ctx = (params: Record<string, unknown>) =>
  executorContext(imagesParams.parse(params), { dir: root, nodeId: 'images' });

/** Mean absolute difference between decoded floats and the mnist package's bytes. */
function errorAgainstMnist(x: Float32Array, i: number, file: string): number {
  const [d, name] = file.split('/');
  const px = digitPixels(Number(d), parseInt(name, 10));
  let sum = 0;
  for (let k = 0; k < 784; k++) sum += Math.abs(px[k] / 255 - x[i * 784 + k]);
  return sum / 784;
}

beforeAll(async () => {
  await writeDigitFolder(folder, [0, 1, 2], 10, ['png', 'jpeg', 'webp', 'gif']);
});

describe('image folder reader (mnist digits written as PNG, JPEG, WebP and GIF)', () => {
  it('decodes every format to the digit pixels, classes from subfolder names', async () => {
    const data = await readImageFolder(folder, decode);
    expect(data.classNames).toEqual(['0', '1', '2']);
    expect(data.featureShape).toEqual([1, 28, 28]);
    expect(data.files).toHaveLength(30);
    expect(new Set(data.files.map((f) => path.extname(f)))).toEqual(new Set(['.png', '.jpg', '.webp', '.gif']));
    data.files.forEach((file, i) => {
      expect(data.classNames[data.y[i]]).toBe(file.split('/')[0]);
      const err = errorAgainstMnist(data.x, i, file);
      // PNG, lossless WebP and GIF (256 grey levels) are exact; JPEG is lossy
      expect(err).toBeLessThan(file.endsWith('.jpg') ? 0.01 : 1e-6);
    });
  });

  it('resizes and converts to RGB as NCHW', async () => {
    const data = await readImageFolder(folder, { ...decode, width: 14, height: 7, color: 'rgb' });
    expect(data.featureShape).toEqual([3, 7, 14]);
    expect(data.x).toHaveLength(30 * 3 * 7 * 14);
    const plane = 7 * 14;
    for (let p = 0; p < plane; p++) {
      // a grey source gives three equal channel planes
      expect(data.x[plane + p]).toBeCloseTo(data.x[p], 2);
      expect(data.x[2 * plane + p]).toBeCloseTo(data.x[p], 2);
    }
    const max = data.x.reduce((a, b) => Math.max(a, b), 0);
    expect(max).toBeGreaterThan(0.9);
    expect(max).toBeLessThanOrEqual(1);
  });

  it('builds a stratified, seeded classification dataset and a preview with thumbnails', async () => {
    const r = await imagesExecutor(ctx({ path: 'digits', validation: 0.2, test: 0.2, seed: 7 }));
    const ds = r.outputs.dataset as DatasetValue;
    expect(ds.task).toBe('classification');
    expect(ds.featureShape).toEqual([1, 28, 28]);
    expect(ds.classNames).toEqual(['0', '1', '2']);
    for (const [name, n] of [
      ['train', 18],
      ['validation', 6],
      ['test', 6],
    ] as const) {
      expect(ds.splits[name].n).toBe(n);
      const counts = [0, 0, 0];
      ds.splits[name].y.forEach((c) => counts[c]++);
      expect(counts).toEqual([n / 3, n / 3, n / 3]);
    }
    const again = (await imagesExecutor(ctx({ path: 'digits', validation: 0.2, test: 0.2, seed: 7 }))).outputs
      .dataset as DatasetValue;
    expect(again.splits.test.x).toEqual(ds.splits.test.x);

    const preview = r.outputs.preview as DataPreviewValue;
    expect(preview.format).toBe('images');
    expect(preview.rowCount).toBe(30);
    expect(preview.classHistogram).toEqual([
      { label: '0', count: 10 },
      { label: '1', count: 10 },
      { label: '2', count: 10 },
    ]);
    expect(preview.images).toHaveLength(12);
    const thumb = preview.images![0];
    expect(thumb.label).toBe('0');
    const png = Buffer.from(thumb.dataUrl!.replace(/^data:image\/png;base64,/, ''), 'base64');
    const meta = await sharp(png).metadata();
    expect(meta.channels).toBe(1);
    const back = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([back.info.width, back.info.height, back.info.channels]).toEqual([28, 28, 1]);
    expect(Array.from(back.data)).toEqual(Array.from(digitPixels(0, 0)));
    expect(thumb.pixels).toEqual(Array.from(digitPixels(0, 0)));
  });

  it('previews a folder for weft data inspect', async () => {
    const p = await previewFile(folder);
    expect(p.format).toBe('images');
    expect(p.sampleShape).toEqual([1, 28, 28]);
    expect(p.classHistogram?.map((c) => c.count)).toEqual([10, 10, 10]);
  });
});

describe('image folder bad input', () => {
  it('names a missing folder and the expected layout', async () => {
    await expect(readImageFolder(path.join(root, 'nope'), decode)).rejects.toThrow(
      /nope: no such folder; expected one subfolder per class/,
    );
  });

  it('refuses a folder without class subfolders', async () => {
    const flat = path.join(root, 'flat');
    mkdirSync(flat);
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .png()
      .toFile(path.join(flat, 'a.png'));
    await expect(readImageFolder(flat, decode)).rejects.toThrow(
      /flat: no class subfolders \(1 images lie directly in it\); expected one subfolder per class/,
    );
  });

  it('skips and counts corrupt images, naming them', async () => {
    const dir = path.join(root, 'corrupt');
    await writeDigitFolder(dir, [3, 4], 3);
    writeFileSync(path.join(dir, '3', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    writeFileSync(path.join(dir, '4', 'text.jpg'), 'not a jpeg');
    const logs: string[] = [];
    const r = await imagesExecutor({
      ...ctx({ path: 'corrupt', validation: 0, test: 0.34 }),
      log: (m: string) => logs.push(m),
    });
    const ds = r.outputs.dataset as DatasetValue;
    expect(ds.splits.train.n + ds.splits.test.n).toBe(6);
    expect(logs.join('\n')).toMatch(
      /2 of 8 images could not be decoded and were skipped: 3\/broken\.png, 4\/text\.jpg/,
    );
    expect(r.summary?.text).toMatch(/2 corrupt skipped/);
  });

  it('refuses a single class for a classifier', async () => {
    const dir = path.join(root, 'one');
    await writeDigitFolder(dir, [5], 3);
    await expect(imagesExecutor(ctx({ path: 'one' }))).rejects.toThrow(
      /a single class \('5'\) has images; a classifier needs at least two/,
    );
  });

  it('loads a folder above the memory budget per batch instead of refusing it', async () => {
    const logs: string[] = [];
    const c = executorContext(
      imagesParams.parse({ path: 'digits', width: 512, height: 512, color: 'rgb', memoryBudgetMB: 50 }),
      { dir: root, nodeId: 'images', log: (m) => logs.push(m) },
    );
    const r = await imagesExecutor(c);
    const ds = r.outputs.dataset as DatasetValue;
    expect(ds.featureShape).toEqual([3, 512, 512]);
    for (const s of Object.values(ds.splits)) {
      expect(s.x).toHaveLength(0);
      expect(s.lazy?.files).toHaveLength(s.n);
    }
    expect(Object.values(ds.splits).reduce((a, s) => a + s.n, 0)).toBe(30);
    expect(logs.join('\n')).toMatch(
      /30 images need 90\.0 MB as float32 tensors, above memoryBudgetMB 50: loading them per batch/,
    );
  });
});
