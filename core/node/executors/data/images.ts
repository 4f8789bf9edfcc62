import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DatasetValue } from '../../../common';
import type { ImagesParams } from '../../../common/nodes/data/images';
import { tensorDataset } from '../../../common/nodes/data/tensorDataset';
import { imagesPreview } from '../../data/imagesPreview';
import { readImageFolder } from '../../data/readImages';
import { asUserError } from '../prep/asUserError';
import { resolveParamPath, UserError, type Executor } from '../Executor';

export const imagesExecutor: Executor<ImagesParams> = async (ctx) => {
  const p = ctx.params;
  if (!p.path)
    throw new UserError(`node ${ctx.nodeId}: choose an image folder (param path) with one subfolder per class`);
  const folder = resolveParamPath(ctx, p.path, 'read');
  const data = await readImageFolder(folder, p, { signal: ctx.signal, progress: (f, m) => ctx.progress(0.9 * f, m) });
  for (const w of data.warnings) ctx.log(w, 'warn');
  if (data.classNames.length < 2) {
    throw new UserError(
      `${folder}: a single class ('${data.classNames[0]}') has images; a classifier needs at least two class subfolders with images`,
    );
  }
  const split = { ratios: { validation: p.validation, test: p.test }, stratify: p.stratify, seed: p.seed };
  const lazy = data.lazy;
  let dataset: DatasetValue;
  if (!lazy) {
    dataset = asUserError(ctx.nodeId, () =>
      tensorDataset({
        x: data.x,
        y: data.y,
        classNames: data.classNames,
        featureShape: data.featureShape,
        ...split,
        fingerprint: createHash('sha256').update(data.x).digest('hex').slice(0, 16),
      }),
    );
  } else {
    ctx.log(
      `${data.files.length} images need ${((data.bytes ?? 0) / 2 ** 20).toFixed(1)} MB as float32 tensors, above memoryBudgetMB ${p.memoryBudgetMB}: loading them per batch from disk`,
    );
    // Split sample indices exactly as the eager path splits rows, then give each split its files.
    const byIndex = asUserError(ctx.nodeId, () =>
      tensorDataset({
        x: Float32Array.from(data.files, (_, i) => i),
        y: data.y,
        classNames: data.classNames,
        featureShape: [1],
        ...split,
      }),
    );
    const files = data.files.map((f) => path.join(folder, f));
    const splits = Object.fromEntries(
      Object.entries(byIndex.splits).map(([name, s]) => [
        name,
        {
          x: new Float32Array(0),
          y: s.y,
          n: s.n,
          lazy: { kind: 'images' as const, files: Array.from(s.x, (i) => files[i]), ...lazy },
        },
      ]),
    );
    const hash = createHash('sha256')
      .update(JSON.stringify({ files: data.files, ...lazy }))
      .update(data.y);
    dataset = { ...byIndex, featureShape: data.featureShape, splits, fingerprint: hash.digest('hex').slice(0, 16) };
  }
  ctx.progress(0.95, 'preview');
  const preview = await imagesPreview(data);
  const sizes = Object.entries(dataset.splits).map(([k, s]) => `${k} ${s.n}`);
  return {
    outputs: { dataset, preview },
    summary: {
      text:
        `${data.files.length} images [${data.featureShape.join(', ')}], ${data.classNames.length} classes; ${sizes.join(', ')}` +
        (data.corrupt.length ? `; ${data.corrupt.length} corrupt skipped` : '') +
        (lazy ? '; loaded per batch (above memoryBudgetMB)' : ''),
    },
  };
};
