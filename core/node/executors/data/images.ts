import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DatasetSplit, DatasetValue } from '../../../common';
import { splitLabel } from '../../../common/metrics/splitLabel';
import type { ImagesParams } from '../../../common/nodes/data/images';
import { tensorDataset } from '../../../common/nodes/data/tensorDataset';
import { remapTestClasses, testSplitOf, withTestSplit } from '../../../common/nodes/data/testSource';
import { imagesPreview } from '../../data/imagesPreview';
import { readImageFolder, type ImageFolder } from '../../data/readImages';
import { asUserError } from '../prep/asUserError';
import { resolveParamPath, UserError, type Executor, type ExecutorContext } from '../Executor';

function lazyNote(data: ImageFolder, budget: number, prefix = ''): string {
  return `${prefix}${data.files.length} images need ${((data.bytes ?? 0) / 2 ** 20).toFixed(1)} MB as float32 tensors, above memoryBudgetMB ${budget}: loading them per batch from disk`;
}

/** Every image of a folder as one split, in file order (lazy when the folder is above the budget). */
function allRows(data: ImageFolder, y: Int32Array): Omit<DatasetSplit, 'source' | 'rowIds'> {
  if (!data.lazy) return { x: data.x, y, n: y.length };
  const files = data.files.map((f) => path.join(data.folder, f));
  return { x: new Float32Array(0), y, n: y.length, lazy: { kind: 'images', files, ...data.lazy } };
}

function folderHash(data: ImageFolder): string {
  const hash = createHash('sha256');
  if (data.lazy) hash.update(JSON.stringify({ files: data.files, ...data.lazy })).update(data.y);
  else hash.update(data.x);
  return hash.digest('hex').slice(0, 16);
}

async function withTestFolder(
  ctx: ExecutorContext<ImagesParams>,
  dataset: DatasetValue,
  train: ImageFolder,
): Promise<DatasetValue> {
  const folder = resolveParamPath(ctx, ctx.params.testPath, 'read');
  const test = await readImageFolder(folder, ctx.params, {
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(0.6 + 0.3 * f, `test: ${m ?? ''}`),
  });
  for (const w of test.warnings) ctx.log(`test folder: ${w}`, 'warn');
  if (test.lazy) ctx.log(lazyNote(test, ctx.params.memoryBudgetMB, `test folder ${folder}: `));
  return asUserError(ctx.nodeId, () => {
    const y = remapTestClasses(train.classNames, test.classNames, test.y, { train: train.folder, test: folder });
    return withTestSplit(dataset, testSplitOf(allRows(test, y), folder), folderHash(test));
  });
}

export const imagesExecutor: Executor<ImagesParams> = async (ctx) => {
  const p = ctx.params;
  if (!p.path)
    throw new UserError(`node ${ctx.nodeId}: choose an image folder (param path) with one subfolder per class`);
  const folder = resolveParamPath(ctx, p.path, 'read');
  const share = p.testPath ? 0.6 : 0.9;
  const data = await readImageFolder(folder, p, { signal: ctx.signal, progress: (f, m) => ctx.progress(share * f, m) });
  for (const w of data.warnings) ctx.log(w, 'warn');
  if (data.classNames.length < 2) {
    throw new UserError(
      `${folder}: a single class ('${data.classNames[0]}') has images; a classifier needs at least two class subfolders with images`,
    );
  }
  const split = {
    ratios: { validation: p.validation, test: p.testPath ? 0 : p.test },
    stratify: p.stratify,
    seed: p.seed,
  };
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
        fingerprint: folderHash(data),
      }),
    );
  } else {
    ctx.log(lazyNote(data, p.memoryBudgetMB));
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
          ...(s.rowIds ? { rowIds: s.rowIds } : {}),
          lazy: { kind: 'images' as const, files: Array.from(s.x, (i) => files[i]), ...lazy },
        },
      ]),
    );
    dataset = { ...byIndex, featureShape: data.featureShape, splits, fingerprint: folderHash(data) };
  }
  if (p.testPath) dataset = await withTestFolder(ctx, dataset, data);
  ctx.progress(0.95, 'preview');
  const preview = await imagesPreview(data);
  const sizes = Object.entries(dataset.splits).map(([k, s]) => (s.source ? splitLabel(k, s) : `${k} ${s.n}`));
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
